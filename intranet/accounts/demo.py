"""The demo region: the service organisation, sixteen Ruhr cities and people in every role.

Deterministic and idempotent, so ``seed_demo`` can run on every ``make run``.
"""

from django.db import transaction

from .models import Organisation, OrganisationKind, Role, Topic, User
from .services import organisation_create, user_create

DEMO_PASSWORD = "Klimawerk-Demo-2026"  # noqa: S105 - published demo login  # nosec B105
DEMO_DOMAIN = "demo.klimawerk.invalid"

SERVICE_ORGANISATION = ("eglv", "Emschergenossenschaft und Lippeverband (Serviceorganisation)")
CITIES = [
    ("bochum", "Stadt Bochum"), ("bottrop", "Stadt Bottrop"),
    ("castrop-rauxel", "Stadt Castrop-Rauxel"), ("dinslaken", "Stadt Dinslaken"),
    ("dortmund", "Stadt Dortmund"), ("duisburg", "Stadt Duisburg"), ("essen", "Stadt Essen"),
    ("gelsenkirchen", "Stadt Gelsenkirchen"), ("gladbeck", "Stadt Gladbeck"),
    ("herne", "Stadt Herne"), ("herten", "Stadt Herten"), ("luenen", "Stadt Lünen"),
    ("oberhausen", "Stadt Oberhausen"), ("recklinghausen", "Stadt Recklinghausen"),
    ("bergkamen", "Stadt Bergkamen"), ("kamen", "Stadt Kamen"),
]
FIRST_NAMES = ["Anna", "Jonas", "Leonie", "Murat", "Sabine", "Thomas", "Aylin", "Kai", "Jana",
               "Stefan", "Miriam", "Lukas", "Petra", "Dennis", "Fatma", "Henrik", "Nina", "Olaf",
               "Sophie", "Bernd", "Elif", "Frank", "Katrin", "Marek"]
LAST_NAMES = ["Becker", "Schulte", "Yılmaz", "Kowalski", "Hoffmann", "Wagner", "Klein",
              "Neumann", "Schäfer", "Krüger", "Demir", "Lange", "Peters", "Richter", "Wolf",
              "Brandt", "Kaya", "Vogel", "Fischer", "Zimmermann"]
POSITIONS = ["Sachgebietsleitung Stadtentwässerung", "Klimaanpassungsmanagerin",
             "Grünflächenplanung", "Umweltamt, Klimaschutz", "Tiefbauamt, Straßenplanung",
             "Stadtplanung, Bebauungspläne", "Fördermittelmanagement", "Umweltbildung",
             "Hitzeschutz, Gesundheitsamt", "Baumkataster und Stadtbäume"]

# Demo logins, one per role; service and admin must set up a second factor at first sign-in.
DEMO_LOGINS = [
    ("koordination@" + DEMO_DOMAIN, "Katrin Brandt", "bochum", [Role.COORDINATOR, Role.STEERING]),
    ("mitglied@" + DEMO_DOMAIN, "Murat Demir", "essen", [Role.MEMBER]),
    ("koordination.essen@" + DEMO_DOMAIN, "Sabine Lange", "essen", [Role.COORDINATOR]),
    ("steuerung@" + DEMO_DOMAIN, "Henrik Vogel", "eglv", [Role.STEERING]),
    ("service@" + DEMO_DOMAIN, "Elif Kaya", "eglv", [Role.SERVICE]),
    ("dezernat@" + DEMO_DOMAIN, "Dr. Bernd Richter", "dortmund", [Role.DEPARTMENT_HEAD]),
    ("admin@" + DEMO_DOMAIN, "Olaf Neumann", "eglv", [Role.ADMIN, Role.SERVICE]),
]


def _organisations() -> dict[str, Organisation]:
    wanted = [(*SERVICE_ORGANISATION, OrganisationKind.SERVICE)] + [
        (slug, name, OrganisationKind.MUNICIPALITY) for slug, name in CITIES]
    existing = {o.slug: o for o in Organisation.objects.all()}
    for slug, name, kind in wanted:
        if slug not in existing:
            existing[slug] = organisation_create(slug=slug, name=name, kind=kind,
                                                 region="Emscher-Lippe")
    return existing


def _demo_people(organisations):
    """Yield (email, name, organisation, roles, profile) for every demo person."""
    for email, name, slug, roles in DEMO_LOGINS:
        yield email, name, organisations[slug], roles, {"position": POSITIONS[len(name) % 10]}
    for city_index, (slug, city) in enumerate(CITIES):
        for person_index in range(6):
            n = city_index * 6 + person_index
            first = FIRST_NAMES[(n * 7) % len(FIRST_NAMES)]
            last = LAST_NAMES[(n * 11 + city_index) % len(LAST_NAMES)]
            roles = [Role.COORDINATOR] if person_index == 0 else [Role.MEMBER]
            email = f"{first}.{last}.{slug}@{DEMO_DOMAIN}".lower()
            email = email.replace("ı", "i").replace("ü", "ue").replace("ä", "ae").replace("ö", "oe")
            yield email, f"{first} {last}", organisations[slug], roles, {
                "position": POSITIONS[n % len(POSITIONS)],
                "phone": f"+49 234 {1000 + n * 17}",
                "bio": f"Arbeitet bei der {city} an der klimaresilienten Stadt.",
            }


@transaction.atomic
def seed_people() -> int:
    organisations = _organisations()
    topics = list(Topic.objects.order_by("pk"))
    existing = set(User.objects.values_list("email", flat=True))
    created = 0
    for index, (email, name, organisation, roles, profile) in enumerate(
            _demo_people(organisations)):
        if email in existing:
            continue
        user = user_create(email=email, name=name, organisation=organisation, roles=roles,
                           password=DEMO_PASSWORD, **profile)
        if topics:
            user.topics.set({topics[index % len(topics)], topics[(index * 5 + 3) % len(topics)]})
        created += 1
    return created
