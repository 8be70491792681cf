from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from intranet.accounts.models import Organisation, Topic
from intranet.accounts.serializers import OrganisationRefSerializer
from intranet.core.api import BoundedDateTimeField

from .models import Attachment, Category, Comment, Post


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organisation = OrganisationRefSerializer(allow_null=True)


class PostSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(allow_null=True)
    topics = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    # A post to the platform or to cities has no network: the schema says null may come.
    network = serializers.SlugRelatedField(read_only=True, slug_field="slug", allow_null=True)
    pinned = serializers.SerializerMethodField()
    edited = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "title", "body", "body_html", "category", "audience", "network",
                  "topics", "author", "created_at", "edited", "expires_at", "pinned"]

    def get_pinned(self, post) -> bool:
        return post.pinned_now

    def get_edited(self, post) -> bool:
        return post.edited_at is not None


class PostWriteSerializer(serializers.Serializer):
    """What a client may send; everything else (author, audience by itself, pins) is not."""

    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    category = serializers.ChoiceField(choices=Category.choices)
    network = serializers.SlugField(required=False, allow_null=True, max_length=80)
    cities = serializers.SlugRelatedField(many=True, required=False, slug_field="slug",
                                          queryset=Organisation.objects.all())
    topics = serializers.SlugRelatedField(many=True, required=False, slug_field="slug",
                                          queryset=Topic.objects.all())
    expires_at = BoundedDateTimeField(required=False, allow_null=True)


class PostPatchSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(max_length=20000, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    topics = serializers.SlugRelatedField(many=True, required=False, slug_field="slug",
                                          queryset=Topic.objects.all())
    expires_at = BoundedDateTimeField(required=False, allow_null=True)


class CommentSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(allow_null=True)
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Comment
        fields = ["id", "body", "body_html", "author", "parent", "created_at"]


class CommentWriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
    parent = serializers.IntegerField(required=False, allow_null=True,
                                      help_text=_("The comment this one answers."))


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "url"]

    def get_url(self, attachment) -> str:
        from django.urls import reverse

        path = reverse("api_post_attachment", args=[attachment.post_id, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class PostDetailSerializer(PostSerializer):
    """One post: with its files (the list leaves them out to stay one query)."""

    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(PostSerializer.Meta):
        fields = [*PostSerializer.Meta.fields, "attachments"]
