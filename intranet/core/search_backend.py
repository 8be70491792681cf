"""The Whoosh backend of the embedded default: a long-lived searcher, a rebuild beside the
live index and one writer at a time (DESIGN §4).

haystack's Whoosh backend opens new searchers for every query, which makes a query several
times slower than a long-lived Whoosh searcher. Here every process keeps one searcher per
index and refreshes it when the index has a newer generation (``up_to_date()`` lists the
index directory: cheap; ``refresh()`` reopens only the segments that changed).

Layout: ``PATH`` is a directory (haystack's layout, and where a fresh install starts) or,
once ``rebuild_index`` has run, a symlink to a sibling directory ``<PATH>-<stamp>-<random>``.
The rebuild writes the next directory beside the live one and replaces the symlink in one
step (``os.replace``); readers notice because ``PATH`` resolves elsewhere, and reopen.

Writers take ``<PATH>.lock`` (``flock``): ``drain_updates`` (the ``search`` queue) and the
rebuild. A drain that finds the lock taken leaves the outbox rows where they are; the
rebuild drains them into the new index right after the swap.

Readers never create or change anything: a missing, locked or broken index raises, and
the search page says that search is unavailable.
"""

import bisect
import fcntl
import gc
import multiprocessing
import os
import re
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress

from django.conf import settings
from django.db.models import Prefetch
from haystack import connections
from haystack.backends import log_query, whoosh_backend
from haystack.constants import DJANGO_ID, ID
from haystack.exceptions import SearchBackendError, SkipDocument
from haystack.utils import get_identifier
from whoosh import writing
from whoosh.filedb.filestore import FileStorage
from whoosh.idsets import DocIdSet
from whoosh.index import EmptyIndexError
from whoosh.qparser import MultifieldParser
from whoosh.reading import TermNotFound

from .search_scoring import Bits, kept_for_segment, sorted_docnums, top_docnums

# Memory of the rebuild's one writer before it spills sorted runs to disk (Whoosh: 128).
REBUILD_WRITER_MB = 256
# Every writer writes a segment as separate files, not Whoosh's default compound file:
# Whoosh opens a part of a compound file by copying it into memory (a BytesIO of the
# mapped file), so each searcher, and each drain's writer looking up what it replaces,
# copied the whole index. At nation scale (350 MB) that was 270 ms and the index's size in
# every web process; separate files open in 1 ms, are read through the page cache that all
# processes share, and queries ran 10-20 % faster (make bench).
WRITER_OPTIONS = {"compound": False}
# Searched beside the document field (search_analysis.title_field).
TITLE_FIELD = "title"
REBUILD_CHUNK = 2000  # rows read from the database at a time
# Segments the index may have before a commit merges the small ones (see _merge_when_many).
MAX_SEGMENTS = 8
# Seconds a drain waits for Whoosh's own write lock when a writer outside the flock of
# writer_lock() holds it (an operator's script, a stale process); then its task retries.
WRITER_LOCK_WAIT = 10.0


