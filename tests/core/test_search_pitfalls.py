"""DESIGN §4, "What the stack does wrong by default": one test per row of the table.

Rows tested elsewhere, referenced here rather than repeated:

* two ``update_index`` commands: ``tests/core/test_search_index.py``
  (``test_haystack_comes_before_wagtail_search_so_its_rebuild_index_wins``,
  ``test_rebuild_index_indexes_active_people``); below, that ``rebuild_index`` is ours.
* drafts in search: with the Wagtail pages of the knowledge library.
* guardian global perms, the prefetch before a loop: the query-count tests of the network
  list (``tests/networks/test_api.py::test_network_list_query_count_does_not_grow_with_
  networks``, ``tests/networks/test_views.py::test_network_list_query_count_is_flat``).
* drf-spectacular, the schema limited to ``/api/v1/``:
  ``tests/accounts/test_api.py::test_openapi_schema_lists_only_our_api``.
"""

import os
import subprocess
import sys
from importlib import metadata
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands
from django.test import override_settings
from django.urls import reverse
from haystack import connections
from whoosh.index import open_dir

from board.services import post_create
from intranet.core import search_backend
from intranet.core.models import SearchUpdate
from intranet.core.search import drain_updates, search_visible_to
from intranet.core.search_backend import writer_lock

pytestmark = pytest.mark.django_db


def _path() -> Path:
    return Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])


def _live_directory() -> Path:
    return _path().resolve()


def _generation() -> int:
    return open_dir(str(_live_directory())).latest_generation()


def _titles(user, q) -> list[str]:
    return [hit.title for hit in search_visible_to(user=user, q=q)]


@pytest.fixture
def indexed(coordinator):
    post = post_create(author=coordinator, title="Regenwasserzisterne am Rathaus",
                       body="Wir sammeln Regenwasser.", category="offer")
    call_command("rebuild_index", interactive=False, verbosity=0)
    return post


# --- two update_index commands --------------------------------------------------------------

def test_rebuild_index_is_ours_not_haystacks_or_wagtails():
    assert get_commands()["rebuild_index"] == "intranet.core"


# --- concurrent writers ----------------------------------------------------------------------

def test_index_writes_go_through_the_search_queue_only():
    assert settings.CELERY_TASK_ROUTES["intranet.core.tasks.drain_search_updates"] == {
        "queue": "search"}
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    assert "--queues default,email,search" in makefile and "--concurrency 1" in makefile


@pytest.fixture
def broker_that_keeps_messages():
    """A broker in memory that nobody consumes: the request's after-commit work is queued,
    as in production, instead of running in the web process as eager tests do."""
    from intranet.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.update(broker_url="memory://", task_always_eager=False)
    app._after_fork()
    try:
        yield app
    finally:
        app.conf.update(broker_url=saved[0], task_always_eager=saved[1])
        app._after_fork()


def _waiting_in_search_queue(app) -> int:
    with app.connection_for_write() as connection:
        try:
            return connection.default_channel.queue_declare("search", passive=True).message_count
        except Exception:  # not declared yet: nothing waits
            return 0


def test_saving_a_post_in_a_request_does_not_write_the_index(
        client_for, coordinator, member, indexed, broker_that_keeps_messages,
        django_capture_on_commit_callbacks):
    generation = _generation()
    waiting_before = _waiting_in_search_queue(broker_that_keeps_messages)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(reverse("board:create"), {
            "title": "Hitzeaktionsplan beschlossen", "body": "Trinkbrunnen und Schatten",
            "category": "announcement", "audience": "platform"})
    assert response.status_code == 302
    # The single writer's task, waiting for its worker (counted against what the in-memory
    # broker of this process already held).
    assert _waiting_in_search_queue(broker_that_keeps_messages) == waiting_before + 1
    assert _generation() == generation  # the web process wrote nothing
    assert SearchUpdate.objects.filter(label="board.post").count() == 1
    assert _titles(member, "Hitzeaktionsplan") == []

    assert drain_updates() == 1  # the search queue's worker
    assert _generation() > generation
    assert _titles(member, "Hitzeaktionsplan") == ["Hitzeaktionsplan beschlossen"]


