"""Results, building projects and their documents in the one search (DESIGN §4).

Only published pages are indexed, from their row in the database: Wagtail keeps drafts in
revisions, so the row is the live version. The publish and unpublish signals
(``knowledge.signals``) put a page into the index outbox; nothing else does. A published
page is read by everyone signed in, so its audience is ``all``; a confidential network's
name is not indexed with it."""

from datetime import datetime, time

from django.utils import timezone
from django.utils.html import strip_tags
from haystack import indexes

from intranet.core.search_analysis import german_analyzer, title_field
from networks.models import Visibility

from .models import LibraryDocument, LibraryPage, ProjectPage, ResultPage


def _as_datetime(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


def page_text(page) -> str:
    """Everything a person might search a page by, as plain text."""
    specific = page.specific
    parts = [page.title, page.summary, page.get_result_type_display(),
             *(topic.name for topic in page.topics.all()),
             *(city.name for city in page.cities.all())]
    if page.network is not None and page.network.visibility != Visibility.CONFIDENTIAL:
        parts.append(page.network.name)
    if isinstance(specific, ResultPage):
        parts.append(strip_tags(str(specific.body)))
    if isinstance(specific, ProjectPage):
        parts += [specific.location, strip_tags(specific.description), specific.funding,
                  specific.partners, strip_tags(specific.lessons_learned),
                  specific.get_status_display(),
                  *(measure.name for measure in specific.measures.all())]
        if specific.city is not None:
            parts.append(specific.city.name)
    parts += [use.document.title for use in page.documents.all()]
    return "\n".join(part for part in parts if part)


class LibraryPageIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, analyzer=german_analyzer())
    type = indexes.CharField(default="result")
    audience = indexes.MultiValueField()
    title = title_field(model_attr="title")
    created = indexes.DateTimeField()
    topics = indexes.MultiValueField()
    organisation = indexes.MultiValueField()
    network = indexes.MultiValueField()

    def get_model(self):
        return LibraryPage

    def index_queryset(self, using=None):
        return LibraryPage.objects.live().select_related("network").prefetch_related(
            "topics", "cities", "documents__document")

    def prepare_text(self, page):
        return page_text(page)

    def prepare_audience(self, page):
        return ["all"]

    def prepare_created(self, page):
        return _as_datetime(page.publication_date)

    def prepare_topics(self, page):
        return [topic.slug for topic in page.topics.all()]

    def prepare_organisation(self, page):
        return [city.slug for city in page.cities.all()]

    def prepare_network(self, page):
        network = page.network
        if network is None or network.visibility == Visibility.CONFIDENTIAL:
            return []
        return [network.slug]


class LibraryDocumentIndex(indexes.SearchIndex, indexes.Indexable):
    """The text inside the documents of published pages (PDF, DOCX, ODT, plain text)."""

    text = indexes.CharField(document=True, analyzer=german_analyzer())
    type = indexes.CharField(default="document")
    audience = indexes.MultiValueField()
    title = title_field(model_attr="title")
    created = indexes.DateTimeField(model_attr="created_at")
    topics = indexes.MultiValueField()
    organisation = indexes.MultiValueField()
    network = indexes.MultiValueField()

    def get_model(self):
        return LibraryDocument

    def index_queryset(self, using=None):
        return LibraryDocument.objects.filter(library_uses__page__live=True).distinct()

    def _pages(self, document):
        return LibraryPage.objects.live().filter(documents__document=document).select_related(
            "network").prefetch_related("topics", "cities")

    def prepare_text(self, document):
        return f"{document.title}\n{document.text}"

    def prepare_audience(self, document):
        return ["all"]

    def prepare_topics(self, document):
        return sorted({topic.slug for page in self._pages(document)
                       for topic in page.topics.all()})

    def prepare_organisation(self, document):
        return sorted({city.slug for page in self._pages(document)
                       for city in page.cities.all()})

    def prepare_network(self, document):
        return sorted({page.network.slug for page in self._pages(document)
                       if page.network and page.network.visibility != Visibility.CONFIDENTIAL})
