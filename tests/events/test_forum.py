"""The Expertenforum: the editions since 2015, the host rotation and adopting its
suggestion."""

import datetime
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from intranet.accounts.models import Organisation
from intranet.core.errors import ConflictError
from intranet.core.models import AuditEntry
from intranet.events.models import ForumEdition, Kind
from intranet.events.selectors import (
    forum_host_rotation_visible_to,
    host_rotation_order,
    host_suggestions,
)
from intranet.events.services import forum_edition_create
from tests.events.conftest import in_days
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
DUPLICATE = "There is already an Expertenforum for %(year)s."


def _cities(*names):
    return [OrganisationFactory(slug=name.lower(), name=f"Stadt {name}") for name in names]


def _edition(year, host, actor, **fields):
    return forum_edition_create(actor=actor, year=year, host_organisation=host, **fields)


# --- The order and the suggestion (pure functions) -------------------------------------

class City:
    """Enough of an organisation for the pure functions: no database needed."""

    def __init__(self, pk, name):
        self.pk, self.name = pk, name


def test_never_hosted_come_first_by_name_then_longest_since_last_hosting():
    herne, essen, bochum, witten, dortmund = (City(1, "Herne"), City(2, "Essen"),
                                              City(3, "Bochum"), City(4, "Witten"),
                                              City(5, "Dortmund"))
    # Essen hosted 2015 and again 2022: its last time counts, so Bochum (2018) goes first.
    hosted = [(2, 2015), (3, 2018), (2, 2022), (5, 2020)]
    order = host_rotation_order([herne, essen, bochum, witten, dortmund], hosted)
    assert [row.city.name for row in order] == ["Herne", "Witten", "Bochum", "Dortmund",
                                                "Essen"]
    assert order[-1].years == [2015, 2022]
    assert order[0].last_year is None


def test_suggestion_skips_years_with_an_edition_and_names_each_city_once():
    order = host_rotation_order([City(1, "A"), City(2, "B"), City(3, "C"), City(4, "D")],
                                [(4, 2027)])
    suggestions = host_suggestions(order, taken_years=[2026, 2027, 2029], from_year=2026)
    assert [(year, row.city.name) for year, row in suggestions] == [
        (2028, "A"), (2030, "B"), (2031, "C")]


def test_suggestion_never_names_more_cities_than_there_are():
    order = host_rotation_order([City(1, "A")], [])
    assert [(year, row.city.name) for year, row in host_suggestions(
        order, taken_years=[], from_year=2030)] == [(2030, "A")]
    assert host_suggestions([], taken_years=[], from_year=2030) == []


def test_rotation_reads_the_member_cities_only(member, service_staff, city, service_org):
    essen, herne = _cities("Essen", "Herne")
    _edition(THIS_YEAR, essen, service_staff)
    rotation = forum_host_rotation_visible_to(user=member)
    names = [row.city.name for row in rotation.rows]
    assert service_org.name not in names
    assert names == [city.name, herne.name, essen.name]
    assert [year for year, _row in rotation.suggestions] == [
        THIS_YEAR + 1, THIS_YEAR + 2, THIS_YEAR + 3]
    assert [row.city for _year, row in rotation.suggestions] == [city, herne, essen]


# --- Adopting a suggestion ---------------------------------------------------------------

def test_service_staff_adopt_a_suggestion_and_the_edition_is_created_and_audited(
        client_for, service_staff, city):
    response = client_for(service_staff).post(
        reverse("events:forum_host_adopt"),
        {"year": THIS_YEAR + 1, "host_organisation": city.slug})
    edition = ForumEdition.objects.get(year=THIS_YEAR + 1)
    assert edition.host_organisation == city
    assert response.status_code == 302 and response.url == edition.get_absolute_url()
    entry = AuditEntry.objects.get(action="forum_edition.create")
    assert entry.actor == service_staff and entry.data["host"] == city.slug


