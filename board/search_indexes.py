"""Posts in the one search (DESIGN §4). The audience says who may find a post; every hit is
checked again through ``post_list_visible_to`` before anyone sees it."""

from haystack import indexes

from intranet.core.search_analysis import german_analyzer, title_field
from intranet.core.search_backend import indexed_lists
from networks.search_indexes import workspace_audience

from .models import Audience, Post


def post_audience(post: Post) -> list[str]:
    if post.audience == Audience.PLATFORM:
        return ["all"]
    if post.audience == Audience.NETWORK:
        return workspace_audience(post.network)
    return [f"org:{city.pk}" for city in post.indexed_cities] + [f"user:{post.author_id}"]


class PostIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, use_template=True, analyzer=german_analyzer())
    type = indexes.CharField(default="post")
    audience = indexes.MultiValueField()
    title = title_field(model_attr="title")
    created = indexes.DateTimeField(model_attr="created_at")
    topics = indexes.MultiValueField()
    # Keyword fields (MultiValueField in Whoosh), so a filter matches the slug exactly.
    organisation = indexes.MultiValueField()
    network = indexes.MultiValueField()

    def get_model(self):
        return Post

    def index_queryset(self, using=None):
        # Hidden posts are found by nobody; their author and the moderation open them.
        return Post.objects.filter(hidden_at__isnull=True).select_related(
            "author", "author_organisation", "network").prefetch_related(
            *indexed_lists("topics", "cities", "comments", "attachments"))

    def prepare_audience(self, post):
        return post_audience(post)

    def prepare_topics(self, post):
        return [topic.slug for topic in post.indexed_topics]

    def prepare_organisation(self, post):
        return [post.author_organisation.slug] if post.author_organisation else []

    def prepare_network(self, post):
        return [post.network.slug] if post.network else []
