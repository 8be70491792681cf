from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from intranet.accounts.models import Organisation, Role, User
from intranet.accounts.services import user_create, user_set_roles

from .create_organisation import _messages


class Command(BaseCommand):
    help = ("Create one person with one or more platform roles. Idempotent: for an existing "
            "e-mail address the roles are set as given.")

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", required=True)
        parser.add_argument("--organisation", required=True, help="slug of the organisation")
        parser.add_argument("--role", action="append", required=True, choices=Role.values,
                            dest="roles", help="repeat for several roles")
        parser.add_argument("--password", default=None,
                            help="without it the person sets a password via 'forgot password'")

    def handle(self, *args, email, name, organisation, roles, password, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"Unknown organisation '{organisation}'.")
        existing = User.objects.filter(email__iexact=email.strip()).first()
        try:
            if existing:
                user_set_roles(user=existing, roles=roles, actor=None)
                self.stdout.write(f"{existing.email} exists already; roles set to {sorted(roles)}.")
                return
            user = user_create(email=email, name=name, organisation=org, roles=roles,
                               password=password)
        except ValidationError as error:
            raise CommandError(_messages(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {user.email} ({', '.join(sorted(roles))})."))
