"""Every form of ours, driven as a person does with arbitrary input (issue 8, input):
no 500, either a redirect (success) or the form again (200/400), and when it is not a
success nothing was written."""

import dataclasses
import datetime
import inspect
from collections.abc import Callable

import pytest
from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from board import forms as board_forms
from board.services import post_create
from intranet.accounts import forms as account_forms
from intranet.accounts.services import invitation_create, invitation_token
from intranet.core import forms as core_forms
from intranet.events import forms as event_forms
from intranet.events.models import Audience, Kind, OpenSpaceSession
from intranet.events.services import (
    agenda_item_create,
    decision_create,
    event_create,
    event_task_create,
    forum_edition_create,
    forum_plan_create,
    open_space_room_create,
    open_space_session_propose,
    open_space_slot_create,
    proposal_deadline_set,
)
from intranet.notifications import forms as notification_forms
from intranet.notifications.models import Kind as NotificationKind
from intranet.steering import forms as steering_forms
from knowledge import forms as knowledge_forms
from networks import forms as network_forms
from networks.models import Visibility
from networks.services import (
    idea_propose,
    membership_invite,
    membership_join,
    network_found,
    task_create,
)
from tests.trust.fuzz_support import (
    FUZZ,
    NASTY_DATES,
    changed_tables,
    iso_dates,
    nasty_text,
    odd_numbers,
    plain_text,
    row_counts,
)

pytestmark = pytest.mark.django_db

FORM_MODULES = [account_forms, core_forms, event_forms, notification_forms, steering_forms,
                network_forms, board_forms, knowledge_forms]
# Forms of third parties we only subclass; they are driven by their own tests.
NOT_OURS_TO_FUZZ = {"SignInForm": "allauth's sign-in, tested in tests/accounts/test_security.py"}
SUCCESS = (302, 303)
FORM_AGAIN = (200, 400)


@dataclasses.dataclass
class World:
    """One of everything a form works on, made once per test."""

    network: object
    task: object
    post: object
    event: object
    dh_meeting: object
    item: object
    decision: object
    event_task: object
    edition: object
    step: object
    session: object
    past_session: object
    idea: object
    invitation_token: str
    known_values: list

    def year(self):
        return self.edition.year


def in_days(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def world(coordinator, member, lead, service_staff, steering, department_head, admin, city):
    network = network_found(founder=coordinator, name="Starkregen-Runde", mandate="Wie?",
                            visibility=Visibility.OPEN)
    membership_invite(network=network, user=member, actor=coordinator)
    membership_join(network=network, user=member)
    task = task_create(network=network, actor=coordinator, title="Karte zeichnen")
    post = post_create(author=member, title="Suche Baumrigolen", body="Wer hat Erfahrung?",
                       category="request")
    event = event_create(actor=service_staff, kind=Kind.COORDINATORS, title="Treffen",
                         start=in_days(10), end=in_days(10.1), venue="Rathaus")
    dh_meeting = event_create(actor=service_staff, kind=Kind.DEPARTMENT_HEADS,
                              title="Dezernent:innenrunde", start=in_days(30),
                              end=in_days(30.1), audience=Audience.ROLES,
                              roles=["department_head", "service"])
    dh_meeting = proposal_deadline_set(event=dh_meeting, actor=service_staff,
                                       deadline=in_days(20))
    item = agenda_item_create(event=event, actor=service_staff, title="Begrüßung")
    decision = decision_create(event=event, actor=service_staff, title="Beschluss 1")
    event_task = event_task_create(actor=service_staff, decision=decision, title="Nachfassen",
                                   assignee=member, due=timezone.localdate())
    next_year = timezone.localdate().year + 1
    first = datetime.date(next_year, 9, 16)
    edition = forum_edition_create(actor=service_staff, year=next_year, host_organisation=city,
                                   theme="Schwammstadt", start_date=first,
                                   end_date=first + datetime.timedelta(days=1))
    step = forum_plan_create(edition=edition, actor=service_staff)[0]
    open_space_room_create(actor=service_staff, edition=edition, name="Raum Emscher")
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time(10)))
    open_space_slot_create(actor=service_staff, edition=edition, starts_at=start,
                           ends_at=start + datetime.timedelta(hours=1))
    session = open_space_session_propose(actor=member, edition=edition, title="Rigolen?")
    past = forum_edition_create(actor=service_staff, year=2016, host_organisation=city,
                                theme="Hitze", start_date=datetime.date(2016, 9, 15),
                                end_date=datetime.date(2016, 9, 16))
    # Sessions are proposed before a forum and get results after it has begun.
    past_session = OpenSpaceSession.objects.create(edition=past, title="Hitze?", host=member,
                                                   proposed_by=member)
    idea = idea_propose(author=member, question="Brauchen wir Hitzeinseln?", why="Weil")
    invitation = invitation_create(inviter=coordinator, email="neu@bochum.example",
                                   name="Nora Neu", organisation=city, roles=["member"])
    known = [str(value) for value in (
        member.pk, lead.pk, coordinator.pk, city.pk, network.pk, event.pk, item.pk,
        session.pk)] + [city.slug, network.slug, member.email, "open", "member", "done"]
    return World(network=network, task=task, post=post, event=event, dh_meeting=dh_meeting,
                 item=item, decision=decision, event_task=event_task, edition=edition,
                 step=step, session=session, past_session=past_session, idea=idea,
                 invitation_token=invitation_token(invitation), known_values=known)


