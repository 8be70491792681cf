"""Networks in the one search: open and on-request networks are known to everyone, a
confidential one only to its members (DESIGN §3.6)."""

from django.db.models import Prefetch
from haystack import indexes

from intranet.core.search_analysis import german_analyzer, text_of, title_field
from intranet.core.search_backend import indexed_lists

from .models import Document, DocumentVersion, Network, Visibility


def workspace_audience(network: Network) -> list[str]:
    """Who may find what lies in the workspace: everyone for an open network (its files
    are reindexed when the visibility changes, networks.services.network_update)."""
    return ["all"] if network.visibility == Visibility.OPEN else [f"network:{network.pk}"]


class NetworkIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, analyzer=german_analyzer())
    type = indexes.CharField(default="network")
    audience = indexes.MultiValueField()
    title = title_field(model_attr="name")
    created = indexes.DateTimeField(model_attr="founded_at")
    topics = indexes.MultiValueField()
    network = indexes.MultiValueField()

    def get_model(self):
        return Network

    def index_queryset(self, using=None):
        return Network.objects.prefetch_related(*indexed_lists("topics"))

    def prepare_text(self, network):
        return text_of(network.name, network.mandate, network.goals,
                       " ".join(topic.name for topic in network.indexed_topics),
                       network.end_summary, network.end_results)

    def prepare_audience(self, network):
        if network.visibility == Visibility.CONFIDENTIAL:
            return [f"network:{network.pk}"]
        return ["all"]

    def prepare_topics(self, network):
        return [topic.slug for topic in network.indexed_topics]

    def prepare_network(self, network):
        return [network.slug]


class NetworkDocumentIndex(indexes.SearchIndex, indexes.Indexable):
    """A workspace's file, found by its title and the text of its newest version."""

    text = indexes.CharField(document=True, analyzer=german_analyzer())
    type = indexes.CharField(default="network_document")
    audience = indexes.MultiValueField()
    title = title_field(model_attr="title")
    created = indexes.DateTimeField(model_attr="updated_at")
    topics = indexes.MultiValueField()
    network = indexes.MultiValueField()

    def get_model(self):
        return Document

    def index_queryset(self, using=None):
        # Only what the text reads (a deferred field read later is a query per document).
        newest = DocumentVersion.objects.order_by("document_id", "-number").only(
            "document_id", "number", "original_name", "text")
        return Document.objects.select_related("network").prefetch_related(
            "network__topics", Prefetch("versions", queryset=newest[:1], to_attr="newest"))

    def prepare_text(self, document):
        """Its title, its network's name, and the newest version's file name and text."""
        return text_of(document.title, document.network.name,
                       *(part for version in document.newest
                         for part in (version.original_name, version.text)))

    def prepare_audience(self, document):
        return workspace_audience(document.network)

    def prepare_topics(self, document):
        return [topic.slug for topic in document.network.topics.all()]

    def prepare_network(self, document):
        return [document.network.slug]
