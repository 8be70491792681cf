"""SEARCH_URL chooses the search engine (issue 9, item 4; DESIGN §6)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from intranet.settings.base import VAR_DIR, haystack_connections

WHOOSH = "intranet.core.search_backend.WhooshEngine"
SOLR = "haystack.backends.solr_backend.SolrEngine"
ELASTICSEARCH = "haystack.backends.elasticsearch7_backend.Elasticsearch7SearchEngine"


@pytest.mark.parametrize("search_url", [None, "", "   "])
def test_no_search_url_is_the_whoosh_index_under_var_dir(search_url):
    assert haystack_connections(search_url) == {
        "default": {"ENGINE": WHOOSH, "PATH": str(VAR_DIR / "whoosh")}}


@pytest.mark.parametrize(("search_url", "path"), [
    ("whoosh:///srv/klimawerk/whoosh", "/srv/klimawerk/whoosh"),
    ("whoosh:///srv/klimawerk/whoosh/", "/srv/klimawerk/whoosh"),
    ("whoosh:///srv/geteilt%20es/index", "/srv/geteilt es/index"),
    ("/mnt/shared/whoosh", "/mnt/shared/whoosh"),
    (" /mnt/shared/whoosh ", "/mnt/shared/whoosh"),
])
def test_a_whoosh_url_or_an_absolute_path_is_a_whoosh_index_there(search_url, path):
    assert haystack_connections(search_url) == {"default": {"ENGINE": WHOOSH, "PATH": path}}


@pytest.mark.parametrize(("search_url", "url"), [
    ("solr://solr:8983/solr/klimawerk", "http://solr:8983/solr/klimawerk"),
    ("solr://10.0.0.5:8983/solr/klimawerk/", "http://10.0.0.5:8983/solr/klimawerk"),
])
def test_a_solr_url_is_solr_over_http(search_url, url):
    assert haystack_connections(search_url) == {"default": {"ENGINE": SOLR, "URL": url}}


@pytest.mark.parametrize(("search_url", "index_name"), [
    ("elasticsearch://es:9200", "klimawerk"),
    ("elasticsearch://es:9200/", "klimawerk"),
    ("elasticsearch://es:9200/intranet-2026", "intranet-2026"),
])
def test_an_elasticsearch_url_names_host_and_index(search_url, index_name):
    assert haystack_connections(search_url) == {"default": {
        "ENGINE": ELASTICSEARCH, "URL": "http://es:9200", "INDEX_NAME": index_name}}


@pytest.mark.parametrize("search_url", [
    "whoosh://relative/path",  # a host where the absolute path belongs
    "whoosh:relative",
    "var/whoosh",  # a relative path would depend on the working directory of each process
    "solr://solr:8983",  # no core
    "solr:///solr/klimawerk",  # no host
    "elasticsearch:///klimawerk",
    "elasticsearch://es:9200/a/b",  # an index name has no slash
    "http://es:9200/klimawerk",  # which engine speaks HTTP here is not said
    "opensearch://os:9200",
    "sqlite:///var/db.sqlite3",
])
def test_anything_else_stops_the_start_with_a_message_naming_the_url(search_url):
    with pytest.raises(ImproperlyConfigured) as refusal:
        haystack_connections(search_url)
    assert repr(search_url) in str(refusal.value)
    assert "whoosh:///" in str(refusal.value)  # and says what would work
