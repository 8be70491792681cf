"""Wagtail's admin as one more door of the platform matrix (issue 8): the editor of one
network's shelf never sees another network's draft, through the explorer, the page
choosers, previews, revisions and their comparison, history, the admin search or the admin
API; for a page id they may not see, the admin answers as for an id that does not exist;
and a person without a shelf has no admin at all.

Each door is asked twice: the draft's own editor must find the canary there (so the door
is the right one), the rival editor must not. (tests/knowledge/test_editor_isolation.py goes
through documents, images and reports.)
"""

import pytest
from django.urls import reverse

from knowledge.services import result_start
from networks.permissions import forget_grants
from networks.services import membership_join
from tests.helpers import comparable_body

from .platform_fixtures import (
    PERSONAS,
    canary,
    platform_fixture,  # noqa: F401 (the fixture "platform")
)

pytestmark = pytest.mark.django_db

MISSING_PAGE = 987654
CANARY = canary("library_draft")


@pytest.fixture
def rival(platform):
    """The outsider, made the editor of the open network's shelf by starting a result there:
    Wagtail's admin is open to them, but only for that shelf."""
    outsider = platform.people["outsider"]
    membership_join(network=platform.networks["open"], user=outsider)
    forget_grants(outsider)
    result_start(network=platform.networks["open"], actor=outsider, title="Offener Leitfaden",
                 kind="guideline")
    outsider.refresh_from_db()
    return outsider


def _draft(platform):
    page = platform.objects["library_draft"]
    # A second revision, so that there is something to compare.
    page.summary = f"Zweite Fassung {CANARY}"
    page.save_revision(user=platform.people["member"])
    return page


# (address with {page}, {shelf}, {rev}, {first}: whether the draft's editor sees the canary)
PAGE_DOORS = [
    ("/cms/pages/{page}/", True),
    ("/cms/pages/{page}/edit/", True),
    ("/cms/pages/{page}/view_draft/", True),
    ("/cms/pages/{page}/edit/preview/", False),
    ("/cms/pages/{page}/revisions/{rev}/view/", True),
    ("/cms/pages/{page}/revisions/compare/{first}...{rev}/", True),
    ("/cms/pages/{page}/revisions/compare/earliest...{rev}/", True),
    ("/cms/pages/{page}/history/", False),
    ("/cms/pages/{page}/history/results/", False),
    ("/cms/pages/{page}/workflow_history/", False),
    ("/cms/pages/{page}/delete/", True),
    ("/cms/pages/{page}/copy/", True),
    ("/cms/pages/{page}/move/", True),
    ("/cms/pages/{page}/usage/", True),
    ("/cms/api/main/pages/{page}/", False),
]
LIST_DOORS = [
    ("/cms/", False),
    ("/cms/pages/", False),
    ("/cms/pages/{shelf}/", True),
    ("/cms/pages/search/?q=Ergebnis", True),
    ("/cms/choose-page/", False),
    ("/cms/choose-page/{shelf}/", True),
    ("/cms/choose-page/search/?q=Ergebnis", True),
    ("/cms/api/main/pages/?search=Ergebnis", False),
    ("/cms/api/main/pages/?child_of={shelf}", False),
    ("/cms/reports/site-history/", True),
]


def _values(page, page_id=None) -> dict:
    revisions = list(page.revisions.order_by("pk").values_list("pk", flat=True))
    return {"page": page_id or page.pk, "shelf": page.get_parent().pk, "rev": revisions[-1],
            "first": revisions[0]}


def test_the_rival_editor_finds_no_trace_of_the_draft_and_the_owner_finds_it_everywhere(
        platform, client_for, rival):
    page = _draft(platform)
    owner = platform.people["member"]
    leaks, blind = [], []
    for pattern, owner_sees in PAGE_DOORS + LIST_DOORS:
        path = pattern.format(**_values(page))
        own = client_for(owner).get(path)
        if owner_sees and CANARY not in own.content.decode():
            blind.append(f"{path}: {own.status_code}")
        other = client_for(rival).get(path)
        if CANARY in other.content.decode():
            leaks.append(f"{path}: {other.status_code}")
    assert (leaks, blind) == ([], [])


def test_for_the_rival_a_draft_answers_as_a_page_that_does_not_exist(platform, client_for,
                                                                     rival):
    page = _draft(platform)
    client = client_for(rival)
    differ = []
    for pattern, _owner_sees in PAGE_DOORS:
        path = pattern.format(**_values(page))
        missing_path = pattern.format(**_values(page, MISSING_PAGE))
        hidden, missing = client.get(path), client.get(missing_path)
        if (hidden.status_code, hidden.get("Location")) != (
                missing.status_code, missing.get("Location")):
            differ.append(f"{path}: {hidden.status_code} {hidden.get('Location')} / missing "
                          f"{missing.status_code} {missing.get('Location')}")
        elif comparable_body(hidden, path) != comparable_body(missing, missing_path):
            differ.append(f"{path}: the bodies differ")
    assert not differ, "\n".join(differ)


def test_the_rival_cannot_change_the_draft_through_the_admin(platform, client_for, rival):
    page = _draft(platform)
    revisions = page.revisions.count()
    client = client_for(rival)
    for pattern in ("/cms/pages/{page}/edit/", "/cms/pages/{page}/delete/",
                    "/cms/pages/{page}/unpublish/", "/cms/pages/{page}/lock/",
                    "/cms/pages/{page}/revisions/{rev}/revert/"):
        path = pattern.format(**_values(page))
        response = client.post(path, {"title": "Übernommen", "action-publish": "1"})
        assert response.status_code in (302, 403, 404, 405), path
    page.refresh_from_db()
    assert (page.title, page.live, page.locked) == (f"Ergebnis {CANARY}", False, False)
    assert page.revisions.count() == revisions


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - {"coordinator", "member", "lead",
                                                            "admin", "service_staff"}))
def test_who_edits_no_shelf_has_no_admin_at_all(platform, client_for, persona):
    page = _draft(platform)
    client = client_for(platform.people[persona])
    for pattern, _owner_sees in PAGE_DOORS + LIST_DOORS:
        path = pattern.format(**_values(page))
        response = client.get(path)
        assert response.status_code in (302, 403, 404), path
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("account_login")), path
        assert CANARY not in response.content.decode(), path


def test_the_rival_still_links_to_another_networks_published_result(platform, client_for,
                                                                    rival):
    """The guard hides drafts only: a published result is everyone's, and the page chooser
    browses its shelf to link to it."""
    published = platform.objects["library_published"]
    shelf = published.get_parent()
    assert shelf.live
    response = client_for(rival).get(f"/cms/choose-page/{shelf.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert canary("library_published") in body
    assert CANARY not in body  # the draft beside it stays hidden