def test_a_drain_while_the_lock_is_held_leaves_its_rows_for_the_holder(
        coordinator, member, indexed, django_capture_on_commit_callbacks):
    generation = _generation()
    with writer_lock(blocking=True) as held:  # as a rebuild holds it
        assert held
        with django_capture_on_commit_callbacks(execute=True):  # the drain runs, eagerly
            post_create(author=coordinator, title="Schwammstadt-Fibel", body="Versickern",
                        category="offer")
        assert SearchUpdate.objects.count() == 1
        assert drain_updates() == 0
        assert _generation() == generation
    assert drain_updates() == 1
    assert _titles(member, "Schwammstadt") == ["Schwammstadt-Fibel"]
    assert not SearchUpdate.objects.exists()


def test_a_change_during_a_rebuild_reaches_the_new_index(coordinator, member, indexed,
                                                         monkeypatch):
    """A post saved after the rebuild has read the database, before its swap: the drain of
    that post finds the lock taken; the rebuild drains it into the new index."""
    write_all = search_backend.write_all
    during = {}

    def write_all_then_a_post_arrives(*args, **kwargs):
        count = write_all(*args, **kwargs)
        during["post"] = post_create(author=coordinator, title="Baumpatenschaften starten",
                                     body="Gießen im Sommer", category="offer")
        during["drained"] = drain_updates()  # the worker's drain for that post
        return count

    monkeypatch.setattr(search_backend, "write_all", write_all_then_a_post_arrives)
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert during["drained"] == 0
    assert _titles(member, "Baumpatenschaften") == ["Baumpatenschaften starten"]
    assert not SearchUpdate.objects.exists()


# --- slow queries ----------------------------------------------------------------------------

def test_queries_filter_by_type_not_by_registered_models(member, indexed):
    """haystack's filter by registered models (django_ct) would add a clause of every model
    to every query. The index's own ``type`` narrows a search to a kind; without a kind
    chosen there is no type clause at all, since every document is of one of the kinds (at
    region scale the clause took half of the index's time)."""
    assert settings.HAYSTACK_LIMIT_TO_REGISTERED_MODELS is False
    connections["default"].reset_queries()
    with override_settings(DEBUG=True):  # haystack notes its queries with DEBUG only
        assert _titles(member, "Regenwasserzisterne") == ["Regenwasserzisterne am Rathaus"]
        assert [hit.title for hit in search_visible_to(
            user=member, q="Regenwasserzisterne", type="post")] == [
                "Regenwasserzisterne am Rathaus"]
        assert [hit.title for hit in search_visible_to(
            user=member, q="Regenwasserzisterne", type="event")] == []
    anything, posts, events = [query["query_string"]
                               for query in connections["default"].queries]
    assert "type:" not in anything and "django_ct" not in anything
    assert 'type:("post")' in posts and "django_ct" not in posts
    assert 'type:("event")' in events


def test_the_searcher_lives_across_queries_and_is_refreshed_after_a_write(
        coordinator, member, indexed, django_capture_on_commit_callbacks):
    backend = connections["default"].get_backend()
    _titles(member, "Regenwasserzisterne")
    with backend.live_lock():
        first = backend.live_searcher()
    assert _titles(member, "Regenwasserzisterne") == ["Regenwasserzisterne am Rathaus"]
    connections["default"].reset_sessions()  # another thread's backend: the same searcher
    other = connections["default"].get_backend()
    assert other is not backend
    with other.live_lock():
        assert other.live_searcher() is first

    with django_capture_on_commit_callbacks(execute=True):  # a write by the single writer
        post_create(author=coordinator, title="Zisternenförderung verlängert",
                    body="Bis Jahresende", category="announcement")
    assert _titles(member, "Zisternenförderung") == ["Zisternenförderung verlängert"]
    with other.live_lock():
        refreshed = other.live_searcher()
    assert refreshed is not first
    assert refreshed.reader().generation() == _generation()


def test_a_query_opens_no_new_searcher(member, indexed, monkeypatch):
    from whoosh.index import FileIndex

    _titles(member, "Regenwasserzisterne")  # the searcher of this process is open
    opened = []
    searcher = FileIndex.searcher
    monkeypatch.setattr(FileIndex, "searcher",
                        lambda self, **kwargs: opened.append(self) or searcher(self, **kwargs))
    for _ in range(3):
        assert _titles(member, "Regenwasserzisterne") == ["Regenwasserzisterne am Rathaus"]
    assert opened == []


# --- slow rebuilds ---------------------------------------------------------------------------

