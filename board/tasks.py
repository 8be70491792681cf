from celery import shared_task


@shared_task
def unpin_expired_pins() -> int:
    from .services import unpin_expired_pins as unpin

    return unpin()


@shared_task
def fan_out_post_events() -> int:
    """Turn the board's outbox into notifications; also swept by beat every minute, so
    nothing is lost while the broker was away."""
    from .fanout import fan_out_pending

    return fan_out_pending()


@shared_task
def extract_attachment_text(attachment_id: int) -> None:
    from .services import attachment_text_extract

    attachment_text_extract(attachment_id=attachment_id)
