"""The shipped deployment files agree with the settings (issue 9): every variable the
production settings read is in deploy/env.example; the compose file and the systemd units
run each Celery queue, with exactly one search writer and exactly one beat; nginx accepts
the largest network document."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SETTINGS_FILES = [ROOT / "intranet" / "settings" / name for name in ("base.py", "production.py")]
READS_ENV = re.compile(r"""\b(?:env|env_bool|env_list|os\.environ\.get)\(\s*["']([A-Z0-9_]+)["']""")


def variables_the_settings_read() -> set[str]:
    return {name for path in SETTINGS_FILES
            for name in READS_ENV.findall(path.read_text(encoding="utf-8"))}


def test_env_example_names_every_variable_the_production_settings_read():
    names = variables_the_settings_read()
    assert {"SECRET_KEY", "DATABASE_URL", "S3_BUCKET", "DOWNLOADS_ACCEL_PREFIX"} <= names
    listed = set(re.findall(r"^#?([A-Z0-9_]+)=", (DEPLOY / "env.example").read_text(
        encoding="utf-8"), re.MULTILINE))
    assert names - listed == set()


def queues_in_settings() -> set[str]:
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return routed | {settings.CELERY_TASK_DEFAULT_QUEUE}


@pytest.fixture(scope="module")
def compose():
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))["services"]


def command_of(service) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_compose_has_every_part_and_one_search_writer_and_one_beat(compose):
    assert {"postgres", "redis", "web", "worker-default", "worker-email", "search-writer",
            "beat", "nginx"} <= set(compose)
    queues = {name: re.search(r"-Q (\S+)", command_of(service)).group(1)
              for name, service in compose.items() if " worker " in command_of(service)}
    assert set(queues.values()) == queues_in_settings()
    writers = [name for name, queue in queues.items() if "search" in queue.split(",")]
    assert writers == ["search-writer"]
    assert "--concurrency 1" in command_of(compose["search-writer"])
    beats = [name for name, service in compose.items() if " beat" in command_of(service)]
    assert beats == ["beat"]
    for name in ("search-writer", "beat"):
        assert compose[name].get("deploy", {}).get("replicas") == 1


def test_compose_shares_media_and_the_index_between_the_parts_that_need_them(compose):
    def mounts(name):
        return {volume.split(":")[0] for volume in compose[name].get("volumes", [])}

    for name in ("web", "worker-default", "worker-email", "search-writer"):
        assert {"media", "whoosh"} <= mounts(name), name
    assert "media" in mounts("nginx")


def test_the_systemd_units_run_each_queue_and_one_search_writer():
    units = {path.name: path.read_text(encoding="utf-8")
             for path in (DEPLOY / "systemd").glob("*.service")}
    assert {"klimawerk-web.service", "klimawerk-worker@.service", "klimawerk-search.service",
            "klimawerk-beat.service"} <= set(units)
    assert "gunicorn intranet.wsgi" in units["klimawerk-web.service"]
    assert "-Q search \\\n    --hostname search@%H --concurrency 1" in units[
        "klimawerk-search.service"]
    # The template takes the other queues by name and refuses "search".
    assert "-Q %i" in units["klimawerk-worker@.service"]
    assert 'test "%i" != search' in units["klimawerk-worker@.service"]
    assert queues_in_settings() == {"default", "email", "search"}
    for text in units.values():
        assert "EnvironmentFile=/etc/klimawerk/env" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed")
def test_systemd_analyze_accepts_the_units(tmp_path):
    units = []
    for path in (DEPLOY / "systemd").glob("*.service"):
        # A template is checked as one of its instances.
        target = tmp_path / path.name.replace("@.", "@default.")
        shutil.copy(path, target)
        units.append(str(target))
    result = subprocess.run(["systemd-analyze", "verify", *units],  # noqa: S603, S607
                            capture_output=True, text=True, timeout=60)
    # The programs live in the installation's virtualenv, not on this machine.
    complaints = [line for line in result.stderr.splitlines()
                  if line.strip() and "is not executable" not in line]
    assert complaints == []
    assert len(units) == 4


def test_nginx_accepts_the_largest_network_document():
    snippet = (DEPLOY / "nginx" / "klimawerk-locations.conf").read_text(encoding="utf-8")
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", snippet).group(1))
    assert megabytes * 1024 * 1024 > settings.NETWORK_DOCUMENT_MAX_BYTES
