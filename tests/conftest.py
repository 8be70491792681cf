"""Personas of DESIGN §8, shared by every test module."""

import pytest
from allauth.mfa.models import Authenticator

from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: it outlives a test's database, and keys built
    from primary keys (a page's chosen related and similar pages, the library's counts, the
    dashboard's sections) would find another test's entries, in whatever order the tests
    run (make test runs them on several processes)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def city(db):
    return OrganisationFactory(slug="bochum", name="Stadt Bochum")


@pytest.fixture
def other_city(db):
    return OrganisationFactory(slug="essen", name="Stadt Essen")


@pytest.fixture
def service_org(db):
    return OrganisationFactory(slug="eglv", name="Serviceorganisation", kind="service")


def _with_totp(user):
    # Admins and service staff must have a second factor; the personas have one set up.
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP,
                                 data={"secret": "JBSWY3DPEHPK3PXP"})
    return user


@pytest.fixture
def coordinator(city):
    return UserFactory(name="Carla Koordinatorin", email="carla@bochum.example",
                       organisation=city, roles=["coordinator"])


@pytest.fixture
def member(city):
    return UserFactory(name="Max Mitglied", email="max@bochum.example", organisation=city,
                       roles=["member"])


@pytest.fixture
def confidential_network(coordinator, member):
    """A confidential network the coordinator founded and the member joined; no one else
    is in it."""
    from networks.models import Visibility
    from networks.permissions import forget_grants
    from networks.services import membership_invite, membership_join, network_found

    network = network_found(founder=coordinator, name="Verschwiegene Runde", mandate="Intern",
                            visibility=Visibility.CONFIDENTIAL)
    membership_invite(network=network, user=member, actor=coordinator)
    membership_join(network=network, user=member)
    forget_grants(member)
    return network


@pytest.fixture
def lead(city):
    return UserFactory(name="Lea Leitung", email="lea@bochum.example", organisation=city,
                       roles=["member"])


@pytest.fixture
def outsider(other_city):
    return UserFactory(name="Otto Außen", email="otto@essen.example", organisation=other_city,
                       roles=["member"])


@pytest.fixture
def steering(city):
    return UserFactory(name="Stefan Steuerung", email="stefan@bochum.example",
                       organisation=city, roles=["coordinator", "steering"])


@pytest.fixture
def service_staff(service_org):
    return _with_totp(UserFactory(name="Selma Service", email="selma@eglv.example",
                                  organisation=service_org, roles=["service"]))


@pytest.fixture
def department_head(other_city):
    return UserFactory(name="Dora Dezernentin", email="dora@essen.example",
                       organisation=other_city, roles=["department_head"])


@pytest.fixture
def admin(service_org):
    return _with_totp(UserFactory(name="Ada Admin", email="ada@eglv.example",
                                  organisation=service_org, roles=["admin"]))


@pytest.fixture
def anon():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def client_for(client):
    """``client_for(user)`` returns the test client signed in as ``user`` (or anonymous)."""

    def sign_in(user):
        client.logout()
        if user is not None and user.is_authenticated:
            client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return client

    return sign_in
