"""The library of the generated region or nation: published results on the networks' shelves.

A library page is a Wagtail page in three tables (``wagtailcore_page`` →
``knowledge_librarypage`` → ``knowledge_resultpage``), and ``bulk_create`` refuses
multi-table models. So the rows are written table by table, as ``Model.save`` writes them
for one page, but in batches: the ``Page`` rows first (their ids come back), then each
child table's own columns with the pointer to its parent. The tree is treebeard's
materialised path, computed here: shelves under the library index (depth 3), results under
their shelf (depth 4), ``numchild`` set once per parent.

Results belong to networks of every visibility: the library shows every published page to
everyone signed in, but names a confidential network only to those who may see it
(knowledge.selectors). A few are drafts (never live). No revisions: no measured page reads
them.
"""

import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from wagtail.models import Locale, Page

from knowledge.models import (
    LibraryDocument,
    LibraryIndexPage,
    LibraryPage,
    LibraryPageDocument,
    ResultPage,
    ResultType,
    ShelfPage,
)
from networks.models import Network

# Of the results: kind, weight, the title's first words.
RESULT_KINDS = [
    (ResultType.GUIDELINE, 25, "Leitfaden"), (ResultType.WORK_AID, 20, "Arbeitshilfe"),
    (ResultType.POSITION_PAPER, 8, "Positionspapier"), (ResultType.FACT_SHEET, 12, "Steckbrief"),
    (ResultType.PRESENTATION, 12, "Präsentation"), (ResultType.MINUTES, 10, "Protokoll"),
    (ResultType.DATASET, 5, "Datensatz"), (ResultType.STUDY, 5, "Studie"),
    (ResultType.OTHER, 3, "Ergebnis"),
]
SUMMARIES = [
    "Wie die Städte {name} angehen: Beispiele, Kosten und Erfahrungen aus dem Netzwerk, "
    "zum Nachnutzen für alle Kommunen.",
    "Checkliste und Mustertexte zu {name} – von der Planung bis zur Pflege, mit "
    "Ansprechpersonen in den Städten.",
    "Was sich bei {name} bewährt hat und was nicht: die Ergebnisse der Umfrage unter den "
    "Mitgliedsstädten mit Empfehlungen.",
    "Zahlen, Regeldetails und Fördermöglichkeiten zu {name} auf einen Blick, zweimal im "
    "Jahr aktualisiert.",
]
PARAGRAPHS = [
    "Starkregen trifft jede Stadt, aber nicht jede Straße gleich. Die Klimaanpassung "
    "beginnt dort, wo Wasser abfließt und sich sammelt.",
    "Baumrigolen verbinden Regenwasserbewirtschaftung und Stadtgrün: Das Wasser der Straße "
    "versorgt den Baum und versickert verzögert.",
    "Der Leitfaden beschreibt Datengrundlagen, Abstimmung in der Verwaltung und die "
    "Kommunikation mit Eigentümerinnen und Eigentümern.",
    "Hitzeperioden werden häufiger und länger; kühle Orte, Trinkbrunnen und Verschattung "
    "schützen besonders gefährdete Menschen.",
    "Die Arbeitshilfe enthält Regelquerschnitte, Kostenrichtwerte und Hinweise zur Pflege "
    "in den ersten drei Jahren.",
]
DRAFT_SHARE = 0.02
DOCUMENT_SHARE = 0.1  # results with one document (the measured one has two)
SHELF_SHARE = 0.4  # networks with a shelf besides the workspace and the member's
WORKSPACE_RESULTS = 12  # on the workspace's shelf, at every scale
MEASURED_TITLE = "Leitfaden Baumrigolen unter Gehwegen"


@dataclass
class Library:
    result: ResultPage  # a published result of an open network of the member's
    counts: dict[str, int]


def _bodies() -> list[str]:
    """A few StreamField bodies as stored JSON (two paragraphs each)."""
    bodies = []
    for n in range(len(PARAGRAPHS)):
        blocks = [{"type": "paragraph", "value": f"<p>{PARAGRAPHS[(n + k) % len(PARAGRAPHS)]}</p>",
                   "id": str(uuid.UUID(int=n * 2 + k))} for k in range(2)]
        bodies.append(json.dumps(blocks))
    return bodies


