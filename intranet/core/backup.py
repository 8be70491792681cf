"""Backup and restore of the whole platform: the database, the uploaded files and a
manifest with the checksum of every file (``manage.py backup`` and ``manage.py restore``).

A backup is one directory ``klimawerk-backup-<UTC time>``::

    manifest.json        format, time, engine, versions, migration heads, and the SHA-256
                         and size of every other file of the backup
    database.sqlite3     SQLite: a copy by SQLite's online backup API
    database.pgdump      PostgreSQL: ``pg_dump --format=custom``
    media/...            a copy of MEDIA_ROOT (every uploaded file); empty when the
                         uploads are in an S3 bucket (``S3_BUCKET``): the bucket is backed
                         up with the storage provider's tools, and the commands say so

The database is copied before the files: a file is stored before the row naming it is
committed, so every file the copied database names is in the copied files. The directory
is written under a ``.partial`` name and renamed when complete, so a backup that was
interrupted never looks like one.

A restore checks everything it can before it changes anything: the manifest, every
file's checksum, the engine, the migrations, and that the database is empty (or
``--force``). The search index is rebuilt afterwards from the restored database.

Every message here reaches an operator on the command line: ``BackupError`` carries it
translated, the commands turn it into a ``CommandError``.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import django
from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
PG_TIMEOUT = 60 * 60  # seconds for pg_dump / pg_restore of a large database
LISTED_AT_MOST = 5  # file names named in a message about a damaged backup


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is translated and complete."""


@dataclass
class RestoreResult:
    engine: str
    files: int
    media_files: int
    index_rebuilt: bool
    migrations_pending: bool
    media_in_bucket: bool = False


def media_in_bucket() -> bool:
    """Uploads kept in object storage (S3) rather than below MEDIA_ROOT."""
    from django.core.files.storage import FileSystemStorage, default_storage

    return not isinstance(default_storage, FileSystemStorage)


# --- Checksums ------------------------------------------------------------------------------

def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def files_under(root: Path) -> dict[str, Path]:
    """Every regular file under ``root`` by its path relative to it (with ``/``)."""
    found = {}
    for directory, _dirs, names in os.walk(root):
        for name in names:
            path = Path(directory) / name
            if path.is_file():
                found[path.relative_to(root).as_posix()] = path
    return found


def checksums(root: Path) -> dict[str, dict]:
    return {name: {"sha256": sha256_of(path), "size": path.stat().st_size}
            for name, path in sorted(files_under(root).items()) if name != MANIFEST}


# --- Backup ---------------------------------------------------------------------------------

