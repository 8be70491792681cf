"""Several machines (issue 9, item 4): two web instances, two workers and the one search
writer share one PostgreSQL, one Redis and one directory (media and the Whoosh index), and
nothing one of them wrote is missing on the other (``make test-services``).

Two ``gunicorn intranet.wsgi`` on loopback ports (A and B), two Celery workers for the
``default`` and ``email`` queues and one for ``search`` (concurrency 1), all on the test
database pytest-django created, with tasks going through Redis (no eager Celery). A
journey goes through A and B in turn with one cookie jar, as behind a load balancer
without sticky sessions: the session, posts, files, notifications written by a worker, the
search index written by the search worker, the sign-out and a sign-in lockout all reach
the other instance.
"""

import os
import re
import signal
import socket
import subprocess
import time
import uuid
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings
from django.db import connection

from board.models import Post
from intranet.notifications.models import Notification
from networks.models import Document, Network
from tests.core.test_real_services import needs_postgres, needs_redis, needs_redis_broker
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.realservices, needs_postgres, needs_redis, needs_redis_broker]

START_TIMEOUT = 60  # seconds for five Django processes to start on a busy machine
WORK_TIMEOUT = 20  # seconds for a worker to do what a request queued
HTTP_TIMEOUT = 20
BIN = Path(settings.BASE_DIR) / ".venv" / "bin"


class Cluster:
    """The processes of the test; each writes its own log, all of which a failure shows."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.deploy.instance_settings",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": os.environ["REDIS_URL"],
            "CELERY_BROKER_URL": str(settings.CELERY_BROKER_URL),
            "VAR_DIR": str(directory),
            "SEARCH_URL": f"whoosh://{directory / 'whoosh'}",
            "PYTHONDONTWRITEBYTECODE": "1",
        }

    def log_path(self, name: str) -> Path:
        return self.directory / f"{name}.log"

    def start(self, name: str, arguments: list[str]) -> None:
        with self.log_path(name).open("wb") as log:
            self.processes[name] = subprocess.Popen(  # noqa: S603 - our own commands
                arguments, cwd=settings.BASE_DIR, env=self.env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)

    def start_web(self, name: str) -> None:
        self.ports[name] = _free_port()
        self.start(name, [str(BIN / "gunicorn"), "intranet.wsgi:application",
                          "--bind", f"127.0.0.1:{self.ports[name]}", "--workers", "1",
                          "--timeout", "60", "--no-control-socket",
                          "--access-logfile", "-", "--error-logfile", "-"])

    def start_worker(self, name: str, queues: str) -> None:
        self.start(name, [str(BIN / "celery"), "-A", "intranet", "worker", "-Q", queues,
                          "-n", f"{name}-{uuid.uuid4().hex[:6]}@%h", "--pool", "solo",
                          "--concurrency", "1", "-l", "INFO", "--without-mingle",
                          "--without-gossip"])

    def url(self, name: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}{path}"

    def log(self, name: str) -> str:
        path = self.log_path(name)
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"--- {name} (exit {process.poll()}):\n{self.log(name)[-3000:]}"
                         for name, process in self.processes.items())

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        waiting = set(self.processes)
        while waiting and time.monotonic() < deadline:
            for name in list(waiting):
                assert self.processes[name].poll() is None, f"{name} ended\n{self.logs()}"
                if self._ready(name):
                    waiting.discard(name)
            time.sleep(0.3)
        assert not waiting, f"not ready within {START_TIMEOUT} s: {waiting}\n{self.logs()}"

    def _ready(self, name: str) -> bool:
        if name not in self.ports:
            return " ready." in self.log(name)
        try:
            return requests.get(self.url(name, "/-/live"), timeout=2).status_code == 200
        except requests.RequestException:  # not listening yet, or still loading the app
            return False

    def stop(self) -> None:
        for process in self.processes.values():
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def _test_database_url() -> str:
    """DATABASE_URL with the name of the test database that pytest-django created."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _purge_queues() -> None:
    """Messages earlier tests left on the broker would reach these workers too."""
    from intranet.celery import app

    with app.connection_for_write() as broker:
        for queue in ("default", "email", "search"):
            broker.default_channel.queue_purge(queue)


