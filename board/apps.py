from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "board"
    verbose_name = _("Notice board")

    def ready(self):
        from intranet.core.models import register_audit_actions, register_audit_hider

        from .selectors import posts_hidden_from

        register_audit_hider("board.post", posts_hidden_from)
        _keep_the_index_in_step()
        register_audit_actions({
            "post.create": _("Post published"),
            "post.update": _("Post edited"),
            "post.delete": _("Post deleted"),
            "post.hide": _("Post hidden by moderation"),
            "post.restore": _("Post restored by moderation"),
            "post.pin": _("Post pinned"),
            "post.unpin": _("Post unpinned"),
            "post.attachment_add": _("File added to a post"),
            "post.attachment_delete": _("File removed from a post"),
            "comment.remove": _("Comment removed"),
        })


def _keep_the_index_in_step() -> None:
    from django.db.models.signals import post_delete, post_save

    from intranet.core.search import reindex_after_commit

    from .models import Comment, Post

    def post_changed(sender, instance, **kwargs):
        reindex_after_commit(instance)

    def comment_changed(sender, instance, **kwargs):
        reindex_after_commit(instance.post)  # comments are found through their post

    post_save.connect(post_changed, sender=Post, weak=False, dispatch_uid="search.post")
    post_delete.connect(post_changed, sender=Post, weak=False,
                        dispatch_uid="search.post_delete")
    post_save.connect(comment_changed, sender=Comment, weak=False,
                      dispatch_uid="search.comment")