def backup_create(*, output: Path | None = None, using: str = "default") -> Path:
    """Writes a new backup directory under ``output`` (default ``VAR_DIR/backups``) and
    returns its path."""
    engine = engine_of(using)
    parent = Path(output) if output else Path(settings.VAR_DIR) / "backups"
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(_("The backup directory %(path)s cannot be created: %(error)s")
                          % {"path": parent, "error": error.strerror}) from error
    target = _new_backup_path(parent)
    partial = target.with_name(f"{target.name}.partial")
    # A backup holds everything, confidential networks included: for its owner only.
    partial.mkdir(mode=0o700)
    try:
        database_file = partial / DATABASE_FILES[engine]
        if engine == "sqlite":
            _sqlite_copy(source=_sqlite_connection(using), target=database_file)
        else:
            _pg_dump(using, database_file)
        if media_in_bucket():
            (partial / MEDIA_DIR).mkdir()
        else:
            _copy_media(Path(settings.MEDIA_ROOT), partial / MEDIA_DIR)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "django": django.get_version(),
            "app": _app_version(),
            "migrations": migration_heads(using),
            "files": checksums(partial),
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                        encoding="utf-8")
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def _new_backup_path(parent: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target, number = parent / f"klimawerk-backup-{stamp}", 1
    while target.exists() or target.with_name(f"{target.name}.partial").exists():
        number += 1
        target = parent / f"klimawerk-backup-{stamp}-{number}"
    return target


def _copy_media(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, symlinks=False)
    else:
        target.mkdir()


def _app_version() -> str:
    try:
        return metadata.version("klimawerk")
    except metadata.PackageNotFoundError:
        return "unknown"


def migration_heads(using: str = "default") -> dict[str, str]:
    """Per app, the newest migration applied to the database (names start with their
    number, so the greatest name is the newest)."""
    heads: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        heads[app] = max(heads.get(app, name), name)
    return dict(sorted(heads.items()))


# --- Restore --------------------------------------------------------------------------------

def restore(*, source: Path, force: bool = False, rebuild_index: bool = True,
            using: str = "default") -> RestoreResult:
    """Replaces the database and the uploaded files with those of the backup ``source``;
    checks everything first, so a refused restore changes nothing."""
    source = Path(source)
    manifest = read_manifest(source)
    engine = engine_of(using)
    if manifest["engine"] != engine:
        raise BackupError(
            _("The backup is of a %(backup)s database, this installation uses %(here)s. "
              "Restore it into an installation with the same database.")
            % {"backup": manifest["engine"], "here": engine})
    verify_files(source, manifest)
    _check_migrations_known(manifest["migrations"])
    users = _user_count(using)
    if users and not force:
        raise BackupError(
            _("The database is not empty (%(count)d user accounts). Restoring replaces all "
              "of its data; run the command again with --force to do so.") % {"count": users})

    database_file = source / DATABASE_FILES[engine]
    if engine == "sqlite":
        _sqlite_restore(database_file, using)
    else:
        _pg_restore(database_file, using)
    in_bucket = media_in_bucket()
    # A bucket is restored with its provider's tools; MEDIA_ROOT then holds nothing of ours.
    media_files = 0 if in_bucket else _replace_media(source / MEDIA_DIR,
                                                     Path(settings.MEDIA_ROOT))
    _forget_cached_rows()
    if rebuild_index:
        from django.core.management import call_command

        call_command("rebuild_index", interactive=False, verbosity=0)
    pending = _migrations_pending(using)
    return RestoreResult(engine=engine, files=len(manifest["files"]),
                         media_files=media_files, index_rebuilt=rebuild_index,
                         migrations_pending=pending, media_in_bucket=in_bucket)


def read_manifest(source: Path) -> dict:
    if not source.is_dir():
        raise BackupError(_("%(path)s is not a directory. Give the directory of a backup "
                            "(klimawerk-backup-…).") % {"path": source})
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(_("%(path)s is not a backup: it has no manifest.json.")
                          % {"path": source})
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(_("The manifest of the backup is damaged (%(error)s); the backup "
                            "cannot be restored.") % {"error": error}) from error
    if not _well_formed(manifest):
        raise BackupError(_("The manifest of the backup is incomplete or of an unknown "
                            "format; the backup cannot be restored."))
    if manifest["format"] != FORMAT_VERSION:
        raise BackupError(_("The backup has format %(found)s; this version restores format "
                            "%(known)s.") % {"found": manifest["format"],
                                             "known": FORMAT_VERSION})
    if manifest["engine"] not in DATABASE_FILES:
        raise BackupError(_("The manifest names an unknown database engine: %(engine)s.")
                          % {"engine": manifest["engine"]})
    return manifest


def _well_formed(manifest) -> bool:
    if not isinstance(manifest, dict):
        return False
    if not {"format", "engine", "migrations", "files"} <= set(manifest):
        return False
    files = manifest["files"]
    return (isinstance(files, dict) and isinstance(manifest["migrations"], dict)
            and all(isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
                    and isinstance(entry.get("size"), int) for entry in files.values()))


def verify_files(source: Path, manifest: dict) -> None:
    """Every file the manifest lists is there with its size and checksum, and there is no
    other file; otherwise a message naming the files."""
    listed = manifest["files"]
    present = {name: path for name, path in files_under(source).items() if name != MANIFEST}
    missing = sorted(set(listed) - set(present))
    extra = sorted(set(present) - set(listed))
    changed = sorted(
        name for name in set(listed) & set(present)
        if present[name].stat().st_size != listed[name]["size"]
        or sha256_of(present[name]) != listed[name]["sha256"])
    problems = []
    for label, names in ((_("missing"), missing), (_("changed"), changed),
                         (_("not in the manifest"), extra)):
        if names:
            shown = ", ".join(names[:LISTED_AT_MOST])
            more = len(names) - LISTED_AT_MOST
            problems.append(f"{label}: {shown}" + (f" (+{more})" if more > 0 else ""))
    if problems:
        raise BackupError(_("The backup does not match its manifest and is not restored; "
                            "nothing was changed. %(problems)s")
                          % {"problems": "; ".join(problems)})
    engine = manifest["engine"]
    if DATABASE_FILES[engine] not in listed:
        raise BackupError(_("The backup has no database file (%(name)s).")
                          % {"name": DATABASE_FILES[engine]})


def _check_migrations_known(heads: dict) -> None:
    """A backup of a newer version has migrations this code does not know; its tables
    would not match the code."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, name in heads.items()
                     if (app, name) not in known)
    if unknown:
        raise BackupError(
            _("The backup comes from a newer version of the platform (unknown migrations: "
              "%(names)s). Install that version first, then restore.")
            % {"names": ", ".join(unknown[:LISTED_AT_MOST])})


def _migrations_pending(using: str) -> bool:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _user_count(using: str) -> int:
    from django.contrib.auth import get_user_model

    connection = connections[using]
    table = get_user_model()._meta.db_table
    if table not in connection.introspection.table_names():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (the user model's own table name, quoted)  # nosec B608
        return cursor.fetchone()[0]


def _replace_media(source: Path, target: Path) -> int:
    """MEDIA_ROOT becomes the backup's copy: what is not in the backup goes (the restored
    database names none of it). MEDIA_ROOT itself stays, it may be a mount point."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in list(target.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    shutil.copytree(source, target, dirs_exist_ok=True)
    return len(files_under(target))


