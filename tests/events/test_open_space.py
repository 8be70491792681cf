"""The Expertenforum's open space: proposals and interest, the organisers' grid of rooms ×
time slots with its double-booking warnings, and each session's results."""

import datetime
import threading

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from intranet.core.models import AuditEntry
from intranet.events import permissions
from intranet.events.models import (
    OpenSpaceInterest,
    OpenSpaceRoom,
    OpenSpaceSession,
    OpenSpaceSlot,
)
from intranet.events.selectors import programme_conflicts
from intranet.events.services import (
    forum_edition_create,
    open_space_interest_toggle,
    open_space_room_create,
    open_space_session_propose,
    open_space_session_results,
    open_space_session_schedule,
    open_space_slot_create,
)
from intranet.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
NEXT_YEAR = THIS_YEAR + 1
CANARY = "KANARIE-open-space-7f3a"


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def edition(service_staff, city):
    """Next year's forum, two days in September: proposals are open."""
    first = datetime.date(NEXT_YEAR, 9, 16)
    return forum_edition_create(actor=service_staff, year=NEXT_YEAR, host_organisation=city,
                                theme="Schwammstadt", start_date=first,
                                end_date=first + datetime.timedelta(days=1))


@pytest.fixture
def past_edition(service_staff, other_city):
    first = datetime.date(2016, 9, 15)
    return forum_edition_create(actor=service_staff, year=2016, host_organisation=other_city,
                                theme="Hitze", start_date=first,
                                end_date=first + datetime.timedelta(days=1))


@pytest.fixture
def grid(edition, service_staff):
    """Two rooms and two slots on the forum's first day."""
    rooms = [open_space_room_create(actor=service_staff, edition=edition, name=name)
             for name in ("Raum Emscher", "Raum Lippe")]
    slots = [open_space_slot_create(actor=service_staff, edition=edition,
                                    starts_at=_at(edition.start_date, hour),
                                    ends_at=_at(edition.start_date, hour + 1, 30))
             for hour in (10, 13)]
    return rooms, slots


def _propose(edition, actor, title="Wie finanzieren wir Baumrigolen?", **fields):
    return open_space_session_propose(actor=actor, edition=edition, title=title, **fields)


def _url(name, edition, *args):
    return reverse(f"events:{name}", args=[edition.year, *args])


# --- Who may do what (the predicates every door asks) ------------------------------------

PERSONAS = ["member", "outsider", "coordinator", "steering", "department_head", "lead",
            "service_staff", "admin"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_signed_in_person_sees_proposes_and_marks_only_organisers_schedule(
        request, persona, edition, past_edition, service_staff):
    person = request.getfixturevalue(persona)
    session = OpenSpaceSession.objects.create(edition=edition, title="Hitze", host=service_staff)
    old = OpenSpaceSession.objects.create(edition=past_edition, title="Alt", host=service_staff)
    organiser = persona == "service_staff"
    assert permissions.can_view_forum(person)
    assert permissions.can_propose_session(person, edition)
    assert permissions.can_mark_interest(person, session)
    assert not permissions.can_propose_session(person, past_edition)
    assert not permissions.can_mark_interest(person, old)
    assert permissions.can_schedule_sessions(person, edition) is organiser
    assert permissions.can_edit_session(person, session) is organiser  # not theirs
    assert permissions.can_write_results(person, old) is organiser
    assert not permissions.can_write_results(person, session)  # the forum has not begun


def test_signed_out_and_deactivated_people_may_do_nothing(anon, member, edition,
                                                          past_edition):
    member.is_active = False
    session = OpenSpaceSession.objects.create(edition=past_edition, title="Alt", host=member)
    for person in (anon, member):
        assert not permissions.can_view_forum(person)
        assert not permissions.can_propose_session(person, edition)
        assert not permissions.can_schedule_sessions(person, edition)
        assert not permissions.can_edit_session(person, session)
        assert not permissions.can_write_results(person, session)


def test_the_host_writes_results_and_edits_until_placed(member, service_staff, past_edition,
                                                        edition, grid):
    rooms, slots = grid
    old = OpenSpaceSession.objects.create(edition=past_edition, title="Alt", host=member)
    assert permissions.can_write_results(member, old)
    assert not permissions.can_edit_session(member, old)  # that forum is over
    session = _propose(edition, service_staff, host=member)
    assert permissions.can_edit_session(member, session)
    open_space_session_schedule(actor=service_staff, session=session, room=rooms[0],
                                slot=slots[0])
    session.refresh_from_db()
    assert not permissions.can_edit_session(member, session)
    assert permissions.can_edit_session(service_staff, session)


# --- Proposing -------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["member", "outsider", "coordinator", "department_head",
                                     "service_staff"])
