from celery import shared_task


@shared_task
def send_event_reminders() -> int:
    """Hourly (beat): reminders a week and a day before each event. Idempotent: every
    reminder has its key, so a second run, or two at once, write nothing more."""
    from .services import event_reminders_send

    return event_reminders_send()
