"""Writes of the Expertenforum's planning."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from intranet.core.errors import ConflictError
from intranet.core.services import audit_record

from .. import permissions
from ..models import Event, ForumEdition

# --- Expertenforum ----------------------------------------------------------------------

def _year_taken(year: int) -> ConflictError:
    return ConflictError(_("There is already an Expertenforum for %(year)s.") % {
        "year": year})


@transaction.atomic
def forum_edition_create(*, actor, year: int, host_organisation, theme: str = "",
                         start_date: datetime.date | None = None,
                         end_date: datetime.date | None = None, venue: str = "",
                         description: str = "", event: Event | None = None) -> ForumEdition:
    """A year's forum with its host city (e.g. a suggestion of the rotation adopted).
    One edition per year: a year already planned is refused and nothing changes."""
    if not permissions.can_manage_forum(actor):
        raise PermissionDenied(_("Only the service organisation plans the Expertenforum."))
    if ForumEdition.objects.filter(year=year).exists():
        raise _year_taken(year)
    edition = ForumEdition(year=year, host_organisation=host_organisation,
                           theme=theme.strip(), start_date=start_date, end_date=end_date,
                           venue=venue.strip(), description=description.strip(),
                           event=event, created_by=actor)
    # The year's uniqueness is left to the database: checked here as well, a second person
    # adopting the same year a moment later would meet a ValidationError, not the message.
    edition.full_clean(validate_unique=False)
    try:
        with transaction.atomic():  # two adopting at once: the unique year decides
            edition.save()
    except IntegrityError as error:
        raise _year_taken(year) from error
    audit_record(actor=actor, action="forum_edition.create", target=edition, year=year,
                 host=host_organisation.slug)
    return edition