def test_everyone_who_may_see_the_forum_proposes_and_hosts_by_default(
        client_for, request, persona, edition):
    person = request.getfixturevalue(persona)
    response = client_for(person).post(_url("open_space_propose", edition), {
        "title": "Starkregen: Wer warnt die Anwohner:innen?",
        "description": "Erfahrungen mit Warn-Apps und Sirenen"})
    session = OpenSpaceSession.objects.get()
    assert response.status_code == 302
    assert response.url == f"{_url('open_space', edition)}#session-{session.pk}"
    assert (session.host, session.proposed_by, session.edition) == (person, person, edition)
    assert AuditEntry.objects.filter(action="open_space.propose", actor=person).exists()


def test_signed_out_people_are_sent_to_sign_in_and_nothing_is_proposed(client, edition):
    assert client.get(_url("open_space", edition)).status_code == 302
    response = client.post(_url("open_space_propose", edition), {"title": "Hitze"})
    assert response.status_code == 302 and "/konto/login/" in response.url
    assert not OpenSpaceSession.objects.exists()


def test_a_named_host_hosts_the_session_and_is_told(client_for, member, coordinator,
                                                    edition):
    client_for(member).post(_url("open_space_propose", edition), {
        "title": "Hitzeschutz in Kitas", "host": coordinator.email.upper()})
    session = OpenSpaceSession.objects.get()
    assert (session.host, session.proposed_by) == (coordinator, member)
    note = Notification.objects.get(recipient=coordinator)
    assert "Hitzeschutz in Kitas" in note.text and note.url == _url("open_space", edition)


def test_bad_proposal_input_is_told_in_german_at_the_fields_and_nothing_changes(
        client_for, member, edition):
    with translation.override("de"):
        response = client_for(member).post(
            _url("open_space_propose", edition), {"title": "", "host": "niemand@nirgends.example"},
            HTTP_ACCEPT_LANGUAGE="de")
        unknown = gettext("No active colleague has this e-mail address: %(emails)s") % {
            "emails": "niemand@nirgends.example"}
        required = gettext("Give your session a title.")
    page = response.content.decode()
    assert response.status_code == 200
    assert unknown.startswith("Keine aktive Kolleg:in") and unknown in page
    assert required in page
    assert 'id="id_title_error"' in page and 'id="id_host_error"' in page
    assert 'aria-invalid="true"' in page
    assert not OpenSpaceSession.objects.exists()


def test_an_invalid_host_address_is_told_in_german(client_for, member, edition):
    with translation.override("de"):
        response = client_for(member).post(_url("open_space_propose", edition), {
            "title": "Hitze", "host": "kein-e-mail"}, HTTP_ACCEPT_LANGUAGE="de")
        message = gettext("Enter a valid email address.")
    assert message != "Enter a valid email address."
    assert message in response.content.decode()
    assert not OpenSpaceSession.objects.exists()