@pytest.fixture(scope="module")
def cluster(django_db_setup, tmp_path_factory, request):
    """Started once for the module: the tests' data is flushed between them, the
    processes read whatever the database holds now."""
    cluster = Cluster(tmp_path_factory.mktemp("instances"))
    request.addfinalizer(cluster.stop)  # every process ends, also when a start fails
    _purge_queues()
    cluster.start_web("web-a")
    cluster.start_web("web-b")
    cluster.start_worker("worker-a", "default,email")
    cluster.start_worker("worker-b", "default,email")
    cluster.start_worker("search", "search")
    cluster.wait_until_ready()
    return cluster


class Browser:
    """One person's cookie jar, used on both instances (cookies do not depend on the
    port, as behind one address in front of both)."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.session = requests.Session()

    def get(self, instance: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.session.get(self.cluster.url(instance, path), timeout=HTTP_TIMEOUT,
                                **kwargs)

    def post_form(self, instance: str, path: str, data: dict, *, form_path: str | None = None,
                  files=None) -> requests.Response:
        """Opens the form's page on the same instance, then posts it with its CSRF token."""
        page = self.get(instance, form_path or path)
        assert page.status_code == 200, (page.status_code, page.url, self.cluster.logs())
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no CSRF token on {form_path or path}"
        return self.session.post(self.cluster.url(instance, path), timeout=HTTP_TIMEOUT,
                                 data={**data, "csrfmiddlewaretoken": token[1]}, files=files,
                                 allow_redirects=False)

    def sign_in(self, instance: str, email: str, password: str = PASSWORD):
        return self.post_form(instance, "/konto/login/",
                              {"login": email, "password": password})


def _eventually(condition, what: str, cluster: Cluster, timeout: float = WORK_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.3)
    raise AssertionError(f"{what} within {timeout} s\n{cluster.logs()}")


@pytest.fixture
def people(transactional_db):
    city = OrganisationFactory(slug="gelsenkirchen", name="Stadt Gelsenkirchen")
    return {
        "carla": UserFactory(name="Carla Koordinatorin", email="carla@gelsenkirchen.example",
                             organisation=city, roles=["coordinator"]),
        "max": UserFactory(name="Max Mitglied", email="max@gelsenkirchen.example",
                           organisation=city, roles=["member"]),
        "lena": UserFactory(name="Lena Vertippt", email="lena@gelsenkirchen.example",
                            organisation=city, roles=["member"]),
    }


