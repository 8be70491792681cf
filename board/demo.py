"""Demo board for ``seed_demo``: a few hundred posts over two years, in every category."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from intranet.accounts.demo import DEMO_DOMAIN
from intranet.accounts.models import Topic, User
from networks.models import MemberState, Network

from .models import Category, Post
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
        post = post_create(
            author=author, title=rng.choice(SUBJECTS[category]), category=category,
            body=("Liebe Kolleg:innen,\n\nwir möchten **unsere Erfahrungen** teilen und freuen "
                  "uns über Rückmeldungen aus anderen Städten.\n\n- Ansprechpartner:in: "
                  f"{author.name}\n- Stadt: {city}"),
            audience=audience, network=network, topics=rng.sample(topics, 2))
        age = datetime.timedelta(days=rng.uniform(0, 730))
        fields = {"created_at": now - age}
        if rng.random() < 0.15:  # some have run out
            fields["expires_at"] = now - age + datetime.timedelta(days=30)
        Post.objects.filter(pk=post.pk).update(**fields)
        created.append(post)
        for commenter in rng.sample(people, rng.randint(0, 3)):
            if can_comment(commenter, post):  # a network's post: its members only
                comment_create(post=post, author=commenter,
                               body="Danke, das hilft uns sehr – wir melden uns!")
    for post in created[:3]:
        Post.objects.filter(pk=post.pk).update(is_pinned=True, created_at=now, expires_at=None)
    return len(created)
