"""``manage.py restore DIR``: checks a backup against its manifest, then replaces the
database and the uploaded files with it and rebuilds the search index
(intranet.core.backup)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from intranet.core.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restores a backup written by `manage.py backup`: verifies every file against "
            "manifest.json first, then replaces the database and the uploaded files and "
            "rebuilds the search index.")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The backup's directory (klimawerk-backup-…).")
        parser.add_argument("--force", action="store_true",
                            help="Replace a database that already holds data.")
        parser.add_argument("--skip-index", action="store_true",
                            help="Do not rebuild the search index (run rebuild_index later).")

    def handle(self, *args, directory, force=False, skip_index=False, **options):
        started = time.monotonic()
        try:
            result = restore(source=Path(directory), force=force,
                             rebuild_index=not skip_index)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            _("Backup restored: %(files)d files checked, %(media)d uploaded files restored "
              "(%(seconds).1f s).") % {"files": result.files, "media": result.media_files,
                                       "seconds": time.monotonic() - started}))
        if result.media_in_bucket:
            self.stdout.write(self.style.WARNING(
                _("The uploaded files are in the S3 bucket and were not restored: restore "
                  "the bucket with the storage provider's tools.")))
        if not result.index_rebuilt:
            self.stdout.write(self.style.WARNING(
                _("The search index was not rebuilt: run `manage.py rebuild_index` now.")))
        if result.migrations_pending:
            self.stdout.write(self.style.WARNING(
                _("The backup is from an older version: run `manage.py migrate` now.")))
