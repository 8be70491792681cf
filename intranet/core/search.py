"""Keeping the index in step with the database (DESIGN §4).

Whoosh allows one writer, so web processes never write the index: each change queues a
task on the ``search`` queue (one worker, concurrency 1) once its transaction has
committed. The task reads the object again and indexes what the database says now, or
removes it when it is gone or no longer to be found (a hidden post).
"""

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.apps import apps
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext
from haystack import connections

from .search_analysis import found_words, query_terms
from .tasks import enqueue_after_commit


def reindex_after_commit(instance) -> None:
    reindex_many_after_commit(type(instance), [instance.pk])


def reindex_many_after_commit(model, pks) -> None:
    """Note in the index's outbox that these objects changed, in the caller's transaction;
    the writer is woken after commit."""
    from .models import SearchUpdate
    from .tasks import drain_search_updates

    rows = [SearchUpdate(label=model._meta.label_lower, object_pk=pk) for pk in pks]
    if rows:
        SearchUpdate.objects.bulk_create(rows)
        enqueue_after_commit(drain_search_updates)


DRAIN_BATCH = 500


def drain_updates() -> int:
    """Index what the outbox lists, as the index's single writer. While a rebuild holds
    the writer's lock this does nothing and the rows stay: the rebuild drains them into
    its new index right after the swap, then calls this again.

    One batch per hold of the lock: while people keep writing, the outbox is rarely empty,
    and a drain that held the lock until it was kept a waiting rebuild out until they
    stopped (tests/core/test_search_concurrency.py)."""
    from .models import SearchUpdate
    from .search_backend import writer_lock

    done = 0
    while True:
        with writer_lock() as held:
            if not held:
                return done
            done += drain_outbox(batches=1)
        # The next batch, or a row noted while the lock was held whose own drain found
        # the lock taken.
        if not SearchUpdate.objects.exists():
            return done


def drain_outbox(*, batches: int | None = None) -> int:
    """Index what the outbox lists, a batch at a time (at most ``batches``, or until it
    is empty); rows are deleted once done. The caller holds the writer's lock."""
    from .models import SearchUpdate
    from .search_backend import write_changes

    done = 0
    for _ in range(batches) if batches is not None else itertools.count():
        rows = list(SearchUpdate.objects.order_by("pk")[:DRAIN_BATCH])
        if not rows:
            break
        by_label: dict[str, set[int]] = {}
        for row in rows:
            by_label.setdefault(row.label, set()).add(row.object_pk)
        write_changes(*changes_of(by_label))  # one commit for the batch
        SearchUpdate.objects.filter(pk__in=[row.pk for row in rows]).delete()
        done += len(rows)
    return done


def changes_of(by_label: dict[str, set[int]]) -> tuple[list, list[str]]:
    """What to write for these objects: each as the database has it now, with its search
    index; and the identifiers of those that are gone or no longer to be found."""
    unified_index = connections["default"].get_unified_index()
    changes, removed = [], []
    for label, pks in by_label.items():
        index = unified_index.get_index(apps.get_model(label))
        found = {obj.pk: obj for obj in index.index_queryset().filter(pk__in=pks)}
        changes.append((index, list(found.values())))
        removed += [f"{label}.{pk}" for pk in sorted(set(pks) - set(found))]
    return changes, removed


# --- Asking the index -------------------------------------------------------------------

MAX_SIMILAR_WORDS = 30
MAX_HITS = 300  # hits asked of the index; counts and facets come from those re-checked
TYPES = ("post", "network", "person", "result", "document", "network_document", "event")
# What people filter by and the API reports, and the index types behind each.
KINDS = {"post": ("post",), "network": ("network",), "person": ("person",),
         "result": ("result",), "document": ("document", "network_document"),
         "event": ("event",)}
KIND_OF_TYPE = {type_: kind for kind, types in KINDS.items() for type_ in types}


class SearchUnavailable(Exception):
    """The index is missing, locked or broken: the page says so instead of "no results"."""


@dataclass
class Hit:
    type: str
    obj: object
    title: str
    url: str
    date: object
    text: str

    @property
    def kind(self) -> str:
        return KIND_OF_TYPE[self.type]


