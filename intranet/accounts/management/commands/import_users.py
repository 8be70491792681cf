import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from intranet.accounts.models import Organisation, Role, User
from intranet.accounts.services import user_create

from .create_organisation import _messages

REQUIRED_COLUMNS = ["email", "name", "organisation", "role"]


class Command(BaseCommand):
    help = ("Create many people from a CSV file with the columns email,name,organisation,role "
            "(several roles separated by '|'). Rows that fail are reported and skipped; "
            "existing e-mail addresses are skipped, so the import can be repeated.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        rows = self._read(file)
        organisations = {o.slug: o for o in Organisation.objects.all()}
        created = skipped = 0
        rejected = []
        first_line_of = {}  # e-mail address -> the line it first appeared on
        for line_number, row in rows:
            problem = self._problem(row, organisations)
            if problem:
                rejected.append((line_number, problem))
                continue
            email = row["email"].strip().lower()
            if email in first_line_of:
                rejected.append((line_number, f"duplicate e-mail address '{email}' "
                                              f"(already on line {first_line_of[email]})"))
                continue
            first_line_of[email] = line_number
            if User.objects.filter(email__iexact=row["email"].strip()).exists():
                skipped += 1
                continue
            try:
                user_create(email=row["email"], name=row["name"],
                            organisation=organisations[row["organisation"].strip()],
                            roles=self._roles(row))
            except ValidationError as error:
                rejected.append((line_number, _messages(error)))
            else:
                created += 1
        for line_number, problem in rejected:
            self.stderr.write(f"line {line_number}: {problem}")
        self.stdout.write(
            f"{created} created, {skipped} existing skipped, {len(rejected)} rejected.")
        if rejected:
            raise CommandError(f"{len(rejected)} row(s) rejected; see above.", returncode=2)

    def _read(self, file: Path):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except FileNotFoundError as error:
            raise CommandError(f"File not found: {file}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text.") from error
        except OSError as error:  # a directory, no permission, ...
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        reader = csv.DictReader(text.splitlines())
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise CommandError(f"Missing column(s): {', '.join(missing)}. "
                               f"Expected: {','.join(REQUIRED_COLUMNS)}")
        return [(index + 2, row) for index, row in enumerate(reader)]

    @staticmethod
    def _roles(row) -> list[str]:
        return [r.strip() for r in (row.get("role") or "").split("|") if r.strip()]

    def _problem(self, row, organisations) -> str:
        email = (row.get("email") or "").strip()
        try:
            validate_email(email)
        except ValidationError:
            return f"invalid e-mail address '{email}'"
        if not (row.get("name") or "").strip():
            return "name is empty"
        if (row.get("organisation") or "").strip() not in organisations:
            return f"unknown organisation '{row.get('organisation')}'"
        roles = self._roles(row)
        unknown = [r for r in roles if r not in Role.values]
        if not roles or unknown:
            allowed = ", ".join(Role.values)
            return f"unknown or missing role '{row.get('role')}' (allowed: {allowed})"
        return ""
