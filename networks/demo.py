"""Demo networks for ``seed_demo``: the themes of the region, in every state."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from intranet.accounts.demo import DEMO_DOMAIN
from intranet.accounts.models import Topic, User

from .models import Network, Visibility
from .permissions import can_found_network
from .services import (
    document_upload,
    membership_approve,
    membership_invite,
    membership_join,
    network_continue,
    network_dissolve,
    network_found,
    task_create,
)

# (name, topic slugs, visibility, founder e-mail, mandate, goals)
NETWORKS = [
    ("Starkregenvorsorge", ["starkregenvorsorge", "schwammstadt"], Visibility.OPEN,
     "koordination@", "Wie schützen wir Quartiere vor Starkregen, bevor der nächste kommt?",
     "Gemeinsame Gefahrenkarten und ein Maßnahmenkatalog für alle Städte."),
    ("Baumrigolen", ["baumrigolen", "stadtgruen"], Visibility.OPEN, "koordination.essen@",
     "Welche Bauweisen von Baumrigolen bewähren sich im Bestand?",
     "Ein Leitfaden mit Regeldetails und Kosten."),
    ("Tiny Forest", ["tiny-forest", "biodiversitaet"], Visibility.ON_REQUEST, "koordination@",
     "Wo und wie pflanzen wir Tiny Forests mit Schulen und Nachbarschaften?",
     "Standortkriterien und ein Pflanzprotokoll."),
    ("Financial Engineering", ["financial-engineering", "foerdermittel"], Visibility.ON_REQUEST,
     "koordination.essen@", "Wie finanzieren wir blau-grüne Infrastruktur dauerhaft?",
     "Übersicht der Förderprogramme und Musteranträge."),
    ("Hitzeaktionsplanung", ["hitzeaktionsplanung", "klimaanpassung"], Visibility.OPEN,
     "koordination@", "Wie schützen wir Menschen in Hitzeperioden?",
     "Ein gemeinsamer Muster-Hitzeaktionsplan."),
    ("Umweltbildung", ["umweltbildung", "beteiligung"], Visibility.OPEN, "koordination.essen@",
     "Wie vermitteln wir Klimaanpassung an Kitas und Schulen?",
     "Materialkoffer und Veranstaltungsformate."),
    ("Biodiversität", ["biodiversitaet", "stadtgruen"], Visibility.OPEN, "koordination@",
     "Wie verbinden wir Regenwassermanagement mit mehr Artenvielfalt?", ""),
    ("Personal und Organisation der Klimaanpassung", ["klimaanpassung"],
     Visibility.CONFIDENTIAL, "koordination@",
     "Vertraulich: Stellenbewertungen und Organisationsmodelle der Klimaanpassung.", ""),
]


def _demo_documents(network, lead, colleague) -> None:
    minutes = ContentFile(f"Protokoll der Auftaktsitzung – {network.name}\n\n"
                          "Teilnehmende Städte stellen ihren Stand vor; Aufgaben siehe "
                          "Arbeitsbereich.\n".encode(), name="protokoll-auftakt.txt")
    version = document_upload(network=network, actor=lead, upload=minutes,
                              title="Protokoll der Auftaktsitzung")
    second = ContentFile(f"Protokoll der Auftaktsitzung – {network.name} (ergänzt)\n".encode(),
                         name="protokoll-auftakt.txt")
    document_upload(network=network, actor=colleague, upload=second,
                    document=version.document)


@transaction.atomic
def seed_networks() -> int:
    if Network.objects.exists():
        return 0
    people = list(User.objects.filter(email__endswith=DEMO_DOMAIN).order_by("pk"))
    by_email = {p.email: p for p in people}
    topics = {t.slug: t for t in Topic.objects.all()}
    networks = []
    for index, (name, topic_slugs, visibility, founder, mandate, goals) in enumerate(NETWORKS):
        lead = by_email.get(founder + DEMO_DOMAIN)
        if lead is None or not can_found_network(lead):
            continue  # a partly seeded region where that person has another role
        network = network_found(founder=lead, name=name, mandate=mandate, goals=goals,
                                visibility=visibility,
                                topics=[topics[s] for s in topic_slugs if s in topics])
        colleagues = [p for p in people if p.organisation_id != lead.organisation_id]
        # Every 11th colleague from an offset: members from many cities in each network.
        for person in colleagues[index::11][:7]:
            if visibility == Visibility.CONFIDENTIAL:
                membership_invite(network=network, user=person, actor=lead)
                membership_join(network=network, user=person)
            else:
                membership = membership_join(network=network, user=person)
                if membership.state == "requested":
                    membership_approve(membership=membership, actor=lead)
        members = list(network.memberships.filter(state="active").select_related("user"))
        for number, title in enumerate(("Bestandsaufnahme der Städte", "Entwurf abstimmen",
                                        "Ergebnisse für die Bibliothek aufbereiten")):
            task_create(network=network, actor=lead, title=title,
                        assignee=members[number % len(members)].user)
        _demo_documents(network, lead, members[-1].user)
        networks.append(network)
    if len(networks) < len(NETWORKS):
        return len(networks)
    member = by_email["mitglied@" + DEMO_DOMAIN]
    membership_join(network=networks[2], user=member)  # a pending request for the lead
    network_dissolve(network=networks[6], actor=networks[6].founded_by,
                     summary="Der Leitfaden „Regenwasser und Artenvielfalt“ ist fertig und "
                             "in der Bibliothek veröffentlicht.",
                     results="Leitfaden „Regenwasser und Artenvielfalt“ (Wissen)")
    network_continue(network=networks[4], actor=networks[4].founded_by,
                     summary="Hitzeschutz bleibt Daueraufgabe; das Netzwerk besteht weiter.")
    _backdate_founding(networks)  # last: ending a network saves the instances in memory
    return len(networks)


# Years since each demo network was founded: the region has worked together since 2019.
FOUNDED_YEARS_AGO = [6, 5, 4, 4, 3, 2, 5, 1]


def _backdate_founding(networks) -> None:
    """A history for process steering's figures (age, founded per year), not all today."""
    now = timezone.now()
    for network, years in zip(networks, FOUNDED_YEARS_AGO, strict=False):
        founded = now - datetime.timedelta(days=365 * years + 40 * network.pk % 200)
        Network.objects.filter(pk=network.pk).update(founded_at=founded)


