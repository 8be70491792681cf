from django.core.management.base import BaseCommand

from board.demo import seed_board
from intranet.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_people
from intranet.events.demo import seed_events
from intranet.steering.demo import seed_steering
from knowledge.demo import seed_library
from networks.demo import seed_ideas, seed_networks

# Each app adds its demo seeder here: a callable returning how many things it created.
DEMO_SEEDERS = [("people", seed_people), ("networks", seed_networks), ("ideas", seed_ideas),
                ("board", seed_board), ("library", seed_library), ("events", seed_events),
                ("steering", seed_steering)]


class Command(BaseCommand):
    help = ("Build the demo region (service organisation, sixteen cities, people in every role); "
            "idempotent, prints the demo logins.")

    def handle(self, *args, **options):
        for label, seeder in DEMO_SEEDERS:
            created = seeder()
            self.stdout.write(f"{label}: {created} created")
        self.stdout.write(self.style.SUCCESS("\nDemo logins (password for all: "
                                             f"{DEMO_PASSWORD}):"))
        for email, name, _slug, roles in DEMO_LOGINS:
            self.stdout.write(f"  {email:<45} {name:<22} {', '.join(roles)}")
        self.stdout.write("  (service and admin set up a second factor at their first sign-in)")
