"""People in the one search (DESIGN §4). Every document carries its type and audience."""

from haystack import indexes

from intranet.core.search_analysis import german_analyzer, text_of, title_field
from intranet.core.search_backend import indexed_lists

from .models import User


class PersonIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, analyzer=german_analyzer())
    type = indexes.CharField(default="person")
    # Every signed-in person may see every active colleague (accounts.permissions).
    audience = indexes.MultiValueField(default=["all"])
    title = title_field(model_attr="name")
    topics = indexes.MultiValueField()
    organisation = indexes.MultiValueField()

    def get_model(self):
        return User

    def index_queryset(self, using=None):
        return User.objects.filter(is_active=True).select_related("organisation") \
            .prefetch_related(*indexed_lists("topics"))

    def prepare_text(self, person):
        return text_of(person.name, person.position,
                       person.organisation.name if person.organisation else "",
                       " ".join(topic.name for topic in person.indexed_topics), person.bio)

    def prepare_topics(self, person):
        return [topic.slug for topic in person.indexed_topics]

    def prepare_organisation(self, person):
        return [person.organisation.slug] if person.organisation else []
