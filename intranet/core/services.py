from django.db import models

from .models import AuditEntry


def audit_record(*, actor, action: str, target: models.Model | None = None, **data) -> AuditEntry:
    """Append one audit entry; call inside the service's transaction so both land or neither."""
    return AuditEntry.objects.create(
        actor=actor if actor and actor.pk else None,
        actor_label=str(actor) if actor else "",  # empty: the system acted
        actor_organisation_id=getattr(actor, "organisation_id", None),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        data=data,
    )
