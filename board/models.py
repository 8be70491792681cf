from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("announcement")
    REQUEST = "request", _("request")
    OFFER = "offer", _("offer")
    EVENT = "event", _("event")
    FUNDING = "funding", _("funding call")
    JOB = "job", _("job")
    RESULT = "result", _("result")


class Audience(models.TextChoices):
    PLATFORM = "platform", _("the whole platform")
    NETWORK = "network", _("one network")
    CITIES = "cities", _("selected cities")


class Post(models.Model):
    """A notice on the board. ``body_html`` is rendered and sanitised when written."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20000)
    body_html = models.TextField(editable=False)
    category = models.CharField(_("category"), max_length=20, choices=Category)
    topics = models.ManyToManyField("accounts.Topic", verbose_name=_("topics"), blank=True,
                                    related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="posts")
    # The author's city when writing: the board shows it even if they move on.
    author_organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    audience = models.CharField(_("audience"), max_length=10, choices=Audience,
                                default=Audience.PLATFORM)
    network = models.ForeignKey("networks.Network", verbose_name=_("network"), null=True,
                                blank=True, on_delete=models.CASCADE, related_name="posts")
    cities = models.ManyToManyField("accounts.Organisation", verbose_name=_("cities"),
                                    blank=True, related_name="addressed_posts")
    created_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    pinned_until = models.DateTimeField(_("pinned until"), null=True, blank=True)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    hidden_at = models.DateTimeField(_("hidden by moderation"), null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["audience", "-created_at"], name="post_board_idx")]
        constraints = [models.CheckConstraint(
            condition=~models.Q(audience="network") | models.Q(network__isnull=False),
            name="post_network_audience_has_network")]

    def __str__(self):
        return self.title


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    body = models.TextField(_("comment"), max_length=5000)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return self.body[:60]
