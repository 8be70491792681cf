"""Demo library for ``seed_demo``: results of the demo networks with real PDF documents,
a dozen building projects across the cities, a draft waiting for its lead's approval."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from intranet.accounts.models import Organisation, Topic
from intranet.core.pdf import simple_pdf
from networks.models import MemberRole, MemberState, Network

from .models import (
    LibraryDocument,
    LibraryPage,
    LibraryPageDocument,
    Measure,
    ProjectPage,
    ProjectStatus,
    PublicationEvent,
    ResultPage,
    ResultType,
)
from .services import document_text_extract, review_workflow, shelf_for

# (network, title, type, summary, paragraphs, topic slugs, months ago)
RESULTS = [
    ("Starkregenvorsorge", "Leitfaden Starkregengefahrenkarten", ResultType.GUIDELINE,
     "Wie Städte Starkregengefahrenkarten erstellen, abstimmen und veröffentlichen – mit "
     "Mustertexten für Bürgerinformation und Ratsvorlagen.",
     ["Starkregen trifft jede Stadt, aber nicht jede Straße gleich. Die Gefahrenkarte zeigt, "
      "wo Wasser abfließt und sich sammelt.",
      "Der Leitfaden beschreibt die Datengrundlagen, die hydraulische Modellierung und die "
      "Kommunikation der Ergebnisse an Eigentümerinnen und Eigentümer."],
     ["starkregenvorsorge", "schwammstadt"], 3),
    ("Starkregenvorsorge", "Arbeitshilfe Notwasserwege im Straßenraum", ResultType.WORK_AID,
     "Checkliste und Regeldetails für Notwasserwege: Bordabsenkungen, Mulden und "
     "multifunktionale Flächen, die bei Starkregen Wasser schadlos ableiten.",
     ["Notwasserwege leiten Oberflächenabfluss gezielt auf Flächen, wo er keinen Schaden "
      "anrichtet.", "Die Arbeitshilfe enthält Regelquerschnitte und Kostenrichtwerte."],
     ["starkregenvorsorge"], 9),
    ("Baumrigolen", "Leitfaden Baumrigolen im Bestand", ResultType.GUIDELINE,
     "Bauweisen, Substrate und Kosten von Baumrigolen in bestehenden Straßen – aus zwölf "
     "gebauten Beispielen der Mitgliedsstädte.",
     ["Baumrigolen verbinden Regenwasserbewirtschaftung und Stadtgrün: Das Wasser der "
      "Straße versorgt den Baum und versickert verzögert.",
      "Der Leitfaden vergleicht Bauweisen mit und ohne Überlauf und nennt Pflegeaufwände."],
     ["baumrigolen", "stadtgruen"], 5),
    ("Baumrigolen", "Kostenvergleich Baumrigolen 2025", ResultType.DATASET,
     "Kosten je Baumrigole aus den Ausschreibungen der Städte, aufgeschlüsselt nach Bauweise.",
     ["Der Datensatz enthält Kosten, Einbautiefen und Speichervolumen."],
     ["baumrigolen"], 14),
    ("Tiny Forest", "Pflanzprotokoll Tiny Forest", ResultType.WORK_AID,
     "Schritt für Schritt vom Standort zur Pflanzaktion mit Schulklassen: Bodenvorbereitung, "
     "Artenliste, Pflege in den ersten drei Jahren.",
     ["Ein Tiny Forest braucht rund 200 Quadratmeter und viele Hände."],
     ["tiny-forest", "biodiversitaet"], 7),
    ("Financial Engineering", "Übersicht Förderprogramme blau-grüne Infrastruktur",
     ResultType.FACT_SHEET,
     "Bundes- und Landesprogramme für Entsiegelung, Dachbegrünung und Regenwasser auf einen "
     "Blick, mit Fristen und Förderquoten.",
     ["Die Übersicht wird zweimal im Jahr aktualisiert."], ["foerdermittel"], 2),
    ("Hitzeaktionsplanung", "Muster-Hitzeaktionsplan für Kommunen", ResultType.GUIDELINE,
     "Ein Hitzeaktionsplan zum Anpassen: Warnkette, kühle Orte, Trinkbrunnen und der Schutz "
     "besonders gefährdeter Menschen.",
     ["Hitzeperioden werden häufiger und länger.",
      "Der Musterplan enthält Bausteine für Verwaltung, Gesundheitsamt und Stadtgesellschaft."],
     ["hitzeaktionsplanung", "klimaanpassung"], 11),
    ("Hitzeaktionsplanung", "Positionspapier Trinkbrunnen im öffentlichen Raum",
     ResultType.POSITION_PAPER,
     "Warum Trinkbrunnen zur Daseinsvorsorge gehören und wie Betrieb und Hygiene gelingen.",
     ["Trinkbrunnen schützen an heißen Tagen alle, die draußen unterwegs sind."],
     ["hitzeaktionsplanung"], 16),
    ("Umweltbildung", "Materialkoffer Klimaanpassung für Grundschulen", ResultType.WORK_AID,
     "Versuche und Spiele rund um Regen, Hitze und Stadtgrün für die dritte und vierte Klasse.",
     ["Der Koffer enthält zwölf Stationen."], ["umweltbildung"], 20),
    ("Biodiversität", "Leitfaden Regenwasser und Artenvielfalt", ResultType.GUIDELINE,
     "Wie Versickerungsmulden, Gründächer und Retentionsflächen zugleich Lebensraum für "
     "Insekten und Vögel werden.",
     ["Regenwassermanagement und Biodiversität gehören zusammen.",
      "Der Leitfaden zeigt Pflanzlisten und Pflegepläne für Mulden und Dächer."],
     ["biodiversitaet", "stadtgruen"], 24),
    ("Personal und Organisation der Klimaanpassung",
     "Organisationsmodelle der Klimaanpassung im Vergleich", ResultType.STUDY,
     "Wo die Klimaanpassung in der Verwaltung angesiedelt ist und was das für die Arbeit "
     "bedeutet – ein Vergleich der Mitgliedsstädte, für alle veröffentlicht.",
     ["Die Studie vergleicht Stabsstellen, Querschnittsämter und Projektgruppen."],
     ["klimaanpassung"], 4),
]

# (city, title, network, measures, status, lat, lng, costs, summary, lessons)
PROJECTS = [
    ("bochum", "Baumrigolen an der Castroper Straße", "Baumrigolen", ["baumrigole"],
     ProjectStatus.COMPLETED, "51.49102", "7.23411", 420000,
     "Zwölf Straßenbäume in Baumrigolen nehmen das Wasser von 3.000 m² Fahrbahn auf.",
     "Die Abstimmung mit den Leitungsträgern früh beginnen."),
    ("essen", "Schwammstadt-Quartier Altenessen", "Starkregenvorsorge",
     ["schwammstadt-strassenraum", "mulden-rigolen-system"], ProjectStatus.BUILDING,
     "51.48911", "7.00915", 2300000,
     "Ein ganzes Quartier wird vom Kanal abgekoppelt: Mulden, Rigolen und Notwasserwege.",
     "Anwohnende früh einbinden; Baustellenkommunikation ist die halbe Miete."),
    ("dortmund", "Entsiegelung Schulhof Hafenschule", "Starkregenvorsorge",
     ["entsiegelung", "versickerungsmulde"], ProjectStatus.COMPLETED, "51.52843", "7.44712",
     310000, "1.800 m² Asphalt wurden zu Grün, Spielhügeln und einer Versickerungsmulde.",
     "Die Kinder planen mit – und pflegen mit."),
    ("gelsenkirchen", "Gründach Hans-Sachs-Haus", "Biodiversität", ["dachbegruenung"],
     ProjectStatus.MONITORED, "51.50846", "7.09795", 185000,
     "Extensives Gründach mit Retentionsschicht auf dem Verwaltungsgebäude.",
     "Das Monitoring zeigt 60 % weniger Abfluss bei Starkregen."),
    ("herne", "Multifunktionale Retentionsfläche Sportpark", "Starkregenvorsorge",
     ["multifunktionale-flaeche", "notwasserweg"], ProjectStatus.COMPLETED, "51.54125",
     "7.21987", 650000, "Ein Bolzplatz, der bei Starkregen 1.200 m³ Wasser zurückhält.",
     "Die Beschilderung erklärt, warum der Platz manchmal unter Wasser steht."),
    ("duisburg", "Fassadenbegrünung Rathaus-Neubau", "Biodiversität",
     ["fassadenbegruenung"], ProjectStatus.BUILDING, "51.43471", "6.76221", 240000,
     "Wandgebundene Begrünung kühlt die Südfassade und bietet Nistplätze.",
     "Bewässerung und Pflege vertraglich regeln."),
    ("oberhausen", "Trinkbrunnen-Netz Innenstadt", "Hitzeaktionsplanung", ["trinkbrunnen"],
     ProjectStatus.COMPLETED, "51.47105", "6.85152", 96000,
     "Sechs Trinkbrunnen an Plätzen und Haltestellen der Innenstadt.",
     "Spülpläne mit dem Wasserversorger abstimmen."),
    ("bottrop", "Regenwassernutzung Betriebshof", "Financial Engineering",
     ["regenwassernutzung"], ProjectStatus.COMPLETED, "51.52471", "6.94233", 128000,
     "Zisternen mit 80 m³ versorgen die Fahrzeugwäsche und die Bewässerung.",
     "Die Förderung deckte 70 % der Kosten."),
    ("recklinghausen", "Stadtbäume und Verschattung Altstadtmarkt", "Hitzeaktionsplanung",
     ["stadtbaeume", "baumrigole"], ProjectStatus.PLANNED, "51.61401", "7.19739", 540000,
     "Zwanzig Bäume in Baumrigolen verschatten den Marktplatz.",
     "Die Marktbeschicker haben den Standort der Bäume mitbestimmt."),
    ("luenen", "Versickerungsmulden Wohngebiet Gahmen", "Starkregenvorsorge",
     ["versickerungsmulde", "entsiegelung"], ProjectStatus.COMPLETED, "51.60271", "7.51688",
     210000, "Straßenbegleitende Mulden statt Kanalerweiterung.",
     "Günstiger als der Kanal und ein Gewinn für das Straßenbild."),
    ("dinslaken", "Tiny Forest am Rotbachsee", "Tiny Forest", ["stadtbaeume"],
     ProjectStatus.MONITORED, "51.56712", "6.72954", 38000,
     "600 Bäume auf 200 m², gepflanzt mit drei Schulen.",
     "Im ersten Sommer gießen – danach trägt sich der Wald selbst."),
    ("kamen", "Mulden-Rigolen-System Gewerbegebiet", "Baumrigolen",
     ["mulden-rigolen-system"], ProjectStatus.BUILDING, "51.59733", "7.66111", 780000,
     "Das Gewerbegebiet wird schrittweise vom Mischwasserkanal abgekoppelt.",
     "Die Betriebe beteiligen sich über eine Gebührenermäßigung."),
]


def _document(page, shelf, title: str, lines: list[str]) -> None:
    document = LibraryDocument(title=title, collection=shelf.collection,
                               uploaded_by_user=page.owner)
    document.file.save(f"{slugify(title)[:60]}.pdf", ContentFile(simple_pdf(lines)),
                       save=False)
    document.save()
    document_text_extract(document_id=document.pk)
    LibraryPageDocument.objects.create(page=page, document=document, sort_order=0)


def _add(shelf, page, lead, months_ago: int, topics) -> LibraryPage:
    page.owner = page.contact = lead
    page.slug = slugify(page.title)[:70]
    page.publication_date = timezone.localdate() - datetime.timedelta(days=30 * months_ago)
    page.live = False
    shelf.add_child(instance=page)
    page.topics.set(topics)
    return page


def _publish(page) -> None:
    page.save_revision(user=page.owner).publish(user=None)


def _lead_of(network):
    membership = network.memberships.filter(role=MemberRole.LEAD,
                                            state=MemberState.ACTIVE).first()
    return membership.user if membership else network.founded_by


@transaction.atomic
def seed_library() -> int:
    if LibraryPage.objects.exists():
        return 0
    review_workflow()
    networks = {network.name: network for network in Network.objects.all()}
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    cities = {city.slug: city for city in Organisation.objects.all()}
    measures = {measure.slug: measure for measure in Measure.objects.all()}
    created = 0
    for name, title, kind, summary, paragraphs, topic_slugs, months in RESULTS:
        network = networks.get(name)
        if network is None:
            continue
        shelf, lead = shelf_for(network), _lead_of(network)
        page = ResultPage(title=title, result_type=kind, summary=summary, body=[
            ("paragraph", f"<p>{paragraph}</p>") for paragraph in paragraphs])
        _add(shelf, page, lead, months, [topics[s] for s in topic_slugs if s in topics])
        page.cities.set(network.memberships.filter(state=MemberState.ACTIVE).values_list(
            "user__organisation", flat=True).distinct())
        _document(page, shelf, title, [title, "", summary[:90], *paragraphs[:2],
                                       f"Herausgegeben vom Expertennetzwerk {network.name}"
                                       if network.visibility != "confidential" else ""])
        _publish(page)
        created += 1
    for (city, title, name, measure_slugs, status, lat, lng, costs, summary,
         lessons) in PROJECTS:
        network = networks.get(name)
        if network is None or city not in cities:
            continue
        shelf, lead = shelf_for(network), _lead_of(network)
        page = ProjectPage(title=title, summary=summary, city=cities[city], status=status,
                           latitude=Decimal(lat), longitude=Decimal(lng), costs=costs,
                           location=title.split(" ", 1)[-1],
                           description=f"<p>{summary}</p>",
                           lessons_learned=f"<p>{lessons}</p>",
                           funding="Förderprogramm Klimaanpassung des Landes (Demo)",
                           partners="Emschergenossenschaft, Stadtentwässerung")
        _add(shelf, page, lead, len(title) % 18, list(network.topics.all()))
        page.measures.set([measures[s] for s in measure_slugs if s in measures])
        page.cities.set([cities[city]])
        _publish(page)
        created += 1
    _draft_waiting_for_approval(networks.get("Starkregenvorsorge"))
    # The demo's history is not news: nobody is told of these publications again.
    PublicationEvent.objects.update(fanned_out_at=timezone.now())
    return created


def _draft_waiting_for_approval(network) -> None:
    if network is None:
        return
    author = network.memberships.filter(role=MemberRole.MEMBER,
                                        state=MemberState.ACTIVE).first()
    if author is None:
        return
    shelf = shelf_for(network)
    page = ResultPage(title="Praxisbeispiele Überflutungsnachweis", summary=(
        "Wie die Städte den Überflutungsnachweis für Neubauten prüfen – Entwurf zur Freigabe."))
    _add(shelf, page, author.user, 0, list(network.topics.all()))
    page.save_revision(user=author.user)
    page.get_workflow().start(page, author.user)