def _batch_size(model, fields, objs) -> int:
    return connection.ops.bulk_batch_size(fields, objs) or len(objs) or 1


def bulk_insert_pages(model, pages: list) -> list:
    """Write ``pages`` (instances of a concrete Page subclass) table by table, root first.
    ``Page`` hands back each row's id; every child table gets it through its pointer."""
    chain = [*reversed(model._meta.get_parent_list()), model]
    for table in chain:
        fields = [f for f in table._meta.local_concrete_fields
                  if not (table is Page and f.primary_key)]
        pointer = table._meta.pk if table is not Page else None
        if pointer is not None:
            for page in pages:
                setattr(page, pointer.attname, page.id)
        size = _batch_size(table, fields, pages)
        for start in range(0, len(pages), size):
            chunk = pages[start:start + size]
            returning = [Page._meta.pk] if table is Page else None
            rows = table._base_manager._insert(chunk, fields=fields, returning_fields=returning,
                                               using=connection.alias)
            if table is Page:
                for page, (pk,) in zip(chunk, rows, strict=True):
                    page.id = pk
    for page in pages:
        page._state.adding = False
        page._state.db = connection.alias
    return pages


def _base(content_type_id: int, locale_id: int, *, path: str, depth: int, slug: str,
          title: str, url_path: str, live: bool, published_at, owner_id=None) -> dict:
    return {
        "path": path, "depth": depth, "numchild": 0, "translation_key": uuid.uuid4(),
        "locale_id": locale_id, "live": live, "has_unpublished_changes": not live,
        "first_published_at": published_at if live else None,
        "last_published_at": published_at if live else None,
        "latest_revision_created_at": published_at, "title": title, "draft_title": title,
        "slug": slug, "content_type_id": content_type_id, "url_path": url_path,
        "owner_id": owner_id, "seo_title": "", "search_description": "",
    }


def _shelf_networks(networks: list[Network], member_networks: int,
                    rng: random.Random) -> list[Network]:
    """The workspace, the member's networks, and a share of the others."""
    own = networks[:member_networks + 1]
    return own + [n for n in networks[member_networks + 1:] if rng.random() < SHELF_SHARE]


def _next_position(parent: Page) -> int:
    """Where the parent's next child goes (after the last one, as treebeard adds)."""
    last = parent.get_last_child()
    return last._get_lastpos_in_path() + 1 if last is not None else 1


def _shelves(index: LibraryIndexPage, networks: list[Network], locale_id: int) -> list:
    """The networks' shelves: those that exist already, the others written here."""
    content_type = ContentType.objects.get_for_model(ShelfPage)
    existing = {shelf.network_id: shelf for shelf in ShelfPage.objects.filter(
        network__in=[n.pk for n in networks])}
    first = _next_position(index)
    new = []
    for network in networks:
        if network.pk in existing:
            continue
        slug = f"netzwerk-{network.pk}"
        new.append(ShelfPage(
            network_id=network.pk, **_base(
                content_type.pk, locale_id, path=Page._get_path(index.path, index.depth + 1,
                                                                first + len(new)),
                depth=index.depth + 1, slug=slug, title=network.name, live=True,
                url_path=f"{index.url_path}{slug}/", published_at=network.founded_at)))
    bulk_insert_pages(ShelfPage, new)
    Page.objects.filter(pk=index.pk).update(numchild=index.numchild + len(new))
    made = {shelf.network_id: shelf for shelf in new}
    return [existing.get(network.pk) or made[network.pk] for network in networks]