def test_the_proposer_edits_and_withdraws_until_the_session_is_placed(
        client_for, member, service_staff, edition, grid):
    rooms, slots = grid
    session = _propose(edition, member)
    client = client_for(member)
    response = client.post(_url("open_space_edit", edition, session.pk), {
        "title": "Baumrigolen: Kosten und Förderung", "description": "Erfahrungen?"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Baumrigolen: Kosten und Förderung" and session.host == member
    open_space_session_schedule(actor=service_staff, session=session, room=rooms[0],
                                slot=slots[0])
    assert client.get(_url("open_space_edit", edition, session.pk)).status_code == 403
    assert client.post(_url("open_space_withdraw", edition, session.pk)).status_code == 403
    open_space_session_schedule(actor=service_staff, session=session, room=None, slot=None)
    assert client.post(_url("open_space_withdraw", edition, session.pk)).status_code == 302
    assert not OpenSpaceSession.objects.exists()
    assert AuditEntry.objects.filter(action="open_space.withdraw").count() == 1


def test_someone_else_may_not_edit_or_withdraw_a_proposal(client_for, member, outsider,
                                                          edition):
    session = _propose(edition, member)
    client = client_for(outsider)
    assert client.get(_url("open_space_edit", edition, session.pk)).status_code == 403
    assert client.post(_url("open_space_withdraw", edition, session.pk)).status_code == 403
    page = client.get(_url("open_space", edition)).content.decode()
    assert _url("open_space_edit", edition, session.pk) not in page
    assert OpenSpaceSession.objects.filter(pk=session.pk).exists()


def test_a_session_of_another_edition_or_none_is_a_404(client_for, member, edition,
                                                       past_edition):
    session = _propose(edition, member)
    client = client_for(member)
    assert client.get(_url("open_space_edit", past_edition, session.pk)).status_code == 404
    assert client.post(_url("open_space_interest", past_edition, session.pk)).status_code == 404
    assert client.get(reverse("events:open_space", args=[1999])).status_code == 404
    assert client.get(_url("open_space_edit", edition, session.pk + 99)).status_code == 404


def test_a_past_forum_takes_no_proposals_and_no_interest(client_for, member, service_staff,
                                                         past_edition):
    session = OpenSpaceSession.objects.create(edition=past_edition, title="Altes Anliegen",
                                              host=service_staff)
    client = client_for(member)
    assert client.get(_url("open_space_propose", past_edition)).status_code == 403
    assert client.post(_url("open_space_interest", past_edition, session.pk)).status_code == 403
    with pytest.raises(PermissionDenied):
        _propose(past_edition, member)
    page = client.get(_url("open_space", past_edition)).content.decode()
    assert _url("open_space_propose", past_edition) not in page
    assert not OpenSpaceInterest.objects.exists()


# --- Interest ----------------------------------------------------------------------------

def test_interest_is_marked_once_counted_and_taken_back(client_for, member, outsider,
                                                        coordinator, edition):
    session = _propose(edition, coordinator)
    for person in (member, outsider):
        response = client_for(person).post(_url("open_space_interest", edition, session.pk))
        assert response.status_code == 302
    page = client_for(member).get(_url("open_space", edition)).content.decode()
    assert 'aria-pressed="true"' in page
    assert OpenSpaceInterest.objects.filter(session=session).count() == 2
    client_for(member).post(_url("open_space_interest", edition, session.pk))
    assert list(OpenSpaceInterest.objects.values_list("user", flat=True)) == [outsider.pk]


def test_the_database_refuses_a_second_interest_of_the_same_person(member, edition):
    session = _propose(edition, member)
    OpenSpaceInterest.objects.create(session=session, user=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpenSpaceInterest.objects.create(session=session, user=member)


def test_proposals_are_listed_most_interest_first(client_for, member, outsider, coordinator,
                                                  edition):
    quiet = _propose(edition, member, title="Dachbegrünung im Bestand")
    popular = _propose(edition, member, title="Schwammstadt im Quartier")
    for person in (outsider, coordinator):
        open_space_interest_toggle(actor=person, session=popular)
    page = client_for(member).get(_url("open_space", edition)).content.decode()
    assert page.index(popular.title) < page.index(quiet.title)


@pytest.mark.realservices
@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="DATABASE_URL is not PostgreSQL; run `make test-services`")
@pytest.mark.django_db(transaction=True)
def test_concurrent_interest_toggles_never_count_a_person_twice(service_staff, city):
    """The same person pressing at once from four tabs, and four people at once: one
    person's interest is counted at most once, everyone else's exactly once."""
    first = datetime.date(NEXT_YEAR, 9, 16)
    edition = forum_edition_create(actor=service_staff, year=NEXT_YEAR, host_organisation=city,
                                   start_date=first, end_date=first)
    session = _propose(edition, service_staff)
    session.edition = edition
    eager = UserFactory(organisation=city)
    others = [UserFactory(organisation=city) for _ in range(4)]
    people = [eager] * 4 + others
    barrier = threading.Barrier(len(people))
    failures: list[BaseException] = []

    def press(person):
        try:
            barrier.wait(timeout=30)
            open_space_interest_toggle(actor=person, session=session)
        except BaseException as error:  # noqa: BLE001 – asserted below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures
    assert OpenSpaceInterest.objects.filter(session=session, user=eager).count() <= 1
    assert OpenSpaceInterest.objects.filter(session=session, user__in=others).count() == 4


# --- Rooms, slots and the grid -----------------------------------------------------------

@pytest.mark.parametrize("persona", ["member", "coordinator", "steering", "department_head"])
def test_only_the_organisers_define_rooms_slots_and_place_sessions(
        client_for, request, persona, edition, grid):
    rooms, slots = grid
    person = request.getfixturevalue(persona)
    session = _propose(edition, person)
    client = client_for(person)
    day = edition.start_date.isoformat()
    assert client.post(_url("open_space_room_add", edition),
                       {"name": "Foyer"}).status_code == 403
    assert client.post(_url("open_space_slot_add", edition),
                       {"day": day, "begins": "15:00", "ends": "16:00"}).status_code == 403
    assert client.post(_url("open_space_place", edition), {
        "session": session.pk, "room": rooms[0].pk, "slot": slots[0].pk}).status_code == 403
    assert client.post(_url("open_space_room_delete", edition, rooms[0].pk)).status_code == 403
    page = client.get(_url("open_space_programme", edition)).content.decode()
    assert _url("open_space_place", edition) not in page
    assert OpenSpaceRoom.objects.count() == 2 and OpenSpaceSlot.objects.count() == 2
    session.refresh_from_db()
    assert session.slot is None


def test_the_organiser_adds_a_room_and_a_slot_and_places_a_session(
        client_for, service_staff, member, edition):
    client = client_for(service_staff)
    assert client.post(_url("open_space_room_add", edition),
                       {"name": "Ratssaal", "capacity": "40"}).status_code == 302
    assert client.post(_url("open_space_slot_add", edition), {
        "day": edition.start_date.isoformat(), "begins": "10:00", "ends": "11:30"},
    ).status_code == 302
    room, slot = OpenSpaceRoom.objects.get(), OpenSpaceSlot.objects.get()
    assert timezone.localtime(slot.starts_at).hour == 10 and room.capacity == 40
    session = _propose(edition, member)
    response = client.post(_url("open_space_place", edition), {
        "session": session.pk, "room": room.pk, "slot": slot.pk})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.room, session.slot) == (room, slot)
    assert AuditEntry.objects.filter(action="open_space.schedule").count() == 1
    assert Notification.objects.filter(recipient=member, url=_url(
        "open_space_programme", edition)).count() == 1
    grid_page = client_for(member).get(_url("open_space_programme", edition)).content.decode()
    assert session.title in grid_page and "Ratssaal" in grid_page


def test_double_bookings_are_placed_but_warned_of(client_for, service_staff, member,
                                                  coordinator, edition, grid):
    rooms, slots = grid
    first = _propose(edition, member, title="Hitzeaktionsplan")
    second = _propose(edition, coordinator, title="Trinkbrunnen")
    third = _propose(edition, member, title="Kühle Orte")
    assert open_space_session_schedule(actor=service_staff, session=first, room=rooms[0],
                                       slot=slots[0]) == []
    # the same room in the same slot
    conflicts = open_space_session_schedule(actor=service_staff, session=second,
                                            room=rooms[0], slot=slots[0])
    assert [(c.kind, c.what) for c in conflicts] == [("room", rooms[0])]
    # the same host in the same slot, in another room
    client = client_for(service_staff)
    response = client.post(_url("open_space_place", edition), {
        "session": third.pk, "room": rooms[1].pk, "slot": slots[0].pk}, follow=True)
    third.refresh_from_db()
    assert third.room == rooms[1]  # placed all the same
    page = response.content.decode()
    assert 'class="kern-alert kern-alert--warning"' in page
    assert "Hitzeaktionsplan" in page and member.name in page
    assert 'id="conflicts"' in page
    kinds = sorted(c.kind for c in response.context["programme"].conflicts)
    assert kinds == ["host", "room"]


def test_conflicts_are_found_per_slot_only():
    class Thing:
        def __init__(self, pk, name=""):
            self.pk, self.name = pk, name

    class Session:
        def __init__(self, pk, room, slot, host):
            self.pk, self.room, self.slot, self.host = pk, room, slot, host
            self.room_id, self.slot_id, self.host_id = room.pk, slot.pk, host.pk

    class Slot(Thing):
        def __init__(self, pk, hour):
            super().__init__(pk)
            self.starts_at = datetime.datetime(2030, 9, 12, hour)

    morning, noon = Slot(1, 10), Slot(2, 13)
    hall, foyer = Thing(1, "Saal"), Thing(2, "Foyer")
    ada, bo = Thing(1, "Ada"), Thing(2, "Bo")
    sessions = [Session(1, hall, morning, ada), Session(2, hall, noon, ada),
                Session(3, foyer, morning, bo), Session(4, foyer, noon, bo)]
    assert programme_conflicts(sessions) == []
    sessions.append(Session(5, hall, noon, bo))
    found = programme_conflicts(sessions)
    assert [(c.kind, c.what.name, [s.pk for s in c.sessions]) for c in found] == [
        ("host", "Bo", [4, 5]), ("room", "Saal", [2, 5])]


def test_the_grid_is_an_accessible_table_of_rooms_and_slots(client_for, member,
                                                            service_staff, edition, grid):
    rooms, slots = grid
    session = _propose(edition, member)
    open_space_session_schedule(actor=service_staff, session=session, room=rooms[1],
                                slot=slots[1])
    response = client_for(member).get(_url("open_space_programme", edition))
    page = response.content.decode()
    table = page[page.index('class="kern-table kern-table--small open-space-grid"'):]
    table = table[:table.index("</table>")]
    assert "<caption>" in table
    assert table.count('<th scope="col"') == 3  # time + two rooms
    assert table.count('<th scope="row"') == 2  # two slots
    row = response.context["programme"].rows[1]
    assert row.cells == [[], [session]]


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"day": "", "begins": "10:00", "ends": "11:00"}, "day", "Choose the day."),
    ({"day": "morgen", "begins": "10:00", "ends": "11:00"}, "day", "Enter a valid date."),
    ({"day": "START", "begins": "11:00", "ends": "10:00"}, "ends",
     "The slot must end after it begins."),
    ({"day": "2001-01-01", "begins": "10:00", "ends": "11:00"}, "day", None),
])
def test_a_bad_slot_is_told_at_its_field_and_nothing_is_added(client_for, service_staff,
                                                              edition, data, field, message):
    data = {**data, "day": edition.start_date.isoformat() if data["day"] == "START"
            else data["day"]}
    with translation.override("de"):
        response = client_for(service_staff).post(_url("open_space_slot_add", edition), data,
                                                  HTTP_ACCEPT_LANGUAGE="de")
        expected = gettext(message) if message else None
    assert response.status_code == 400
    form = response.context["slot_form"]
    assert list(form.errors) == [field]
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    if expected:
        assert expected in page
    assert not OpenSpaceSlot.objects.exists()