def audiences_of(user) -> list[str]:
    """The audience values a person's hits may carry (DESIGN §4)."""
    from networks.selectors import network_ids_member_of

    # Open networks' content is indexed for "all", the others' by network (only members
    # read those); a network's meetings are for its members, whatever its visibility.
    return ["all", f"user:{user.pk}",
            *([f"org:{user.organisation_id}"] if user.organisation_id else []),
            *(f"role:{role}" for role in sorted(user.roles)),
            *(f"network:{pk}" for pk in network_ids_member_of(user=user))]


def search_visible_to(*, user, q: str, type: str = "", newest_first: bool = False,
                      topic: str = "", organisation: str = "", network: str = "",
                      year: int | None = None) -> "SearchHits":
    """Hits for ``q`` the person may see, best first (or newest first). The index's own
    audience filter narrows the hits; each is then checked again through the selector of
    its kind, so a stale index (someone just removed from a network) shows nothing more."""
    from haystack.query import SearchQuerySet

    from .search_backend import hit_keys

    words = q.strip()
    if not words:
        return SearchHits(user, [])
    query = SearchQuerySet().auto_query(words)
    if type in KINDS:  # every document is of one of TYPES: no kind chosen needs no filter
        query = query.filter(type__in=KINDS[type])
    for field, value in (("topics", topic), ("organisation", organisation),
                         ("network", network)):
        if value:
            query = query.filter(**{field: value})
    if year:
        query = query.filter(created__gte=datetime(year, 1, 1, tzinfo=UTC),
                             created__lt=datetime(year + 1, 1, 1, tzinfo=UTC))
    if newest_first:
        query = query.order_by("-created")
    try:
        found = hit_keys(query, MAX_HITS, audiences=audiences_of(user))
    except Exception as error:  # whoosh raises many kinds: a missing, locked or broken index
        raise SearchUnavailable from error
    visible = _recheck_light(user, found)
    return SearchHits(user, [visible[key] for key in found if key in visible])


@dataclass(frozen=True)
class Found:
    """A re-checked hit with what its counts and facets need: no title, text or address."""
    type: str
    pk: int
    date: object = None
    organisation: tuple[str, str] | None = None  # (slug, name) of the city it belongs to
    network_id: int | None = None  # a network file's network

    @property
    def kind(self) -> str:
        return KIND_OF_TYPE[self.type]

    @property
    def key(self) -> tuple[str, int]:
        return (self.type, self.pk)


ITERATE_BY = 100  # hits loaded whole at a time by a loop over all of them


class SearchHits:
    """The hits of one search a person may see, in order. All of them are counted and
    faceted (``found``); only the slice a page shows is loaded whole, with the text its
    snippets come from, and checked through the selectors once more as it is."""

    def __init__(self, user, found: list[Found]):
        self._user = user
        self.found = found

    def __len__(self) -> int:
        return len(self.found)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return hits_for(user=self._user, found=[hit.key for hit in self.found[index]])
        whole = hits_for(user=self._user, found=[self.found[index].key])
        if not whole:  # no longer to be seen since it was counted
            raise IndexError(index)
        return whole[0]

    def __iter__(self):
        for start in range(0, len(self.found), ITERATE_BY):
            yield from self[start:start + ITERATE_BY]


def similar_visible_to(*, user, text: str, type: str, exclude_pk: int,
                       limit: int = 5) -> list[Hit]:
    """"More like this": hits of ``type`` that share the most of the words of ``text``
    (any of them, ranked by the index's scoring), re-checked like every hit."""
    found = similar_keys(user=user, text=text, type=type, exclude_pk=exclude_pk, limit=limit)
    return hits_for(user=user, found=found)


