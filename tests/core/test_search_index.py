import pytest
from django.conf import settings
from django.core.management import call_command
from haystack.query import SearchQuerySet

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_haystack_comes_before_wagtail_search_so_its_rebuild_index_wins():
    apps = settings.INSTALLED_APPS
    assert apps.index("haystack") < apps.index("wagtail.search")


def test_rebuild_index_indexes_active_people(city):
    UserFactory(name="Ilse Index", organisation=city)
    UserFactory(name="Inge Inaktiv", organisation=city).__class__.objects.filter(
        name="Inge Inaktiv").update(is_active=False)
    call_command("rebuild_index", interactive=False, verbosity=0)
    hits = SearchQuerySet().filter(type="person")
    titles = {hit.title for hit in hits}
    assert "Ilse Index" in titles
    assert "Inge Inaktiv" not in titles