@dataclasses.dataclass
class Door:
    """Where a person meets the form: who may use it, and at which address."""

    persona: str
    url: Callable[[World], str]
    method: str = "post"
    extra_fields: tuple = ()
    # Codes this door may answer besides success and the form again, and why.
    also: tuple = ()
    # Tables that visiting the page writes to whatever the form says, and why.
    visit_writes: tuple = ()
    prepare: Callable[[], None] | None = None


def _build_search_index():
    # A platform that has never indexed anything has no Whoosh index yet; the search
    # page then says search is unavailable (503), which is not what this test is about.
    call_command("rebuild_index", interactive=False, verbosity=0)


def _forum(name, **kwargs):
    return lambda w: reverse(name, kwargs={"year": w.year(), **{
        key: getter(w) for key, getter in kwargs.items()}})


DOORS: dict[type, Door] = {
    # accounts
    account_forms.PeopleFilterForm: Door("member", lambda w: reverse("people"), "get"),
    account_forms.ProfileForm: Door("member", lambda w: reverse("profile_edit")),
    account_forms.RolesForm: Door("admin", lambda w: reverse(
        "person_roles", args=[w.task.network.memberships.first().user_id])),
    account_forms.InvitationForm: Door("coordinator", lambda w: reverse("invitation_list")),
    account_forms.InvitationAcceptForm: Door("anon", lambda w: reverse(
        "invitation_accept", args=[w.invitation_token])),
    account_forms.OrganisationForm: Door("coordinator", lambda w: reverse(
        "organisation_edit", args=["bochum"])),
    account_forms.ApiTokenForm: Door("member", lambda w: reverse("api_token_create")),
    account_forms.AccountDeleteForm: Door("member", lambda w: reverse("account_delete_own")),
    # core
    core_forms.AuditFilterForm: Door("steering", lambda w: reverse("audit_log"), "get"),
    core_forms.SearchForm: Door("member", lambda w: reverse("search"), "get",
                                prepare=_build_search_index),
    # steering
    steering_forms.QuietDaysForm: Door("steering", lambda w: reverse("steering:dashboard"), "get"),
    steering_forms.LeadMessageForm: Door("steering", lambda w: reverse(
        "steering:nudge", args=[w.network.pk])),
    # notifications
    notification_forms.PreferencesForm: Door(
        "member", lambda w: reverse("notifications:preferences"),
        extra_fields=tuple(kind.value for kind in NotificationKind)),
    # networks
    network_forms.NetworkFilterForm: Door("member", lambda w: reverse("networks:list"), "get"),
    network_forms.NetworkForm: Door("coordinator", lambda w: reverse("networks:found")),
    network_forms.InviteForm: Door("coordinator", lambda w: reverse(
        "networks:invite", args=[w.network.slug])),
    network_forms.RoleForm: Door("coordinator", lambda w: reverse(
        "networks:set_role", args=[w.network.slug, w.event_task.assignee_id])),
    network_forms.TaskForm: Door("member", lambda w: reverse(
        "networks:tasks", args=[w.network.slug])),
    network_forms.TaskEditForm: Door("member", lambda w: reverse(
        "networks:task_edit", args=[w.network.slug, w.task.pk])),
    network_forms.DocumentForm: Door("member", lambda w: reverse(
        "networks:documents", args=[w.network.slug])),
    network_forms.VersionForm: Door("member", lambda w: reverse(
        "networks:documents", args=[w.network.slug])),
    network_forms.EndNetworkForm: Door("coordinator", lambda w: reverse(
        "networks:end", args=[w.network.slug]), also=(409,)),
    network_forms.TaskFilterForm: Door("member", lambda w: reverse("networks:my_tasks"), "get"),
    network_forms.IdeaForm: Door("member", lambda w: reverse("networks:ideas")),
    network_forms.IdeaCommentForm: Door("member", lambda w: reverse(
        "networks:idea", args=[w.idea.pk])),
    network_forms.IdeaConvertForm: Door("coordinator", lambda w: reverse(
        "networks:idea_convert", args=[w.idea.pk]), also=(409,)),
    # board
    board_forms.BoardFilterForm: Door("member", lambda w: reverse("board:list"), "get"),
    board_forms.PostForm: Door("member", lambda w: reverse("board:create")),
    board_forms.PostEditForm: Door("member", lambda w: reverse("board:edit", args=[w.post.pk])),
    # Opening a post marks it read for the visitor, whatever the comment form holds.
    board_forms.CommentForm: Door("member", lambda w: reverse("board:detail", args=[w.post.pk]),
                                  visit_writes=("board_postread",)),
    board_forms.PinForm: Door("service_staff", lambda w: reverse("board:pin", args=[w.post.pk])),
    board_forms.AttachmentForm: Door("member", lambda w: reverse(
        "board:attachment_upload", args=[w.post.pk])),
    # knowledge
    knowledge_forms.LibraryFilterForm: Door("member", lambda w: "/wissen/", "get"),
    knowledge_forms.ResultStartForm: Door("member", lambda w: reverse(
        "knowledge:result_start", args=[w.network.slug])),
    # events
    event_forms.CalendarFilterForm: Door("member", lambda w: reverse("events:calendar"), "get"),
    event_forms.EventForm: Door("service_staff", lambda w: reverse("events:create")),
    event_forms.CancelForm: Door("service_staff", lambda w: reverse(
        "events:cancel", args=[w.event.pk]), also=(409,)),
    event_forms.AgendaItemForm: Door("service_staff", lambda w: reverse(
        "events:agenda", args=[w.event.pk])),
    event_forms.SlideForm: Door("service_staff", lambda w: reverse(
        "events:slide_upload", args=[w.event.pk, w.item.pk])),
    event_forms.ProposalForm: Door("coordinator", lambda w: reverse(
        "events:propose", args=[w.dh_meeting.pk])),
    event_forms.ProposalDecisionForm: Door("service_staff", lambda w: reverse(
        "events:proposal_decide", args=[w.event.pk, w.item.pk])),
    event_forms.ProposalDeadlineForm: Door("service_staff", lambda w: reverse(
        "events:proposal_deadline", args=[w.dh_meeting.pk])),
    event_forms.MinutesForm: Door("service_staff", lambda w: reverse(
        "events:minutes", args=[w.event.pk])),
    event_forms.DecisionForm: Door("service_staff", lambda w: reverse(
        "events:decision_create", args=[w.event.pk])),
    event_forms.EventTaskForm: Door("service_staff", lambda w: reverse(
        "events:task_create", args=[w.event.pk, w.decision.pk])),
    event_forms.EventTaskEditForm: Door("service_staff", lambda w: reverse(
        "events:task_edit", args=[w.event.pk, w.event_task.pk])),
    event_forms.TaskStateForm: Door("member", lambda w: reverse(
        "events:task_state", args=[w.event_task.pk])),
    event_forms.DecisionFilterForm: Door("department_head", lambda w: reverse(
        "events:decisions"), "get"),
    event_forms.SessionProposalForm: Door("member", _forum("events:open_space_propose")),
    event_forms.RoomForm: Door("service_staff", _forum("events:open_space_room_add")),
    event_forms.SlotForm: Door("service_staff", _forum("events:open_space_slot_add")),
    # A session that is not this edition's is the one 404 (hidden and missing look alike).
    event_forms.PlaceForm: Door("service_staff", _forum("events:open_space_place"),
                                also=(404,)),
    event_forms.ResultsForm: Door("member", lambda w: reverse(
        "events:open_space_results", args=[2016, w.past_session.pk])),
    event_forms.AdoptHostForm: Door("service_staff", lambda w: reverse("events:forum_host_adopt")),
    event_forms.ForumEditionForm: Door("service_staff", _forum("events:forum_edit")),
    event_forms.ForumPlanForm: Door("service_staff", _forum("events:forum_plan_create")),
    event_forms.ForumStepForm: Door("service_staff", _forum(
        "events:forum_step_edit", pk=lambda w: w.step.pk)),
    event_forms.ForumPlanShiftForm: Door("service_staff", _forum("events:forum_plan_shift")),
    event_forms.ForumPhotoForm: Door("service_staff", _forum("events:forum_photo_add")),
}


