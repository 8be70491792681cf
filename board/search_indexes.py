"""Posts in the one search (DESIGN §4). The audience says who may find a post; every hit is
checked again through ``post_list_visible_to`` before anyone sees it."""

from haystack import indexes

from intranet.core.search_analysis import german_analyzer, text_of, title_field
from intranet.core.search_backend import indexed_lists
from networks.search_indexes import workspace_audience

from .models import Audience, Category, Post


def post_audience(post: Post) -> list[str]:
    if post.audience == Audience.PLATFORM:
        return ["all"]
    if post.audience == Audience.NETWORK:
        return workspace_audience(post.network)
    return [f"org:{city.pk}" for city in post.indexed_cities] + [f"user:{post.author_id}"]


class PostIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, analyzer=german_analyzer())
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

    def prepare_text(self, post):
        """Everything a post is found by: its words, author, topics, visible comments, and
        its files' names and text."""
        return text_of(
            # The label through the enum: get_category_display() hashes every choice per call.
            post.title, Category(post.category).label, post.body,
            post.author.name if post.author else "",
            post.author_organisation.name if post.author_organisation else "",
            " ".join(topic.name for topic in post.indexed_topics),
            *(comment.body for comment in post.indexed_comments if not comment.hidden_at),
            *(part for attachment in post.indexed_attachments
              for part in (attachment.original_name, attachment.text)))

    def prepare_audience(self, post):
        return post_audience(post)

    def prepare_topics(self, post):
        return [topic.slug for topic in post.indexed_topics]

    def prepare_organisation(self, post):
        return [post.author_organisation.slug] if post.author_organisation else []

    def prepare_network(self, post):
        return [post.network.slug] if post.network else []