IDEAS = [
    ("Wie kühlen wir Schulhöfe in Hitzesommern?",
     "Viele Schulhöfe sind vollständig versiegelt; im Juni wird es dort unerträglich heiß. "
     "Mehrere Städte planen Entsiegelung, jede für sich.", ["bochum", "herne", "gelsenkirchen"]),
    ("Wie pflegen wir Baumrigolen nach der Gewährleistung?",
     "Nach fünf Jahren endet die Gewährleistung; niemand weiß, wer die Rigolen dann spült "
     "und kontrolliert.", ["essen", "dortmund"]),
    ("Gemeinsame Ausschreibung für Gründachkataster?",
     "Jede Stadt beauftragt ihr eigenes Kataster; eine gemeinsame Ausschreibung wäre "
     "günstiger und vergleichbar.", ["oberhausen", "bottrop", "gladbeck", "dinslaken"]),
]


@transaction.atomic
def seed_ideas() -> int:
    from intranet.accounts.models import Organisation

    from .models import NetworkIdea
    from .services import idea_comment, idea_propose, idea_set_interest

    people = list(User.objects.filter(email__endswith=DEMO_DOMAIN).order_by("pk"))
    if NetworkIdea.objects.exists() or len(people) < 60:
        return 0
    organisations = {o.slug: o for o in Organisation.objects.all()}
    for index, (question, why, city_slugs) in enumerate(IDEAS):
        author = people[10 + index * 17]
        idea = idea_propose(author=author, question=question, why=why,
                            cities=[organisations[s] for s in city_slugs if s in organisations])
        for supporter in people[20 + index * 9: 20 + index * 9 + index + 2]:
            idea_set_interest(idea=idea, user=supporter, interested=True)
        idea_comment(idea=idea, author=people[30 + index], body="Das betrifft uns auch – "
                     "wir haben erste Erfahrungen und teilen sie gern.")
    return len(IDEAS)