def our_forms() -> dict[str, type]:
    found = {}
    for module in FORM_MODULES:
        for name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__.split(".")[0] in (
                    "intranet", "networks", "board", "knowledge"):
                found[f"{value.__module__}.{name}"] = value
    return found


def test_every_form_of_ours_is_fuzzed():
    missing = [name for name, form in our_forms().items()
               if form not in DOORS and form.__name__ not in NOT_OURS_TO_FUZZ]
    assert missing == [], "forms without a fuzz door:\n" + "\n".join(sorted(missing))


def test_the_form_walk_sees_forms_of_every_app():
    modules = {form.__module__.split(".")[0] for form in our_forms().values()}
    assert {"intranet", "networks", "board", "knowledge"} <= modules
    assert len(our_forms()) >= len(DOORS)


# --- What a person may type ---------------------------------------------------------------

def _tiny_file(name: str, body: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body)


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8"
       b"N\x00\x00\x00\x00IEND\xaeB`\x82")


def uploads():
    names = st.sampled_from(["a.pdf", "\u202efdp.exe", "x\x00.pdf", "../../x.txt", "b.png",
                             "a" * 300 + ".txt", "ohne-endung", "bild.PNG"])
    bodies = st.sampled_from([b"", b"%PDF-1.4\n%fuzz\n", PNG, b"\x00" * 64, b"hallo\n",
                              b"<svg onload=alert(1)>"])
    return st.builds(_tiny_file, names, bodies)


