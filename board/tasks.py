from celery import shared_task


@shared_task
def unpin_expired_pins() -> int:
    from .services import unpin_expired_pins as unpin

    return unpin()