class _Live:
    """This process's searcher on one index. Whoosh readers seek and read shared file
    objects, so a query holds ``lock`` from refresh to its last stored field (gunicorn's
    sync workers have one thread per process: the lock is never contended there)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.location = None  # the directory the searcher reads
        self.toc = None  # what _newest_toc() said when the searcher was last brought up
        self.searcher = None

    def current(self, path, schema):
        """The searcher on the newest version of the index at ``path`` (call with the lock
        held). Retries once when the index was swapped while it looked."""
        for attempt in (1, 2):
            location = os.path.realpath(path)
            try:
                return self._searcher_at(location, schema)
            except Exception:
                self.close()
                if attempt == 2 or os.path.realpath(path) == location:
                    raise
        raise AssertionError("unreachable")

    def _searcher_at(self, location, schema):
        # Like Searcher.up_to_date() (a listing of the directory), plus a stat of the
        # newest table of contents, so that one replaced in place is read again too.
        toc = _newest_toc(location)
        if self.searcher is not None and location == self.location and toc == self.toc:
            return self.searcher
        # After a commit the searcher is opened anew, never ``refresh()``ed: refresh reuses
        # the readers of unchanged segments with the deletions they knew, so an edited or
        # removed document would still be found in its old segment.
        self.close()
        index = FileStorage(location, readonly=True).open_index(schema=schema)
        self.searcher, self.location, self.toc = index.searcher(), location, toc
        return self.searcher

    def close(self):
        if self.searcher is not None:
            with suppress(Exception):
                self.searcher.close()
        self.searcher = self.location = self.toc = None


_TOC = re.compile(r"_MAIN_(\d+)\.toc")


def _newest_toc(location):
    """(generation, inode, size, mtime) of the index's newest table of contents; raises
    when the directory is missing or not a directory."""
    newest = None
    with os.scandir(location) as entries:
        for entry in entries:
            match = _TOC.fullmatch(entry.name)
            if match and (newest is None or int(match[1]) > newest[0]):
                newest = (int(match[1]), entry)
    if newest is None:
        return None
    stat = newest[1].stat()
    return newest[0], stat.st_ino, stat.st_size, stat.st_mtime_ns


_LIVE: dict[str, _Live] = {}
_LIVE_LOCK = threading.Lock()


def _live(path) -> _Live:
    with _LIVE_LOCK:
        return _LIVE.setdefault(os.path.abspath(path), _Live())


def _first_keys(searcher, parsed, *, limit, sortedby, reverse,
                audiences=None) -> list[tuple[str, int]]:
    allowed = None if audiences is None else AllowedDocs(searcher, audiences)
    docnums = _first_docnums(searcher, parsed, limit=limit, sortedby=sortedby,
                             reverse=reverse, allowed=allowed)
    stored = (searcher.stored_fields(docnum) for docnum in docnums)
    return [(fields["type"], int(fields[DJANGO_ID])) for fields in stored]


def _first_docnums(searcher, parsed, *, limit, sortedby, reverse, allowed) -> list[int]:
    """Scored a term at a time (search_scoring); sorted by more than one field, or by one
    without a numeric column, Whoosh's own way."""
    if sortedby is None:
        return top_docnums(searcher, parsed, limit=limit, allowed=allowed)
    if len(sortedby) == 1:
        docnums = sorted_docnums(searcher, parsed, field=sortedby[0], reverse=reverse,
                                 limit=limit, allowed=allowed)
        if docnums is not None:
            return docnums
    results = searcher.search(parsed, limit=limit, sortedby=sortedby, reverse=reverse,
                              filter=allowed)
    return [docnum for docnum, _ in results.items()]


# --- Who may see a hit: a filter, not a clause of the query -----------------------------------

AUDIENCE_FIELD = "audience"


class AllowedDocs(DocIdSet):
    """The documents of a searcher whose audience is one of ``audiences``, for Whoosh's
    ``filter`` (matches outside it are skipped before they are scored) and, a segment at a
    time, for ``search_scoring.top_docnums``.

    As a clause of the query (``AND audience:(all OR …)``) the audiences were matched and
    scored with every hit: at nation scale four fifths of a search's time ("Klima": 6.2 s
    with the clause, 1.2 s without). The documents of each audience are read once per
    segment (segments never change their documents) and kept (``_docs_with``)."""

    def __init__(self, searcher, audiences):
        self._segments = []
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            docsets = [docs for docs in (_docs_with(reader, value) for value in audiences)
                       if docs]
            self._segments.append((offset, reader.doc_count_all(), docsets))
        self._offsets = [offset for offset, _, _ in self._segments]

    def __contains__(self, docnum):
        offset, _, docsets = self._segments[bisect.bisect_right(self._offsets, docnum) - 1]
        local = docnum - offset
        return any(local in docs for docs in docsets)

    def __bool__(self):
        return True  # an empty filter still filters (Whoosh tests ``if allow``)

    def of_segment(self, offset):
        """The allowed documents of the segment at ``offset``, by their numbers there, as
        one set."""
        _, size, docsets = self._segments[self._offsets.index(offset)]
        return docsets[0] if len(docsets) == 1 else Bits.union(docsets, size)


def _docs_with(reader, audience):
    """The segment's documents whose audience field holds ``audience``, kept per segment:
    a set when they are few, else bits."""
    return kept_for_segment(reader, ("audience", audience), _read_docs_with(audience))


