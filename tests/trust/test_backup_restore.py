"""The restore drill (issue 8, item 4): ``manage.py backup``, the database and the files
destroyed, ``manage.py restore``; then every file has its checksum, every table its rows,
and the permission rules still hold on the restored copy.

The SQLite drill runs in ``make test``; the PostgreSQL drill in ``make drill`` and
``make test-services``. Both restore into the test database (a transactional test: the
restore must see, and replace, committed data).
"""

import hashlib
import json
import shutil
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from wagtail.models import Collection

from board.services import attachment_add, post_create
from intranet.core.pdf import simple_pdf
from knowledge.models import LibraryDocument
from networks.models import DocumentVersion, Visibility
from networks.permissions import forget_grants
from networks.services import document_upload, membership_invite, membership_join, network_found

CANARY = "Kanarienvogelrigole"
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

on_sqlite = pytest.mark.skipif(ON_POSTGRES, reason="the SQLite drill; PostgreSQL has its own")
on_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="DATABASE_URL is not PostgreSQL; run `make drill`")


def _pdf(name: str, *lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, simple_pdf(list(lines)), "application/pdf")


def _root() -> Collection:
    """Wagtail's root collection, which its migration makes; a transactional test that ran
    before this one flushed what migrations wrote."""
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


@pytest.fixture
def world(coordinator, member, outsider):
    """A confidential network with the canary in its name, a document and a post with a
    file, a library document, and an open post everybody sees."""
    secret = network_found(founder=coordinator, name=f"Runde {CANARY}", mandate="Intern",
                           visibility=Visibility.CONFIDENTIAL)
    membership_invite(network=secret, user=member, actor=coordinator)
    membership_join(network=secret, user=member)
    forget_grants(member)
    version = document_upload(network=secret, actor=member, title=f"Protokoll {CANARY}",
                              upload=_pdf("protokoll.pdf", f"Nur intern {CANARY}"))
    post = post_create(author=coordinator, title=f"Geheim {CANARY}", body=f"Intern {CANARY}",
                       category="request", audience="network", network=secret)
    attachment = attachment_add(post=post, actor=coordinator,
                                upload=_pdf("anhang.pdf", f"Anhang {CANARY}"))
    post_create(author=coordinator, title="Starkregenvorsorge in Bochum",
                body="Wir bauen Baumrigolen.", category="offer")
    library_document = LibraryDocument(title="Leitfaden Notwasserwege",
                                       uploaded_by_user=coordinator, collection=_root())
    library_document.file.save("leitfaden.pdf", ContentFile(simple_pdf(["Notwasserwege"])),
                               save=False)
    library_document.save()
    return {"network": secret, "version": version, "post": post, "attachment": attachment}


def _media_checksums() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count()
            for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy}


