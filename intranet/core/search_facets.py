"""Counts by topic, city and year of the re-checked hits of one search (DESIGN §4).

The values are read from the database for the hits a person may see, never from the index,
so a facet cannot name what the re-check took out. Each value is the one the index filters
by (``topics``, ``organisation``, ``created`` of the search indexes), so choosing a facet
finds the number it showed.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Value

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


def _m2m_values(kind: str, model, field_name: str, pks, *, through_path: str = ""):
    """(kind, owner pk, slug, name) of an M2M field to a slug/name model; with
    ``through_path`` the owner is reached from the field's own model by that path."""
    field = model._meta.get_field(field_name)
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    owner = f"{source}__{through_path}" if through_path else f"{source}_id"
    return field.remote_field.through.objects.filter(**{f"{owner}__in": pks}).annotate(
        kind=Value(kind)).values_list("kind", owner, f"{target}__slug", f"{target}__name")


def _m2m_rows(*parts) -> list[tuple[str, int, str, str]]:
    """The rows of ``_m2m_values(*part)`` for each part with owners, in one query (a UNION,
    which also drops repeated rows): a facet costs one query, whatever kinds were found."""
    querysets = [_m2m_values(kind, model, field_name, pks, through_path=through_path)
                 for kind, model, field_name, pks, through_path in parts if pks]
    if not querysets:
        return []
    first, *rest = querysets
    return list(first.union(*rest))


def _topics_by_hit(hits) -> dict:
    from board.models import Post
    from intranet.accounts.models import User
    from knowledge.models import LibraryPage
    from networks.models import Network

    # A network's files carry the topics of their network, as in the index.
    files_of = defaultdict(list)
    for hit in hits:
        if hit.type == "network_document":
            files_of[hit.network_id].append(hit.pk)
    networks = set(_pks(hits, "network"))
    found = defaultdict(set)
    for kind, pk, slug, name in _m2m_rows(
            ("post", Post, "topics", _pks(hits, "post"), ""),
            ("person", User, "topics", _pks(hits, "person"), ""),
            ("result", LibraryPage, "topics", _pks(hits, "result"), ""),
            ("document", LibraryPage, "topics", _pks(hits, "document"),
             "documents__document_id"),
            ("network", Network, "topics", networks | set(files_of), "")):
        if kind != "network" or pk in networks:
            found[(kind, pk)].add((slug, name))
        if kind == "network":
            for file_pk in files_of.get(pk, ()):
                found[("network_document", file_pk)].add((slug, name))
    return found


def _cities_by_hit(hits) -> dict:
    from knowledge.models import LibraryPage

    found = defaultdict(set)
    for hit in hits:
        if hit.organisation is not None:
            found[hit.key].add(hit.organisation)
    for kind, pk, slug, name in _m2m_rows(
            ("result", LibraryPage, "cities", _pks(hits, "result"), ""),
            ("document", LibraryPage, "cities", _pks(hits, "document"),
             "documents__document_id")):
        found[(kind, pk)].add((slug, name))
    return found