def _read_docs_with(audience):
    def read(reader):
        try:
            docnums = list(reader.postings(AUDIENCE_FIELD, audience).all_ids())
        except TermNotFound:
            docnums = []
        size = reader.doc_count_all()
        return Bits.of(docnums, size) if len(docnums) * 64 > size else frozenset(docnums)
    return read


_SEARCH_THREAD: tuple[int, ThreadPoolExecutor] | None = None  # (pid, executor)
_SEARCH_THREAD_LOCK = threading.Lock()


def on_search_thread(function, *args, **kwargs):
    """``function(*args, **kwargs)`` on this process's search thread, waited for.

    Why a thread: CPython 3.11 keeps its frames in 16 KiB chunks and frees a chunk as soon as
    the calls in it return (python/cpython#142183, fixed in 3.13 and later). Whoosh's scoring
    loop calls small functions millions of times; at a call depth that puts those calls on a
    chunk's edge, every one of them maps and unmaps memory. The depth is the caller's: in the
    page bench the search page's query took 112 ms with 11,695 page faults, the same query
    called directly 25 ms with none. On a thread of its own the query always starts at the
    same shallow depth, whoever asks."""
    global _SEARCH_THREAD
    with _SEARCH_THREAD_LOCK:
        if _SEARCH_THREAD is None or _SEARCH_THREAD[0] != os.getpid():  # none, or forked
            _SEARCH_THREAD = (os.getpid(), ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="search"))
        executor = _SEARCH_THREAD[1]
    return executor.submit(function, *args, **kwargs).result()


class _Lent:
    """The live searcher lent to one query: haystack closes what it opened; not this."""

    def __init__(self, searcher):
        self._searcher = searcher

    def __getattr__(self, name):
        return getattr(self._searcher, name)

    def close(self):
        pass


class _SearcherAsIndex:
    """What haystack's ``search()`` asks of ``self.index``, answered by the live searcher
    instead of new searchers and a refresh per query."""

    def __init__(self, searcher):
        self._searcher = searcher

    def refresh(self):
        return self

    def searcher(self, **kwargs):
        return _Lent(self._searcher)

    def doc_count(self):
        return self._searcher.doc_count()

    def reader(self):
        return self._searcher.reader()


