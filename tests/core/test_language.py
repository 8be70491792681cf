import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_german_even_for_an_english_browser(client):
    response = client.get("/konto/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="de"' in response.content.decode()


def test_the_language_switch_chooses_english(client):
    client.post("/sprache/", {"language": "en", "next": "/konto/login/"})
    response = client.get("/konto/login/")
    assert '<html lang="en"' in response.content.decode()
