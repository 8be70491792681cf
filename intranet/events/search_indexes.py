"""Events in the one search (DESIGN §4). The audience names who the event reaches; every
hit is checked again through ``event_list_visible_to`` before anyone sees it."""

from haystack import indexes

from intranet.core.search_analysis import german_analyzer, text_of, title_field
from networks.models import Visibility

from .models import Audience, Event, Kind
from .permissions import MANAGER_ROLES


def event_audience(event: Event) -> list[str]:
    """A superset of who may see the event; the re-check narrows it to exactly them."""
    if event.network is not None and event.network.visibility == Visibility.CONFIDENTIAL:
        return [f"network:{event.network_id}"]  # nobody outside may know the network
    reached = {
        Audience.EVERYONE: lambda: ["all"],
        Audience.ROLES: lambda: [f"role:{row.role}" for row in event.audience_roles.all()],
        Audience.CITIES: lambda: [f"org:{city.pk}" for city in event.audience_cities.all()],
        Audience.NETWORK: lambda: [f"network:{event.network_id}"],
        Audience.PEOPLE: lambda: [f"user:{person.pk}" for person in event.audience_people.all()],
    }[event.audience]()
    organisers = [f"user:{person.pk}" for person in event.organisers.all()]
    creator = [f"user:{event.created_by_id}"] if event.created_by_id else []
    return sorted({*reached, *organisers, *creator, *(f"role:{role}" for role in MANAGER_ROLES)})


class EventIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, analyzer=german_analyzer())
    type = indexes.CharField(default="event")
    audience = indexes.MultiValueField()
    title = title_field(model_attr="title")
    created = indexes.DateTimeField(model_attr="start")
    topics = indexes.MultiValueField()
    organisation = indexes.MultiValueField()
    network = indexes.MultiValueField()

    def get_model(self):
        return Event

    def index_queryset(self, using=None):
        return Event.objects.select_related("network", "host_organisation").prefetch_related(
            "audience_roles", "audience_cities", "audience_people", "organisers")

    def prepare_text(self, event):
        return text_of(event.title, Kind(event.kind).label, event.description, event.venue,
                       event.address,
                       event.host_organisation.name if event.host_organisation else "")

    def prepare_audience(self, event):
        return event_audience(event)

    def prepare_topics(self, event):
        return []

    def prepare_organisation(self, event):
        return [event.host_organisation.slug] if event.host_organisation else []

    def prepare_network(self, event):
        return [event.network.slug] if event.network else []
