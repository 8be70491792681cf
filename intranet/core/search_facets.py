"""Counts by topic, city and year of the re-checked hits of one search (DESIGN §4).

The values are read from the database for the hits a person may see, never from the index,
so a facet cannot name what the re-check took out. Each value is the one the index filters
by (``topics``, ``organisation``, ``created`` of the search indexes), so choosing a facet
finds the number it showed.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

MAX_VALUES = 8  # per facet: the most frequent, so the column stays short


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


def facets_of(hits) -> dict[str, list[FacetValue]]:
    """``{"topic": [...], "city": [...], "year": [...]}``, most frequent first, of the
    re-checked hits (``search.Found``)."""
    return {"topic": _most_common(_topics_by_hit(hits), hits),
            "city": _most_common(_cities_by_hit(hits), hits),
            "year": _years(hits)}


def _most_common(values_by_hit: dict, hits) -> list[FacetValue]:
    counts, labels = Counter(), {}
    for hit in hits:
        for value, label in values_by_hit.get(hit.key, ()):
            counts[value] += 1
            labels[value] = label
    ranked = sorted(counts.items(), key=lambda item: (-item[1], labels[item[0]]))
    return [FacetValue(value, labels[value], count) for value, count in ranked[:MAX_VALUES]]


def _years(hits) -> list[FacetValue]:
    counts = Counter(hit.date.year for hit in hits if hit.date)
    return [FacetValue(str(year), str(year), count)
            for year, count in sorted(counts.items(), reverse=True)[:MAX_VALUES]]


def _pks(hits, type_: str) -> list[int]:
    return [hit.pk for hit in hits if hit.type == type_]


def _m2m_values(model, field_name: str, pks, *, through_path: str = ""):
    """(owner pk, slug, name) of an M2M field to a slug/name model, in one query; with
    ``through_path`` the owner is reached from the field's own model by that path."""
    field = model._meta.get_field(field_name)
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    owner = f"{source}__{through_path}" if through_path else f"{source}_id"
    if not pks:
        return []
    return field.remote_field.through.objects.filter(**{f"{owner}__in": pks}).values_list(
        owner, f"{target}__slug", f"{target}__name").distinct()


def _topics_by_hit(hits) -> dict:
    from board.models import Post
    from intranet.accounts.models import User
    from knowledge.models import LibraryPage
    from networks.models import Network

    found = defaultdict(set)
    for type_, model in (("post", Post), ("person", User), ("result", LibraryPage)):
        for pk, slug, name in _m2m_values(model, "topics", _pks(hits, type_)):
            found[(type_, pk)].add((slug, name))
    for pk, slug, name in _m2m_values(LibraryPage, "topics", _pks(hits, "document"),
                                      through_path="documents__document_id"):
        found[("document", pk)].add((slug, name))
    # A network's files carry the topics of their network, as in the index.
    files_of = defaultdict(list)
    for hit in hits:
        if hit.type == "network_document":
            files_of[hit.network_id].append(hit.pk)
    networks = set(_pks(hits, "network"))
    for pk, slug, name in _m2m_values(Network, "topics", networks | set(files_of)):
        if pk in networks:
            found[("network", pk)].add((slug, name))
        for file_pk in files_of.get(pk, ()):
            found[("network_document", file_pk)].add((slug, name))
    return found


def _cities_by_hit(hits) -> dict:
    from knowledge.models import LibraryPage

    found = defaultdict(set)
    for hit in hits:
        if hit.organisation is not None:
            found[hit.key].add(hit.organisation)
    for pk, slug, name in _m2m_values(LibraryPage, "cities", _pks(hits, "result")):
        found[("result", pk)].add((slug, name))
    for pk, slug, name in _m2m_values(LibraryPage, "cities", _pks(hits, "document"),
                                      through_path="documents__document_id"):
        found[("document", pk)].add((slug, name))
    return found
