"""The rebuild's writer in a child process (search_backend.write_all): it writes what the
in-process writer writes, and a failure on either side leaves the live index as it was."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from haystack import connections
from haystack.exceptions import SearchBackendError
from whoosh.index import open_dir

from board.services import post_create
from intranet.core import search_backend
from intranet.core.search import search_visible_to

pytestmark = pytest.mark.django_db


def _live() -> Path:
    return Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"]).resolve()


def _stored(location) -> set[tuple[str, str]]:
    with open_dir(str(location)).searcher() as searcher:
        return {(fields["id"], fields.get("title", "")) for fields in searcher.all_stored_fields()}


def _rebuild_into(tmp_path, name) -> tuple[int, set]:
    backend = connections["default"].get_backend()
    if not backend.setup_complete:
        backend.setup()
    location = tmp_path / name
    location.mkdir()
    count = search_backend.write_all(backend, connections["default"].get_unified_index(),
                                     str(location))
    return count, _stored(location)


@pytest.fixture
def posts(coordinator):
    return [post_create(author=coordinator, title=f"Gründach Nummer {n}", body="Begrünung.",
                        category="offer") for n in range(5)]


def test_the_child_writes_the_documents_the_writer_here_writes(posts, tmp_path, monkeypatch):
    forked = []
    start = search_backend._ChildWriter.__init__

    def counting_start(self, *args):
        forked.append(True)
        start(self, *args)

    monkeypatch.setattr(search_backend._ChildWriter, "__init__", counting_start)
    monkeypatch.setattr(search_backend.os, "cpu_count", lambda: 2)
    in_child = _rebuild_into(tmp_path, "child")
    monkeypatch.setattr(search_backend.os, "cpu_count", lambda: 1)
    here = _rebuild_into(tmp_path, "here")

    assert forked == [True]
    assert in_child == here
    assert in_child[0] == len(in_child[1]) >= 6  # five posts and their author
    assert {title for _, title in in_child[1]} >= {f"Gründach Nummer {n}" for n in range(5)}


def test_one_core_writes_in_this_process(posts, tmp_path, monkeypatch):
    monkeypatch.setattr(search_backend.os, "cpu_count", lambda: 1)
    monkeypatch.setattr(search_backend._ChildWriter, "__init__",
                        lambda *args: pytest.fail("forked on one core"))
    count, stored = _rebuild_into(tmp_path, "here")
    assert count == len(stored) >= 6


def _indexed_once(member):
    call_command("rebuild_index", interactive=False, verbosity=0)
    return _live(), [hit.title for hit in search_visible_to(user=member, q="Gründach")]


def _leftovers(live: Path) -> list[Path]:
    return [p for p in live.parent.iterdir()
            if p.name.startswith(Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"]).name
                                  + "-") and p != live]


def test_a_failing_child_fails_the_rebuild_and_keeps_the_live_index(posts, member,
                                                                      monkeypatch):
    live, titles = _indexed_once(member)
    monkeypatch.setattr(search_backend.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(search_backend._WriterHere, "add", _broken_add)  # in the child

    with pytest.raises(SearchBackendError, match="writer failed: .*disk full"):
        call_command("rebuild_index", interactive=False, verbosity=0)

    assert _live() == live and not _leftovers(live)
    assert [hit.title for hit in search_visible_to(user=member, q="Gründach")] == titles


def _broken_add(self, documents):
    raise OSError("disk full")


def test_a_failing_read_ends_the_child_and_keeps_the_live_index(posts, member, monkeypatch):
    live, titles = _indexed_once(member)
    monkeypatch.setattr(search_backend.os, "cpu_count", lambda: 2)
    children = []
    start = search_backend._ChildWriter.__init__

    def remembered(self, *args):
        start(self, *args)
        children.append(self.process)

    def failing_chunks(backend, unified_index, narrowed=None):
        yield []
        raise RuntimeError("database gone")

    monkeypatch.setattr(search_backend._ChildWriter, "__init__", remembered)
    monkeypatch.setattr(search_backend, "_prepared_chunks", failing_chunks)

    with pytest.raises(RuntimeError, match="database gone"):
        call_command("rebuild_index", interactive=False, verbosity=0)

    assert len(children) == 1 and not children[0].is_alive()
    assert _live() == live and not _leftovers(live)
    assert [hit.title for hit in search_visible_to(user=member, q="Gründach")] == titles
