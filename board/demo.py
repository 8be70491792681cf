"""Demo board for ``seed_demo``: a few hundred posts over two years, in every category."""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from intranet.accounts.demo import DEMO_DOMAIN
from intranet.accounts.models import Topic, User
from intranet.core.pdf import simple_pdf
from networks.models import MemberState, Network

from .models import Category, Comment, Post, PostEvent
from .permissions import can_comment
from .services import comment_create, post_create

SUBJECTS = {
    Category.ANNOUNCEMENT: ["Neue Starkregengefahrenkarte veröffentlicht",
                            "Ratsbeschluss zum Schwammstadt-Konzept",
                            "Ergebnisse der Baumkontrolle liegen vor"],
    Category.REQUEST: ["Wer hat Erfahrung mit Rigolen unter Gehwegen?",
                       "Suche Musterleistungsverzeichnis für Dachbegrünung",
                       "Kennt jemand gute Substrate für Tiny Forests?"],
    Category.OFFER: ["Wir teilen unser Hitzeschutz-Faltblatt",
                     "Leihgabe: mobile Bewässerungssäcke",
                     "Unser Entsiegelungs-Leitfaden zum Mitnutzen"],
    Category.EVENT: ["Exkursion zu den Baumrigolen in der Innenstadt",
                     "Online-Sprechstunde Fördermittel", "Pflanzaktion Tiny Forest"],
    Category.FUNDING: ["Förderaufruf Klimaanpassung in Kommunen",
                       "Neues Landesprogramm für Stadtgrün"],
    Category.JOB: ["Klimaanpassungsmanager:in gesucht", "Stelle in der Grünflächenplanung"],
    Category.RESULT: ["Leitfaden Regenwasser und Artenvielfalt fertig",
                      "Auswertung der Hitzemessungen 2025"],
}
POSTS = 240
ATTACHMENT_SHARE = 0.12


def _attachment(rng: random.Random, title: str, city: str) -> SimpleUploadedFile:
    if rng.random() < 0.6:
        lines = [title, "", f"Stadt: {city}", "Stand: Entwurf zur Abstimmung im Netzwerk",
                 "Maßnahmen: Entsiegelung, Baumrigolen, Dachbegrünung, Retentionsflächen"]
        return SimpleUploadedFile("Handreichung.pdf", simple_pdf(lines), "application/pdf")
    rows = "Maßnahme;Fläche m²;Kosten €\nBaumrigole;120;48000\nGründach;800;64000\n"
    return SimpleUploadedFile("Kostenvergleich.csv", rows.encode(), "text/csv")


@transaction.atomic
def seed_board() -> int:
    people = list(User.objects.filter(email__endswith=DEMO_DOMAIN).select_related(
        "organisation").order_by("pk"))
    if Post.objects.exists() or len(people) < 20:
        return 0
    rng = random.Random(2026)
    topics = list(Topic.objects.all())
    networks = list(Network.objects.filter(status="active"))
    now = timezone.now()
    created = []
    for _ in range(POSTS):
        category = rng.choice(list(SUBJECTS))
        author = rng.choice(people)
        audience, network = "platform", None
        own = [n for n in networks if n.memberships.filter(user=author,
                                                          state=MemberState.ACTIVE).exists()]
        if own and rng.random() < 0.3:
            audience, network = "network", rng.choice(own)
        city = author.organisation.name if author.organisation else "–"
        title = rng.choice(SUBJECTS[category])
        post = post_create(
            author=author, title=title, category=category,
            body=("Liebe Kolleg:innen,\n\nwir möchten **unsere Erfahrungen** teilen und freuen "
                  "uns über Rückmeldungen aus anderen Städten.\n\n- Ansprechpartner:in: "
                  f"{author.name}\n- Stadt: {city}"),
            audience=audience, network=network, topics=rng.sample(topics, 2),
            files=[_attachment(rng, title, city)] if rng.random() < ATTACHMENT_SHARE else [])
        created_at = now - datetime.timedelta(days=rng.uniform(0, 730))
        fields = {"created_at": created_at, "last_activity_at": created_at}
        if rng.random() < 0.15:  # some have run out
            fields["expires_at"] = created_at + datetime.timedelta(days=30)
        created.append(post)
        for commenter in rng.sample(people, rng.randint(0, 3)):
            if can_comment(commenter, post):  # a network's post: its members only
                mention = f"@{author.handle} " if rng.random() < 0.3 else ""
                comment = comment_create(post=post, author=commenter,
                                         body=f"{mention}Danke, das hilft uns sehr – wir "
                                              "melden uns!")
                fields["last_activity_at"] = created_at + datetime.timedelta(
                    hours=rng.uniform(1, 72))
                Comment.objects.filter(pk=comment.pk).update(
                    created_at=fields["last_activity_at"])
        Post.objects.filter(pk=post.pk).update(**fields)
    for post in created[:3]:
        Post.objects.filter(pk=post.pk).update(is_pinned=True, created_at=now,
                                               last_activity_at=now, expires_at=None)
    # Two years of history are not news: nobody is notified of the seeded posts.
    PostEvent.objects.filter(fanned_out_at__isnull=True).update(fanned_out_at=now)
    # The demo people were last here three days ago and have read what is older than two
    # weeks: the start page and the board show what is new to them.
    User.objects.filter(email__endswith=DEMO_DOMAIN).update(
        previous_visit_at=now - datetime.timedelta(days=3),
        last_seen_at=now - datetime.timedelta(days=3),
        board_read_from=now - datetime.timedelta(days=14))
    return len(created)
