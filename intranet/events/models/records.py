"""What a meeting leaves behind: its agenda (with slides and, for the department-heads
meeting, the proposals that rise from the cities), the minutes, the decisions
(Beschlüsse) and the follow-up tasks that carry them out.

``EventTask`` is the one generic follow-up task of events: of a decision, of a meeting, or
a step of an Expertenforum edition's plan (with an owner and a due date).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from networks.models import TaskState

from .event import Event


class AgendaStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("state of an agenda proposal", "proposed")
    ACCEPTED = "accepted", _("accepted")
    DEFERRED = "deferred", _("deferred")
    DECLINED = "declined", _("declined")


class AgendaItem(models.Model):
    """One point of a meeting's agenda. Organisers' items are accepted at once; proposals
    (the department-heads meeting) wait for the organisers, who accept or defer them; a
    deferred proposal can be carried to the next meeting (``carried_from``)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(_("position"), default=0)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    duration = models.PositiveSmallIntegerField(_("duration in minutes"), null=True,
                                                blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    presenters = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("presenters"),
                                        blank=True, related_name="presented_agenda_items")
    presenter_names = models.CharField(_("other presenters"), max_length=200, blank=True,
                                       help_text=_("Names of presenters without an account."))
    status = models.CharField(_("status"), max_length=10, choices=AgendaStatus,
                              default=AgendaStatus.ACCEPTED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="proposed_agenda_items")
    reason = models.TextField(_("reason"), max_length=3000, blank=True,
                              help_text=_("Why the meeting should discuss this."))
    status_note = models.TextField(_("note on the decision"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.OneToOneField(
        "self", verbose_name=_("carried over from"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="carried_to")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        indexes = [models.Index(fields=["event", "status", "position"],
                                name="agenda_event_idx")]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.duration is not None and not 1 <= self.duration <= 24 * 60:
            errors["duration"] = _("Give the duration in minutes, at most a day.")
        event = self.event if self.event_id else None
        if event is not None and self.starts_at is not None and not (
                event.start <= self.starts_at < event.end):
            errors["starts_at"] = _("The item must start while the meeting runs.")
        if errors:
            raise ValidationError(errors)

    @property
    def ends_at(self):
        if self.starts_at is None or self.duration is None:
            return None
        return self.starts_at + timedelta(minutes=self.duration)


def slide_path(instance, filename):
    # Never a public media URL: files live under a private folder and go out through a view.
    return (f"private/events/{instance.item.event_id}/{instance.item_id}/"
            f"{uuid.uuid4().hex}/{filename}")


class AgendaSlide(models.Model):
    """A file presented at an agenda item: the upload rules of network documents,
    downloads checked per event."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="slides")
    file = models.FileField(upload_to=slide_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("slides")
        verbose_name_plural = _("slides")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("events:slide_download", args=[self.item.event_id, self.pk])


class Minutes(models.Model):
    """The short protocol of a meeting, in Markdown; and where its documentation went in
    the library, once published."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"), max_length=50000, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("last edited by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(_("last edited"), null=True, blank=True)
    library_page = models.ForeignKey("knowledge.LibraryPage", verbose_name=_("in the library"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return str(self.event)


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("open")
    DOING = "doing", _("in progress")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


CLOSED_DECISION_STATUSES = (DecisionStatus.DONE, DecisionStatus.DROPPED)


class Decision(models.Model):
    """A decision (Beschluss) of a meeting, numbered per meeting and tracked until it is
    done or dropped, across the years."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), null=True,
                                    blank=True, on_delete=models.SET_NULL,
                                    related_name="decisions")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("wording"), max_length=5000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DecisionStatus,
                              default=DecisionStatus.OPEN)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [models.UniqueConstraint("event", "number",
                                               name="decision_number_unique")]
        indexes = [models.Index(fields=["status"], name="decision_status_idx")]

    def __str__(self):
        return self.title

    @property
    def reference(self) -> str:
        """"2025/3": the meeting's year and the decision's number."""
        return f"{timezone.localtime(self.event.start).year}/{self.number}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_DECISION_STATUSES


class EventTask(models.Model):
    """A follow-up task with an owner and a due date: of a decision (and its meeting), of a
    meeting alone, or a step of an Expertenforum edition's plan (``step`` names it)."""

    event = models.ForeignKey(Event, verbose_name=_("event"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="tasks")
    decision = models.ForeignKey(Decision, verbose_name=_("decision"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="tasks")
    forum_edition = models.ForeignKey("events.ForumEdition", verbose_name=_("Expertenforum"),
                                      null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="tasks")
    step = models.CharField(_("planning step"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"),
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="event_tasks")
    due = models.DateField(_("due"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=TaskState,
                             default=TaskState.OPEN)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["state", "due", "pk"]
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        indexes = [models.Index(fields=["assignee", "state"], name="event_task_assignee_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event__isnull=False) | models.Q(forum_edition__isnull=False),
                name="event_task_has_a_home"),
            # A forum's plan has each standard step once: planning again adds none twice.
            models.UniqueConstraint(
                fields=["forum_edition", "step"], condition=~models.Q(step=""),
                name="event_task_one_step_per_forum"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.event_id is None and self.forum_edition_id is None:
            raise ValidationError(_("A task belongs to a meeting or an Expertenforum."))
        if self.decision_id and self.event_id and self.decision.event_id != self.event_id:
            raise ValidationError({"decision": _("The decision belongs to another meeting.")})

    @property
    def is_overdue(self) -> bool:
        return bool(self.due and self.state != TaskState.DONE
                    and self.due < timezone.localdate())
