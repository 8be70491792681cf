"""The Expertenforum's open space: participants propose sessions on their own questions
(Anliegen), others mark interest, the organisers place the sessions into rooms × time
slots, and after the forum each session gets its results."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forum import ForumEdition


def forum_has_begun(edition: ForumEdition, today: datetime.date | None = None) -> bool:
    """Whether the edition's first day has come (without dates: its year has)."""
    today = today or timezone.localdate()
    if edition.start_date is not None:
        return edition.start_date <= today
    return edition.year <= today.year


def forum_is_over(edition: ForumEdition, today: datetime.date | None = None) -> bool:
    """Whether the edition's last day has passed (without dates: its year has)."""
    today = today or timezone.localdate()
    last = edition.end_date or edition.start_date
    if last is not None:
        return last < today
    return edition.year < today.year


class OpenSpaceRoom(models.Model):
    """A room of the edition's venue in which sessions take place."""

    edition = models.ForeignKey(ForumEdition, on_delete=models.CASCADE,
                                related_name="open_space_rooms")
    name = models.CharField(_("room"), max_length=100)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("open space room")
        verbose_name_plural = _("open space rooms")
        constraints = [models.UniqueConstraint("edition", "name",
                                               name="open_space_room_name_unique")]

    def __str__(self):
        return self.name


class OpenSpaceSlot(models.Model):
    """A time slot of the edition in which sessions run side by side."""

    edition = models.ForeignKey(ForumEdition, on_delete=models.CASCADE,
                                related_name="open_space_slots")
    starts_at = models.DateTimeField(_("begins"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("open space time slot")
        verbose_name_plural = _("open space time slots")
        constraints = [
            models.UniqueConstraint("edition", "starts_at", name="open_space_slot_start_unique"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="open_space_slot_ends_after_start"),
        ]

    def __str__(self):
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The slot must end after it begins.")})


class OpenSpaceSession(models.Model):
    """A session proposal (an Anliegen) and, once placed into a room and a slot, a session
    of the programme. ``results_html`` is rendered and sanitised when written."""

    edition = models.ForeignKey(ForumEdition, on_delete=models.CASCADE,
                                related_name="open_space_sessions")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("question or concern"), max_length=5000, blank=True)
    host = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("hosted by"),
                             on_delete=models.PROTECT, related_name="hosted_open_space_sessions")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    room = models.ForeignKey(OpenSpaceRoom, verbose_name=_("room"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="sessions")
    slot = models.ForeignKey(OpenSpaceSlot, verbose_name=_("time slot"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="sessions")
    results = models.TextField(_("results"), max_length=20000, blank=True)
    results_html = models.TextField(editable=False, blank=True)
    results_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    results_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("open space session")
        verbose_name_plural = _("open space sessions")
        constraints = [
            # Placed means a room and a slot; a double booking is warned of, not refused.
            models.CheckConstraint(
                condition=models.Q(room__isnull=True, slot__isnull=True)
                | models.Q(room__isnull=False, slot__isnull=False),
                name="open_space_session_room_and_slot"),
        ]
        indexes = [models.Index(fields=["edition", "slot"], name="open_space_session_slot_idx")]

    def __str__(self):
        return self.title

    @property
    def is_scheduled(self) -> bool:
        return self.slot_id is not None

    def clean(self):
        errors = {}
        if (self.room_id is None) != (self.slot_id is None):
            errors["room" if self.room_id is None else "slot"] = _(
                "Choose both a room and a time slot.")
        if self.room_id and self.room.edition_id != self.edition_id:
            errors["room"] = _("Choose a room of this edition.")
        if self.slot_id and self.slot.edition_id != self.edition_id:
            errors["slot"] = _("Choose a time slot of this edition.")
        if errors:
            raise ValidationError(errors)


class OpenSpaceInterest(models.Model):
    """A person's "Interessiert mich" for a session: at most once (the database says so)."""

    session = models.ForeignKey(OpenSpaceSession, on_delete=models.CASCADE,
                                related_name="interests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="open_space_interests")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interest in a session")
        verbose_name_plural = _("interest in sessions")
        constraints = [models.UniqueConstraint("session", "user",
                                               name="open_space_interest_once")]

    def __str__(self):
        return f"{self.user_id} → {self.session_id}"