def test_the_rebuild_writes_one_segment_in_a_new_directory_and_swaps_it_in(
        coordinator, member, indexed, monkeypatch):
    before = _live_directory()
    write_all = search_backend.write_all
    during = {}

    def write_all_and_search_meanwhile(*args, **kwargs):
        count = write_all(*args, **kwargs)
        during["titles"] = _titles(member, "Regenwasserzisterne")  # the old index answers
        during["live"] = _live_directory()
        return count

    monkeypatch.setattr(search_backend, "write_all", write_all_and_search_meanwhile)
    out = StringIO()
    call_command("rebuild_index", "--noinput", stdout=out)
    assert during == {"titles": ["Regenwasserzisterne am Rathaus"], "live": before}

    after = _live_directory()
    assert _path().is_symlink() and after != before and after.parent == before.parent
    assert not before.exists()  # the old index is gone
    siblings = [p for p in after.parent.iterdir() if p.name.startswith(_path().name + "-")]
    assert siblings == [after]
    index = open_dir(str(after))
    assert index.latest_generation() == 1  # created, then one commit
    with index.reader() as reader:
        assert len(list(reader.leaf_readers())) == 1  # one segment
        assert reader.doc_count() >= 3  # the post, people, ...
    assert "documents indexed and swapped in" in out.getvalue()


# --- English stemming ------------------------------------------------------------------------

@pytest.mark.parametrize(("word", "stem"), [
    ("maßnahmen", "massnahm"), ("Bäume", "baum"), ("Städte", "stadt"), ("Baeume", "baum")])
def test_the_index_schema_stems_german(word, stem):
    backend = connections["default"].get_backend()
    backend.setup()
    analyzer = backend.schema["text"].analyzer
    assert [token.text for token in analyzer(word, mode="query")] == [stem]


# --- Whoosh 2.7.4 ----------------------------------------------------------------------------

def test_whoosh_is_the_maintained_fork_and_imports_with_warnings_as_errors(tmp_path):
    assert metadata.version("whoosh-reloaded") >= "2.7.5"
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.version("Whoosh")  # the unmaintained original is not installed beside it
    # A fresh bytecode cache, so every module is compiled again and its warnings raised.
    environment = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-W", "error", "-c",
         "import whoosh, whoosh.index, whoosh.qparser, whoosh.analysis, whoosh.fields, "
         "whoosh.filedb.filestore, whoosh.highlight, whoosh.sorting, whoosh.writing"],
        check=True, env=environment, capture_output=True, timeout=60)


# --- guardian global perms -------------------------------------------------------------------

def test_a_model_wide_view_permission_opens_no_confidential_network(coordinator, outsider):
    from django.contrib.auth.models import Group, Permission

    from networks.models import Visibility
    from networks.permissions import can_view_network, forget_grants
    from networks.selectors import network_list_visible_to
    from networks.services import network_found

    secret = network_found(founder=coordinator, name="Stille Runde", mandate="Intern",
                           visibility=Visibility.CONFIDENTIAL)
    view = Permission.objects.get(codename="view_network", content_type__app_label="networks")
    assert not Group.objects.filter(permissions=view).exists()  # no role grants it
    outsider.user_permissions.add(view)  # a mistake in the admin
    forget_grants(outsider)
    assert not network_list_visible_to(user=outsider).filter(pk=secret.pk).exists()
    assert not can_view_network(outsider, secret)
    assert tuple(int(part) for part in metadata.version("django-guardian").split(".")[:3]) >= (
        3, 5, 2)


def test_grants_of_many_networks_are_read_in_one_query(coordinator, django_assert_num_queries):
    from networks.models import Network, Visibility
    from networks.permissions import can_view_network, forget_grants, prefetch_grants
    from networks.services import network_found

    for n in range(20):
        network_found(founder=coordinator, name=f"Runde {n:02}", mandate="Intern",
                      visibility=Visibility.CONFIDENTIAL)
    networks = list(Network.objects.all())
    forget_grants(coordinator)
    with django_assert_num_queries(1):
        prefetch_grants({coordinator: [network.pk for network in networks]})
        assert all(can_view_network(coordinator, network) for network in networks)


# --- drf-spectacular -------------------------------------------------------------------------

def test_the_api_schema_generates_without_warnings():
    import json

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
                 stdout=out, stderr=StringIO())
    paths = json.loads(out.getvalue())["paths"]
    assert paths and all(path.startswith("/api/v1/") for path in paths)