def similar_keys(*, user, text: str, type: str, exclude_pk: int,
                 limit: int = 5) -> list[tuple[str, int]]:
    """The index part of ``similar_visible_to``: ``(type, pk)`` of the best hits among
    those the person's audiences reach, not yet re-checked. haystack's own more_like_this
    cannot be narrowed to one kind on Whoosh (it then finds nothing)."""
    from haystack.inputs import Clean
    from haystack.query import SQ, SearchQuerySet

    from .search_backend import hit_keys

    words = list(dict.fromkeys(word.lower() for word in re.findall(r"\w{4,}", text)))
    if not words:
        return []
    any_word = SQ(content=Clean(words[0]))
    for word in words[1:MAX_SIMILAR_WORDS]:
        any_word |= SQ(content=Clean(word))
    query = SearchQuerySet().filter(any_word).filter(type=type)
    try:
        found = hit_keys(query, limit + 1, audiences=audiences_of(user))
    except Exception as error:  # the same kinds of failure as a search
        raise SearchUnavailable from error
    return [key for key in found if key[1] != exclude_pk][:limit]


def hits_for(*, user, found: list[tuple[str, int]]) -> list[Hit]:
    """The hits of these ``(type, pk)`` keys that the person may see, in their order, whole."""
    visible = _recheck(user, found)
    return [visible[key] for key in found if key in visible]


def _file_texts():
    """A post is also found by its files' text; its snippet may come from there."""
    from django.db.models import Prefetch

    from board.models import Attachment

    return Prefetch("attachments", queryset=Attachment.objects.only("post_id", "text"))


def _visible(user, hit_type: str):
    """The selector of what the person may see of an indexed type (DESIGN §3); asked only
    for the types a search found, as some read the person's networks first."""
    from board.selectors import post_list_visible_to
    from intranet.accounts.selectors import person_list_visible_to
    from intranet.events.selectors import event_list_visible_to
    from knowledge.selectors import documents_visible_to, library_pages_visible_to
    from networks.selectors import network_documents_visible_to, network_list_visible_to

    return {"post": post_list_visible_to, "network": network_list_visible_to,
            "person": person_list_visible_to, "result": library_pages_visible_to,
            "document": documents_visible_to, "network_document": network_documents_visible_to,
            "event": event_list_visible_to}[hit_type](user=user)


def _wanted(found) -> dict[str, list[int]]:
    wanted = {}
    for hit_type, pk in found:
        wanted.setdefault(hit_type, []).append(pk)
    return wanted


# What a type's facets read, by field: the date its year counts (the index's ``created``),
# the city it belongs to, the network of a network's file.
LIGHT_FIELDS = {"post": ("created_at", "author_organisation", None),
                "network": ("founded_at", None, None),
                "person": (None, "organisation", None),
                "result": ("publication_date", None, None),
                "document": ("created_at", None, None),
                "network_document": ("updated_at", None, "network_id"),
                "event": ("start", "host_organisation", None)}


def _recheck_light(user, found) -> dict:
    """The ``Found`` of each of these keys the person may see: a few columns of each kind
    found through its selector, all kinds in one query (a UNION), however many were found
    and however long the texts behind them."""
    parts = [_light_rows(user, hit_type, pks) for hit_type, pks in _wanted(found).items()]
    if not parts:
        return {}
    first, *rest = parts
    visible = {}
    for hit_type, pk, date, city_slug, city_name, network_id in first.union(*rest, all=True):
        visible[(hit_type, pk)] = Found(
            hit_type, pk, date=date, network_id=network_id,
            organisation=(city_slug, city_name) if city_slug else None)
    return visible


def _light_rows(user, hit_type: str, pks):
    """(type, pk, date, city slug, city name, network) of a kind's visible hits among
    ``pks``, the same columns of the same types for every kind: PostgreSQL types a UNION's
    column from its first parts, and a bare NULL there is text. The date as a date (in
    UTC, as the index's year filter)."""
    from django.db.models import BigIntegerField, CharField, DateField, F, Value
    from django.db.models.functions import Cast

    date, organisation, network = LIGHT_FIELDS[hit_type]

    def column(name, output_field):
        return Cast(F(name) if name else Value(None), output_field)

    return _visible(user, hit_type).filter(pk__in=pks).order_by().annotate(
        hit_type=Value(hit_type, output_field=CharField()),
        hit_date=column(date, DateField()),
        city_slug=column(organisation and f"{organisation}__slug", CharField()),
        city_name=column(organisation and f"{organisation}__name", CharField()),
        hit_network=column(network, BigIntegerField()),
    ).values_list("hit_type", "pk", "hit_date", "city_slug", "city_name", "hit_network")


