"""Posts and comments of API.md, through the same selectors and permissions as the pages."""

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, parsers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet.core.api import Pagination
from intranet.core.downloads import private_file_response
from intranet.core.paging import CappedPaginator
from networks.permissions import access_network

from . import permissions, selectors, services
from .models import Audience, Category, Post
from .serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CommentSerializer,
    CommentWriteSerializer,
    PostDetailSerializer,
    PostPatchSerializer,
    PostSerializer,
    PostWriteSerializer,
)


class PostFilter(django_filters.FilterSet):
    network = django_filters.CharFilter(method="noop", max_length=80)
    category = django_filters.ChoiceFilter(choices=Category.choices, method="noop")
    topic = django_filters.CharFilter(method="noop", max_length=60)
    organisation = django_filters.CharFilter(method="noop", max_length=60)

    def noop(self, queryset, name, value):
        return queryset  # the selector applies the filters; this class validates and documents


class PostPagination(Pagination):
    """``count`` stops at 1,001 ("more than 1,000"): an exact count reads every post."""

    django_paginator_class = CappedPaginator


class PostListView(generics.ListCreateAPIView):
    access_rule = "login: board_visible_to (post_list_visible_to)"
    serializer_class = PostSerializer
    pagination_class = PostPagination
    filterset_class = PostFilter
    queryset = Post.objects.none()  # for the schema; get_queryset reads the selector

    def get_queryset(self):
        params = self.request.query_params
        # Checked before the lookups below: a value the database cannot hold (a NUL on
        # PostgreSQL) is the caller's 400, not a 500.
        filters = PostFilter(params, queryset=Post.objects.none())
        if not filters.is_valid():
            raise translate_validation(filters.errors)
        network = None
        if params.get("network"):
            network = access_network(self.request.user, params["network"])
        return selectors.board_visible_to(
            user=self.request.user, category=params.get("category", ""),
            topic=params.get("topic", ""), organisation=params.get("organisation", ""),
            network=network)

    def paginate_queryset(self, queryset):
        return super().paginate_queryset(selectors.PinnedFirst(queryset))

    @extend_schema(request=PostWriteSerializer, responses={201: PostSerializer})
    def post(self, request):
        data = PostWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        slug = fields.pop("network", None)
        cities = fields.pop("cities", [])
        if slug:
            fields.update(audience=Audience.NETWORK, network=access_network(request.user, slug))
        elif cities:
            fields.update(audience=Audience.CITIES, cities=cities)
        post = services.post_create(author=request.user, **fields)
        return Response(PostSerializer(post).data, status=status.HTTP_201_CREATED)


class PostDetailView(APIView):
    access_rule = "login: access_post; PATCH can_edit_post, DELETE can_delete_post"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    @extend_schema(responses=PostDetailSerializer)
    def get(self, request, pk):
        post = permissions.access_post(request.user, pk)
        return Response(PostDetailSerializer(post, context={"request": request}).data)

    @extend_schema(request=PostPatchSerializer, responses=PostSerializer)
    def patch(self, request, pk):
        post = permissions.access_post(request.user, pk)
        if not permissions.can_edit_post(request.user, post):
            raise PermissionDenied
        data = PostPatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        topics = fields.pop("topics", None)
        post = services.post_update(post=post, actor=request.user, topics=topics, **fields)
        return Response(PostSerializer(post).data)

    @extend_schema(responses={204: OpenApiResponse(description="Deleted.")})
    def delete(self, request, pk):
        post = permissions.access_post(request.user, pk)
        services.post_delete(post=post, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentListView(generics.ListCreateAPIView):
    access_rule = "login: access_post; POST can_comment"
    serializer_class = CommentSerializer
    queryset = Post.objects.none()  # for the schema

    def get_queryset(self):
        post = permissions.access_post(self.request.user, self.kwargs["pk"])
        return selectors.comments_of(post=post)

    @extend_schema(request=CommentWriteSerializer, responses={201: CommentSerializer})
    def post(self, request, pk):
        post = permissions.access_post(request.user, pk)
        data = CommentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent = None
        if data.validated_data.get("parent"):
            parent = selectors.comments_of(post=post).filter(
                pk=data.validated_data["parent"]).first()
            if parent is None:
                raise ValidationError({"parent": _("A reply belongs to the same post.")})
        comment = services.comment_create(post=post, author=request.user,
                                          body=data.validated_data["body"], parent=parent)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    access_rule = "login: access_post; DELETE can_remove_comment"
    http_method_names = ["delete", "options"]

    @extend_schema(responses={204: OpenApiResponse(description="Removed.")})
    def delete(self, request, pk, comment_pk):
        _post, comment = permissions.access_comment(request.user, pk, comment_pk)
        services.comment_remove(comment=comment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentListView(generics.ListCreateAPIView):
    access_rule = "login: access_post; POST can_edit_post (the author)"
    serializer_class = AttachmentSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    pagination_class = None  # at most ten files a post
    queryset = Post.objects.none()  # for the schema

    def get_queryset(self):
        post = permissions.access_post(self.request.user, self.kwargs["pk"])
        return selectors.attachments_of(post=post)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer,
                              413: OpenApiResponse(description="The file is too large.")})
    def post(self, request, pk):
        post = permissions.access_post(request.user, pk)
        if not permissions.can_edit_post(request.user, post):
            raise PermissionDenied
        data = AttachmentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(post=post, actor=request.user,
                                             upload=data.validated_data["file"])
        return Response(AttachmentSerializer(attachment, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class AttachmentDetailView(APIView):
    """The file itself (for API clients with a token), and removing it for the author."""

    access_rule = "login: access_post; the file belongs to it; DELETE can_edit_post"
    http_method_names = ["get", "delete", "head", "options"]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(
        description="The file, as a download.")})
    def get(self, request, pk, attachment_pk):
        _post, attachment = permissions.access_attachment(request.user, pk, attachment_pk)
        return private_file_response(attachment.file, filename=attachment.original_name,
                                     content_type=attachment.content_type)

    @extend_schema(responses={204: OpenApiResponse(description="Removed.")})
    def delete(self, request, pk, attachment_pk):
        _post, attachment = permissions.access_attachment(request.user, pk, attachment_pk)
        services.attachment_delete(attachment=attachment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
