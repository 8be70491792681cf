"""Reads of a meeting's records: agenda, slides, minutes, decisions and follow-up tasks.

Everything follows the event's visibility (``event_list_visible_to``); proposals that are
not accepted are the organisers' and their proposer's.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from networks.models import TaskState

from ..models import (
    CLOSED_DECISION_STATUSES,
    AgendaItem,
    AgendaSlide,
    AgendaStatus,
    Decision,
    Event,
    EventTask,
    Kind,
    Minutes,
)
from .event import event_list_visible_to


def _tasks_prefetch() -> Prefetch:
    return Prefetch("tasks", queryset=EventTask.objects.select_related("assignee")
                    .order_by("state", "due", "pk"))


def agenda_of(*, event: Event, user, manage: bool = False) -> list[AgendaItem]:
    """The accepted items in their order, with presenters and slides (one query each);
    ``manage``: proposals too, for the organisers."""
    items = AgendaItem.objects.filter(event=event)
    if not manage:
        items = items.filter(status=AgendaStatus.ACCEPTED)
    items = list(items.select_related("proposed_by").prefetch_related(
        "presenters", Prefetch("slides", queryset=AgendaSlide.objects.order_by(
            "uploaded_at", "pk"))).order_by("position", "pk"))
    for item in items:
        item.event = event
    return items


def proposals_of(*, event: Event, user, manage: bool) -> list[AgendaItem]:
    """Proposals waiting, deferred or declined: all for the organisers, one's own else."""
    items = AgendaItem.objects.filter(event=event).exclude(status=AgendaStatus.ACCEPTED)
    if not manage:
        items = items.filter(proposed_by=user) if user.is_authenticated else items.none()
    return list(items.select_related("proposed_by__organisation", "carried_to__event")
                .order_by("created_at", "pk"))


def minutes_of(*, event: Event) -> Minutes | None:
    return Minutes.objects.select_related("updated_by", "library_page").filter(
        event=event).first()


def decisions_of(*, event: Event) -> list[Decision]:
    """The meeting's decisions in their order, each with its tasks and their assignees."""
    decisions = list(Decision.objects.filter(event=event).select_related("agenda_item")
                     .prefetch_related(_tasks_prefetch()).order_by("number", "pk"))
    for decision in decisions:
        decision.event = event
    return decisions


def event_tasks_visible_to(*, user) -> QuerySet[EventTask]:
    """Follow-up tasks of the meetings the person may see, and the Expertenforum's planning
    steps (the forum is everyone's)."""
    if not (user and user.is_authenticated and user.is_active):
        return EventTask.objects.none()
    return EventTask.objects.filter(
        Q(event__in=event_list_visible_to(user=user).values("pk"))
        | Q(event__isnull=True, forum_edition__isnull=False))


def my_event_tasks(*, user, include_done: bool = False) -> QuerySet[EventTask]:
    """The follow-up tasks assigned to the person, in meetings they may still see: open and
    in progress first, the earliest due date on top."""
    tasks = event_tasks_visible_to(user=user).filter(assignee=user)
    if not include_done:
        tasks = tasks.exclude(state=TaskState.DONE)
    return tasks.select_related("event", "decision__event", "forum_edition").order_by(
        "state", "due", "pk")


def next_department_heads_meeting(*, after: Event) -> Event | None:
    """Where a deferred proposal is carried: the next department-heads meeting."""
    return (Event.objects.filter(kind=Kind.DEPARTMENT_HEADS, start__gt=after.start,
                                 cancelled_at__isnull=True)
            .order_by("start", "pk").first())


def decision_years(*, user) -> list[int]:
    """The years with department-heads decisions the person may see, newest first."""
    return sorted({when.year for when in _decision_rows(user).values_list(
        "event__start", flat=True).distinct()}, reverse=True)


def _decision_rows(user) -> QuerySet[Decision]:
    return Decision.objects.filter(
        event__kind=Kind.DEPARTMENT_HEADS,
        event__in=event_list_visible_to(user=user).values("pk"))


def decision_overview_visible_to(*, user, year: int | None = None,
                                 status: str = "") -> QuerySet[Decision]:
    """The department-heads decisions across the years, newest meeting first, each with
    its meeting, its open tasks counted and its tasks with their assignees."""
    decisions = _decision_rows(user)
    if year:
        start = timezone.make_aware(timezone.datetime(year, 1, 1))
        end = timezone.make_aware(timezone.datetime(year + 1, 1, 1))
        decisions = decisions.filter(event__start__gte=start, event__start__lt=end)
    if status == "unfinished":
        decisions = decisions.exclude(status__in=CLOSED_DECISION_STATUSES)
    elif status:
        decisions = decisions.filter(status=status)
    overdue = EventTask.objects.filter(decision=OuterRef("pk"), due__lt=timezone.localdate()
                                       ).exclude(state=TaskState.DONE)
    return (decisions.select_related("event")
            .annotate(open_tasks=Count("tasks", filter=~Q(tasks__state=TaskState.DONE)),
                      has_overdue=Exists(overdue))
            .prefetch_related(_tasks_prefetch())
            .order_by("-event__start", "number", "pk"))
