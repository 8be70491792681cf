import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _doors(network_pk: int) -> list[str]:
    return [reverse("steering:dashboard"), reverse("steering:export", args=["netzwerke"]),
            reverse("steering:export", args=["staedte"]),
            reverse("steering:annual_report", args=[2025]),
            reverse("steering:annual_report_latest"),
            reverse("steering:nudge", args=[network_pk]),
            reverse("steering:propose_dissolution", args=[network_pk])]


@pytest.mark.parametrize("persona", ["member", "coordinator", "lead", "outsider",
                                     "department_head"])
def test_everyone_but_steering_gets_404_on_every_steering_door(request, client_for, persona,
                                                               make_network):
    network = make_network()
    client = client_for(request.getfixturevalue(persona))
    for url in _doors(network.pk) + [reverse("audit_log")]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("steering:nudge", args=[network.pk]),
                       {"message": "Hallo"}).status_code == 404


@pytest.mark.parametrize("persona", ["steering", "service_staff", "admin"])
def test_steering_service_and_admins_open_the_dashboard(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get(reverse("steering:dashboard"))
    assert response.status_code == 200
    assert "steering/dashboard.html" in [t.name for t in response.templates]


def test_service_staff_see_the_dashboard_but_not_the_audit_log(client_for, service_staff):
    client = client_for(service_staff)
    assert client.get(reverse("steering:dashboard")).status_code == 200
    assert client.get(reverse("audit_log")).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, make_network):
    for url in _doors(make_network().pk):
        response = client.get(url)
        assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_the_header_shows_steering_only_to_those_who_may_see_it(client_for, steering,
                                                                 service_staff, member):
    url = reverse("steering:dashboard")
    for person in (steering, service_staff):
        assert f'href="{url}"' in client_for(person).get(reverse("home")).content.decode()
    assert f'href="{url}"' not in client_for(member).get(reverse("home")).content.decode()


def test_unknown_export_and_year_out_of_range_are_404(client_for, steering):
    client = client_for(steering)
    assert client.get(reverse("steering:export", args=["passwoerter"])).status_code == 404
    assert client.get(reverse("steering:annual_report", args=[1999])).status_code == 404
    assert client.get(reverse("steering:annual_report", args=[2999])).status_code == 404
