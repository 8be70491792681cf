"""The Expertenforum's planning: editing an edition, the timeline counted back from its
first day as follow-up tasks with owners, and moving it with the forum."""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from intranet.core.models import AuditEntry
from intranet.events.models import Event, EventTask, ForumEdition, Kind
from intranet.events.services import (
    FORUM_PLAN,
    forum_edition_create,
    forum_edition_update,
    forum_plan_create,
    forum_plan_schedule,
    forum_plan_shift,
    forum_plan_step_done,
    forum_plan_step_update,
)
from intranet.notifications.models import Notification
from tests.events.conftest import in_days
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1
FIRST_DAY = datetime.date(NEXT_YEAR, 9, 17)


@pytest.fixture
def edition(service_staff, city):
    return forum_edition_create(actor=service_staff, year=NEXT_YEAR, host_organisation=city,
                                theme="Hitze", start_date=FIRST_DAY,
                                end_date=FIRST_DAY + datetime.timedelta(days=1),
                                venue="Rathaus Bochum")


def _form(edition, **changes):
    data = {"host_organisation": edition.host_organisation.slug, "theme": edition.theme,
            "start_date": edition.start_date.isoformat() if edition.start_date else "",
            "end_date": edition.end_date.isoformat() if edition.end_date else "",
            "venue": edition.venue, "description": edition.description, "event": ""}
    data.update(changes)
    return data


# --- The schedule (a pure function) ---------------------------------------------------------

def test_steps_are_counted_back_from_the_first_day_and_sorted():
    schedule = forum_plan_schedule(datetime.date(2027, 9, 16), datetime.date(2027, 9, 17))
    due = {step.key: day for step, day in schedule}
    assert due == {
        "host": datetime.date(2026, 9, 16),
        "venue": datetime.date(2026, 12, 16),  # about nine months ahead
        "save_the_date": datetime.date(2027, 3, 16),
        "call_for_questions": datetime.date(2027, 5, 16),
        "registration": datetime.date(2027, 6, 16),
        "programme": datetime.date(2027, 8, 26),  # three weeks before
        "documentation": datetime.date(2027, 10, 15),  # four weeks after the last day
    }
    assert [day for _step, day in schedule] == sorted(due.values())
    assert {step.key for step in FORUM_PLAN} == set(due)


def test_a_month_without_that_day_gives_its_last_day():
    due = {step.key: day for step, day in forum_plan_schedule(datetime.date(2028, 5, 31))}
    assert due["venue"] == datetime.date(2027, 8, 31)
    assert due["call_for_questions"] == datetime.date(2028, 1, 31)
    assert due["registration"] == datetime.date(2028, 2, 29)  # a leap year
    assert due["documentation"] == datetime.date(2028, 6, 28)  # one-day forum: from the start


# --- Editing an edition -----------------------------------------------------------------------

def test_service_staff_edit_an_edition_and_it_is_audited(client_for, service_staff, edition,
                                                         other_city):
    client = client_for(service_staff)
    page = client.get(edition.get_absolute_url()).content.decode()
    assert reverse("events:forum_edit", args=[edition.year]) in page
    response = client.post(reverse("events:forum_edit", args=[edition.year]), _form(
        edition, host_organisation=other_city.slug, theme="Schwammstadt", venue="Zeche",
        description="Zwei Tage", start_date=f"{NEXT_YEAR}-06-10", end_date=""))
    assert response.status_code == 302
    edition.refresh_from_db()
    assert (edition.host_organisation, edition.theme, edition.venue, edition.description) == (
        other_city, "Schwammstadt", "Zeche", "Zwei Tage")
    assert edition.start_date == edition.end_date == datetime.date(NEXT_YEAR, 6, 10)
    entry = AuditEntry.objects.get(action="forum_edition.update")
    assert entry.actor == service_staff
    assert set(entry.data["changed"]) >= {"host_organisation", "theme", "start_date"}


@pytest.mark.parametrize("persona", ["member", "coordinator", "steering", "department_head",
                                     "lead"])
def test_those_who_see_the_forum_but_do_not_plan_it_get_403(client_for, request, persona,
                                                             edition):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("events:forum_edit", args=[edition.year])
    assert url not in client.get(edition.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, _form(edition, theme="Gekapert")).status_code == 403
    edition.refresh_from_db()
    assert edition.theme == "Hitze"


