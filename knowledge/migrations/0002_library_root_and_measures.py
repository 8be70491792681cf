"""The library becomes the site's root page (served at /wissen/), in place of Wagtail's
welcome page; the common building measures are there from the start."""

from django.db import migrations

MEASURES = [
    ("baumrigole", "Baumrigole"),
    ("dachbegruenung", "Dachbegrünung"),
    ("entsiegelung", "Entsiegelung"),
    ("fassadenbegruenung", "Fassadenbegrünung"),
    ("mulden-rigolen-system", "Mulden-Rigolen-System"),
    ("multifunktionale-flaeche", "Multifunktionale Retentionsfläche"),
    ("notwasserweg", "Notwasserweg"),
    ("regenwassernutzung", "Regenwassernutzung / Zisterne"),
    ("schwammstadt-strassenraum", "Schwammstadt im Straßenraum"),
    ("stadtbaeume", "Stadtbäume und Verschattung"),
    ("trinkbrunnen", "Trinkbrunnen"),
    ("versickerungsmulde", "Versickerungsmulde"),
]


def create_library(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    LibraryIndexPage = apps.get_model("knowledge.LibraryIndexPage")
    Measure = apps.get_model("knowledge.Measure")

    for slug, name in MEASURES:
        Measure.objects.get_or_create(slug=slug, defaults={"name": name})
    if LibraryIndexPage.objects.exists():
        return
    # Wagtail's own migration made a welcome page under the root; the library takes its place.
    Page.objects.filter(depth=2, path="00010001").delete()
    content_type, _ = ContentType.objects.get_or_create(app_label="knowledge",
                                                         model="libraryindexpage")
    locale = Locale.objects.order_by("pk").first()
    library = LibraryIndexPage.objects.create(
        title="Bibliothek", draft_title="Bibliothek", slug="bibliothek",
        content_type=content_type, path="00010001", depth=2, numchild=0, url_path="/bibliothek/",
        locale_id=locale.pk if locale else None, live=True,
        intro="Leitfäden, Arbeitshilfen, Positionspapiere und Bauprojekte aus den "
              "Expertennetzwerken – für alle Städte zum Nachnutzen.")
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.update_or_create(is_default_site=True, defaults={
        "hostname": "localhost", "root_page_id": library.pk, "site_name": "Klima.Werk"})


def remove_library(apps, schema_editor):
    apps.get_model("knowledge.LibraryIndexPage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_library, remove_library)]