@pytest.mark.django_db(transaction=True)
def test_a_journey_through_two_instances_sees_everything_either_one_wrote(cluster, people):
    carla, max_ = Browser(cluster), Browser(cluster)
    logs = cluster.logs

    # Signed in on A: the session is in the shared database, so B knows her.
    response = carla.sign_in("web-a", people["carla"].email)
    assert response.status_code == 302 and response.headers["Location"] == "/", logs()
    start = carla.get("web-b", "/")
    assert start.status_code == 200, logs()
    assert "Carla Koordinatorin" in start.text

    # A network founded on B is on A; Max joins it on A.
    response = carla.post_form("web-b", "/netzwerke/gruenden/", {
        "name": "Schwammstadt Nord", "mandate": "Wohin mit dem Regen im Norden?",
        "visibility": "open"})
    assert response.status_code == 302, logs()
    network = Network.objects.get(name="Schwammstadt Nord")
    network_path = f"/netzwerke/{network.slug}/"
    assert response.headers["Location"] == network_path
    assert "Schwammstadt Nord" in carla.get("web-a", network_path).text
    # A's search finds it once the search worker wrote it: from here on A's process keeps
    # a searcher open, which must notice the writer's later commits by itself.
    _eventually(lambda: network_path in carla.get("web-a", "/suche/?q=Schwammstadt").text,
                "A's search did not find the network founded on B", cluster)
    assert max_.sign_in("web-b", people["max"].email).status_code == 302, logs()
    response = max_.post_form("web-a", f"{network_path}beitreten/", {},
                              form_path=network_path)
    assert response.status_code == 302, logs()
    assert network.memberships.filter(user=people["max"]).exists()

    # A post written on B is read on A.
    response = carla.post_form("web-b", "/brett/neu/", {
        "title": "Zisternenkataster für den Norden", "body": "Wer hat Daten zu Zisternen?",
        "category": "request", "audience": "network", "network": network.slug})
    assert response.status_code == 302, logs()
    post = Post.objects.get(title="Zisternenkataster für den Norden")
    post_path = f"/brett/{post.pk}/"
    page = carla.get("web-a", post_path)
    assert page.status_code == 200 and "Zisternenkataster für den Norden" in page.text

    # A file uploaded to A comes back from B, byte for byte (shared media).
    content = f"Protokoll der Sitzung {uuid.uuid4()}\n".encode()
    response = carla.post_form(
        "web-a", f"{network_path}dokumente/", {"title": "Protokoll"},
        files={"file": ("protokoll.txt", content, "text/plain")})
    assert response.status_code == 302, logs()
    document = Document.objects.get(network=network, title="Protokoll")
    download = max_.get("web-b", f"{network_path}dokumente/{document.pk}/v1/")
    assert download.status_code == 200, logs()
    assert download.content == content

    # Max mentions Carla in a comment on B; a worker writes her notification, A lists it.
    response = max_.post_form("web-b", post_path, {
        "body": f"@{people['carla'].handle} ich habe Daten aus Buer."})
    assert response.status_code == 302, logs()
    _eventually(lambda: Notification.objects.filter(recipient=people["carla"],
                                                    post=post).exists(),
                "no worker wrote the notification", cluster)
    notifications = carla.get("web-a", "/benachrichtigungen/")
    assert notifications.status_code == 200 and post_path in notifications.text, logs()
    workers_log = cluster.log("worker-a") + cluster.log("worker-b")
    assert re.search(r"fan_out_post_events\[[^]]+\] succeeded", workers_log), logs()

    # The search worker indexed the post written on B; A finds it.
    _eventually(lambda: post_path in carla.get("web-a", "/suche/?q=Zisternenkataster").text,
                "A's search did not find the post written on B", cluster)
    assert re.search(r"drain_search_updates\[[^]]+\] succeeded", cluster.log("search"))
    assert not re.search(r"drain_search_updates\[", workers_log)  # one writer only

    # Signed out on B: A no longer knows the session.
    response = carla.post_form("web-b", "/konto/logout/", {}, form_path="/")
    assert response.status_code == 302, logs()
    after = carla.get("web-a", "/")
    assert after.status_code == 302 and after.headers["Location"].startswith("/konto/login/")


def _signed_in(browser: Browser, instance: str) -> bool:
    return browser.get(instance, "/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_failed_sign_ins_on_both_instances_add_up_to_one_lockout(cluster, people):
    """django-axes counts in the database: five wrong passwords for one person, split
    across A and B, lock her out on both, though neither instance saw five."""
    lena = Browser(cluster)
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit):
        response = lena.sign_in(["web-a", "web-b"][attempt % 2], people["lena"].email,
                                "falsch-123456")
        assert response.status_code in (200, 429), cluster.logs()  # never signed in
    assert response.status_code == 429  # the fifth: axes' lockout page
    for instance in ("web-a", "web-b"):  # even the right password, on either
        response = lena.sign_in(instance, people["lena"].email)
        assert response.status_code != 302 and not _signed_in(lena, instance), cluster.logs()


@pytest.mark.django_db(transaction=True)
def test_failed_sign_ins_from_one_address_on_both_instances_add_up_to_one_limit(cluster,
                                                                                people):
    """allauth counts failed sign-ins per address in the cache, which is the one Redis:
    ten failures split across A and B (five each, under the limit of ten a minute) stop
    the next sign-in from that address, even with the right password."""
    control = Browser(cluster)
    assert control.sign_in("web-a", people["max"].email).status_code == 302
    assert _signed_in(control, "web-b")  # the credentials are right
    stranger = Browser(cluster)
    for attempt in range(10):  # a different unknown account each time: no axes lockout
        response = stranger.sign_in(["web-a", "web-b"][attempt % 2],
                                    f"niemand{attempt}@gelsenkirchen.example", "falsch-123456")
        assert response.status_code == 200, cluster.logs()
    max_ = Browser(cluster)
    response = max_.sign_in("web-a", people["max"].email)
    assert response.status_code == 200 and not _signed_in(max_, "web-a"), cluster.logs()