def _field_values(field, known_values):
    """Values a person might type or a tampered form might send for this field."""
    known = st.sampled_from(known_values)
    nasty = nasty_text()
    if isinstance(field, forms.FileField):
        return st.one_of(uploads(), nasty)
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "true", "0", "\x00"])
    if isinstance(field, forms.DateTimeField):
        return st.one_of(st.sampled_from(NASTY_DATES),
                         iso_dates().map(lambda day: f"{day}T10:00"), nasty)
    if isinstance(field, forms.DateField | forms.TimeField):
        return st.one_of(st.sampled_from(NASTY_DATES + ["10:00", "24:00", "23:59:59.9"]),
                         iso_dates(), nasty)
    if isinstance(field, forms.IntegerField):
        return st.one_of(odd_numbers(), st.integers(-5, 40).map(str), nasty)
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        single = st.one_of(known, _choices(field), odd_numbers(), nasty)
        return st.lists(single, max_size=4)
    if isinstance(field, forms.ModelChoiceField):
        return st.one_of(known, odd_numbers(), nasty)
    if isinstance(field, forms.ChoiceField):
        return st.one_of(_choices(field), known, nasty)
    if isinstance(field, forms.EmailField):
        return st.one_of(st.emails().map(str), known, nasty)
    return st.one_of(plain_text(), nasty)


def _choices(field):
    values = [str(value) for value, _label in getattr(field, "choices", []) if value != ""]
    return st.sampled_from(values or [""])


def payloads(form_class, door: Door, known_values):
    """Each field present with an odd or ordinary value, or missing; plus stray fields."""
    fields = {name: _field_values(field, known_values)
              for name, field in form_class.base_fields.items()}
    for name in door.extra_fields:
        fields[name] = st.one_of(st.sampled_from(["instant", "daily", "weekly", "never"]),
                                 nasty_text())
    optional = {name: st.one_of(st.none(), values) for name, values in fields.items()}
    stray = st.dictionaries(st.sampled_from(["id", "pk", "author", "created_by", "network_id",
                                             "is_staff", "\x00", "roles[]"]),
                            nasty_text(20), max_size=2)
    return st.tuples(st.fixed_dictionaries(optional), stray).map(
        lambda pair: {**pair[1], **{k: v for k, v in pair[0].items() if v is not None}})


