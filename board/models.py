import uuid

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
    # The newest comment (or the post itself): what "unread" is measured against.
    last_activity_at = models.DateTimeField(default=timezone.now)
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
        indexes = [
            # The board reads the newest first straight from here; pins and the archive
            # have small partial indexes of their own (make bench: a million posts). No
            # index on audience: SQLite took it for the board's OR and then sorted all.
            models.Index(fields=["-created_at", "-id"], name="post_newest_idx"),
            models.Index(fields=["-created_at"], name="post_pinned_idx",
                         condition=models.Q(is_pinned=True)),
            models.Index(fields=["-expires_at", "-id"], name="post_archive_idx",
                         condition=models.Q(expires_at__isnull=False)),
        ]
        constraints = [models.CheckConstraint(
            condition=~models.Q(audience="network") | models.Q(network__isnull=False),
            name="post_network_audience_has_network")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("board:detail", args=[self.pk])

    @property
    def pinned_now(self) -> bool:
        """Pinned, and the pin has not run out (whether or not beat has cleared it yet)."""
        return self.is_pinned and (self.pinned_until is None
                                   or self.pinned_until > timezone.now())


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


def attachment_path(instance, filename):
    # Never a public media URL: files live under a private folder and go out through a view.
    return f"private/board/{instance.post_id}/{uuid.uuid4().hex}/{filename}"


class Attachment(models.Model):
    """A file on a post: the upload rules of network documents, downloads checked per post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Read once by the worker after upload, so search finds the post by its files' words.
    text = models.TextField(blank=True, editable=False)
    # When the text was read; unread files are swept up (intranet.core.tasks.sweep_file_texts).
    text_extracted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class PostRead(models.Model):
    """When a person last read a post; newer activity makes it unread again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint("user", "post", name="post_read_unique")]

    def __str__(self):
        return f"{self.user_id} read {self.post_id}"


class PostFollow(models.Model):
    """Following a post: its new comments reach the person as notifications."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("user", "post", name="post_follow_unique")]

    def __str__(self):
        return f"{self.user_id} follows {self.post_id}"


class PostEvent(models.Model):
    """The outbox of the board (DESIGN §5): written in the transaction of the post or
    comment; a task works out who hears of it and writes their notifications, once."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    mentioned = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # An edit tells only the people newly mentioned; the post's readers heard of it before.
    mentions_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["fanned_out_at"], name="post_event_pending_idx")]

    def __str__(self):
        return f"post {self.post_id}, comment {self.comment_id}"