def generate_library(*, total: int, rng: random.Random, now, networks: list[Network],
                     member_networks: int, active_of: dict[int, list[int]],
                     municipality_ids: list[int], topic_ids: list[int],
                     measured_topic_ids: list[int], file_name: str,
                     file_size: int) -> Library:
    """``total`` results (the last one the measured one) on the shelves of the workspace
    (networks[0]), the member's networks (1 … member_networks) and ≈40 % of the others."""
    index = LibraryIndexPage.objects.get()
    locale_id = Locale.get_default().pk
    shelf_networks = _shelf_networks(networks, member_networks, rng)
    shelves = _shelves(index, shelf_networks, locale_id)
    # The results' shelves: the workspace's own share, the measured one on the member's
    # second network (open, a plain member), the rest at random.
    on_shelf = [0] * min(WORKSPACE_RESULTS, total - 1)
    on_shelf += [rng.randrange(len(shelves)) for _ in range(total - 1 - len(on_shelf))]
    rng.shuffle(on_shelf)
    measured_shelf = 2 if len(shelves) > 2 else len(shelves) - 1
    on_shelf.append(measured_shelf)
    three_years = 3 * 365
    ages = sorted((rng.randrange(three_years) for _ in range(total - 1)), reverse=True) + [5]
    kinds, weights = [k for k, _w, _t in RESULT_KINDS], [w for _k, w, _t in RESULT_KINDS]
    prefix = {k: t for k, _w, t in RESULT_KINDS}
    bodies = _bodies()
    content_type = ContentType.objects.get_for_model(ResultPage)
    first_child = [_next_position(shelf) for shelf in shelves]
    children = [0] * len(shelves)
    pages, extras = [], []
    for n, (shelf_index, age) in enumerate(zip(on_shelf, ages, strict=True)):
        shelf, network = shelves[shelf_index], shelf_networks[shelf_index]
        measured = n == total - 1
        kind = ResultType.GUIDELINE if measured else rng.choices(kinds, weights)[0]
        title = MEASURED_TITLE if measured else f"{prefix[kind]} {network.name}"
        slug = f"ergebnis-{first_child[shelf_index] + children[shelf_index]}"
        children[shelf_index] += 1
        published = timezone.make_aware(datetime.combine(
            timezone.localdate(now) - timedelta(days=age), time(10)))
        live = measured or rng.random() >= DRAFT_SHARE
        contact = rng.choice(active_of[network.pk])
        pages.append(ResultPage(
            result_type=kind, summary=rng.choice(SUMMARIES).format(name=network.name),
            network_id=network.pk, contact_id=contact, licence="cc-by-4.0",
            publication_date=published.date(), version="1.0", body=rng.choice(bodies),
            **_base(content_type.pk, locale_id,
                    path=Page._get_path(shelf.path, shelf.depth + 1,
                                       first_child[shelf_index] + children[shelf_index] - 1),
                    depth=shelf.depth + 1, slug=slug, title=title, live=live,
                    url_path=f"{shelf.url_path}{slug}/", published_at=published,
                    owner_id=contact)))
        topics = (measured_topic_ids if measured
                  else rng.sample(topic_ids, rng.choice((1, 1, 2, 2, 3))))
        cities = rng.sample(municipality_ids, min(len(municipality_ids),
                                                  4 if measured else rng.randint(1, 4)))
        documents = 2 if measured else int(rng.random() < DOCUMENT_SHARE)
        extras.append((topics, cities, documents, contact))
    bulk_insert_pages(ResultPage, pages)
    for shelf, count in zip(shelves, children, strict=True):
        shelf.numchild += count
    Page.objects.bulk_update(shelves, ["numchild"], batch_size=1000)

    topic_through, city_through = LibraryPage.topics.through, LibraryPage.cities.through
    topic_links, city_links, documents, uses = [], [], [], []
    for page, (topics, cities, document_count, contact) in zip(pages, extras, strict=True):
        topic_links += [topic_through(librarypage_id=page.pk, topic_id=t) for t in topics]
        city_links += [city_through(librarypage_id=page.pk, organisation_id=c) for c in cities]
        for k in range(document_count):
            documents.append(LibraryDocument(
                title=f"{page.title} ({k + 1})", file=file_name, file_size=file_size,
                uploaded_by_user_id=contact, text=page.summary,
                text_extracted_at=now))
            uses.append((page.pk, k))
    topic_through.objects.bulk_create(topic_links, batch_size=5000)
    city_through.objects.bulk_create(city_links, batch_size=5000)
    documents = LibraryDocument.objects.bulk_create(documents, batch_size=2000)
    LibraryPageDocument.objects.bulk_create(
        [LibraryPageDocument(page_id=page_id, document_id=document.pk, sort_order=k)
         for (page_id, k), document in zip(uses, documents, strict=True)], batch_size=5000)
    return Library(result=pages[-1], counts={
        "library shelves": len(shelves), "library results": len(pages),
        "library drafts": sum(1 for page in pages if not page.live),
        "library topic links": len(topic_links), "library city links": len(city_links),
        "library documents": len(documents)})
