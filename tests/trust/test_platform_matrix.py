"""One permission matrix for the whole platform (DESIGN §3, §8): persona × object × door.

Every private object carries its own canary (``platform_fixtures``); ``SEES`` says by hand
who may see it. Each door is one row of a table below:

* detail doors: who may see the object gets 200 and the canary; everyone else gets exactly
  the response of an address that does not exist (status and body, CSRF token aside);
* list doors (pages, API lists, feeds, notifications): the canary shows up exactly for who
  may see it;
* search: hits and their count leave out what one may not see;
* e-mail and in-app notifications, CSV exports and the steering dashboard.

A new door is one row; a new kind of object is one entry in ``SEES`` and one builder. The
per-app matrices (tests/networks, tests/board, tests/events, tests/knowledge) go deeper into
their own rules; this one proves that every door of every app asks the same question.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from intranet.notifications.delivery import send_due_notifications
from intranet.notifications.models import Frequency, Kind, Notification
from intranet.steering.exports import TABLES
from intranet.steering.services import steering_figures_count
from knowledge.selectors import library_root_url
from tests.helpers import comparable_body

from .platform_fixtures import (
    EVERYONE,
    MATRIX_WORD,
    NETWORK_MEMBERS,
    PERSONAS,
    SEES,
    canary,
    platform_fixture,  # noqa: F401 (the fixture "platform")
)

pytestmark = pytest.mark.django_db

MISSING_PK = 987654
MISSING_SLUG = "gibt-es-nicht"

# Who knows that a network exists (its page, its search hit, notifications about it):
# everyone signed in unless it is confidential (DESIGN §3.6). Its workspace (``SEES``) is
# narrower for a network on request.
KNOWS = {**SEES, "network_on_request": EVERYONE}


# --- Detail doors: (door, kind) -> (address, the address of something missing) ----------------

def _task(network):
    return network.tasks.get()


def _attachment(post):
    return post.attachments.get()


def _shelf_url(page):
    return page.get_parent().url


DETAIL_DOORS = {
    # The network's own page names the confidential network (its name carries the canary).
    ("network_page", "network_confidential"): lambda n: (
        reverse("networks:detail", args=[n.slug]),
        reverse("networks:detail", args=[MISSING_SLUG])),
    **{("workspace_tasks", kind): lambda n: (
        reverse("networks:tasks", args=[n.slug]),
        reverse("networks:tasks", args=[MISSING_SLUG]))
       for kind in ("network_open", "network_on_request", "network_confidential")},
    **{("api_task", kind): lambda n: (
        reverse("api_task", args=[_task(n).pk]), reverse("api_task", args=[MISSING_PK]))
       for kind in ("network_open", "network_on_request", "network_confidential")},
    ("document_page", "network_file"): lambda d: (
        reverse("networks:document", args=[d.network.slug, d.pk]),
        reverse("networks:document", args=[d.network.slug, MISSING_PK])),
    ("documents_page", "network_file"): lambda d: (
        reverse("networks:documents", args=[d.network.slug]),
        reverse("networks:documents", args=[MISSING_SLUG])),
    ("file_download", "network_file"): lambda d: (
        reverse("networks:download", args=[d.network.slug, d.pk, 1]),
        reverse("networks:download", args=[d.network.slug, MISSING_PK, 1])),
    **{(door, kind): make for kind in ("post_platform", "post_cities", "post_confidential")
       for door, make in {
           "post_page": lambda p: (reverse("board:detail", args=[p.pk]),
                                   reverse("board:detail", args=[MISSING_PK])),
           "post_attachment": lambda p: (
               reverse("board:attachment_download", args=[p.pk, _attachment(p).pk]),
               reverse("board:attachment_download", args=[MISSING_PK, _attachment(p).pk])),
           "api_post": lambda p: (reverse("api_post", args=[p.pk]),
                                  reverse("api_post", args=[MISSING_PK])),
           "api_post_comments": lambda p: (reverse("api_post_comments", args=[p.pk]),
                                           reverse("api_post_comments", args=[MISSING_PK])),
       }.items()},
    **{(door, kind): make for kind in ("event_everyone", "event_cities", "event_confidential")
       for door, make in {
           "event_page": lambda e: (reverse("events:detail", args=[e.pk]),
                                    reverse("events:detail", args=[MISSING_PK])),
           "event_ics": lambda e: (reverse("event_ics", args=[e.pk]),
                                   reverse("event_ics", args=[MISSING_PK])),
           "api_event": lambda e: (reverse("api_event", args=[e.pk]),
                                   reverse("api_event", args=[MISSING_PK])),
       }.items()},
    **{(door, kind): make for kind in ("library_draft", "library_published")
       for door, make in {
           "library_page": lambda p: (p.url, _shelf_url(p) + MISSING_SLUG + "/"),
           "api_result": lambda p: (reverse("api_result", args=[p.pk]),
                                    reverse("api_result", args=[MISSING_PK])),
       }.items()},
    **{("person_page", kind): lambda u: (reverse("person_detail", args=[u.pk]),
                                         reverse("person_detail", args=[MISSING_PK]))
       for kind in ("person_active", "person_inactive")},
}


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# Doors that open for who may see the object but show none of its text (an empty comment
# list): there 200 is enough.
WITHOUT_CANARY = {"api_post_comments"}


def _detail_mismatch(client, door, kind, path, missing_path, allowed) -> str:
    """'' when the door answers as the rules say, else what went wrong."""
    response = client.get(path)
    body = _body(response)
    if allowed:
        shows = door in WITHOUT_CANARY or canary(kind).encode() in body
        if response.status_code != 200 or not shows:
            return f"allowed but got {response.status_code} without the canary"
        return ""
    if canary(kind).encode() in body:
        return f"LEAK: canary in a {response.status_code}"
    missing = client.get(missing_path)
    if (response.status_code, missing.status_code) != (404, 404):
        return f"hidden {response.status_code}, missing {missing.status_code} (both must be 404)"
    if path.startswith("/api/"):
        same = body == _body(missing)
    else:
        same = comparable_body(response, path) == comparable_body(missing, missing_path)
    return "" if same else "hidden and missing bodies differ"


def test_detail_doors_show_the_object_or_the_one_404_of_something_missing(
        platform, client_for):
    wrong = []
    for persona in PERSONAS:
        client = client_for(platform.people[persona])
        for (door, kind), addresses in DETAIL_DOORS.items():
            path, missing_path = addresses(platform.objects[kind])
            problem = _detail_mismatch(client, door, kind, path, missing_path,
                                       persona in SEES[kind])
            if problem:
                wrong.append(f"{persona} {door}/{kind}: {problem}")
    assert not wrong, "\n".join(wrong)


# --- List doors: (door, kinds it lists) -> address for the person -----------------------------

NETWORK_KINDS = ("network_confidential",)
POST_KINDS = ("post_platform", "post_cities", "post_confidential")
EVENT_KINDS = ("event_everyone", "event_cities", "event_confidential")
LIBRARY_KINDS = ("library_draft", "library_published")
PEOPLE_KINDS = ("person_active", "person_inactive")

LIST_DOORS = {
    "network_list": (NETWORK_KINDS, lambda person: reverse("networks:list")),
    "api_networks": (NETWORK_KINDS, lambda person: reverse("api_networks")),
    "board": (POST_KINDS, lambda person: reverse("board:list")),
    "api_posts": (POST_KINDS, lambda person: reverse("api_posts")),
    "board_atom": (POST_KINDS, lambda person: reverse("board_feed", args=[person.feed_token])),
    "calendar": (EVENT_KINDS, lambda person: reverse("events:calendar")),
    "api_events": (EVENT_KINDS, lambda person: reverse("api_events")),
    "calendar_ics_feed": (EVENT_KINDS,
                          lambda person: reverse("calendar_feed", args=[person.feed_token])),
    "library": (LIBRARY_KINDS, lambda person: library_root_url()),
    "api_results": (LIBRARY_KINDS, lambda person: reverse("api_results")),
    "people": (PEOPLE_KINDS, lambda person: reverse("people")),
    "api_people": (PEOPLE_KINDS, lambda person: reverse("api_people")),
    "notifications": (("notification",), lambda person: reverse("notifications:list")),
    "api_notifications": (("notification",), lambda person: reverse("api_notifications")),
}
# Pages that gather many kinds: they must never show what one may not see (whether they
# show a particular visible object depends on their own choice of what is new).
SUMMARY_DOORS = {
    "home": lambda person: reverse("home"),
    "my_tasks": lambda person: reverse("networks:my_tasks"),
    "organisation": lambda person: reverse("organisation_detail", args=["bochum"]),
    "network_members_open": lambda person: reverse("networks:members", args=["netz-open"]),
}


def _ical_titles(body: bytes) -> str:
    calendar = icalendar.Calendar.from_ical(body)
    return " ".join(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


def test_lists_feeds_and_notifications_list_exactly_what_the_person_may_see(
        platform, client_for):
    wrong = []
    for persona in PERSONAS:
        wrong += _list_mismatches(platform, client_for, persona)
    assert not wrong, "\n".join(wrong)


def _list_mismatches(platform, client_for, persona) -> list[str]:
    person = platform.people[persona]
    client = client_for(person)
    wrong = []
    for door, (kinds, address) in LIST_DOORS.items():
        response = client.get(address(person))
        assert response.status_code == 200, door
        text = response.content.decode()
        if door == "calendar_ics_feed":
            text = _ical_titles(response.content)
        for kind in kinds:
            if (canary(kind) in text) != (persona in SEES[kind]):
                wrong.append(f"{persona} {door}/{kind}: shown={canary(kind) in text}")
    for door, address in SUMMARY_DOORS.items():
        text = client.get(address(person)).content.decode()
        wrong += [f"{persona} {door}/{kind}: LEAK" for kind in SEES
                  if persona not in SEES[kind] and canary(kind) in text]
    return wrong


# --- Search: hits and counts ----------------------------------------------------------------

# What a search for the matrix word finds, by kind: the kinds the search indexes, and who
# may find them. Networks are found by whoever knows they exist; notifications are not
# searched; the deactivated person and the draft by nobody.
SEARCHED = {
    "network_open": KNOWS["network_open"],
    "network_on_request": KNOWS["network_on_request"],
    "network_confidential": KNOWS["network_confidential"],
    "network_file": SEES["network_file"],
    **{kind: SEES[kind] for kind in (*POST_KINDS, *EVENT_KINDS, *LIBRARY_KINDS,
                                      *PEOPLE_KINDS)},
}


def test_search_hits_and_their_counts_leave_out_what_the_person_may_not_see(
        platform, client_for):
    wrong = []
    for persona in PERSONAS:
        try:
            _check_search(platform, client_for, persona)
        except AssertionError as error:
            wrong.append(f"{persona}: {str(error).splitlines()[0]}")
    assert not wrong, "\n".join(wrong)


def _check_search(platform, client_for, persona) -> None:
    client = client_for(platform.people[persona])
    expected = sorted(kind for kind, who in SEARCHED.items() if persona in who)

    answer = client.get(reverse("api_search"), {"q": MATRIX_WORD}).json()
    page = client.get(reverse("search"), {"q": MATRIX_WORD})

    found = sorted(kind for kind in SEARCHED
                   if any(str(platform.objects[kind].pk) == str(hit["id"])
                          and _hit_is(hit, kind) for hit in answer["results"]))
    assert found == expected, f"missing {set(expected) - set(found)}, extra " \
        f"{set(found) - set(expected)}, hits {[(h['type'], h['title']) for h in answer['results']]}"
    assert answer["count"] == len(expected) == len(answer["results"])
    assert page.status_code == 200
    assert page.context["page"].paginator.count == len(expected)
    # The facets count re-checked hits only: their numbers add up to the count.
    kind_counts = next(values for field, _heading, values in page.context["facets"]
                       if field == "type")
    assert sum(value["count"] for value in kind_counts) == len(expected)
    body = page.content.decode() + str(answer)
    assert [kind for kind in SEES if persona not in SEES[kind] and canary(kind) in body] == []


# The search's kind of hit, by kind of object here.
HIT_TYPE = {"network_open": "network", "network_on_request": "network",
            "network_confidential": "network", "network_file": "document",
            **dict.fromkeys(POST_KINDS, "post"), **dict.fromkeys(EVENT_KINDS, "event"),
            **dict.fromkeys(LIBRARY_KINDS, "result"),
            **dict.fromkeys(PEOPLE_KINDS, "person")}


def _hit_is(hit, kind) -> bool:
    return hit["type"] == HIT_TYPE[kind]


# --- E-mail and in-app notifications ----------------------------------------------------------

def _notification_target(platform, kind) -> dict:
    obj = platform.objects[kind]
    if kind.startswith("network_open") or kind.startswith("network_on") \
            or kind == "network_confidential":
        return {"network": obj}
    if kind.startswith("post_"):
        return {"post": obj, "network": obj.network}
    return {"event": obj, "network": obj.network}


NOTIFIED_KINDS = ("network_open", "network_on_request", "network_confidential", *POST_KINDS,
                  *EVENT_KINDS)


def test_notifications_reach_by_mail_and_in_app_only_who_may_see_their_object(
        platform, client_for):
    """Each person gets a notification about every object, as if written while they could
    still see it: sending and showing must ask the rule again."""
    for kind in NOTIFIED_KINDS:
        for person in platform.people.values():
            Notification.objects.create(
                recipient=person, kind=Kind.NETWORK, delivery=Frequency.IMMEDIATELY,
                text=f"Neu: {canary(kind)}", url="/", **_notification_target(platform, kind))
    mail.outbox.clear()
    send_due_notifications(batch=500)

    wrong = []
    for persona, person in platform.people.items():
        mailed = " ".join(m.subject + m.body for m in mail.outbox if m.to == [person.email])
        in_app = client_for(person).get(reverse("notifications:list")).content.decode()
        api = client_for(person).get(reverse("api_notifications")).content.decode()
        for kind in NOTIFIED_KINDS:
            may = persona in KNOWS[kind]
            for door, text in (("mail", mailed), ("in_app", in_app), ("api", api)):
                if (canary(kind) in text) != may:
                    wrong.append(f"{persona} {door}/{kind}: shown={not may}")
    assert not wrong, "\n".join(wrong)


# --- CSV exports and the steering dashboard ---------------------------------------------------

# Who opens process steering's dashboard and exports (DESIGN §1).
STEERS = {"steering", "service_staff", "admin"}

def test_csv_exports_carry_no_canary_for_who_may_not_see_it(platform,
                                                            client_for):
    from intranet.events.services import registration_create

    event = platform.objects["event_confidential"]
    registration_create(event=event, user=platform.people["member"])
    for persona in PERSONAS:
        _check_exports(client_for(platform.people[persona]), persona, event,
                       platform.people["member"].email)


def _check_exports(client, persona, event, member_mail) -> None:
    csv = client.get(reverse("events:participants_csv", args=[event.pk]))
    if persona == "coordinator":  # the organiser
        assert csv.status_code == 200 and member_mail in csv.content.decode()
    else:
        assert csv.status_code == (403 if persona in SEES["event_confidential"] else 404), \
            persona
        assert member_mail not in csv.content.decode()
        assert canary("event_confidential") not in csv.content.decode()
    for table in TABLES:
        export = client.get(reverse("steering:export", args=[table]))
        text = export.content.decode()
        assert [kind for kind in SEES if persona not in SEES[kind] and canary(kind) in text
                ] == [], (persona, table)
        assert export.status_code == (200 if persona in STEERS else 404), (persona, table)


def test_the_steering_dashboard_counts_confidential_networks_but_never_shows_their_content(
        platform, client_for):
    confidential = platform.networks["confidential"]
    steering_figures_count()  # as beat does every hour
    for persona in PERSONAS:
        page = client_for(platform.people[persona]).get(reverse("steering:dashboard"))
        if persona not in STEERS:
            assert page.status_code == 404, persona
            continue
        assert page.status_code == 200
        text = page.content.decode()
        assert [kind for kind in SEES if persona not in SEES[kind] and canary(kind) in text
                ] == [], persona
        row = next(row for row in page.context["board"].networks if row.pk == confidential.pk)
        assert row.members == len(NETWORK_MEMBERS), persona


# --- Writes by someone not allowed change nothing ---------------------------------------------

LEADS = frozenset({"coordinator", "lead"})


@dataclass(frozen=True)
class Write:
    """One write door: who may use it (skipped here: the per-app tests prove success)."""

    kind: str
    method: str
    address: Callable  # the object -> its path (with MISSING_PK/MISSING_SLUG for missing)
    allowed: frozenset
    data: dict = field(default_factory=dict)

    @property
    def api(self) -> bool:
        return self.address.__name__ == "api"


def _html(make):
    make.__name__ = "html"
    return make


def _api(make):
    make.__name__ = "api"
    return make


def _slug_or_missing(network, missing):
    return MISSING_SLUG if missing else network.slug


def _pk_or_missing(obj, missing):
    return MISSING_PK if missing else obj.pk


WRITES = {
    # Networks: the confidential one, hidden from all but its members.
    "network_edit": Write("network_confidential", "post", _html(
        lambda n, m: reverse("networks:edit", args=[_slug_or_missing(n, m)])), LEADS,
        {"name": "Umbenannt", "mandate": "Neu", "visibility": "open"}),
    "network_task_add": Write("network_confidential", "post", _html(
        lambda n, m: reverse("networks:tasks", args=[_slug_or_missing(n, m)])),
        NETWORK_MEMBERS, {"title": "Eingeschmuggelt"}),
    "network_join": Write("network_confidential", "post", _html(
        lambda n, m: reverse("networks:join", args=[_slug_or_missing(n, m)])),
        NETWORK_MEMBERS),
    "network_end": Write("network_confidential", "post", _html(
        lambda n, m: reverse("networks:end", args=[_slug_or_missing(n, m)])), LEADS,
        {"summary": "Ende", "reason": "Weil", "confirmed": "yes"}),
    "network_invite": Write("network_confidential", "post", _html(
        lambda n, m: reverse("networks:invite", args=[_slug_or_missing(n, m)])), LEADS,
        {"email": "otto@essen.example", "user": "1"}),
    "network_edit_open": Write("network_open", "post", _html(
        lambda n, m: reverse("networks:edit", args=[_slug_or_missing(n, m)])), LEADS,
        {"name": "Umbenannt", "mandate": "Neu", "visibility": "confidential"}),
    "api_network_patch": Write("network_confidential", "patch", _api(
        lambda n, m: reverse("api_network", args=[_slug_or_missing(n, m)])), LEADS,
        {"name": "Umbenannt", "visibility": "open"}),
    "api_network_patch_open": Write("network_open", "patch", _api(
        lambda n, m: reverse("api_network", args=[_slug_or_missing(n, m)])), LEADS,
        {"visibility": "confidential"}),
    "api_task_add": Write("network_confidential", "post", _api(
        lambda n, m: reverse("api_network_tasks", args=[_slug_or_missing(n, m)])),
        NETWORK_MEMBERS, {"title": "Eingeschmuggelt"}),
    "api_task_patch": Write("network_confidential", "patch", _api(
        lambda n, m: reverse("api_task", args=[MISSING_PK if m else n.tasks.get().pk])),
        NETWORK_MEMBERS, {"title": "Umbenannt"}),
    "api_network_join": Write("network_confidential", "post", _api(
        lambda n, m: reverse("api_network_join", args=[_slug_or_missing(n, m)])),
        NETWORK_MEMBERS),
    "api_network_dissolve": Write("network_confidential", "post", _api(
        lambda n, m: reverse("api_network_dissolve", args=[_slug_or_missing(n, m)])), LEADS,
        {"summary": "Ende", "reason": "Weil"}),
    # Posts: for the confidential network and for Bochum.
    **{f"{door}_{kind}": Write(kind, method, make, allowed, data)
       for kind in ("post_confidential", "post_cities")
       for door, method, make, allowed, data in (
           ("post_edit", "post", _html(lambda p, m: reverse(
               "board:edit", args=[_pk_or_missing(p, m)])), {"coordinator"},
            {"title": "Umbenannt", "body": "Neu", "category": "offer"}),
           ("post_delete", "post", _html(lambda p, m: reverse(
               "board:delete", args=[_pk_or_missing(p, m)])), {"coordinator"}, {}),
           ("post_hide", "post", _html(lambda p, m: reverse(
               "board:hide", args=[_pk_or_missing(p, m)])), set(), {}),
           ("post_comment", "post", _html(lambda p, m: reverse(
               "board:detail", args=[_pk_or_missing(p, m)])), SEES[kind], {"body": "Hallo"}),
           ("api_post_patch", "patch", _api(lambda p, m: reverse(
               "api_post", args=[_pk_or_missing(p, m)])), {"coordinator"},
            {"title": "Umbenannt"}),
           ("api_post_delete", "delete", _api(lambda p, m: reverse(
               "api_post", args=[_pk_or_missing(p, m)])), {"coordinator"}, None),
           ("api_comment", "post", _api(lambda p, m: reverse(
               "api_post_comments", args=[_pk_or_missing(p, m)])), SEES[kind],
            {"body": "Hallo"}),
       )},
    # Events: the confidential network's meeting and Bochum's.
    **{f"{door}_{kind}": Write(kind, method, make, allowed, data)
       for kind, organisers in (("event_confidential", {"coordinator"}),
                                ("event_cities", {"service_staff"}))
       for door, method, make, allowed, data in (
           ("event_cancel", "post", _html(lambda e, m: reverse(
               "events:cancel", args=[_pk_or_missing(e, m)])), organisers,
            {"reason": "Abgesagt"}),
           ("event_edit", "post", _html(lambda e, m: reverse(
               "events:edit", args=[_pk_or_missing(e, m)])), organisers,
            {"title": "Umbenannt"}),
           ("event_register", "post", _html(lambda e, m: reverse(
               "events:register", args=[_pk_or_missing(e, m)])), SEES[kind], {}),
           ("api_event_register", "post", _api(lambda e, m: reverse(
               "api_event_registration", args=[_pk_or_missing(e, m)])), SEES[kind], None),
       )},
    # People: only admins change someone's roles.
    "person_roles": Write("person_active", "post", _html(lambda u, m: reverse(
        "person_roles", args=[_pk_or_missing(u, m)])), {"admin"}, {"roles": ["admin"]}),
}

# What a write could change: every table of the platform's own apps, and the object itself.
WATCHED_APPS = {"accounts", "networks", "board", "events", "notifications", "knowledge",
                "steering", "core", "guardian"}


def database_snapshot(obj) -> dict:
    from django.apps import apps

    counts = {model._meta.label: model._base_manager.count()
              for model in apps.get_models() if model._meta.app_label in WATCHED_APPS}
    return {"counts": counts, "object": type(obj)._base_manager.filter(pk=obj.pk).values().get()}


def _send(client, write: Write, path: str):
    call = getattr(client, write.method)
    if write.api:
        return call(path, data=json.dumps(write.data), content_type="application/json") \
            if write.data is not None else call(path)
    return call(path, write.data)


def _write_mismatch(platform, client, persona, write: Write) -> str:
    obj = platform.objects[write.kind]
    before = database_snapshot(obj)
    path, missing_path = write.address(obj, False), write.address(obj, True)
    response = _send(client, write, path)
    after = database_snapshot(obj)
    if before != after:
        changed = {key for key in before["counts"] if before["counts"][key] !=
                   after["counts"][key]} or {"the object's fields"}
        return f"LEAK: changed {sorted(changed)} ({response.status_code})"
    if persona in SEES[write.kind]:
        return "" if response.status_code == 403 else f"{response.status_code} instead of 403"
    missing = _send(client, write, missing_path)
    if (response.status_code, missing.status_code) != (404, 404):
        return f"hidden {response.status_code}, missing {missing.status_code} (both must be 404)"
    same = _body(response) == _body(missing) if write.api else \
        comparable_body(response, path) == comparable_body(missing, missing_path)
    return "" if same else "hidden and missing bodies differ"


def test_a_write_by_someone_not_allowed_is_refused_and_changes_nothing(platform, client_for):
    wrong = []
    for persona in PERSONAS:
        client = client_for(platform.people[persona])
        for name, write in WRITES.items():
            if persona in write.allowed:
                continue
            problem = _write_mismatch(platform, client, persona, write)
            if problem:
                wrong.append(f"{persona} {name}: {problem}")
    assert not wrong, "\n".join(wrong)
    # The snapshot does see an allowed write, so "unchanged" above means something.
    write = WRITES["api_task_add"]
    network = platform.objects[write.kind]
    before = database_snapshot(network)
    response = _send(client_for(platform.people["member"]), write, write.address(network, False))
    assert response.status_code == 201
    assert database_snapshot(network) != before


def test_anonymous_visitors_are_sent_to_sign_in_and_see_no_canary(platform, client):
    wrong = []
    addresses = [addresses(platform.objects[kind])[0]
                 for (_door, kind), addresses in DETAIL_DOORS.items()]
    addresses += [address(platform.people["member"]) for _kinds, address in LIST_DOORS.values()
                  if "feed" not in str(address(platform.people["member"]))]
    addresses += [reverse("search") + f"?q={MATRIX_WORD}",
                  reverse("api_search") + f"?q={MATRIX_WORD}", reverse("steering:dashboard")]
    for path in addresses:
        response = client.get(path)
        body = _body(response).decode(errors="replace")
        if path.startswith("/api/"):
            expected = response.status_code == 401
        else:
            expected = response.status_code == 302 and response["Location"].startswith(
                reverse("account_login"))
        if not expected or any(canary(kind) in body for kind in SEES):
            wrong.append(f"{path}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
