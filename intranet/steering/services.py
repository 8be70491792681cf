"""Every write of process steering: messages to a network's leads, the counted figures."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.core.services import audit_record
from intranet.notifications.services import notify
from networks.models import MemberRole, Membership, MemberState, Network

from .models import CityFigures, DailyFigure, NetworkFigures
from .permissions import can_nudge_network
from .selectors import (
    ACTIVITY_MONTHS,
    CITY_FIGURES,
    NETWORK_FIGURES,
    city_figures_counted,
    days_without_figures,
    figures_of_day,
    network_figures_counted,
)

MESSAGE_MAX = 400


def _addressees(network: Network, actor) -> list:
    """The network's active leads; when none is left, every active member (never the
    writer themselves)."""
    active = [m for m in Membership.objects.filter(
        network=network, state=MemberState.ACTIVE, user__is_active=True).select_related("user")
        if m.user_id != actor.pk]
    leads = [m.user for m in active if m.role == MemberRole.LEAD]
    return leads or [m.user for m in active]


def _recipients(network: Network, actor) -> list:
    recipients = _addressees(network, actor)
    if not recipients:
        raise ValidationError(_("Nobody is left in this network to write to."))
    return recipients


def _check(network: Network, actor, message: str) -> str:
    if not can_nudge_network(actor, network):
        raise PermissionDenied(_("Only process steering writes to a network's leads, "
                                 "while the network is open."))
    message = " ".join(message.split())
    if not message:
        raise ValidationError({"message": _("Write a few words to the leads.")})
    if len(message) > MESSAGE_MAX:
        raise ValidationError({"message": _("Keep the message under %(max)s characters.")
                               % {"max": MESSAGE_MAX}})
    return message


@transaction.atomic
def network_nudge(*, network: Network, actor, message: str) -> int:
    """Ask the leads how the network is doing (in-app and by e-mail, as they chose)."""
    message = _check(network, actor, message)
    recipients = _recipients(network, actor)
    notify(recipients=recipients, network=network,
           url=reverse("networks:detail", args=[network.slug]),
           text=(gettext_lazy("Process steering asks about %(network)s: %(message)s"),
                 {"network": network.name, "message": message}))
    audit_record(actor=actor, action="steering.nudge", target=network,
                 recipients=len(recipients))
    return len(recipients)


@transaction.atomic
def network_propose_dissolution(*, network: Network, actor, message: str) -> int:
    """Suggest to the leads that the network ends: the decision and its summary stay
    theirs, on the network's own page for ending it."""
    message = _check(network, actor, message)
    recipients = _recipients(network, actor)
    notify(recipients=recipients, network=network,
           url=reverse("networks:end", args=[network.slug]),
           text=(gettext_lazy("Process steering suggests ending %(network)s: %(message)s"),
                 {"network": network.name, "message": message}))
    audit_record(actor=actor, action="steering.propose_dissolution", target=network,
                 recipients=len(recipients))
    return len(recipients)


def daily_figures_store(*, day: datetime.date) -> DailyFigure:
    """Count one day (again): idempotent, the newest count wins."""
    figure, _created = DailyFigure.objects.update_or_create(day=day, defaults=figures_of_day(day))
    return figure


def daily_figures_catch_up(*, today: datetime.date | None = None) -> int:
    """Count yesterday again and every day of the chart's two years not counted yet."""
    today = today or timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    first = (today.replace(day=1) - datetime.timedelta(days=31 * ACTIVITY_MONTHS)).replace(day=1)
    days = set(days_without_figures(first=first, last=yesterday)) | {yesterday}
    for day in sorted(days):
        daily_figures_store(day=day)
    return len(days)


def steering_figures_count(*, now: datetime.datetime | None = None) -> int:
    """Count every network's and every city's figures and store them for the dashboard
    (hourly by beat, and when steering asks): idempotent, the newest count wins. Returns
    the number of rows written."""
    now = now or timezone.now()
    networks = network_figures_counted(now=now)
    cities = city_figures_counted(now=now)
    with transaction.atomic():
        NetworkFigures.objects.bulk_create(
            [NetworkFigures(network_id=pk, counted_at=now, **figures)
             for pk, figures in networks.items()],
            update_conflicts=True, unique_fields=["network"],
            update_fields=[*NETWORK_FIGURES, "counted_at"], batch_size=1000)
        CityFigures.objects.bulk_create(
            [CityFigures(city_id=pk, counted_at=now, **figures)
             for pk, figures in cities.items()],
            update_conflicts=True, unique_fields=["city"],
            update_fields=[*CITY_FIGURES, "counted_at"], batch_size=1000)
        # A city that is no longer a member city keeps no figures of its own.
        CityFigures.objects.exclude(city_id__in=cities).delete()
    return len(networks) + len(cities)
