"""The provisioning commands of API.md: idempotent, --help, clear errors, no half-done work."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from intranet.accounts.demo import CITIES, DEMO_LOGINS, DEMO_PASSWORD
from intranet.accounts.models import (
    ApiToken,
    Organisation,
    OrganisationKind,
    Role,
    User,
    UserRole,
)
from intranet.core.models import AuditEntry
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

COMMANDS = ["seed_demo", "create_organisation", "create_user", "import_users", "api_token"]


def run(*args):
    """Run a command; return (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args) -> CommandError:
    """Run a command that must fail with a CommandError (a clear message, no traceback)."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as info:
        call_command(*args, stdout=out, stderr=err)
    assert str(info.value).strip()
    info.value.stdout, info.value.stderr = out.getvalue(), err.getvalue()
    return info.value


def counts():
    return {model.__name__: model.objects.count()
            for model in (Organisation, User, UserRole, ApiToken, AuditEntry)}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "intranet.settings.test"}
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", command, "--help"], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"manage.py {command}" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_bad_option_exits_non_zero_with_a_message_and_no_traceback():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "intranet.settings.test"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "create_organisation", "herne", "--name", "Stadt Herne",
         "--kind", "dorf"], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode != 0
    assert "invalid choice: 'dorf'" in result.stderr
    assert "Traceback" not in result.stderr


# --- create_organisation ----------------------------------------------------------------------

def test_create_organisation_creates_one():
    out, _ = run("create_organisation", "herne", "--name", "Stadt Herne", "--kind", "municipality",
                 "--region", "Emscher-Lippe")
    organisation = Organisation.objects.get(slug="herne")
    assert (organisation.name, organisation.kind, organisation.region) == (
        "Stadt Herne", OrganisationKind.MUNICIPALITY, "Emscher-Lippe")
    assert "Created organisation 'herne'" in out
    assert AuditEntry.objects.filter(action="organisation.create").count() == 1


def test_create_organisation_defaults_to_a_city():
    run("create_organisation", "herten", "--name", "Stadt Herten")
    assert Organisation.objects.get(slug="herten").kind == OrganisationKind.MUNICIPALITY


def test_create_organisation_again_with_the_same_data_changes_nothing():
    run("create_organisation", "eglv", "--name", "EGLV", "--kind", "service")
    before = counts()
    out, _ = run("create_organisation", "eglv", "--name", "EGLV", "--kind", "service")
    assert "exists already" in out
    assert counts() == before


@pytest.mark.parametrize("args, message", [
    (["--name", "Stadt Hernes", "--kind", "municipality"], "exists already as 'Stadt Herne'"),
    (["--name", "Stadt Herne", "--kind", "other"], "(municipality)"),
])
def test_create_organisation_with_conflicting_data_fails_clearly(args, message):
    run("create_organisation", "herne", "--name", "Stadt Herne")
    before = counts()
    error = fails("create_organisation", "herne", *args)
    assert message in str(error)
    assert counts() == before
    assert Organisation.objects.get(slug="herne").name == "Stadt Herne"


@pytest.mark.parametrize("slug, args, message", [
    ("Stadt Herne!", ["--name", "Stadt Herne"], "slug"),
    ("x" * 61, ["--name", "Stadt Herne"], "slug"),
    ("herne", ["--name", ""], "name"),
    ("herne", ["--name", "Stadt Herne", "--kind", "dorf"], "invalid choice"),
])
def test_create_organisation_rejects_bad_input_and_changes_nothing(slug, args, message):
    before = counts()
    error = fails("create_organisation", slug, *args)
    assert message in str(error)
    assert counts() == before


def test_create_organisation_with_a_name_taken_by_another_slug_fails():
    run("create_organisation", "herne", "--name", "Stadt Herne")
    before = counts()
    error = fails("create_organisation", "herne-2", "--name", "Stadt Herne")
    assert "name" in str(error)
    assert counts() == before


def test_create_organisation_requires_a_name():
    before = counts()
    error = fails("create_organisation", "herne")
    assert "--name" in str(error)
    assert counts() == before


# --- create_user ------------------------------------------------------------------------------

@pytest.fixture
def herne(db):
    return OrganisationFactory(slug="herne", name="Stadt Herne")


def test_create_user_with_several_roles(herne):
    out, _ = run("create_user", "Hanna.Herne@Herne.example", "--name", "Hanna Herne",
                 "--organisation", "herne", "--role", "coordinator", "--role", "steering",
                 "--password", "Ein-Langes-Gutes-Passwort-7")
    user = User.objects.get(email="hanna.herne@herne.example")
    assert user.name == "Hanna Herne"
    assert user.organisation == herne
    assert user.roles == {Role.COORDINATOR, Role.STEERING}
    assert user.check_password("Ein-Langes-Gutes-Passwort-7")
    assert "Created hanna.herne@herne.example (coordinator, steering)" in out
    # coordinators hold the guardian grant on their city
    assert user.has_perm("accounts.change_organisation", herne)


def test_create_user_without_password_gets_an_unusable_one(herne):
    run("create_user", "ohne@herne.example", "--name", "Ohne Passwort", "--organisation",
        "herne", "--role", "member")
    assert not User.objects.get(email="ohne@herne.example").has_usable_password()


def test_create_user_admin_role_makes_staff(herne):
    run("create_user", "chef@herne.example", "--name", "Chef", "--organisation", "herne",
        "--role", "admin")
    user = User.objects.get(email="chef@herne.example")
    assert user.is_staff and user.is_superuser


def test_create_user_for_an_existing_address_sets_the_roles(herne):
    person = UserFactory(email="vorhanden@herne.example", organisation=herne,
                         roles=["member"])
    before = counts()
    out, _ = run("create_user", "VORHANDEN@herne.example", "--name", "Egal",
                 "--organisation", "herne", "--role", "coordinator", "--role", "member")
    person = User.objects.get(pk=person.pk)
    assert person.roles == {Role.COORDINATOR, Role.MEMBER}
    assert "exists already; roles set to ['coordinator', 'member']" in out
    assert counts()["User"] == before["User"]
    # running it again is a no-op for the roles
    run("create_user", "vorhanden@herne.example", "--name", "Egal",
        "--organisation", "herne", "--role", "coordinator", "--role", "member")
    assert User.objects.get(pk=person.pk).roles == {Role.COORDINATOR, Role.MEMBER}


def test_create_user_with_an_unknown_organisation_fails(herne):
    before = counts()
    error = fails("create_user", "neu@nirgendwo.example", "--name", "Neu", "--organisation",
                  "nirgendwo", "--role", "member")
    assert "Unknown organisation 'nirgendwo'" in str(error)
    assert counts() == before


def validator_messages(password: str) -> list[str]:
    with pytest.raises(ValidationError) as info:
        validate_password(password, User(email="schwach@herne.example", name="Schwach"))
    return info.value.messages


@pytest.mark.parametrize("password", ["12345678", "qwerty123456", "schwach@herne.example"])
def test_create_user_with_a_weak_password_fails_with_the_validator_message(herne, password):
    """Too short and numeric, too common, too similar to the e-mail address."""
    expected = validator_messages(password)
    before = counts()
    error = fails("create_user", "schwach@herne.example", "--name", "Schwach",
                  "--organisation", "herne", "--role", "member", "--password", password)
    assert expected
    for message in expected:
        assert message in str(error)
    assert counts() == before


@pytest.mark.parametrize("args, message", [
    (["kein-email", "--name", "X", "--organisation", "herne", "--role", "member"], "email"),
    (["x@herne.example", "--name", "  ", "--organisation", "herne", "--role", "member"], "name"),
    (["x@herne.example", "--name", "X", "--organisation", "herne", "--role", "king"],
     "invalid choice"),
    (["x@herne.example", "--name", "X", "--organisation", "herne"], "--role"),
])
def test_create_user_rejects_bad_input_and_changes_nothing(herne, args, message):
    before = counts()
    error = fails("create_user", *args)
    assert message in str(error)
    assert counts() == before


# --- import_users -----------------------------------------------------------------------------

def write_csv(tmp_path: Path, text: str, encoding="utf-8") -> Path:
    path = tmp_path / "people.csv"
    path.write_bytes(text.encode(encoding))
    return path


GOOD_AND_BAD = """email,name,organisation,role
anna@herne.example,Anna Arndt,herne,member
bert@herne.example,Bert Böhm,herne,coordinator|steering
kein-email,Carl Caspar,herne,member
dora@herne.example,Dora Dietz,atlantis,member
emil@herne.example,Emil Eich,herne,king
fritz@herne.example,,herne,member
ANNA@herne.example,Anna Zweitkonto,herne,member
gabi@herne.example,Gabi Gans,herne,
"""


def test_import_users_creates_good_rows_and_reports_bad_ones_with_line_numbers(herne, tmp_path):
    path = write_csv(tmp_path, GOOD_AND_BAD)
    error = fails("import_users", str(path))

    assert User.objects.filter(email__endswith="@herne.example").count() == 2
    assert User.objects.get(email="anna@herne.example").roles == {Role.MEMBER}
    assert User.objects.get(email="bert@herne.example").roles == {Role.COORDINATOR,
                                                                  Role.STEERING}
    assert User.objects.get(email="bert@herne.example").name == "Bert Böhm"
    report = error.stderr.splitlines()
    assert report == [
        "line 4: invalid e-mail address 'kein-email'",
        "line 5: unknown organisation 'atlantis'",
        "line 6: unknown or missing role 'king' (allowed: coordinator, member, steering, "
        "service, department_head, admin)",
        "line 7: name is empty",
        "line 8: duplicate e-mail address 'anna@herne.example' (already on line 2)",
        "line 9: unknown or missing role '' (allowed: coordinator, member, steering, service, "
        "department_head, admin)",
    ]
    assert "2 created, 0 existing skipped, 6 rejected." in error.stdout
    assert error.returncode == 2
    assert "6 row(s) rejected" in str(error)


def test_import_users_again_skips_existing_people_and_changes_nothing(herne, tmp_path):
    path = write_csv(tmp_path, GOOD_AND_BAD)
    fails("import_users", str(path))
    UserFactory(email="carl@herne.example", organisation=herne, roles=["member"])
    before = counts()
    roles_before = set(UserRole.objects.values_list("user__email", "role"))

    error = fails("import_users", str(path))

    assert "0 created, 2 existing skipped, 6 rejected." in error.stdout
    assert counts() == before
    assert set(UserRole.objects.values_list("user__email", "role")) == roles_before


def test_import_users_of_a_clean_file_succeeds_and_is_idempotent(herne, tmp_path):
    path = write_csv(tmp_path, "\ufeffemail,name,organisation,role,position\n"
                               "ida@herne.example,Ida Ihle,herne,member,Umweltamt\n"
                               "jan@herne.example,\"Jan, der Jüngere\",herne,department_head,\n")
    out, err = run("import_users", str(path))
    assert "2 created, 0 existing skipped, 0 rejected." in out
    assert err == ""
    assert User.objects.get(email="jan@herne.example").name == "Jan, der Jüngere"
    before = counts()
    out, _ = run("import_users", str(path))
    assert "0 created, 2 existing skipped, 0 rejected." in out
    assert counts() == before


@pytest.mark.parametrize("text, message", [
    ("email;name;organisation;role\nx@herne.example;X;herne;member\n", "Missing column"),
    ("email,name,role\nx@herne.example,X,member\n", "Missing column(s): organisation"),
    ("", "Missing column(s): email, name, organisation, role"),
])
def test_import_users_without_the_required_columns_fails(herne, tmp_path, text, message):
    path = write_csv(tmp_path, text)
    before = counts()
    error = fails("import_users", str(path))
    assert message in str(error)
    assert "Expected: email,name,organisation,role" in str(error)
    assert counts() == before


def test_import_users_of_a_file_that_is_not_utf8_fails(herne, tmp_path):
    path = write_csv(tmp_path, "email,name,organisation,role\n"
                               "oe@herne.example,Jörg Öztürk,herne,member\n", encoding="latin-1")
    before = counts()
    error = fails("import_users", str(path))
    assert "is not UTF-8 text" in str(error)
    assert counts() == before


def test_import_users_of_a_missing_file_or_a_directory_fails(herne, tmp_path):
    before = counts()
    assert "File not found" in str(fails("import_users", str(tmp_path / "fehlt.csv")))
    assert "Cannot read" in str(fails("import_users", str(tmp_path)))
    assert counts() == before


# --- api_token --------------------------------------------------------------------------------

def test_api_token_for_an_unknown_address_fails(member):
    before = counts()
    error = fails("api_token", "niemand@bochum.example")
    assert "No active person with the e-mail address 'niemand@bochum.example'" in str(error)
    assert counts() == before


def test_api_token_for_a_deactivated_person_fails(member):
    member.is_active = False
    member.save(update_fields=["is_active"])
    before = counts()
    fails("api_token", member.email)
    assert counts() == before


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_api_token_with_a_bad_name_fails(member, name):
    before = counts()
    error = fails("api_token", member.email, "--name", name)
    assert "1 to 100 characters" in str(error)
    assert counts() == before


def test_api_token_prints_only_the_token_and_stores_its_hash(member):
    out, _ = run("api_token", member.email)
    raw_key = out.strip()
    token = ApiToken.objects.get(user=member)
    assert out == raw_key + "\n"
    assert token.name == "manage.py api_token"
    assert raw_key not in (token.key_hash, token.prefix, token.name)


# --- seed_demo --------------------------------------------------------------------------------

def test_seed_demo_builds_the_demo_region_and_prints_the_logins():
    out, _ = run("seed_demo")

    service = Organisation.objects.get(kind=OrganisationKind.SERVICE)
    assert service.slug == "eglv"
    cities = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
    assert cities.count() == 16
    assert set(cities.values_list("slug", flat=True)) == {slug for slug, _ in CITIES}
    assert set(UserRole.objects.values_list("role", flat=True)) == set(Role.values)
    for city in cities:
        assert city.people.filter(role_assignments__role=Role.COORDINATOR).exists(), city
    assert User.objects.filter(organisation=service).exists()
    assert "people: 103 created" in out
    assert f"password for all: {DEMO_PASSWORD}" in out
    for email, name, _slug, roles in DEMO_LOGINS:
        assert email in out and name in out
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert user.roles == set(roles)
    # the people have expertise, so the people finder has something to find
    assert User.objects.filter(topics__isnull=False).distinct().count() == 103


def test_seed_demo_is_idempotent():
    run("seed_demo")
    before = counts()
    out, _ = run("seed_demo")
    assert "people: 0 created" in out
    assert counts() == before


def test_seed_demo_completes_a_partly_seeded_region():
    OrganisationFactory(slug="bochum", name="Stadt Bochum")
    UserFactory(email=DEMO_LOGINS[0][0], name="Schon Da", organisation=None, roles=["member"])
    out, _ = run("seed_demo")
    assert "people: 102 created" in out
    assert Organisation.objects.count() == 17
    assert User.objects.get(email=DEMO_LOGINS[0][0]).name == "Schon Da"  # left alone