def _forget_cached_rows() -> None:
    """Caches in this process that hold rows of the database just replaced."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


# --- The engines ----------------------------------------------------------------------------

def engine_of(using: str = "default") -> str:
    vendor = connections[using].vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.")
                          % {"vendor": vendor})
    return vendor


def _sqlite_connection(using: str) -> sqlite3.Connection:
    """The sqlite3 connection under Django's (its database may be a shared in-memory one,
    as in the tests, which no second connection by file name would reach)."""
    connection = connections[using]
    connection.ensure_connection()
    return connection.connection


def _sqlite_copy(*, source: sqlite3.Connection, target: Path) -> None:
    """SQLite's online backup: a consistent copy while others keep writing."""
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()


def _sqlite_restore(database_file: Path, using: str) -> None:
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError(_("A restore cannot run inside a database transaction."))
    source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
    try:
        source.backup(_sqlite_connection(using))
    finally:
        source.close()


def _pg_environment(using: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump and pg_restore from the database settings; the
    password in the environment, never on a command line others can read."""
    database = connections[using].settings_dict
    arguments = ["--dbname", database["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            arguments += [option, str(database[key])]
    environment = {**os.environ}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    return arguments, environment


def _run_pg_tool(program: str, arguments: list[str], environment: dict) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(_("%(program)s was not found. Install the PostgreSQL client "
                            "programs (package postgresql-client).") % {"program": program})
    try:
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings  # nosec B603
            [executable, *arguments], env=environment, capture_output=True, text=True,
            timeout=PG_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as error:
        raise BackupError(_("%(program)s did not finish within %(minutes)d minutes.")
                          % {"program": program, "minutes": PG_TIMEOUT // 60}) from error
    if result.returncode != 0:
        raise BackupError(_("%(program)s failed: %(error)s")
                          % {"program": program, "error": result.stderr.strip()[-2000:]})


def _pg_dump(using: str, target: Path) -> None:
    arguments, environment = _pg_environment(using)
    _run_pg_tool("pg_dump", ["--format=custom", "--no-password", "--file", str(target),
                             *arguments], environment)


def _pg_restore(database_file: Path, using: str) -> None:
    """One transaction: a restore that fails leaves the database as it was."""
    connections[using].close()  # holds no lock on a table the restore drops
    arguments, environment = _pg_environment(using)
    _run_pg_tool("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                                "--single-transaction", "--exit-on-error", "--no-password",
                                *arguments, str(database_file)], environment)