@pytest.mark.parametrize("persona", ["member", "coordinator", "steering", "department_head"])
def test_only_service_staff_adopt(client_for, request, persona, city):
    person = request.getfixturevalue(persona)
    response = client_for(person).post(reverse("events:forum_host_adopt"),
                                       {"year": THIS_YEAR + 1, "host_organisation": city.slug})
    assert response.status_code == 403
    assert not ForumEdition.objects.exists()
    page = client_for(person).get(reverse("events:forum_hosts")).content.decode()
    assert reverse("events:forum_host_adopt") not in page


def test_signed_out_people_are_sent_to_sign_in(client, city):
    for url in (reverse("events:forum_list"), reverse("events:forum_hosts")):
        assert client.get(url).status_code == 302
    response = client.post(reverse("events:forum_host_adopt"),
                           {"year": THIS_YEAR + 1, "host_organisation": city.slug})
    assert response.status_code == 302 and not ForumEdition.objects.exists()


def test_a_year_with_an_edition_is_refused_in_german_and_nothing_changes(
        client_for, service_staff, city, other_city):
    _edition(THIS_YEAR + 1, other_city, service_staff, theme="Hitze")
    before = AuditEntry.objects.count()
    with translation.override("de"):
        response = client_for(service_staff).post(
            reverse("events:forum_host_adopt"),
            {"year": THIS_YEAR + 1, "host_organisation": city.slug},
            HTTP_ACCEPT_LANGUAGE="de", follow=True)
        expected = gettext(DUPLICATE) % {"year": THIS_YEAR + 1}
    assert response.status_code == 200
    assert expected in response.content.decode()
    edition = ForumEdition.objects.get(year=THIS_YEAR + 1)
    assert (edition.host_organisation, edition.theme) == (other_city, "Hitze")
    assert ForumEdition.objects.count() == 1 and AuditEntry.objects.count() == before


def test_the_service_refuses_a_duplicate_year_and_a_non_city_host(
        service_staff, city, service_org):
    _edition(2020, city, service_staff)
    with pytest.raises(ConflictError):
        _edition(2020, city, service_staff)
    with pytest.raises(ValidationError):
        _edition(2021, service_org, service_staff)
    assert list(ForumEdition.objects.values_list("year", flat=True)) == [2020]


def test_an_invalid_adoption_form_gives_a_message_not_an_error(client_for, service_staff):
    response = client_for(service_staff).post(reverse("events:forum_host_adopt"),
                                              {"year": "x", "host_organisation": "nowhere"})
    assert response.status_code == 302 and not ForumEdition.objects.exists()


# --- The pages ----------------------------------------------------------------------------

def test_calendar_links_to_the_expertenforum(client_for, member):
    page = client_for(member).get(reverse("events:calendar")).content.decode()
    assert f'href="{reverse("events:forum_list")}"' in page


def test_editions_newest_first_and_the_edition_page_links_the_registration(
        client_for, member, service_staff, city, other_city, make_event):
    event = make_event(kind=Kind.FORUM, title="Expertenforum – Anmeldung",
                       start=in_days(60), end=in_days(61))
    _edition(2015, city, service_staff, theme="Starkregen",
             start_date=datetime.date(2015, 9, 10), end_date=datetime.date(2015, 9, 11))
    _edition(THIS_YEAR + 1, other_city, service_staff, theme="Schwammstadt", event=event)
    client = client_for(member)
    page = client.get(reverse("events:forum_list")).content.decode()
    assert page.index("Schwammstadt") < page.index("Starkregen")
    assert other_city.name in page and city.name in page
    old = client.get(reverse("events:forum_detail", args=[2015])).content.decode()
    assert "Starkregen" in old and city.name in old and event.get_absolute_url() not in old
    new = client.get(reverse("events:forum_detail", args=[THIS_YEAR + 1])).content.decode()
    assert event.get_absolute_url() in new
    assert client.get(reverse("events:forum_detail", args=[1999])).status_code == 404


