"""Demo records for ``seed_demo``: the department-heads meetings of the last three years
with accepted and deferred proposals, minutes, decisions (some done, some open, one task
overdue) and their tasks; next year's meeting with its agenda, slides and open proposals."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from intranet.accounts.models import User, UserRole
from intranet.core.pdf import simple_pdf

from .models import AgendaItem, AgendaStatus, Audience, Decision, Event, Kind
from .services import (
    agenda_item_create,
    agenda_item_propose,
    decision_create,
    decision_update,
    event_create,
    event_task_create,
    event_task_set_state,
    minutes_save,
    proposal_deadline_set,
    slide_add,
)

# Per past meeting: (years ago, decisions as (title, wording, status)).
PAST_MEETINGS = [
    (2, [("Klimaanpassung wird Pflichtaufgabe in allen Bauleitplänen",
          "Jede Stadt prüft Bebauungspläne auf Hitze- und Starkregenvorsorge.", "done"),
         ("Gemeinsamer Leitfaden Baumrigolen", "Das Netzwerk Baumrigolen erarbeitet einen "
          "Leitfaden für alle Städte.", "done")]),
    (1, [("Hitzeaktionspläne in allen Städten bis Ende nächsten Jahres",
          "Die Städte stellen Hitzeaktionspläne auf; die Serviceorganisation berät.", "doing"),
         ("Entsiegelungsprogramm für Schulhöfe", "Je Stadt mindestens ein Schulhof.",
          "done"),
         ("Regionale Starkregengefahrenkarte", "Wird zugunsten der Landeskarte nicht "
          "weiterverfolgt.", "dropped")]),
    (0, [("Förderberatung bündeln", "Die Serviceorganisation richtet eine gemeinsame "
          "Förderberatung ein.", "open"),
         ("Kennzahlen für die Schwammstadt", "Die Prozesssteuerung schlägt fünf Kennzahlen "
          "vor, die alle Städte jährlich melden.", "open")]),
]


def _meeting_start(years_ago: int) -> datetime.datetime:
    """The meeting in late January, ``years_ago`` years before the latest one that has
    taken place (negative: the coming one)."""
    today = timezone.localdate()
    latest = today.year if datetime.date(today.year, 1, 28) < today else today.year - 1
    day = datetime.date(latest - years_ago, 1, 28)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _people(role: str) -> list[User]:
    return list(User.objects.filter(is_active=True, pk__in=UserRole.objects.filter(
        role=role).values("user_id")).order_by("pk"))


def _meeting(service, years_ago: int, title: str) -> Event:
    start = _meeting_start(years_ago)
    return event_create(
        actor=service, kind=Kind.DEPARTMENT_HEADS, title=title,
        description="Die Dezernent:innen für Planen, Bauen und Umwelt und der Vorstand der "
                    "Serviceorganisation: Ziele für das Netzwerk, Vorschläge aus den Städten.",
        start=start, end=start + datetime.timedelta(hours=4),
        venue="Emscherhaus, Großer Sitzungssaal", address="Kronprinzenstraße 24, 45128 Essen",
        audience=Audience.ROLES, roles=["department_head", "service"])


@transaction.atomic
def seed_meeting_records(*, service, heads=None, coordinators=None) -> int:
    """Only into a database without department-heads meetings; the number of meetings."""
    if Event.objects.filter(kind=Kind.DEPARTMENT_HEADS).exists():
        return 0
    heads = list(heads if heads is not None else _people("department_head")) or [service]
    coordinators = list(coordinators if coordinators is not None
                        else _people("coordinator")) or [service]
    assignees = [*heads, service, *coordinators[:2]]
    today = timezone.localdate()
    meetings = []
    for index, (years_ago, decisions) in enumerate(PAST_MEETINGS):
        year = _meeting_start(years_ago).year
        event = _meeting(service, years_ago, f"Dezernent:innenrunde {year}")
        # The proposals of a past meeting, as they were decided then.
        proposer = coordinators[index % len(coordinators)]
        AgendaItem.objects.create(
            event=event, title="Gemeinsame Öffentlichkeitsarbeit zur Hitze", position=2,
            reason="Mehrere Städte planen Kampagnen; gemeinsam wären sie günstiger.",
            status=AgendaStatus.ACCEPTED, proposed_by=proposer, created_by=proposer,
            decided_by=service, decided_at=event.start - datetime.timedelta(days=10))
        AgendaItem.objects.create(
            event=event, title="Regenwasserbewirtschaftung in Gewerbegebieten", position=3,
            reason="Die Gewerbegebiete sind die größten versiegelten Flächen.",
            status=AgendaStatus.DEFERRED, proposed_by=proposer, created_by=proposer,
            status_note="Zuerst berichtet das Netzwerk Entsiegelung.", decided_by=service,
            decided_at=event.start - datetime.timedelta(days=10))
        agenda_item_create(event=event, actor=service, title="Bericht der Serviceorganisation",
                           starts_at=event.start, duration=30, presenters=[service])
        minutes_save(event=event, actor=service, text=(
            "## Teilnehmende\n\nDezernent:innen der Mitgliedsstädte, Vorstand der "
            "Serviceorganisation.\n\n## Ergebnisse\n\n- Der Bericht wurde zur Kenntnis "
            "genommen.\n- Die Beschlüsse stehen unten mit ihren Aufgaben.\n"))
        for number, (title, text, status) in enumerate(decisions):
            decision = decision_create(event=event, actor=service, title=title, text=text)
            assignee = assignees[(index + number) % len(assignees)]
            # The last meeting's first decision has a task that is overdue.
            due = (today - datetime.timedelta(days=21) if years_ago == 0 and number == 0
                   else today + datetime.timedelta(days=60 + 30 * number)
                   if status in ("open", "doing") else event.start.date()
                   + datetime.timedelta(days=180))
            task = event_task_create(actor=service, decision=decision, assignee=assignee,
                                     title=f"Umsetzung vorbereiten: {title[:120]}", due=due)
            if status != "open":
                decision_update(decision=decision, actor=service, status=status)
            if status in ("done", "dropped"):
                event_task_set_state(task=task, actor=service, state="done")
            if status == "done":  # finished months after the meeting, not on seeding day
                Decision.objects.filter(pk=decision.pk).update(
                    completed_at=min(event.start + datetime.timedelta(days=150 + 30 * number),
                                     timezone.now()))
        meetings.append(event)

    upcoming = _meeting(service, -1, f"Dezernent:innenrunde {_meeting_start(-1).year}")
    proposal_deadline_set(event=upcoming, actor=service,
                          deadline=upcoming.start - datetime.timedelta(days=14))
    start = upcoming.start
    for minutes, (title, presenter) in zip((0, 20, 60, 120), (
            ("Begrüßung und Rückblick auf die Beschlüsse", service),
            ("Bericht der Prozesssteuerung: Aktivität der Netzwerke", coordinators[0]),
            ("Hitzeaktionspläne: Stand in den Städten", heads[0]),
            ("Ziele für das kommende Jahr", service)), strict=True):
        item = agenda_item_create(event=upcoming, actor=service, title=title,
                                  starts_at=start + datetime.timedelta(minutes=minutes),
                                  duration=20 if minutes < 60 else 45, presenters=[presenter])
        if minutes in (20, 60):
            upload = ContentFile(simple_pdf([title, "", "Folien zur Dezernent:innenrunde"]),
                                 name=f"folien-{minutes}.pdf")
            slide_add(item=item, actor=service, upload=upload)
    for index, title in enumerate(("Kühle Orte in allen Städten ausweisen",
                                   "Gemeinsame Beschaffung von Baumsubstrat")):
        agenda_item_propose(event=upcoming, actor=coordinators[index % len(coordinators)],
                            title=title, reason="Vorschlag aus dem Netzwerk.")
    meetings.append(upcoming)
    return len(meetings)
