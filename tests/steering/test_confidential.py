"""Steering sees a confidential network's figures, never its content (DESIGN §3.6, §8)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from intranet.steering.exports import TABLES
from intranet.steering.services import steering_figures_count
from networks.services import document_upload, network_dissolve

from .conftest import CANARY

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_with_document(region, lead):
    document_upload(network=region["secret"], actor=lead, title=f"Vermerk {CANARY}",
                    upload=SimpleUploadedFile("vermerk.txt", f"Text {CANARY}".encode()))
    return region["secret"]


@pytest.mark.parametrize("persona", ["steering", "service_staff", "admin"])
def test_no_canary_on_the_dashboard_the_csvs_or_the_annual_report(
        request, client_for, persona, secret_with_document):
    client = client_for(request.getfixturevalue(persona))
    page = client.get(reverse("steering:dashboard"))
    assert page.status_code == 200
    assert CANARY not in page.content.decode()
    assert f"no. {secret_with_document.pk}" in page.content.decode() or \
        f"Nr. {secret_with_document.pk}" in page.content.decode()
    for table in TABLES:
        export = client.get(reverse("steering:export", args=[table]))
        assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
        assert CANARY not in export.content.decode(), table
    year = timezone.localdate().year
    report = client.get(reverse("steering:annual_report", args=[year]))
    assert report.status_code == 200
    assert CANARY not in report.content.decode()
    assert len(report.context["report"].founded) == 2  # the secret one too, by number


def test_no_canary_in_the_annual_report_of_a_dissolved_confidential_network(
        region, lead, client_for, steering):
    network_dissolve(network=region["secret"], actor=lead, summary=f"Ergebnis {CANARY}",
                     results=f"Ablage {CANARY}")
    year = timezone.localdate().year
    report = client_for(steering).get(reverse("steering:annual_report", args=[year]))
    assert len(report.context["report"].dissolved) == 1
    assert CANARY not in report.content.decode()


def test_no_canary_on_the_message_form_for_a_confidential_network(region, client_for,
                                                                    steering):
    client = client_for(steering)
    for name in ("steering:nudge", "steering:propose_dissolution"):
        page = client.get(reverse(name, args=[region["secret"].pk]))
        assert page.status_code == 200 and CANARY not in page.content.decode()


def test_a_member_of_the_confidential_network_in_steering_sees_its_name(
        region, member, client_for):
    member.role_assignments.create(role="steering")
    board = client_for(member).get(reverse("steering:dashboard")).context["board"]
    row = next(row for row in board.networks if row.pk == region["secret"].pk)
    assert row.named and CANARY in row.label


def test_the_cached_sections_of_a_member_never_reach_another_person(region, member, steering,
                                                                   client_for):
    """The sections are cached per person: the member's, naming the confidential network,
    are not what the steering colleague outside it is shown a moment later."""
    member.role_assignments.create(role="steering")
    assert CANARY in client_for(member).get(reverse("steering:dashboard")).content.decode()
    for _visit in range(2):
        page = client_for(steering).get(reverse("steering:dashboard")).content.decode()
        assert CANARY not in page and f"Nr. {region['secret'].pk}" in page


def test_a_published_result_of_a_confidential_network_counts_without_its_network_name(
        region, lead, client_for, steering):
    from knowledge.services import result_start

    page = result_start(network=region["secret"], actor=lead, title="Leitfaden Rigolen",
                        kind="guideline").specific
    page.summary = "Kurz"
    page.save_revision(user=lead).publish(user=lead)
    steering_figures_count()
    client = client_for(steering)
    board = client.get(reverse("steering:dashboard")).context["board"]
    assert next(r for r in board.networks if r.pk == region["secret"].pk).results == 1
    report = client.get(reverse("steering:annual_report", args=[timezone.localdate().year]))
    assert [r["title"] for r in report.context["report"].results] == ["Leitfaden Rigolen"]
    assert report.context["report"].results[0]["network"].endswith(str(region["secret"].pk))
    assert CANARY not in report.content.decode()
