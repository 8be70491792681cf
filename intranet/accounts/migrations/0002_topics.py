from django.db import migrations

TOPICS = [
    ("biodiversitaet", "Biodiversität"),
    ("tiny-forest", "Tiny Forest"),
    ("financial-engineering", "Financial Engineering"),
    ("starkregenvorsorge", "Starkregenvorsorge"),
    ("baumrigolen", "Baumrigolen"),
    ("umweltbildung", "Umweltbildung"),
    ("hitzeaktionsplanung", "Hitzeaktionsplanung"),
    ("klimaanpassung", "Klimaanpassung"),
    ("schwammstadt", "Schwammstadt"),
    ("dach-und-fassadenbegruenung", "Dach- und Fassadenbegrünung"),
    ("entsiegelung", "Entsiegelung"),
    ("regenwasserbewirtschaftung", "Regenwasserbewirtschaftung"),
    ("stadtgruen", "Stadtgrün und Stadtbäume"),
    ("foerdermittel", "Fördermittel"),
    ("beteiligung", "Beteiligung und Kommunikation"),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("accounts", "Topic")
    for slug, name in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
