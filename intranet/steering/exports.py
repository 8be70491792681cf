"""The tables of the steering page as CSV, exactly as the page shows them: a confidential
network is its number here too."""

from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.core.exports import csv_response


def _date(moment) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def _networks(board):
    header = [_("Network"), _("Visibility"), _("Status"), _("Founded"), _("Age in days"),
              _("Members"), _("Cities"), _("Leads"), _("Posts (30 days)"),
              _("Posts (90 days)"), _("Comments (30 days)"), _("Comments (90 days)"),
              _("Open tasks"), _("Overdue tasks"), _("Done tasks"), _("Meetings held"),
              _("Results published"), _("Last activity")]
    rows = ([row.label, row.visibility_label, row.status_label, _date(row.founded_at),
             row.age_days, *_counted(row, [
                 row.members, row.cities, row.active_leads, row.posts_30, row.posts_90,
                 row.comments_30, row.comments_90, row.tasks_open, row.tasks_overdue,
                 row.tasks_done, row.meetings, row.results]),
             _date(row.last_activity)] for row in board.networks)
    return header, rows


def _counted(row, figures: list) -> list:
    """A row founded since the last count has empty cells, not zeros that look true."""
    return figures if row.counted else [""] * len(figures)


def _cities(board):
    header = [_("City"), _("People"), _("Active people (90 days)"), _("Coordinators"),
              _("Networks"), _("Events attended (12 months)"), _("Posts (12 months)")]
    rows = ([city.name, *_counted(city, [city.people, city.active_people, city.coordinators,
                                          city.networks, city.events_attended, city.posts])]
            for city in board.cities)
    return header, rows


def _matrix(board):
    """Every pair with members, one per line (a nation's matrix has ten million cells)."""
    header = [_("Network"), _("City"), _("Members")]
    rows = ([network.label, city.name, members]
            for network, city, members in board.all_pairs())
    return header, rows


def _activity(board):
    header = [_("Month"), _("Posts"), _("Comments"), _("Tasks created"), _("Meetings held"),
              _("Total")]
    rows = ([row["month"].strftime("%Y-%m"), row["posts"], row["comments"], row["tasks"],
             row["meetings"], row["total"]] for row in board.activity)
    return header, rows


def _lifecycle(board):
    header = [_("Year"), _("Founded"), _("Dissolved"), _("Continued")]
    rows = ([row["year"], row["founded"], row["dissolved"], row["continued"]]
            for row in board.lifecycle)
    return header, rows


def _attention(board):
    header = [_("Reason"), _("Network or city"), _("Last activity")]
    attention = board.attention
    rows = [
        *([_("No activity for %(days)s days") % {"days": board.quiet_days}, row.label,
           _date(row.last_activity)] for row in attention.quiet),
        *([_("No lead left"), row.label, _date(row.last_activity)]
          for row in attention.leaderless),
        *([_("No city coordinator"), city.name, ""]
          for city in attention.cities_without_coordinator),
        *([_("In no network"), city.name, ""] for city in attention.cities_without_network),
        *([_("Decision overdue"), f"{decision.reference} {decision.title}",
           decision.overdue_since.isoformat()] for decision in attention.overdue_decisions),
    ]
    return header, rows


TABLES = {"netzwerke": _networks, "staedte": _cities, "matrix": _matrix,
          "aktivitaet": _activity, "lebenszyklus": _lifecycle, "aufmerksamkeit": _attention}


def csv_of(table: str, board):
    header, rows = TABLES[table](board)
    stamp = timezone.localdate(board.now).isoformat()
    return csv_response(f"steuerung-{table}-{stamp}.csv", header, rows)


def audit_csv(entries):
    header = [_("Time"), _("Person"), _("City or organisation"), _("Action"), _("Object"),
              _("Details")]
    rows = (
        [entry.created_at.isoformat(), entry.actor_label,
         entry.actor_organisation.name if entry.actor_organisation else "",
         entry.action, entry.target_label, entry.data]
        for entry in entries
    )
    return csv_response("protokoll.csv", header, rows)
