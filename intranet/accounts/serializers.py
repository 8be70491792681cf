from rest_framework import serializers

from .models import Organisation, Topic, User


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name"]


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind"]


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name"]


class PersonSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(allow_null=True)
    topics = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta:
        model = User
        fields = ["id", "name", "organisation", "position", "topics"]


class MeSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(allow_null=True)
    topics = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "name", "organisation", "roles", "topics", "feed_token"]

    def get_roles(self, user) -> list[str]:
        return sorted(user.roles)
