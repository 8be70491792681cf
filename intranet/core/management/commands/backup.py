"""``manage.py backup [--output DIR]``: the database, the uploaded files and a checksum
manifest in a new directory (intranet.core.backup)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from intranet.core.backup import BackupError, backup_create, media_in_bucket


class Command(BaseCommand):
    help = ("Writes a backup (database, uploaded files, manifest.json with the SHA-256 of "
            "every file) into a new directory klimawerk-backup-<time> under --output.")

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Directory for the backup (default: var/backups).")

    def handle(self, *args, output=None, **options):
        started = time.monotonic()
        try:
            path = backup_create(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            _("Backup written to %(path)s (%(seconds).1f s).")
            % {"path": path, "seconds": time.monotonic() - started}))
        if media_in_bucket():
            self.stdout.write(self.style.WARNING(
                _("The uploaded files are in the S3 bucket and not in this backup: back up "
                  "the bucket with the storage provider's tools.")))