def test_a_hidden_registration_event_is_not_linked(
        client_for, member, service_staff, other_city, make_event):
    event = make_event(kind=Kind.FORUM, title="Nur für die Steuerung", audience="roles",
                       roles=["steering"], start=in_days(60), end=in_days(61))
    _edition(THIS_YEAR + 1, other_city, service_staff, event=event)
    page = client_for(member).get(
        reverse("events:forum_detail", args=[THIS_YEAR + 1])).content.decode()
    assert event.get_absolute_url() not in page


def test_host_rotation_page_shows_the_order_and_offers_adoption_to_service_staff(
        client_for, service_staff, member, city, other_city):
    _edition(2016, other_city, service_staff)
    page = client_for(service_staff).get(reverse("events:forum_hosts")).content.decode()
    assert reverse("events:forum_host_adopt") in page
    table = page[page.index('id="h-cities"'):]
    assert table.index(city.name) < table.index(other_city.name)
    assert reverse("events:forum_detail", args=[2016]) in table
    assert client_for(member).get(reverse("events:forum_hosts")).status_code == 200


# 1 session, 2 user, 3 roles of the user, 4 unread notifications in the header, 5 the
# member cities, 6 the (city, year) pairs of every edition.
HOST_ROTATION_QUERIES = 6


@pytest.mark.parametrize("cities", [5, 30])
def test_host_rotation_query_count_is_flat(client_for, member, service_staff, cities,
                                           django_assert_num_queries):
    hosts = [OrganisationFactory(slug=f"stadt-{index}", name=f"Stadt {index:02d}")
             for index in range(cities)]
    for index, host in enumerate(hosts):
        _edition(2000 + index, host, service_staff)
    client = client_for(member)
    client.get(reverse("events:forum_hosts"))  # warm caches
    with django_assert_num_queries(HOST_ROTATION_QUERIES):
        response = client.get(reverse("events:forum_hosts"))
    assert len(response.context["rotation"].rows) == Organisation.objects.filter(
        kind="municipality").count()
    assert len(response.context["rotation"].suggestions) == 3


def test_demo_has_an_edition_every_year_since_2015_with_different_hosts(service_staff):
    from intranet.accounts.demo import CITIES
    from intranet.events.demo import seed_forum_editions

    for slug, name in CITIES:
        OrganisationFactory(slug=slug, name=name)
    assert seed_forum_editions(service_staff) == len(range(2015, 2027))
    editions = list(ForumEdition.objects.order_by("year"))
    assert [edition.year for edition in editions] == list(range(2015, 2027))
    assert len({edition.host_organisation_id for edition in editions}) == len(editions)
    assert all(edition.theme and edition.start_date.year == edition.year
               and (edition.end_date - edition.start_date).days == 1 for edition in editions)
    assert seed_forum_editions(service_staff) == 0  # idempotent


@pytest.mark.realservices
@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="DATABASE_URL is not PostgreSQL; run `make test-services`")
@pytest.mark.django_db(transaction=True)
def test_two_adopting_the_same_year_at_once_give_one_edition_and_a_conflict(service_staff):
    """Both pass the "is the year free?" check; the unique year lets one in and the other
    gets the message, not a database error."""
    hosts = _cities("Essen", "Herne", "Witten", "Hagen")
    barrier = threading.Barrier(len(hosts))
    outcomes: list[object] = []

    def adopt(host):
        try:
            barrier.wait(timeout=30)
            outcomes.append(_edition(THIS_YEAR + 5, host, service_staff))
        except BaseException as error:  # noqa: BLE001 – counted below
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=adopt, args=(host,)) for host in hosts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert ForumEdition.objects.filter(year=THIS_YEAR + 5).count() == 1
    assert sum(isinstance(outcome, ForumEdition) for outcome in outcomes) == 1
    assert all(isinstance(outcome, ConflictError | ForumEdition) for outcome in outcomes)
    assert AuditEntry.objects.filter(action="forum_edition.create").count() == 1