def test_a_duplicate_room_is_told_at_its_field(client_for, service_staff, edition, grid):
    response = client_for(service_staff).post(_url("open_space_room_add", edition),
                                              {"name": "raum emscher"})
    assert response.status_code == 400
    assert list(response.context["room_form"].errors) == ["name"]
    assert OpenSpaceRoom.objects.count() == 2


def test_placing_in_a_room_without_a_slot_is_told_at_the_slot(client_for, service_staff,
                                                              member, edition, grid):
    rooms, _slots = grid
    session = _propose(edition, member)
    response = client_for(service_staff).post(_url("open_space_place", edition), {
        "session": session.pk, "room": rooms[0].pk, "slot": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="slot-{session.pk}-error"' in page
    session.refresh_from_db()
    assert session.room is None


def test_a_room_with_sessions_is_not_removed(client_for, service_staff, member, edition, grid):
    rooms, slots = grid
    session = _propose(edition, member)
    open_space_session_schedule(actor=service_staff, session=session, room=rooms[0],
                                slot=slots[0])
    client = client_for(service_staff)
    client.post(_url("open_space_room_delete", edition, rooms[0].pk))
    client.post(_url("open_space_slot_delete", edition, slots[0].pk))
    assert OpenSpaceRoom.objects.filter(pk=rooms[0].pk).exists()
    assert OpenSpaceSlot.objects.filter(pk=slots[0].pk).exists()
    assert client.post(_url("open_space_room_delete", edition, rooms[1].pk)).status_code == 302
    assert not OpenSpaceRoom.objects.filter(pk=rooms[1].pk).exists()


# --- Results -----------------------------------------------------------------------------

def test_the_host_and_organisers_write_results_shown_safely_on_the_edition_page(
        client_for, member, outsider, service_staff, past_edition):
    session = OpenSpaceSession.objects.create(edition=past_edition, title="Hitzetelefon",
                                              host=member)
    url = _url("open_space_results", past_edition, session.pk)
    assert client_for(outsider).get(url).status_code == 403
    response = client_for(member).post(url, {
        "results": "## Ergebnis\n\n- **Hitzetelefon** in drei Städten\n"
                   "<script>alert(1)</script>[x](javascript:alert(1))"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert "<strong>Hitzetelefon</strong>" in session.results_html
    assert "<h4>Ergebnis</h4>" in session.results_html  # under the session's <h3>
    assert "<script>" not in session.results_html
    assert 'href="javascript' not in session.results_html
    assert session.results_by == member
    open_space_session_results(actor=service_staff, session=session,
                               results=session.results + "\n\nErgänzt von der Organisation.")
    page = client_for(outsider).get(past_edition.get_absolute_url()).content.decode()
    assert "<strong>Hitzetelefon</strong>" in page and "Ergänzt von der Organisation." in page
    assert "<script>alert" not in page and url not in page


def test_results_wait_until_the_forum_has_begun(client_for, member, edition):
    session = _propose(edition, member)
    assert client_for(member).get(
        _url("open_space_results", edition, session.pk)).status_code == 403
    with pytest.raises(PermissionDenied):
        open_space_session_results(actor=member, session=session, results="Zu früh")


def test_past_editions_stay_browsable_with_sessions_and_results(
        client_for, outsider, service_staff, past_edition):
    room = OpenSpaceRoom.objects.create(edition=past_edition, name="Saal")
    slot = OpenSpaceSlot.objects.create(
        edition=past_edition, starts_at=_at(past_edition.start_date, 10),
        ends_at=_at(past_edition.start_date, 11))
    session = OpenSpaceSession.objects.create(
        edition=past_edition, title=f"Verschattung {CANARY}", host=service_staff,
        room=room, slot=slot)
    open_space_session_results(actor=service_staff, session=session, results="Sonnensegel")
    client = client_for(outsider)
    for url in (past_edition.get_absolute_url(), _url("open_space_programme", past_edition),
                _url("open_space", past_edition)):
        response = client.get(url)
        assert response.status_code == 200 and CANARY in response.content.decode()


# --- Query counts ------------------------------------------------------------------------

def _many(edition, count, host, organiser, grid):
    rooms, slots = grid
    people = [UserFactory(organisation=host.organisation) for _ in range(3)]
    for index in range(count):
        session = _propose(edition, host, title=f"Anliegen {index}")
        for person in people[:index % 3]:
            OpenSpaceInterest.objects.create(session=session, user=person)
        if index % 2:
            open_space_session_schedule(actor=organiser, session=session,
                                        room=rooms[index % 2], slot=slots[index % 2])


# 1 session, 2 user, 3 roles of the user, 4 unread notifications in the header, 5 the
# edition, 6 the sessions with their host, city, room, slot, interest count and mine.
PROPOSALS_QUERIES = 6


@pytest.mark.parametrize("count", [1, 20])
def test_proposals_list_query_count_is_flat(client_for, member, service_staff, edition, grid,
                                            count, django_assert_num_queries):
    _many(edition, count, member, service_staff, grid)
    client = client_for(member)
    client.get(_url("open_space", edition))  # warm caches
    with django_assert_num_queries(PROPOSALS_QUERIES):
        response = client.get(_url("open_space", edition))
    assert len(response.context["sessions"]) == count


# 1 session, 2 user, 3 roles of the user, 4 unread notifications in the header, 5 the
# edition, 6 rooms, 7 slots, 8 the sessions with host, room, slot and interest count;
# service staff also 9 their second factor (the middleware that requires one).
PROGRAMME_QUERIES = {"member": 8, "service_staff": 9}


@pytest.mark.parametrize("persona", ["member", "service_staff"])
@pytest.mark.parametrize("count", [1, 20])
def test_programme_grid_query_count_is_flat(client_for, request, persona, member,
                                            service_staff, edition, grid, count,
                                            django_assert_num_queries):
    _many(edition, count, member, service_staff, grid)
    client = client_for(request.getfixturevalue(persona))
    client.get(_url("open_space_programme", edition))  # warm caches
    with django_assert_num_queries(PROGRAMME_QUERIES[persona]):
        response = client.get(_url("open_space_programme", edition))
    assert len(response.context["programme"].sessions) == count


# --- Demo --------------------------------------------------------------------------------

def test_demo_gives_past_editions_results_and_the_next_one_proposals_and_a_partial_grid(
        service_staff):
    from intranet.accounts.demo import CITIES
    from intranet.events.demo import seed_forum_editions, seed_open_space
    from tests.factories import OrganisationFactory

    cities = [OrganisationFactory(slug=slug, name=name) for slug, name in CITIES]
    people = [UserFactory(organisation=cities[index % len(cities)]) for index in range(12)]
    seed_forum_editions(service_staff)
    assert seed_open_space(service_staff, people) > 0
    past = OpenSpaceSession.objects.filter(edition__year__lt=THIS_YEAR)
    assert past.exclude(results_html="").count() == past.count() > 0
    assert past.filter(slot__isnull=True).count() == 0
    upcoming = [session for session in OpenSpaceSession.objects.select_related("edition")
                if session.edition.end_date >= timezone.localdate()]
    assert upcoming and OpenSpaceInterest.objects.filter(session__in=upcoming).exists()
    placed = [session for session in upcoming if session.slot_id]
    assert 0 < len(placed) < len(upcoming)
    assert seed_open_space(service_staff, people) == 0  # idempotent