def test_signed_out_people_are_sent_to_sign_in_and_missing_years_are_404(
        client, client_for, service_staff, edition):
    response = client.get(reverse("events:forum_edit", args=[edition.year]))
    assert response.status_code == 302 and "login" in response.url
    assert client_for(service_staff).get(
        reverse("events:forum_edit", args=[1990])).status_code == 404


def test_bad_dates_and_a_non_city_host_are_told_at_their_fields_in_german(
        client_for, service_staff, edition, service_org):
    client = client_for(service_staff)
    url = reverse("events:forum_edit", args=[edition.year])
    with translation.override("de"):
        response = client.post(url, _form(edition, start_date=f"{NEXT_YEAR}-09-20",
                                          end_date=f"{NEXT_YEAR}-09-18"),
                               HTTP_ACCEPT_LANGUAGE="de")
        before = gettext("The last day must not be before the first day.")
        other_year = client.post(url, _form(edition, start_date=f"{NEXT_YEAR + 1}-01-10",
                                            end_date=f"{NEXT_YEAR + 1}-01-11"),
                                 HTTP_ACCEPT_LANGUAGE="de")
        in_year = gettext("The forum must begin in its year.")
        host = client.post(url, _form(edition, host_organisation=service_org.slug),
                           HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == [before]
    assert other_year.context["form"].errors["start_date"] == [in_year]
    assert "host_organisation" in host.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()
    edition.refresh_from_db()
    assert edition.start_date == FIRST_DAY and edition.host_organisation.kind == "municipality"
    assert not AuditEntry.objects.filter(action="forum_edition.update").exists()


def test_the_registration_event_is_created_from_the_dates_and_linked(
        client_for, service_staff, edition):
    response = client_for(service_staff).post(
        reverse("events:forum_edit", args=[edition.year]), _form(edition, create_event="on"))
    assert response.status_code == 302
    edition.refresh_from_db()
    event = edition.event
    assert event.kind == Kind.FORUM and event.host_organisation == edition.host_organisation
    assert event.venue == "Rathaus Bochum" and "Hitze" in event.title
    assert timezone.localtime(event.start).date() == FIRST_DAY
    assert timezone.localtime(event.end).date() == edition.end_date
    assert service_staff in event.organisers.all()


def test_an_existing_forum_event_is_linked_and_another_editions_is_not_offered(
        client_for, service_staff, edition, other_city, make_event):
    free = make_event(kind=Kind.FORUM, title="Anmeldung Forum", start=in_days(200),
                      end=in_days(201))
    taken = make_event(kind=Kind.FORUM, title="Schon vergeben", start=in_days(300),
                       end=in_days(301))
    make_event(title="Kein Forum")
    forum_edition_create(actor=service_staff, year=NEXT_YEAR + 1, host_organisation=other_city,
                         event=taken)
    client = client_for(service_staff)
    url = reverse("events:forum_edit", args=[edition.year])
    choices = list(client.get(url).context["form"].fields["event"].queryset)
    assert choices == [free]
    refused = client.post(url, _form(edition, event=taken.pk))
    assert "event" in refused.context["form"].errors
    assert client.post(url, _form(edition, event=free.pk)).status_code == 302
    edition.refresh_from_db()
    assert edition.event == free


def test_creating_and_linking_at_once_is_refused_at_the_field(client_for, service_staff,
                                                             edition, make_event):
    event = make_event(kind=Kind.FORUM, start=in_days(200), end=in_days(201))
    response = client_for(service_staff).post(
        reverse("events:forum_edit", args=[edition.year]),
        _form(edition, event=event.pk, create_event="on"))
    assert "create_event" in response.context["form"].errors
    assert Event.objects.count() == 1


# --- The plan ------------------------------------------------------------------------------------

def test_create_the_plan_makes_the_standard_steps_owned_and_due(client_for, service_staff,
                                                               edition):
    client = client_for(service_staff)
    page = client.get(edition.get_absolute_url()).content.decode()
    assert reverse("events:forum_plan_create", args=[edition.year]) in page
    response = client.post(reverse("events:forum_plan_create", args=[edition.year]),
                           {"owner": service_staff.pk})
    assert response.status_code == 302
    steps = list(EventTask.objects.filter(forum_edition=edition).order_by("due"))
    expected = forum_plan_schedule(edition.start_date, edition.end_date)
    assert [(task.step, task.due) for task in steps] == [(s.key, d) for s, d in expected]
    assert {task.assignee for task in steps} == {service_staff}
    assert AuditEntry.objects.filter(action="forum_plan.create").count() == 1
    page = client.get(edition.get_absolute_url()).content.decode()
    timeline = page[page.index('id="h-plan"'):]
    assert timeline.index(steps[0].title) < timeline.index(steps[-1].title)
    assert 'class="forum-plan"' in timeline


def test_planning_again_adds_no_step_twice_and_only_the_missing_ones(service_staff, edition):
    assert len(forum_plan_create(edition=edition, actor=service_staff)) == len(FORUM_PLAN)
    assert forum_plan_create(edition=edition, actor=service_staff) == []
    EventTask.objects.get(forum_edition=edition, step="venue").delete()
    again = forum_plan_create(edition=edition, actor=service_staff)
    assert [task.step for task in again] == ["venue"]
    assert EventTask.objects.filter(forum_edition=edition).count() == len(FORUM_PLAN)


def test_the_database_refuses_a_second_row_for_the_same_step(service_staff, edition):
    from django.db import IntegrityError, transaction

    forum_plan_create(edition=edition, actor=service_staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventTask.objects.create(forum_edition=edition, step="venue", title="Doppelt")


def test_another_owner_is_told_and_finds_the_steps_in_my_tasks(client_for, service_staff,
                                                               edition, city):
    coordinator = UserFactory(name="Cora Host", organisation=city, roles=["coordinator"])
    forum_plan_create(edition=edition, actor=service_staff, owner=coordinator)
    assert Notification.objects.filter(recipient=coordinator).count() == 1
    client = client_for(coordinator)
    # The owner sees the timeline and may mark a step done, not edit it.
    detail = client.get(edition.get_absolute_url()).content.decode()
    assert 'id="h-plan"' in detail
    step = EventTask.objects.get(forum_edition=edition, step="venue")
    assert f'href="{reverse("events:forum_step_edit", args=[edition.year, step.pk])}"' \
        not in detail
    assert client.post(reverse("events:forum_step_done", args=[edition.year, step.pk]),
                       {"done": "1"}).status_code == 302
    step.refresh_from_db()
    assert step.state == "done" and step.completed_at is not None
    assert client.get(reverse("events:forum_step_edit",
                              args=[edition.year, step.pk])).status_code == 403


def test_the_steps_show_in_the_owners_my_tasks(client_for, service_staff, edition, city):
    coordinator = UserFactory(name="Cora Host", organisation=city, roles=["coordinator"])
    forum_plan_create(edition=edition, actor=service_staff, owner=coordinator)
    mine = client_for(coordinator).get(reverse("networks:my_tasks")).content.decode()
    assert gettext("Book the venue") in mine and gettext("Fix the programme") in mine
    others = client_for(service_staff).get(reverse("networks:my_tasks")).content.decode()
    assert gettext("Book the venue") not in others


def test_members_do_not_see_the_plan_and_cannot_touch_its_steps(client_for, member,
                                                              service_staff, edition):
    forum_plan_create(edition=edition, actor=service_staff)
    step = EventTask.objects.filter(forum_edition=edition).first()
    client = client_for(member)
    page = client.get(edition.get_absolute_url()).content.decode()
    assert 'id="h-plan"' not in page and step.title not in page
    assert client.post(reverse("events:forum_step_done", args=[edition.year, step.pk]),
                       {"done": "1"}).status_code == 404
    assert client.post(reverse("events:forum_plan_create", args=[edition.year]),
                       {"owner": member.pk}).status_code == 403
    step.refresh_from_db()
    assert step.state == "open"
    with pytest.raises(Exception) as refused:
        forum_plan_step_done(task=step, actor=member)
    assert "PermissionDenied" in type(refused.value).__name__


def test_a_step_is_reassigned_moved_and_done_by_service_staff(client_for, service_staff,
                                                              edition, city):
    coordinator = UserFactory(name="Cora Host", organisation=city, roles=["coordinator"])
    forum_plan_create(edition=edition, actor=service_staff)
    step = EventTask.objects.get(forum_edition=edition, step="programme")
    client = client_for(service_staff)
    url = reverse("events:forum_step_edit", args=[edition.year, step.pk])
    assert coordinator in client.get(url).context["form"].fields["assignee"].queryset
    response = client.post(url, {"assignee": coordinator.pk, "due": f"{NEXT_YEAR}-08-01",
                                 "state": "doing"})
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.assignee, step.due, step.state) == (coordinator, datetime.date(
        NEXT_YEAR, 8, 1), "doing")
    assert Notification.objects.filter(recipient=coordinator).count() == 1
    outsider = UserFactory(organisation=OrganisationFactory(), roles=["member"])
    refused = client.post(url, {"assignee": outsider.pk, "due": "", "state": "done"})
    assert {"assignee", "due"} <= set(refused.context["form"].errors)
    step.refresh_from_db()
    assert step.assignee == coordinator


def test_overdue_steps_are_marked(client_for, service_staff, city):
    soon = timezone.localdate() + datetime.timedelta(days=30)
    edition = forum_edition_create(actor=service_staff, year=soon.year if soon.year > 2000
                                   else NEXT_YEAR, host_organisation=city, start_date=soon)
    forum_plan_create(edition=edition, actor=service_staff)
    overdue = EventTask.objects.filter(forum_edition=edition, due__lt=timezone.localdate())
    assert overdue.exists()
    page = client_for(service_staff).get(edition.get_absolute_url()).content.decode()
    assert page.count("forum-plan__step--overdue") == overdue.count()


def test_moving_the_forum_offers_to_shift_the_open_steps(client_for, service_staff, edition):
    forum_plan_create(edition=edition, actor=service_staff)
    done = EventTask.objects.get(forum_edition=edition, step="host")
    forum_plan_step_done(task=done, actor=service_staff)
    before = dict(EventTask.objects.filter(forum_edition=edition).values_list("step", "due"))
    client = client_for(service_staff)
    response = client.post(reverse("events:forum_edit", args=[edition.year]), _form(
        edition, start_date=(FIRST_DAY + datetime.timedelta(days=14)).isoformat(),
        end_date=(FIRST_DAY + datetime.timedelta(days=15)).isoformat()))
    shift_url = reverse("events:forum_plan_shift", args=[edition.year])
    assert response.status_code == 302 and response.url == shift_url + "?tage=14"
    offer = client.get(response.url)
    assert offer.context["form"]["days"].value() == "14"
    assert len(offer.context["open_steps"]) == len(FORUM_PLAN) - 1
    assert client.post(shift_url, {"days": 14}).status_code == 302
    after = dict(EventTask.objects.filter(forum_edition=edition).values_list("step", "due"))
    assert after["host"] == before["host"]
    assert all(after[key] == before[key] + datetime.timedelta(days=14)
               for key in after if key != "host")
    assert AuditEntry.objects.filter(action="forum_plan.shift").count() == 1


def test_a_change_without_new_dates_goes_back_to_the_edition(client_for, service_staff,
                                                              edition):
    forum_plan_create(edition=edition, actor=service_staff)
    response = client_for(service_staff).post(
        reverse("events:forum_edit", args=[edition.year]), _form(edition, theme="Neu"))
    assert response.url == edition.get_absolute_url()


def test_the_services_refuse_those_who_do_not_plan_the_forum(member, edition):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        forum_edition_update(edition=edition, actor=member, theme="x")
    with pytest.raises(PermissionDenied):
        forum_plan_create(edition=edition, actor=member)
    with pytest.raises(PermissionDenied):
        forum_plan_shift(edition=edition, actor=member, days=3)
    assert not EventTask.objects.exists()


def test_an_edition_without_a_first_day_cannot_be_planned(client_for, service_staff,
                                                         other_city):
    edition = ForumEdition.objects.create(year=NEXT_YEAR + 3, host_organisation=other_city)
    client = client_for(service_staff)
    assert 'name="owner"' not in client.get(edition.get_absolute_url()).content.decode()
    response = client.post(reverse("events:forum_plan_create", args=[edition.year]),
                           {"owner": service_staff.pk}, follow=True)
    assert response.status_code == 200 and not EventTask.objects.exists()


def test_step_update_refuses_a_bad_state(service_staff, edition):
    from django.core.exceptions import ValidationError

    forum_plan_create(edition=edition, actor=service_staff)
    step = EventTask.objects.filter(forum_edition=edition).first()
    with pytest.raises(ValidationError):
        forum_plan_step_update(task=step, actor=service_staff, assignee=service_staff,
                               due=step.due, state="kaputt")


# --- Query counts ----------------------------------------------------------------------------

# 1 session, 2 user, 3 roles, 4 the second factor (service staff), 5 the edition (with host
# and event), 6 the plan's steps with their owners (the owner choice of "create the plan"
# only while steps are missing: not here), 7 the open space's sessions, 8 the photos,
# 9 the header's unread notifications.
EDITION_PAGE_QUERIES = 9


@pytest.mark.parametrize("photos", [1, 20])
def test_edition_page_query_count_is_flat(client_for, service_staff, edition, photos,
                                          django_assert_num_queries):
    from intranet.events.models import ForumPhoto

    forum_plan_create(edition=edition, actor=service_staff)
    for index in range(photos):
        ForumPhoto.objects.create(edition=edition, image=f"private/forum/x{index}.jpg",
                                  thumbnail=f"private/forum/t{index}.jpg",
                                  content_type="image/jpeg", width=10, height=10,
                                  caption=f"Foto {index}")
    client = client_for(service_staff)
    client.get(edition.get_absolute_url())  # warm caches
    with django_assert_num_queries(EDITION_PAGE_QUERIES):
        response = client.get(edition.get_absolute_url())
    page = response.content.decode()
    assert page.count("<figure>") == photos
    assert page.count("forum-plan__step") >= len(FORUM_PLAN)


# --- Demo data -----------------------------------------------------------------------------

def test_demo_plans_the_coming_edition_with_steps_done_and_photographs_two_past_ones(
        service_staff, django_capture_on_commit_callbacks):
    from intranet.accounts.demo import CITIES
    from intranet.events.demo import seed_forum_editions
    from intranet.events.demo_planning import seed_forum
    from intranet.events.models import ForumPhoto

    for slug, name in CITIES:
        OrganisationFactory(slug=slug, name=name)
    seed_forum_editions(service_staff)
    assert seed_forum(service_staff) > 0
    today = timezone.localdate()
    planned = ForumEdition.objects.get(tasks__isnull=False, tasks__step="venue")
    assert planned.start_date >= today
    steps = EventTask.objects.filter(forum_edition=planned)
    assert steps.count() == len(FORUM_PLAN)
    assert steps.filter(state="done").exists() and steps.exclude(state="done").exists()
    photographed = ForumEdition.objects.filter(photos__isnull=False).distinct()
    assert photographed.count() == 2
    assert all(edition.end_date < today for edition in photographed)
    assert all(photo.caption and photo.width == 1200 for photo in ForumPhoto.objects.all())
    assert seed_forum(service_staff) == 0  # idempotent
    assert EventTask.objects.filter(forum_edition=planned).count() == len(FORUM_PLAN)


@pytest.mark.realservices
@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="DATABASE_URL is not PostgreSQL; run `make test-services`")
@pytest.mark.django_db(transaction=True)
def test_planning_twice_at_once_makes_each_step_once(service_staff, city):
    """Two people press "create the plan" at the same moment: one makes the steps, the
    other finds them there; nothing twice, no database error."""
    edition = forum_edition_create(actor=service_staff, year=NEXT_YEAR, host_organisation=city,
                                   start_date=FIRST_DAY)
    barrier = threading.Barrier(4)
    outcomes: list[object] = []

    def plan():
        try:
            barrier.wait(timeout=30)
            outcomes.append(forum_plan_create(edition=edition, actor=service_staff))
        except BaseException as error:  # noqa: BLE001 – counted below
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=plan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(outcome, list) for outcome in outcomes), outcomes
    assert sum(len(outcome) for outcome in outcomes) == len(FORUM_PLAN)
    assert EventTask.objects.filter(forum_edition=edition).count() == len(FORUM_PLAN)