class LiveWhooshSearchBackend(whoosh_backend.WhooshSearchBackend):
    """haystack's Whoosh backend with a long-lived searcher; writes follow ``PATH`` to
    wherever the last rebuild put the index."""

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.index = None
        self._write_location = None

    @property
    def lock_path(self):
        return f"{os.path.abspath(self.path)}.lock"

    def setup(self):
        # The schema and the query parser only: readers open nothing here, and create
        # nothing anywhere (haystack's setup() creates a missing index directory).
        from haystack import connections

        self.content_field_name, self.schema = self.build_schema(
            connections[self.connection_alias].get_unified_index().all_searchfields())
        # A query's words are looked for in the text and in the title, whose words weigh
        # more (search_analysis.TITLE_BOOST): each word in either field, all the words
        # required, as haystack's parser on the text alone.
        fields = [self.content_field_name, *([TITLE_FIELD] if TITLE_FIELD in self.schema
                                             else [])]
        self.parser = MultifieldParser(fields, schema=self.schema)
        self.parser.add_plugins([whoosh_backend.FuzzyTermPlugin])
        self.setup_complete = True

    def build_schema(self, fields):
        """haystack's schema, with the document field (all the text of an object, comments
        and file text included) indexed only: haystack stores it, keeps a sort column of it
        and a second, unstemmed copy of its words for spelling suggestions. Nothing reads
        them (hits are shown from the database), and each costs every rebuild, every
        update and, for the stored copy, every hit read. Needs a rebuild to take effect on
        an existing index; until then its stored copies are read and ignored."""
        content_field_name, schema = super().build_schema(fields)
        content = schema[content_field_name]
        content.stored = False
        content.column_type = None
        content.spelling = False
        return content_field_name, schema

    # --- reading ----------------------------------------------------------------------

    def live_searcher(self):
        """This process's searcher, refreshed; the caller holds ``live_lock()``."""
        if not self.setup_complete:
            self.setup()
        return _live(self.path).current(self.path, self.schema)

    @contextmanager
    def live_lock(self):
        with _live(self.path).lock:
            yield

    def _with_live_searcher(self, method, *args, **kwargs):
        with self.live_lock():
            searcher = self.live_searcher()
            writable, self.index = self.index, _SearcherAsIndex(searcher)
            try:
                return method(*args, **kwargs)
            finally:
                self.index = writable

    def search(self, query_string, **kwargs):
        if not query_string or (len(query_string) <= 1 and query_string != "*"):
            return super().search(query_string, **kwargs)  # no results, no index needed
        return self._with_live_searcher(super().search, query_string, **kwargs)

    @log_query  # in connections[...].queries under DEBUG, as haystack's search()
    def hit_keys(self, query_string, *, limit, sort_by=None,
                 audiences=None) -> list[tuple[str, int]]:
        """``(type, pk)`` of the first ``limit`` hits of a query haystack built, in the
        order its ``search()`` gives them, of those for one of ``audiences`` (None: all).
        What a search reads of a hit, and no more: haystack's ``search()`` also counts
        every match (a second pass over the postings, for ``hits``) and turns every stored
        field of every hit into a ``SearchResult``."""
        if not self.setup_complete:
            self.setup()
        if len(query_string) <= 1 and query_string != "*":
            return []  # as haystack: stop-worded away
        sortedby, reverse = _whoosh_sort(sort_by)
        with self.live_lock():
            searcher = self.live_searcher()
            parsed = self.parser.parse(query_string)
            if parsed is None:
                return []
            return on_search_thread(_first_keys, searcher, parsed, limit=limit,
                                    sortedby=sortedby, reverse=reverse, audiences=audiences)

    def more_like_this(self, model_instance, *args, **kwargs):
        # Whoosh's "more like" reads the document field's stored text, which this schema
        # does not keep; search.similar_visible_to asks by the object's words instead.
        raise NotImplementedError("use intranet.core.search.similar_visible_to")

    # --- writing (the search queue's worker and the management commands only) ----------

    def open_for_writing(self):
        """The index where ``PATH`` points now, created when there is none yet."""
        if not self.setup_complete:
            self.setup()
        location = os.path.realpath(self.path)
        if self.index is None or location != self._write_location:
            os.makedirs(location, exist_ok=True)
            self.storage = FileStorage(location)
            try:
                self.index = self.storage.open_index(schema=self.schema)
            except EmptyIndexError:
                self.index = self.storage.create_index(self.schema)
            self._write_location = location
        return self.index

    def write(self, changes, removed) -> None:
        """Indexes the objects of ``changes`` (``(search index, objects)`` pairs) and
        removes the documents whose identifiers ``removed`` lists, in one writer and one
        commit. (haystack's ``update`` and ``remove`` commit, and merge, once per call.)
        An object its index skips (``SkipDocument``) keeps its document, as in haystack."""
        self.open_for_writing()
        writer = self.index.writer(timeout=WRITER_LOCK_WAIT, **WRITER_OPTIONS)
        try:
            for index, objects in changes:
                for obj in objects:
                    try:
                        document = index.full_prepare(obj)
                    except SkipDocument:
                        continue
                    document.pop("boost", None)  # Whoosh 2.5+ has no document boosts
                    writer.update_document(**{key: self._from_python(value)
                                              for key, value in document.items()})
            for identifier in removed:
                writer.delete_by_term(ID, identifier)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=_merge_when_many)

    # haystack's update, remove and optimize, through this backend's writer (segments as
    # separate files, merged when they add up).
    def update(self, index, iterable, commit=True):
        self.write([(index, list(iterable))], [])

    def remove(self, obj_or_string, commit=True):
        self.write([], [get_identifier(obj_or_string)])

    def clear(self, models=None, commit=True):
        self.open_for_writing()
        return super().clear(models=models, commit=commit)

    def optimize(self):
        self.open_for_writing()
        self.index.writer(**WRITER_OPTIONS).commit(optimize=True)

    def delete_index(self):
        # haystack removes PATH, which may be the symlink to the live directory: empty
        # that directory instead, leaving a new empty index in its place.
        self.open_for_writing()
        for name in os.listdir(self._write_location):
            with suppress(IsADirectoryError, FileNotFoundError):
                os.remove(os.path.join(self._write_location, name))
        self.index = self.storage.create_index(self.schema)


