"""The last places under a rush, on real PostgreSQL (``make test-services``).

N people press "register" at the same moment for the last M places, each in their own
thread with their own database connection. "Lock, check, create" must end with exactly M
more registered and N − M on the waitlist, numbered without gaps in the order the lock
let them in; cancellations then move the waitlist up in that order.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from intranet.events.models import Registration, RegistrationStatus
from intranet.events.services import registration_cancel, registration_create

pytestmark = pytest.mark.realservices

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="DATABASE_URL is not PostgreSQL; run `make test-services`")

CAPACITY = 5
ALREADY_REGISTERED = 2  # so the rush is for the last three places
RUSH = 20


def _rush(event, people) -> list:
    """Everyone registers at once; each thread has its own connection (Django's are per
    thread) and closes it afterwards."""
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def register(person):
        try:
            barrier.wait(timeout=30)
            registration_create(event=event, user=person)
        except BaseException as error:  # noqa: BLE001 – reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_rush_for_the_last_places_never_overbooks_and_cancellations_promote_in_order(
        make_event, make_people):
    assert connection.vendor == "postgresql"
    event = make_event(capacity=CAPACITY)
    for person in make_people(ALREADY_REGISTERED):
        registration_create(event=event, user=person)
    rushing = make_people(RUSH)

    errors = _rush(event, rushing)

    assert errors == []
    rows = Registration.objects.filter(event=event, user__in=rushing)
    last_places = CAPACITY - ALREADY_REGISTERED
    assert rows.filter(status=RegistrationStatus.REGISTERED).count() == last_places
    waiting = list(rows.filter(status=RegistrationStatus.WAITLISTED).order_by(
        "waitlist_number"))
    assert len(waiting) == RUSH - last_places
    assert [r.waitlist_number for r in waiting] == list(range(1, RUSH - last_places + 1))
    # The lock let them in one at a time: waitlist order is the order of arrival.
    assert [r.pk for r in waiting] == sorted(r.pk for r in waiting)
    assert Registration.objects.filter(event=event, status="registered").count() == CAPACITY

    registered = list(Registration.objects.filter(event=event, status="registered")
                      .select_related("user").order_by("pk"))
    for leaving, expected in zip(registered[:3], waiting[:3], strict=True):
        promoted = registration_cancel(event=event, user=leaving.user)
        assert [r.pk for r in promoted] == [expected.pk]
    assert Registration.objects.filter(event=event, status="registered").count() == CAPACITY


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_person_pressing_twice_at_once_gets_one_registration(make_event, member):
    event = make_event(capacity=10)
    errors = _rush(event, [member] * 8)
    assert errors == []
    assert Registration.objects.filter(event=event, user=member).count() == 1
