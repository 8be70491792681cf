from django.core.management.base import BaseCommand, CommandError

from intranet.accounts.models import User
from intranet.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Print a new personal API token for a person (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="manage.py api_token")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active person with the e-mail address '{email}'.")
        if not name.strip() or len(name) > 100:
            raise CommandError("The token name must have 1 to 100 characters.")
        _token, raw_key = api_token_create(user=user, name=name)
        self.stdout.write(raw_key)
