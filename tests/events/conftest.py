import datetime

import pytest
from django.utils import timezone

from intranet.events.models import Kind
from intranet.events.services import event_create
from tests.factories import UserFactory


def in_days(days: float, hours: float = 0) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days, hours=hours)


@pytest.fixture
def make_event(service_staff):
    """``make_event(actor=service_staff, **fields)``: an event in ten days, two hours long,
    for everyone unless told otherwise."""

    def make(actor=None, **fields):
        fields.setdefault("kind", Kind.COORDINATORS)
        fields.setdefault("title", "Treffen der Stadtkoordinator:innen")
        fields.setdefault("start", in_days(10))
        fields.setdefault("end", fields["start"] + datetime.timedelta(hours=2))
        fields.setdefault("venue", "Rathaus Bochum")
        return event_create(actor=actor or service_staff, **fields)

    return make


@pytest.fixture
def make_people(city):
    def make(count: int):
        return [UserFactory(organisation=city, roles=["member"]) for _ in range(count)]

    return make
