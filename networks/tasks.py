from celery import shared_task
from django.conf import settings


@shared_task
def archive_stale_ideas() -> int:
    """Nightly: ideas nobody has taken up for a long time move to the archive."""
    from .services import idea_archive_stale

    return idea_archive_stale(days=settings.IDEA_STALE_DAYS)


@shared_task
def extract_document_text(version_id: int) -> None:
    from .services import document_text_extract

    document_text_extract(version_id=version_id)