def _date_of(hit_type: str, obj):
    """The date a hit shows: the one its year facet counts (LIGHT_FIELDS)."""
    field = LIGHT_FIELDS[hit_type][0]
    return getattr(obj, field) if field else None


def _recheck(user, found) -> dict:
    """The whole ``Hit`` of each of these keys the person may see."""
    visible = {}
    for hit_type, pks in _wanted(found).items():
        for hit in WHOLE_HITS[hit_type](_visible(user, hit_type).filter(pk__in=pks)):
            visible[(hit_type, hit.obj.pk)] = hit
    return visible


def _whole_posts(posts):
    for post in posts.select_related("author_organisation").prefetch_related(_file_texts()):
        files = " ".join(attachment.text[:20_000] for attachment in post.attachments.all())
        yield Hit("post", post, post.title, post.get_absolute_url(), _date_of("post", post),
                  f"{post.title}. {post.body} {files}")


def _whole_networks(networks):
    for network in networks:
        yield Hit("network", network, network.name, network.get_absolute_url(),
                  _date_of("network", network), f"{network.mandate} {network.goals}")


def _whole_people(people):
    for person in people:  # the selector brings each one's city and topics along
        yield Hit("person", person, person.name, person.get_absolute_url(),
                  _date_of("person", person), _profile_text(person))


def _whole_results(pages):
    for page in pages:
        yield Hit("result", page, page.title, page.url, _date_of("result", page),
                  page.summary)


def _whole_documents(documents):
    for document in documents:
        yield Hit("document", document, document.title, document.url,
                  _date_of("document", document), document.text[:20_000] or document.title)


def _whole_network_documents(documents):
    for document in documents:
        yield Hit("network_document", document, document.title, document.get_absolute_url(),
                  _date_of("network_document", document), document.newest_text or document.title)


def _whole_events(events):
    for event in events.select_related("host_organisation"):
        yield Hit("event", event, event.title, event.get_absolute_url(), _date_of("event", event),
                  f"{event.description} {event.location}")


WHOLE_HITS = {"post": _whole_posts, "network": _whole_networks, "person": _whole_people,
              "result": _whole_results, "document": _whole_documents,
              "network_document": _whole_network_documents, "event": _whole_events}


def _profile_text(person) -> str:
    """What a person is found by, in the order of their card: position, organisation,
    expertise topics (so that a person found by a topic shows it in the snippet), bio."""
    topics = ", ".join(topic.name for topic in person.topics.all())
    parts = [person.position, person.organisation.name if person.organisation else "",
             f"{gettext('Expertise')}: {topics}" if topics else ""]
    card = " · ".join(part for part in parts if part)
    return f"{card}. {person.bio}" if card and person.bio else card or person.bio


def snippet(text: str, q: str, width: int = 90) -> str:
    """An escaped excerpt around the first word the query found, each word it found in the
    excerpt in <mark>. Words are matched as the index matches them (search_analysis):
    ``Strassenbaeume`` marks ``Straßenbäume``, a compound's part the whole compound."""
    plain = strip_tags(text or "").replace("\n", " ")
    found = found_words(plain, query_terms(q))
    first = next(found, None)
    if first is None:
        return Truncator(plain).chars(2 * width)
    start, end = max(0, first[0] - width), min(len(plain), first[1] + width)
    marked = [first]
    for at, stop in found:
        if stop > end:
            break
        marked.append((at, stop))
    parts, done = ["… " if start else ""], start
    for at, stop in marked:
        parts += [conditional_escape(plain[done:at]),
                  format_html("<mark>{}</mark>", plain[at:stop])]
        done = stop
    parts += [conditional_escape(plain[done:end]), " …" if end < len(plain) else ""]
    return mark_safe("".join(parts))  # noqa: S308 (every part of the text escaped above)  # nosec B308 B703
