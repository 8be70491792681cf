"""Every write to people, organisations, roles, invitations and tokens."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from intranet.core.services import audit_record
from intranet.core.tasks import enqueue_after_commit

from .models import (
    ApiToken,
    Invitation,
    Organisation,
    OrganisationKind,
    Role,
    Topic,
    User,
    UserRole,
    new_feed_token,
    new_nonce,
)
from .permissions import can_invite_to

INVITATION_SALT = "klimawerk.invitation"
API_TOKEN_PREFIX = "kw_"  # noqa: S105 - a prefix, not a secret  # nosec B105


# --- Organisations ----------------------------------------------------------------------

@transaction.atomic
def organisation_create(
    *, slug: str, name: str, kind: str = OrganisationKind.MUNICIPALITY, region: str = "",
    actor: User | None = None,
) -> Organisation:
    organisation = Organisation(slug=slug, name=name, kind=kind, region=region)
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="organisation.create", target=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: User, **fields) -> Organisation:
    changed = sorted(name for name, value in fields.items()
                     if getattr(organisation, name) != value)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="organisation.update", target=organisation, fields=changed)
    return organisation


# --- People and roles -------------------------------------------------------------------

def _clean_roles(roles: Iterable[str]) -> list[str]:
    roles = sorted(set(roles))
    unknown = [role for role in roles if role not in Role.values]
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %(role)s") % {"role": unknown[0]}})
    return roles


@transaction.atomic
def user_create(
    *, email: str, name: str, organisation: Organisation | None, roles: Iterable[str],
    password: str | None = None, actor: User | None = None, **profile,
) -> User:
    roles = _clean_roles(roles)
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A person with this e-mail address already exists.")})
    user = User(email=email, name=name.strip(), organisation=organisation, **profile)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    _write_roles(user=user, roles=roles)
    audit_record(actor=actor, action="user.create", target=user, roles=roles)
    return user


def _write_roles(*, user: User, roles: list[str]) -> None:
    UserRole.objects.filter(user=user).exclude(role__in=roles).delete()
    existing = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
    UserRole.objects.bulk_create(UserRole(user=user, role=r) for r in roles if r not in existing)
    # Grants that follow from roles live in guardian, written only here.
    if user.organisation_id:
        if Role.COORDINATOR in roles:
            assign_perm("accounts.change_organisation", user, user.organisation)
        else:
            remove_perm("accounts.change_organisation", user, user.organisation)
    is_admin = Role.ADMIN in roles
    if user.is_staff != is_admin or user.is_superuser != is_admin:
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])
    user.__dict__.pop("roles", None)


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[str], actor: User | None) -> User:
    roles = _clean_roles(roles)
    before = sorted(user.roles)
    _write_roles(user=user, roles=roles)
    audit_record(actor=actor, action="user.roles", target=user, before=before, after=roles)
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: User) -> User:
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=actor, action="user.deactivate", target=user)
    return user


@transaction.atomic
def profile_update(*, person: User, actor: User, topics: Iterable[Topic] | None = None,
                   **fields) -> User:
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    if topics is not None:
        person.topics.set(topics)
    if actor.pk != person.pk:
        audit_record(actor=actor, action="user.profile_update", target=person)
    return person


# --- Invitations ------------------------------------------------------------------------

@transaction.atomic
def invitation_create(
    *, inviter: User, email: str, name: str, organisation: Organisation, roles: Iterable[str],
) -> Invitation:
    roles = _clean_roles(roles)
    if not can_invite_to(inviter, organisation, roles):
        raise PermissionDenied(
            _("You may not invite someone with these roles to this organisation."))
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("This person already has an account.")})
    Invitation.objects.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation(
        email=email, name=name.strip(), organisation=organisation, roles=roles,
        invited_by=inviter,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(actor=inviter, action="invitation.create", target=invitation,
                 organisation=organisation.slug, roles=roles)
    _send_invitation_after_commit(invitation)
    return invitation


def _send_invitation_after_commit(invitation: Invitation) -> None:
    from .tasks import send_invitation_email

    enqueue_after_commit(send_invitation_email, invitation.pk, run_here_if_broker_down=True)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    invitation.nonce = new_nonce()  # the old link stops working
    invitation.sent_at = None
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.save(update_fields=["nonce", "sent_at", "expires_at"])
    audit_record(actor=actor, action="invitation.resend", target=invitation)
    _send_invitation_after_commit(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="invitation.revoke", target=invitation)
    return invitation


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation a link stands for, or None for any link that is not (any more)."""
    try:
        payload = signing.loads(
            token, salt=INVITATION_SALT,
            max_age=timedelta(days=settings.INVITATION_VALID_DAYS),
        )
    except signing.BadSignature:
        return None
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(pk=payload.get("i"), nonce=payload.get("n")).first()
    )
    return invitation if invitation and invitation.is_open else None


@transaction.atomic
def invitation_accept(*, invitation: Invitation, name: str, password: str) -> User:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation is no longer valid."))
    user = user_create(
        email=invitation.email, name=name, organisation=invitation.organisation,
        roles=invitation.roles, password=password, actor=None,
    )
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    audit_record(actor=user, action="invitation.accept", target=invitation)
    return user


# --- Tokens -----------------------------------------------------------------------------

def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the raw key is returned once and never stored."""
    raw_key = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip() or _("API token"),
                     prefix=raw_key[:10], key_hash=hash_api_key(raw_key))
    token.full_clean()
    token.save()
    audit_record(actor=user, action="api_token.create", target=token)
    return token, raw_key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", target=token)
    return token


@transaction.atomic
def feed_token_reset(*, user: User) -> User:
    user.feed_token = new_feed_token()
    user.save(update_fields=["feed_token"])
    audit_record(actor=user, action="feed_token.reset", target=user)
    return user


VISIT_TOUCH = timedelta(minutes=5)   # how often a visit is written down
VISIT_GAP = timedelta(hours=1)       # away this long, and the next request starts a new visit


def visit_record(*, user: User, now=None) -> None:
    """Note that the person is here. When they were away for a while, the end of their
    previous visit becomes ``previous_visit_at``: "new since your last visit" starts there."""
    now = now or timezone.now()
    last = user.last_seen_at
    if last is not None and now - last < VISIT_TOUCH:
        return
    fields = {"last_seen_at": now}
    if last is None or now - last >= VISIT_GAP:
        fields["previous_visit_at"] = last
    User.objects.filter(pk=user.pk).update(**fields)
    for name, value in fields.items():
        setattr(user, name, value)
