from django.urls import path

from . import api

urlpatterns = [
    path("posts/", api.PostListView.as_view(), name="api_posts"),
    path("posts/<int:pk>/", api.PostDetailView.as_view(), name="api_post"),
    path("posts/<int:pk>/comments/", api.CommentListView.as_view(), name="api_post_comments"),
    path("posts/<int:pk>/comments/<int:comment_pk>/", api.CommentDetailView.as_view(),
         name="api_post_comment"),
    path("posts/<int:pk>/attachments/", api.AttachmentListView.as_view(),
         name="api_post_attachments"),
    path("posts/<int:pk>/attachments/<int:attachment_pk>/", api.AttachmentDetailView.as_view(),
         name="api_post_attachment"),
]