def _merge_when_many(writer, segments):
    """Whoosh's default policy (MERGE_SMALL) looks for small segments to merge on every
    commit, and finds some on most commits of a few documents: then the merge is most of
    the cost of indexing one change. Here a small commit adds its segment until the index
    has MAX_SEGMENTS; then Whoosh's policy merges the small ones. (A query reads every
    segment, so not many more.)"""
    if len(segments) < MAX_SEGMENTS:
        return segments
    return writing.MERGE_SMALL(writer, segments)


def _whoosh_sort(sort_by):
    """haystack's ``order_by`` as Whoosh's ``sortedby`` and ``reverse`` (one direction for
    all fields, as haystack's Whoosh backend requires)."""
    if not sort_by:
        return None, False
    descending = {field.startswith("-") for field in sort_by}
    if len(descending) > 1:
        raise SearchBackendError(
            "Whoosh requires all order_by fields to use the same sort direction")
    return [field.lstrip("-") for field in sort_by], descending.pop()


class WhooshEngine(whoosh_backend.WhooshEngine):
    backend = LiveWhooshSearchBackend


def hit_keys(queryset, limit: int, *, audiences=None) -> list[tuple[str, int]]:
    """``(type, pk)`` of the first ``limit`` hits of a ``SearchQuerySet`` among the
    documents for one of ``audiences`` (None: all): on the embedded Whoosh index read
    straight from the live searcher, the audiences a filter there; elsewhere (Solr,
    Elasticsearch, or a query using what the fast path does not know) through haystack,
    the audiences a filter of the query."""
    query = queryset.query
    params = query.build_params()
    fast = (isinstance(query.backend, LiveWhooshSearchBackend)
            and set(params) <= {"start_offset", "sort_by", "result_class"}
            and not getattr(settings, "HAYSTACK_LIMIT_TO_REGISTERED_MODELS", True))
    if not fast:
        if audiences is not None:
            queryset = queryset.filter(audience__in=audiences)
        return [(result.type, int(result.pk)) for result in queryset[:limit]]
    return query.backend.hit_keys(query.build_query(), limit=limit,
                                  sort_by=params.get("sort_by"), audiences=audiences)


def write_changes(changes, removed, using="default") -> None:
    """Indexes the objects of ``changes`` (``(search index, objects)`` pairs) and removes
    the documents with the identifiers ``removed``: on Whoosh in one commit, elsewhere
    through haystack's ``update`` and ``remove``."""
    backend = connections[using].get_backend()
    if isinstance(backend, LiveWhooshSearchBackend):
        backend.write(changes, removed)
        return
    for index, objects in changes:
        if objects:
            backend.update(index, objects)
    for identifier in removed:
        backend.remove(identifier)


# --- One writer at a time ------------------------------------------------------------------

@contextmanager
def writer_lock(using="default", *, blocking=False):
    """Yields whether this process may write the index now. Whoosh allows one writer; a
    drain asks without waiting (``blocking=False``), the rebuild waits for a running drain.
    Other engines take concurrent writes: always True there."""
    lock_path = getattr(connections[using].get_backend(), "lock_path", None)
    if lock_path is None:
        yield True
        return
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            held = True
        except BlockingIOError:
            held = False
        yield held
    finally:
        os.close(descriptor)  # releases the lock


# --- Rebuild beside the live index, then swap ----------------------------------------------

