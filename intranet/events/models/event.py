"""Events of the network: the forum, the department-heads meeting, steering, coordinators'
and network meetings, with registration, capacity and a waitlist."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.accounts.models import Role


class Kind(models.TextChoices):
    FORUM = "forum", _("Expertenforum")
    DEPARTMENT_HEADS = "department_heads", _("Department-heads meeting")
    STEERING = "steering", _("Process steering meeting")
    COORDINATORS = "coordinators", _("City coordinators' meeting")
    NETWORK = "network", _("Network meeting")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("everyone on the platform")
    ROLES = "roles", _("people with certain roles")
    CITIES = "cities", _("people of certain cities")
    NETWORK = "network", _("the members of a network")
    PEOPLE = "people", _("named people")


class Event(models.Model):
    """One meeting. ``sequence`` counts the changes calendars must pick up (iCalendar's
    SEQUENCE): every update and the cancellation raise it."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    host_organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("host city"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="hosted_events")
    organisers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("organisers"),
                                        blank=True, related_name="organised_events")
    audience = models.CharField(_("audience"), max_length=10, choices=Audience,
                                default=Audience.EVERYONE)
    network = models.ForeignKey("networks.Network", verbose_name=_("network"), null=True,
                                blank=True, on_delete=models.CASCADE, related_name="events")
    audience_cities = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("cities invited"), blank=True,
        related_name="invited_to_events")
    audience_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("people invited"), blank=True,
        related_name="invited_to_events")
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True,
                                                 blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Until when agenda items may be proposed (the department-heads meeting).
    proposal_deadline = models.DateTimeField(_("deadline for agenda proposals"), null=True,
                                             blank=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["end", "start"], name="event_upcoming_idx"),
                   models.Index(fields=["kind", "end"], name="event_kind_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                   name="event_ends_after_start"),
            models.CheckConstraint(condition=models.Q(capacity__isnull=True)
                                   | models.Q(capacity__gte=1), name="event_capacity_positive"),
            models.CheckConstraint(
                condition=~models.Q(audience="network") | models.Q(network__isnull=False),
                name="event_network_audience_has_network"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The event must end after it starts.")
        if self.registration_deadline and self.start and self.registration_deadline > self.start:
            errors["registration_deadline"] = _(
                "The registration deadline must not be after the start.")
        if self.proposal_deadline and self.start and self.proposal_deadline > self.start:
            errors["proposal_deadline"] = _(
                "The deadline for proposals must not be after the start.")
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("An event needs at least one place.")
        if self.kind == Kind.NETWORK and self.network_id is None:
            errors["network"] = _("Choose the network that meets.")
        if self.audience == Audience.NETWORK and self.network_id is None:
            errors["network"] = _("Choose the network whose members are invited.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_past(self) -> bool:
        return self.end <= timezone.now()

    @property
    def registration_open(self) -> bool:
        """Open to new registrations by the clock and its state (who may is permissions')."""
        now = timezone.now()
        if self.is_cancelled or self.start <= now:
            return False
        return self.registration_deadline is None or self.registration_deadline > now

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.venue, self.address) if part)


class AudienceRole(models.Model):
    """A platform role invited to an event whose audience is "roles"."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="audience_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role)

    class Meta:
        constraints = [models.UniqueConstraint("event", "role", name="event_role_unique")]

    def __str__(self):
        return f"{self.event_id}: {self.role}"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    WAITLISTED = "waitlisted", _("on the waitlist")
    CANCELLED = "cancelled", _("cancelled")


ACTIVE_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


class Registration(models.Model):
    """A person's registration. Cancelled rows stay (history); at most one active row per
    person and event. ``waitlist_number`` orders the waitlist: given under the event's
    lock, so it is the order in which people asked."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="event_registrations")
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus,
                              default=RegistrationStatus.REGISTERED)
    waitlist_number = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved up"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint("event", "user",
                                    condition=models.Q(status__in=["registered", "waitlisted"]),
                                    name="registration_one_active"),
            models.UniqueConstraint("event", "waitlist_number",
                                    condition=models.Q(status="waitlisted"),
                                    name="registration_waitlist_place_unique"),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_idx"),
                   models.Index(fields=["user", "status"], name="registration_user_idx")]

    def __str__(self):
        return f"{self.user_id} – {self.event_id} ({self.status})"
