from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from intranet.accounts.models import Organisation, OrganisationKind
from intranet.accounts.services import organisation_create


class Command(BaseCommand):
    help = "Create one organisation (idempotent: an existing slug with the same data is fine)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", default=OrganisationKind.MUNICIPALITY,
                            choices=OrganisationKind.values)
        parser.add_argument("--region", default="")

    def handle(self, *args, slug, name, kind, region, **options):
        existing = Organisation.objects.filter(slug=slug).first()
        if existing:
            if existing.name != name or existing.kind != kind:
                raise CommandError(
                    f"Organisation '{slug}' exists already as '{existing.name}' ({existing.kind}).")
            self.stdout.write(f"Organisation '{slug}' exists already.")
            return
        try:
            organisation_create(slug=slug, name=name, kind=kind, region=region)
        except ValidationError as error:
            raise CommandError(_messages(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Created organisation '{slug}' ({name})."))


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return " ".join(error.messages)