def rebuild(using="default", *, narrowed=None) -> int:
    """Writes every document of every registered index into a new directory beside the
    live index in one writer and one commit, swaps it in, deletes the old one and drains
    the outbox into the new index. The live index answers queries until the swap. Returns
    the number of documents written.

    ``narrowed(search_index, queryset)``, when given, returns the part of each index's
    queryset to write: the benchmark's index of a sample (tests/perf/dataset.py)."""
    from .search import drain_outbox, drain_updates

    backend = connections[using].get_backend()
    if not backend.setup_complete:
        backend.setup()
    path = os.path.abspath(backend.path)
    with writer_lock(using, blocking=True):
        _remove_leftovers(path)
        fresh = tempfile.mkdtemp(prefix=f"{os.path.basename(path)}-{_stamp()}-",
                                 dir=os.path.dirname(path))
        try:
            # mkdtemp makes it 0700; the web processes may run as another user of the group.
            os.chmod(fresh, 0o755)  # noqa: S103 (an index readable like any var/ directory)  # nosec B103
            count = write_all(backend, connections[using].get_unified_index(), fresh,
                              narrowed=narrowed)
            previous = _swap(path, fresh)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        if previous:
            shutil.rmtree(previous, ignore_errors=True)
        drain_outbox()  # what changed while the new index was written
    drain_updates()  # what was noted while the lock was held
    return count


def write_all(backend, unified_index, location, *, narrowed=None) -> int:
    """Every document of every registered index in one writer, one commit: one segment.
    (haystack's update_index commits, and merges, every 1,000 documents.)

    Reading the rows and preparing their documents (database, Python) and Whoosh's
    analysis and writing each take a core: on a machine with two or more the writer works
    in a child process and this one hands it each chunk of prepared documents, so the
    rebuild takes about as long as the writing alone (make bench, nation: 69 % of a raw
    writer's throughput one after the other). The child gets the documents, never the
    database: a rebuild inside a transaction (the tests) reads its own uncommitted rows.

    Python's automatic garbage collection is off meanwhile, and the young objects of each
    chunk are collected after it: collecting on its own schedule it kept traversing the
    rows in flight (37 s of 361 at nation; a raw Whoosh writer loses nothing to it)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _writer_for(backend.schema, location) as writer:
            for documents in _prepared_chunks(backend, unified_index, narrowed):
                writer.add(documents)
                del documents  # so that the collection below finds the chunk unused
                gc.collect(1)
            return writer.commit()
    finally:
        if collecting:
            gc.enable()


def _prepared_chunks(backend, unified_index, narrowed=None):
    """The documents of every registered index (or of the part ``narrowed`` returns), a
    list per chunk of ``REBUILD_CHUNK`` rows read in one query each with their prefetches."""
    for search_index in unified_index.get_indexes().values():
        queryset = search_index.build_queryset(using=backend.connection_alias)
        if narrowed is not None:
            queryset = narrowed(search_index, queryset)
        last = None
        while rows := _chunk_after(queryset, last, REBUILD_CHUNK):
            last = rows[-1].pk
            documents = [_prepared(backend, search_index, obj) for obj in rows]
            del rows
            yield [document for document in documents if document is not None]


@contextmanager
def _writer_for(schema, location):
    """The rebuild's writer: in a child process when there is a second core to run it
    (and the platform forks), else in this one. Cancelled when the rebuild fails."""
    writer = None
    if (os.cpu_count() or 1) > 1:
        # A process that may not fork (out of processes; a daemonic pool process, where
        # multiprocessing asserts) writes here instead.
        with suppress(OSError, ValueError, AssertionError):
            writer = _ChildWriter(schema, location)
    writer = writer or _WriterHere(schema, location)
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise


class _WriterHere:
    """Whoosh's writer in this process."""

    def __init__(self, schema, location):
        index = FileStorage(location).create_index(schema)
        self.writer = index.writer(limitmb=REBUILD_WRITER_MB, **WRITER_OPTIONS)
        self.count = 0

    def add(self, documents):
        for document in documents:
            self.writer.add_document(**document)
        self.count += len(documents)

    def commit(self) -> int:
        self.writer.commit()
        return self.count

    def cancel(self):
        self.writer.cancel()


