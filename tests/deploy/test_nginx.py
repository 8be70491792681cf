"""The shipped nginx snippet (deploy/nginx/klimawerk-locations.conf) in front of a real
gunicorn (issue 9): nginx serves the static files itself, hands a checked download's bytes
over after Django's X-Accel-Redirect, keeps the files' safety headers, and refuses
/_protected/ from outside. The snippet is used as shipped; only VAR_DIR is replaced."""

import http.client
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from intranet.core.pdf import simple_pdf
from networks.models import Visibility
from networks.permissions import forget_grants
from networks.services import document_upload, membership_invite, membership_join, network_found

ROOT = Path(__file__).resolve().parents[2]
SNIPPET = ROOT / "deploy" / "nginx" / "klimawerk-locations.conf"
SHIPPED_VAR_DIR = "/srv/klimawerk/var/"
# gunicorn runs the production settings, which refuse the test settings' key; the sessions
# made here are signed with the same key as there.
SECRET_KEY = "nginx-test-" + "k" * 60
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
MIME_TYPES = Path("/etc/nginx/mime.types")

pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt install nginx-light)"),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process, name: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} ended with {process.returncode}")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"{name} did not listen on {port}")


def stop(process) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def nginx_conf(work: Path, var_dir: Path, nginx_port: int, app_port: int) -> Path:
    snippet = SNIPPET.read_text(encoding="utf-8").replace(SHIPPED_VAR_DIR, f"{var_dir}/")
    (work / "klimawerk-locations.conf").write_text(snippet, encoding="utf-8")
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / temp).mkdir()
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the temp dirs
    mime = f"include {MIME_TYPES};" if MIME_TYPES.exists() else ""
    conf = work / "nginx.conf"
    conf.write_text(f"""
{user}
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    {mime}
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    upstream klimawerk_app {{ server 127.0.0.1:{app_port}; keepalive 4; }}
    server {{
        listen 127.0.0.1:{nginx_port};
        server_name localhost;
        include {work}/klimawerk-locations.conf;
    }}
}}
""", encoding="utf-8")
    return conf


def database_for_gunicorn(work: Path) -> str:
    """The test database as gunicorn can open it: on PostgreSQL the same database (the
    rows are committed), on SQLite a file copy of the in-memory one."""
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        return (f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:"
                f"{params['PORT'] or 5432}/{params['NAME']}")
    copy = work / "db.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{copy}"


def get(port: int, path: str, cookie: str = "") -> tuple[int, dict, bytes]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        client.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = client.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        client.close()


def session_cookie(user) -> str:
    """A signed-in session of its own (one shared test client would end the first at the
    second sign-in)."""
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@pytest.fixture
def var_dir(tmp_path, settings):
    var = tmp_path / "var"
    (var / "static").mkdir(parents=True)
    (var / "media").mkdir()
    settings.MEDIA_ROOT = str(var / "media")
    settings.SECRET_KEY = SECRET_KEY
    return var


@pytest.fixture
def confidential_document(var_dir, coordinator, member):
    network = network_found(founder=coordinator, name="Verschwiegen", mandate="M",
                            visibility=Visibility.CONFIDENTIAL)
    membership_invite(network=network, user=member, actor=coordinator)
    membership_join(network=network, user=member)
    forget_grants(member)
    upload = SimpleUploadedFile("Protokoll März.pdf", simple_pdf(["vertraulich"]),
                                "application/pdf")
    version = document_upload(network=network, actor=coordinator, upload=upload,
                              title="Protokoll")
    return version, reverse("networks:download", args=[network.slug, version.document_id, 1])


@pytest.fixture
def site(tmp_path, var_dir, confidential_document, member, outsider):
    """nginx on a free loopback port in front of gunicorn; both stopped afterwards."""
    member_cookie = session_cookie(member)
    outsider_cookie = session_cookie(outsider)
    work = tmp_path / "run"
    work.mkdir()
    app_port, nginx_port = free_port(), free_port()
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.deploy.nginx_settings",
                   "SECRET_KEY": SECRET_KEY, "VAR_DIR": str(var_dir),
                   "DATABASE_URL": database_for_gunicorn(work),
                   "ALLOWED_HOSTS": "127.0.0.1,localhost", "PROXY_COUNT": "1",
                   "DOWNLOADS_ACCEL_PREFIX": "/_protected/", "PYTHONPATH": str(ROOT)}
    for variable in ("S3_BUCKET", "REDIS_URL"):
        environment.pop(variable, None)
    conf = nginx_conf(work, var_dir, nginx_port, app_port)
    checked = subprocess.run([NGINX, "-t", "-p", str(work), "-c", str(conf)],  # noqa: S603
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    gunicorn = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "intranet.wsgi", "--bind", f"127.0.0.1:{app_port}",
         "--workers", "1", "--timeout", "30"], cwd=ROOT, env=environment,
        stdout=subprocess.DEVNULL, stderr=(work / "gunicorn.log").open("w"))
    nginx = None
    try:
        wait_for_port(app_port, gunicorn, "gunicorn")
        nginx = subprocess.Popen([NGINX, "-p", str(work), "-c", str(conf)],  # noqa: S603
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(nginx_port, nginx, "nginx")
        yield {"port": nginx_port, "member": member_cookie, "outsider": outsider_cookie,
               "work": work}
    finally:
        if nginx is not None:
            stop(nginx)
        stop(gunicorn)


def test_nginx_serves_static_files_itself_with_a_long_cache(site, var_dir):
    (var_dir / "static" / "probe.3f2a1b.css").write_bytes(b"body{color:green}")
    status, headers, body = get(site["port"], "/static/probe.3f2a1b.css")
    assert status == 200 and body == b"body{color:green}"
    assert "immutable" in headers["Cache-Control"]


def test_a_member_gets_the_files_bytes_from_nginx_with_the_files_headers(
        site, confidential_document):
    version, url = confidential_document
    status, headers, body = get(site["port"], url, site["member"])
    log = (site["work"] / "gunicorn.log").read_text()
    assert status == 200, (headers.get("Location"), log)
    with version.file.open("rb") as stored:
        assert body == stored.read()
    assert "X-Accel-Redirect" not in headers
    assert headers.get("Accept-Ranges") == "bytes"  # nginx's file handler sent it, not Django
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "private, no-store"


def test_an_outsider_gets_a_404_and_protected_is_not_reachable_from_outside(
        site, confidential_document):
    version, url = confidential_document
    status, headers, body = get(site["port"], url, site["outsider"])
    assert status == 404 and b"%PDF" not in body
    status, _headers, body = get(site["port"], f"/_protected/{quote(version.file.name)}",
                                 site["member"])
    assert status == 404 and b"%PDF" not in body
