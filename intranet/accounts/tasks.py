from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_invitation_email(self, invitation_id: int) -> bool:
    """Send one invitation; idempotent: an invitation already sent or no longer open is skipped."""
    from .models import Invitation
    from .services import invitation_token

    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(
        pk=invitation_id).first()
    if invitation is None or invitation.sent_at or not invitation.is_open:
        return False
    # Claim it first: of two deliveries of the same message only one sends.
    claimed = Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(
        sent_at=timezone.now())
    if not claimed:
        return False
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "invitation_accept", args=[invitation_token(invitation)]
    )
    language = getattr(invitation.invited_by, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"invitation": invitation, "link": link}
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_body.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except Exception:
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=None)  # free it for the retry
        raise
    return True


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def build_data_export(user_id: int) -> str | None:
    """Build the person's data archive and tell them it is ready."""
    from .data_export import data_export_build

    return data_export_build(user_id=user_id)


@shared_task
def apply_retention_periods() -> dict[str, int]:
    """Beat, nightly: delete what is older than its retention period (idempotent)."""
    from .privacy import retention_apply

    return retention_apply()