class _ChildWriter:
    """Whoosh's writer in a forked child that receives chunks of documents through a pipe.
    The pipe holds little, so reading never runs far ahead of writing (memory stays that of
    a chunk or two). A child that fails sends its error and ends; the next ``add`` or the
    ``commit`` raises it here."""

    def __init__(self, schema, location):
        context = multiprocessing.get_context("fork")
        self.pipe, child_end = context.Pipe()
        self.process = context.Process(target=_write_in_child, daemon=True,
                                       args=(schema, location, child_end),
                                       name="search-rebuild-writer")
        self.process.start()
        child_end.close()

    def add(self, documents):
        try:
            self.pipe.send(documents)
        except (BrokenPipeError, ConnectionResetError):
            self._raise_failure()

    def commit(self) -> int:
        try:
            self.pipe.send(None)
        except (BrokenPipeError, ConnectionResetError):
            self._raise_failure()
        outcome, value = self._outcome()
        self.process.join()
        if outcome != "committed":
            raise SearchBackendError(f"The rebuild's writer failed: {value}")
        return value

    def cancel(self):
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.pipe.close()

    def _outcome(self):
        try:
            return self.pipe.recv()
        except (EOFError, OSError):
            return "failed", f"it ended with exit code {self.process.exitcode}"

    def _raise_failure(self):
        self.process.join(timeout=5)
        raise SearchBackendError(f"The rebuild's writer failed: {self._outcome()[1]}")


def _write_in_child(schema, location, pipe):
    """The child's part: write what arrives until ``None``, commit, report the count. It
    never touches the database connections it inherited; multiprocessing ends it with
    ``os._exit``, so nothing of the parent's is closed or flushed from here."""
    gc.disable()
    writer = None
    try:
        writer = _WriterHere(schema, location)
        while (documents := pipe.recv()) is not None:
            writer.add(documents)
            del documents
            gc.collect(1)
        pipe.send(("committed", writer.commit()))
    except BaseException as error:  # noqa: BLE001 (reported to the parent, which raises it)
        if writer is not None:
            with suppress(Exception):
                writer.cancel()
        with suppress(OSError):
            pipe.send(("failed", f"{type(error).__name__}: {error}"))
    finally:
        pipe.close()


def _chunk_after(queryset, last, size) -> list:
    """The next ``size`` rows in primary key order after the key ``last`` (None: from the
    start), with their prefetches: each chunk its own query."""
    queryset = queryset.order_by("pk")
    return list((queryset if last is None else queryset.filter(pk__gt=last))[:size])


def _prepared(backend, search_index, obj):
    """The document of ``obj`` as the writer takes it; None when the index skips it."""
    try:
        document = search_index.full_prepare(obj)
    except SkipDocument:
        return None
    document.pop("boost", None)  # Whoosh 2.5+ has no document boosts
    return {key: backend._from_python(value) for key, value in document.items()}


def indexed_lists(*names) -> list[Prefetch]:
    """Prefetches for a search index's queryset, each into a list ``indexed_<name>``.
    A plain prefetch builds a related manager and a queryset for every object, which was
    most of a rebuild's reading of the database (3,000 posts with four: 1.3 s, as lists
    0.3 s, make bench); the index and its template read the lists."""
    return [Prefetch(name, to_attr=f"indexed_{name}") for name in names]


def _stamp() -> str:
    return time.strftime("%Y%m%dT%H%M%S")


def _swap(path, fresh):
    """Points ``path`` at ``fresh`` in one step; returns the directory it pointed at."""
    link = f"{path}.swap"
    with suppress(FileNotFoundError):
        os.unlink(link)
    os.symlink(os.path.basename(fresh), link)
    previous = None
    if os.path.islink(path):
        previous = os.path.realpath(path)
    elif os.path.isdir(path):
        # haystack's layout, the index right in PATH: moved aside once. Only in that
        # moment is there no index at PATH; a query then says search is unavailable.
        previous = f"{path}-{_stamp()}-replaced"
        os.rename(path, previous)
    os.replace(link, path)
    descriptor = os.open(os.path.dirname(path), os.O_RDONLY)
    try:
        os.fsync(descriptor)  # the new link survives a crash
    finally:
        os.close(descriptor)
    return previous if previous and os.path.isdir(previous) else None


def _remove_leftovers(path):
    """Directories of rebuilds that were killed before their swap (the lock is held)."""
    parent, name = os.path.split(path)
    pattern = re.compile(rf"{re.escape(name)}-\d{{8}}T\d{{6}}-\w+")
    live = os.path.realpath(path)
    for entry in os.scandir(parent):
        if (pattern.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)
                and entry.path != live):
            shutil.rmtree(entry.path, ignore_errors=True)
