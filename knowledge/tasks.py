from celery import shared_task


@shared_task(acks_late=True)
def fan_out_publications() -> int:
    from .services import fan_out_publications as fan_out

    return fan_out()


@shared_task(acks_late=True)
def extract_document_text(document_id: int) -> None:
    from .services import document_text_extract

    document_text_extract(document_id=document_id)
