from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_email(*, subject: str, body: str, from_email: str, to: list[str],
               html: str | None = None) -> None:
    """Send one rendered e-mail from the ``email`` queue, so no request waits for SMTP."""
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
