from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "board"
    verbose_name = _("Notice board")

    def ready(self):
        from intranet.core.models import register_audit_actions, register_audit_hider

        from .selectors import posts_hidden_from

        register_audit_hider("board.post", posts_hidden_from)
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
