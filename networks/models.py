from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class Visibility(models.TextChoices):
    OPEN = "open", _("open")
    ON_REQUEST = "on_request", _("on request")
    CONFIDENTIAL = "confidential", _("confidential")


class Status(models.TextChoices):
    ACTIVE = "active", _("active")
    CONTINUED = "continued", _("continued")
    DISSOLVED = "dissolved", _("dissolved")


class Network(models.Model):
    """An expert network: a self-commissioned working group around one problem."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=150)
    mandate = models.TextField(_("problem or question"), max_length=3000)
    goals = models.TextField(_("goals and expected results"), max_length=3000, blank=True)
    topics = models.ManyToManyField("accounts.Topic", verbose_name=_("topics"), blank=True,
                                    related_name="networks")
    visibility = models.CharField(_("visibility"), max_length=20, choices=Visibility,
                                  default=Visibility.OPEN)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.ACTIVE)
    founded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("founded by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    founded_at = models.DateTimeField(_("founded"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_summary = models.TextField(_("what was achieved"), max_length=5000, blank=True)
    end_results = models.TextField(_("where the results are"), max_length=3000, blank=True)
    end_reason = models.TextField(_("why there are no results"), max_length=3000, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("expert network")
        verbose_name_plural = _("expert networks")
        permissions = [("lead_network", "Can lead the network")]
        indexes = [
            # The list walks this in order and stops after a page (a scan and sort of every
            # network otherwise, measured by make bench at 5,000 networks).
            models.Index(fields=["name"], name="network_name_idx"),
            models.Index(fields=["visibility", "name"], name="network_visibility_idx"),
            models.Index(fields=["status", "name"], name="network_status_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("networks:detail", args=[self.slug])

    @property
    def is_dissolved(self) -> bool:
        return self.status == Status.DISSOLVED


class MemberRole(models.TextChoices):
    LEAD = "lead", _("lead")
    MEMBER = "member", _("member")


class MemberState(models.TextChoices):
    ACTIVE = "active", _("member")
    REQUESTED = "requested", _("asked to join")
    INVITED = "invited", _("invited")


class Membership(models.Model):
    """Who belongs to which network; the guardian grants follow it (written by services)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole,
                            default=MemberRole.MEMBER)
    state = models.CharField(_("state"), max_length=10, choices=MemberState,
                             default=MemberState.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint("network", "user", name="membership_unique")]
        indexes = [models.Index(fields=["user", "state"], name="membership_user_idx")]

    def __str__(self):
        return f"{self.user} – {self.network} ({self.state}, {self.role})"


class TaskState(models.TextChoices):
    OPEN = "open", _("open")
    DOING = "doing", _("in progress")
    DONE = "done", _("done")


class Task(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"),
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="network_tasks")
    due = models.DateField(_("due"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=TaskState,
                             default=TaskState.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["state", "due", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["assignee", "state"], name="task_assignee_idx")]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return bool(self.due and self.state != TaskState.DONE
                    and self.due < timezone.localdate())


class Document(models.Model):
    """A working document of a network; each upload of it is a new version."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("networks:document", args=[self.network.slug, self.pk])


def version_path(instance, filename):
    # Never a public media URL: files live under a private folder and go out through a view.
    return f"private/networks/{instance.document.network_id}/{instance.document_id}/{filename}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Read once by the worker after upload; the newest version's text is what search finds.
    text = models.TextField(blank=True, editable=False)
    # When the text was read; unread files are swept up (intranet.core.tasks.sweep_file_texts).
    text_extracted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint("document", "number",
                                               name="document_version_unique")]

    def __str__(self):
        return f"{self.document} v{self.number}"


class NetworkUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key grants: who belongs to (view_network) or leads (lead_network)."""

    content_object = models.ForeignKey(Network, on_delete=models.CASCADE)


class NetworkGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Network, on_delete=models.CASCADE)


class IdeaStatus(models.TextChoices):
    OPEN = "open", _("open")
    CONVERTED = "converted", _("became a network")
    ARCHIVED = "archived", _("archived")


class NetworkIdea(models.Model):
    """A problem worth a network (idea → team → working group): anyone proposes one,
    colleagues mark interest, a coordinator turns it into a network."""

    question = models.CharField(_("the question"), max_length=200)
    why = models.TextField(_("why it matters"), max_length=3000)
    cities = models.ManyToManyField("accounts.Organisation", verbose_name=_("cities facing it"),
                                    blank=True, related_name="network_ideas")
    topics = models.ManyToManyField("accounts.Topic", verbose_name=_("topics"), blank=True,
                                    related_name="network_ideas")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=IdeaStatus,
                              default=IdeaStatus.OPEN)
    network = models.ForeignKey(Network, verbose_name=_("network"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="ideas")

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        verbose_name = _("network idea")
        verbose_name_plural = _("network ideas")
        indexes = [models.Index(fields=["status", "-last_activity_at"], name="idea_status_idx")]

    def __str__(self):
        return self.question


class IdeaInterest(models.Model):
    """"Ich mache mit": the person would join a network on this idea."""

    idea = models.ForeignKey(NetworkIdea, on_delete=models.CASCADE, related_name="interests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="idea_interests")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("idea", "user", name="idea_interest_unique")]

    def __str__(self):
        return f"{self.user} – {self.idea}"


class IdeaComment(models.Model):
    idea = models.ForeignKey(NetworkIdea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    body = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]
