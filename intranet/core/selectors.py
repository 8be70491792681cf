from datetime import date

from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries_visible_to(
    *,
    user,
    actor_id: int | None = None,
    actor_name: str = "",
    organisation_slug: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    from .permissions import can_view_audit_log

    if not can_view_audit_log(user):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.select_related("actor_organisation")
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if actor_name:
        entries = entries.filter(actor_label__icontains=actor_name)
    if organisation_slug:
        entries = entries.filter(actor_organisation__slug=organisation_slug)
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(created_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(created_at__date__lte=date_to)
    return entries


def without_hidden_targets(*, user, entries) -> list[AuditEntry]:
    """The entries, with the names of objects the person may not see replaced."""
    from django.utils.translation import gettext as _

    from .models import AUDIT_TARGET_HIDERS

    entries = list(entries)
    for target_type, hidden in AUDIT_TARGET_HIDERS.items():
        ids = {e.target_id for e in entries if e.target_type == target_type}
        hidden_ids = {str(pk) for pk in hidden(user, ids)} if ids else set()
        for entry in entries:
            if entry.target_type == target_type and entry.target_id in hidden_ids:
                entry.target_label = _("confidential (no. %(id)s)") % {"id": entry.target_id}
    return entries


def audit_actions() -> list[str]:
    """The actions the apps registered: no DISTINCT over a log that only grows."""
    from .models import AUDIT_ACTION_LABELS

    return sorted(AUDIT_ACTION_LABELS)
