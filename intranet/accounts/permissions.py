"""Who may do what with people, organisations and invitations: the only place that decides."""

from guardian.core import ObjectPermissionChecker

from intranet.core.access import not_found
from intranet.core.permissions import has_role

from .models import Organisation, Role, User

# Roles someone may hand out by invitation, by the inviter's own role.
INVITABLE_ROLES_BY_COORDINATOR = {Role.MEMBER, Role.COORDINATOR}
INVITABLE_ROLES_BY_SERVICE = {r for r in Role if r != Role.ADMIN}


def can_view_person(user, person: User) -> bool:
    return bool(user.is_authenticated and person.is_active)


def access_person(user, person_id) -> User:
    from .selectors import person_profile_visible_to

    person = person_profile_visible_to(user=user).filter(pk=person_id).first()
    if person is None:
        raise not_found()
    return person


def can_view_organisation(user, organisation: Organisation) -> bool:
    return bool(user.is_authenticated)


def access_organisation(user, slug: str) -> Organisation:
    from .selectors import organisation_list_visible_to

    organisation = organisation_list_visible_to(user=user).filter(slug=slug).first()
    if organisation is None:
        raise not_found()
    return organisation


def can_edit_organisation(user, organisation: Organisation) -> bool:
    if has_role(user, Role.ADMIN, Role.SERVICE):
        return True
    # Coordinators hold a guardian grant on their own city, written by user_set_roles.
    return bool(
        user.is_authenticated
        and ObjectPermissionChecker(user).has_perm("change_organisation", organisation)
    )


def can_edit_profile(user, person: User) -> bool:
    return bool(user.is_authenticated and (user.pk == person.pk or has_role(user, Role.ADMIN)))


def can_change_roles(user, person: User) -> bool:
    return has_role(user, Role.ADMIN) and user.pk != person.pk


def invitable_roles(user, organisation: Organisation | None = None) -> set[str]:
    """The roles ``user`` may give by invitation to someone of ``organisation``."""
    if has_role(user, Role.ADMIN):
        return set(Role)
    if has_role(user, Role.SERVICE, Role.STEERING):
        return set(INVITABLE_ROLES_BY_SERVICE)
    if has_role(user, Role.COORDINATOR) and (
        organisation is None or organisation.pk == user.organisation_id
    ):
        return set(INVITABLE_ROLES_BY_COORDINATOR)
    return set()


def can_invite(user) -> bool:
    return bool(invitable_roles(user))


def can_invite_to(user, organisation: Organisation, roles) -> bool:
    allowed = invitable_roles(user, organisation)
    return bool(roles) and set(roles) <= allowed


def can_manage_invitation(user, invitation) -> bool:
    if has_role(user, Role.ADMIN, Role.SERVICE, Role.STEERING):
        return True
    return has_role(user, Role.COORDINATOR) and invitation.organisation_id == user.organisation_id


def can_delete_account(user, person: User) -> bool:
    """The person themselves (with their password), or a platform administrator for others."""
    if not user.is_authenticated or not person.is_active:
        return False
    return user.pk == person.pk or has_role(user, Role.ADMIN)
