"""Networks in the one search: open and on-request networks are known to everyone, a
confidential one only to its members (DESIGN §3.6)."""

from haystack import indexes

from intranet.core.search_analysis import german_analyzer

from .models import Network, Visibility


class NetworkIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, use_template=True, analyzer=german_analyzer())
    type = indexes.CharField(default="network")
    audience = indexes.MultiValueField()
    title = indexes.CharField(model_attr="name")
    created = indexes.DateTimeField(model_attr="founded_at")
    topics = indexes.MultiValueField()
    network = indexes.MultiValueField()

    def get_model(self):
        return Network

    def index_queryset(self, using=None):
        return Network.objects.prefetch_related("topics")

    def prepare_audience(self, network):
        if network.visibility == Visibility.CONFIDENTIAL:
            return [f"network:{network.pk}"]
        return ["all"]

    def prepare_topics(self, network):
        return [topic.slug for topic in network.topics.all()]

    def prepare_network(self, network):
        return [network.slug]