def _destroy_everything() -> None:
    """The disaster: no tables, no uploaded files, no search index."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            # IF EXISTS: dropping a full-text table drops its shadow tables with it.
            for table in connection.introspection.table_names():
                cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
    assert connection.introspection.table_names() == []
    shutil.rmtree(settings.MEDIA_ROOT)
    index = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    if index.is_symlink():
        shutil.rmtree(index.resolve())
        index.unlink()
    elif index.exists():
        shutil.rmtree(index)


def _search_titles(client, q) -> list[str]:
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return [hit.title for hit in response.context["page"]]


def _drill(world, tmp_path, client_for, member, outsider, capsys):
    call_command("rebuild_index", interactive=False, verbosity=0)
    files_before, rows_before = _media_checksums(), _row_counts()
    assert len(files_before) >= 3  # the network document, the attachment, the library file

    started = time.monotonic()
    call_command("backup", output=str(tmp_path))
    backup_dir = next(tmp_path.glob("klimawerk-backup-*"))
    backed_up = time.monotonic()

    _destroy_everything()
    destroyed = time.monotonic()
    call_command("restore", str(backup_dir))
    restored = time.monotonic()
    with capsys.disabled():
        print(f"\n[drill {connection.vendor}] backup {backed_up - started:.2f} s, "
              f"restore with index rebuild {restored - destroyed:.2f} s, "
              f"{sum(rows_before.values())} rows, {len(files_before)} files")

    assert _media_checksums() == files_before
    assert _row_counts() == rows_before
    for version in DocumentVersion.objects.all():  # every document the database names
        assert Path(version.file.path).is_file()

    network, version, post = world["network"], world["version"], world["post"]
    document_url = reverse("networks:download",
                           args=[network.slug, version.document_id, version.number])
    attachment_url = reverse("board:attachment_download",
                             args=[post.pk, world["attachment"].pk])
    for person in (outsider, member):
        forget_grants(person)
    client = client_for(outsider)
    assert client.get(network.get_absolute_url()).status_code == 404
    assert client.get(document_url).status_code == 404
    assert client.get(attachment_url).status_code == 404
    assert _search_titles(client, CANARY) == []
    assert f"Geheim {CANARY}" not in client.get(reverse("search"), {"q": CANARY}
                                               ).content.decode()
    assert _search_titles(client, "Starkregen") == ["Starkregenvorsorge in Bochum"]

    client = client_for(member)
    assert client.get(network.get_absolute_url()).status_code == 200
    download = client.get(document_url)
    assert download.status_code == 200
    assert (hashlib.sha256(b"".join(download.streaming_content)).hexdigest()
            == files_before[version.file.name])
    assert client.get(attachment_url).status_code == 200
    assert f"Geheim {CANARY}" in _search_titles(client, CANARY)


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_the_sqlite_drill_restores_every_file_row_and_permission(world, tmp_path, client_for,
                                                                 member, outsider, capsys):
    _drill(world, tmp_path, client_for, member, outsider, capsys)


@on_postgres
@pytest.mark.realservices
@pytest.mark.django_db(transaction=True)
def test_the_postgresql_drill_restores_every_file_row_and_permission(world, tmp_path,
                                                                     client_for, member,
                                                                     outsider, capsys):
    _drill(world, tmp_path, client_for, member, outsider, capsys)


# --- A backup is checked before anything changes ------------------------------------------

@pytest.fixture
def backup_dir(world, tmp_path):
    call_command("backup", output=str(tmp_path))
    return next(tmp_path.glob("klimawerk-backup-*"))


def _restore_refused(backup_dir, *, force=True) -> str:
    files, rows = _media_checksums(), _row_counts()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(backup_dir), force=force)
    assert _media_checksums() == files
    assert _row_counts() == rows
    return str(refused.value)


def _manifest(backup_dir) -> dict:
    return json.loads((backup_dir / "manifest.json").read_text())


@pytest.mark.django_db(transaction=True)
def test_the_manifest_lists_every_file_with_its_checksum(backup_dir):
    manifest = _manifest(backup_dir)
    assert manifest["format"] == 1
    assert manifest["engine"] == connection.vendor
    assert manifest["migrations"]["networks"].startswith("00")
    media = {name.removeprefix("media/"): entry["sha256"]
             for name, entry in manifest["files"].items() if name.startswith("media/")}
    assert media == _media_checksums()
    database = backup_dir / ("database.pgdump" if ON_POSTGRES else "database.sqlite3")
    assert manifest["files"][database.name]["sha256"] == hashlib.sha256(
        database.read_bytes()).hexdigest()
    assert oct(backup_dir.stat().st_mode & 0o777) == "0o700"


@pytest.mark.django_db(transaction=True)
def test_a_tampered_file_is_refused_and_nothing_changes(backup_dir):
    tampered = next((backup_dir / "media").rglob("*.pdf"))
    tampered.write_bytes(tampered.read_bytes() + b"%")
    message = _restore_refused(backup_dir)
    assert tampered.name in message


@pytest.mark.django_db(transaction=True)
def test_a_missing_or_extra_file_is_refused_and_nothing_changes(backup_dir):
    missing = next((backup_dir / "media").rglob("*.pdf"))
    missing.unlink()
    (backup_dir / "media" / "untergeschoben.txt").write_text("nicht aus der Sicherung")
    message = _restore_refused(backup_dir)
    assert missing.name in message
    assert "untergeschoben.txt" in message


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("manifest_text", ["{kaputt", "[]", '{"format": 1}'])
def test_a_damaged_manifest_is_refused_and_nothing_changes(backup_dir, manifest_text):
    (backup_dir / "manifest.json").write_text(manifest_text)
    assert "manifest" in _restore_refused(backup_dir).lower()


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_another_engine_is_refused(backup_dir):
    manifest = _manifest(backup_dir)
    other = "sqlite" if ON_POSTGRES else "postgresql"
    manifest["engine"] = other
    (backup_dir / "manifest.json").write_text(json.dumps(manifest))
    assert other in _restore_refused(backup_dir)


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_a_newer_version_is_refused(backup_dir):
    manifest = _manifest(backup_dir)
    manifest["migrations"]["networks"] = "9999_from_the_future"
    (backup_dir / "manifest.json").write_text(json.dumps(manifest))
    assert "networks.9999_from_the_future" in _restore_refused(backup_dir)


@pytest.mark.django_db(transaction=True)
def test_a_database_with_data_is_not_overwritten_without_force(backup_dir):
    assert "--force" in _restore_refused(backup_dir, force=False)


@pytest.mark.django_db(transaction=True)
def test_with_force_the_database_is_replaced_by_the_backup(backup_dir, coordinator):
    rows = _row_counts()
    post_create(author=coordinator, title="Nach der Sicherung", body="Text", category="offer")
    call_command("restore", str(backup_dir), force=True, skip_index=True)
    assert _row_counts() == rows


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["missing", "not a backup", "a file"])
def test_a_wrong_directory_is_a_clear_error(tmp_path, where):
    target = tmp_path / "sicherung"
    if where == "not a backup":
        target.mkdir()
    elif where == "a file":
        target.write_text("keine Sicherung")
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(target))
    assert str(target) in str(refused.value)