# --- Driving the forms ----------------------------------------------------------------------

def _send(client, door: Door, url: str, data: dict):
    if door.method == "get":
        plain = {k: v for k, v in data.items() if not hasattr(v, "read")}
        return client.get(url, plain)
    return client.post(url, data)


def refused(response) -> bool:
    """The form again, or (for a button on another page) a redirect back with an error."""
    if response.status_code in FORM_AGAIN:
        return True
    # Only this request's messages: earlier ones wait unread, as no redirect is followed.
    queued = response.wsgi_request._messages._queued_messages
    return response.status_code in SUCCESS and any(
        message.level >= messages.ERROR for message in queued)


def assert_nothing_written(door: Door, before: dict, data) -> None:
    changed = changed_tables(before, row_counts())
    assert {t: n for t, n in changed.items() if t not in door.visit_writes} == {}, data


def fuzz_door(form_class, request, client_for, world):
    door = DOORS[form_class]
    if door.prepare:
        door.prepare()
    persona = request.getfixturevalue(door.persona)
    url = door.url(world)
    client = client_for(persona)
    allowed = (*SUCCESS, *FORM_AGAIN, *door.also)

    @FUZZ
    @given(data=payloads(form_class, door, world.known_values))
    def attempt(data):
        before = row_counts()
        response = _send(client, door, url, data)
        assert response.status_code in allowed, (response.status_code, data)
        if refused(response) or response.status_code in door.also:
            assert_nothing_written(door, before, data)
        if door.method == "get":
            assert response.status_code == 200, data

    attempt()


@pytest.mark.parametrize("form_class", list(DOORS), ids=lambda form: form.__name__)
def test_arbitrary_input_never_breaks_a_form_or_stores_anything_invalid(
        form_class, request, client_for, world):
    fuzz_door(form_class, request, client_for, world)


def _nul_payload(form_class, door: Door) -> dict:
    """Every field (and stray ones) carries a NUL character; files are left out."""
    names = [name for name, field in form_class.base_fields.items()
             if not isinstance(field, forms.FileField)]
    return dict.fromkeys([*names, *door.extra_fields, "\x00"], "Rigole\x00")


@pytest.mark.parametrize("form_class", list(DOORS), ids=lambda form: form.__name__)
def test_a_nul_character_in_every_field_is_refused_without_a_500_or_a_write(
        form_class, request, client_for, world):
    """PostgreSQL refuses NUL in text; Django's CharField refuses it first, but a filter, a
    choice or a lookup that passes it on to the database would answer 500 there."""
    door = DOORS[form_class]
    if door.prepare:
        door.prepare()
    client = client_for(request.getfixturevalue(door.persona))
    before = row_counts()
    response = _send(client, door, door.url(world), _nul_payload(form_class, door))
    if door.method == "get":
        assert response.status_code == 200
    else:
        assert refused(response) or response.status_code in door.also, response.status_code
    assert_nothing_written(door, before, "NUL")


# --- Regressions found by the fuzzing -------------------------------------------------------

@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "9999-12-31T23:59", "1999-12-31T23:00"])
def test_a_proposal_deadline_in_year_one_is_refused_instead_of_overflowing(
        typed, client_for, service_staff, world):
    client = client_for(service_staff)
    deadline = world.dh_meeting.proposal_deadline
    response = client.post(reverse("events:proposal_deadline", args=[world.dh_meeting.pk]),
                           {"proposal_deadline": typed})
    assert refused(response)
    world.dh_meeting.refresh_from_db()
    assert world.dh_meeting.proposal_deadline == deadline


def test_an_event_form_with_a_start_in_year_one_is_shown_again_at_its_field(
        client_for, service_staff):
    response = client_for(service_staff).post(reverse("events:create"), {
        "kind": "coordinators", "title": "Treffen", "audience": "everyone",
        "start": "0001-01-01T00:00", "end": "0001-01-01T02:00"})
    assert response.status_code == 200
    assert "start" in response.context["form"].errors


def test_a_cancellation_note_that_cannot_be_sent_stops_the_cancellation(
        client_for, service_staff, world):
    response = client_for(service_staff).post(
        reverse("events:cancel", args=[world.event.pk]), {"reason": "Leider\x00 nicht"})
    assert refused(response)
    world.event.refresh_from_db()
    assert not world.event.is_cancelled
