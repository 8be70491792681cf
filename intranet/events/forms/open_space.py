"""Forms of the Expertenforum's open space: they parse input; the services decide."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.accounts.selectors import person_list_visible_to

from ..models import ForumEdition, OpenSpaceRoom, OpenSpaceSession, OpenSpaceSlot


class SessionProposalForm(forms.Form):
    """A question or concern brought as a session; the host is the proposer unless an
    active colleague's e-mail address is given."""

    title = forms.CharField(
        label=_("Title of the session"), max_length=200,
        help_text=_("Your question or concern in a few words, e.g. "
                    "„Wie finanzieren wir Baumrigolen?“"),
        error_messages={"required": _("Give your session a title.")})
    description = forms.CharField(
        label=_("What is it about?"), max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you would like to discuss or learn from the others."))
    host = forms.EmailField(
        label=_("Hosted by (e-mail address)"), max_length=254, required=False,
        help_text=_("Leave empty if you host the session yourself."))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def clean_host(self):
        address = self.cleaned_data["host"].strip().lower()
        if not address:
            return None
        person = person_list_visible_to(user=self.viewer).prefetch_related(None).filter(
            email__iexact=address).first()
        if person is None:
            raise forms.ValidationError(
                _("No active colleague has this e-mail address: %(emails)s"),
                params={"emails": address}, code="unknown")
        return person


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Room"), max_length=100,
                           error_messages={"required": _("Name the room.")})
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10000,
                                  required=False)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class SlotForm(forms.Form):
    """A time slot on one of the forum's days."""

    day = forms.DateField(label=_("Day"), widget=DateInput(),
                          error_messages={"required": _("Choose the day."),
                                          "invalid": _("Enter a valid date.")})
    begins = forms.TimeField(label=_("Begins"), widget=TimeInput(),
                             error_messages={"required": _("Enter when the slot begins.")})
    ends = forms.TimeField(label=_("Ends"), widget=TimeInput(),
                           error_messages={"required": _("Enter when the slot ends.")})

    def __init__(self, *args, edition: ForumEdition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition

    def clean(self):
        data = super().clean()
        day, begins, ends = data.get("day"), data.get("begins"), data.get("ends")
        edition = self.edition
        if day and edition.start_date and edition.end_date and not (
                edition.start_date <= day <= edition.end_date):
            self.add_error("day", _("Choose a day of the forum (%(first)s to %(last)s).") % {
                "first": edition.start_date.strftime("%d.%m.%Y"),
                "last": edition.end_date.strftime("%d.%m.%Y")})
        elif day and day.year != edition.year:
            self.add_error("day", _("Choose a day in %(year)s.") % {"year": edition.year})
        if begins and ends and ends <= begins:
            self.add_error("ends", _("The slot must end after it begins."))
        if day and begins and ends and not self.errors:
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, begins))
            data["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, ends))
        return data


class PlaceForm(forms.Form):
    """A session put into a room and a slot, or (both empty) taken out of the programme."""

    session = forms.ModelChoiceField(queryset=OpenSpaceSession.objects.none())
    room = forms.ModelChoiceField(label=_("Room"), queryset=OpenSpaceRoom.objects.none(),
                                  required=False)
    slot = forms.ModelChoiceField(label=_("Time slot"), queryset=OpenSpaceSlot.objects.none(),
                                  required=False)

    def __init__(self, *args, edition: ForumEdition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = OpenSpaceSession.objects.filter(edition=edition)
        self.fields["room"].queryset = OpenSpaceRoom.objects.filter(edition=edition)
        self.fields["slot"].queryset = OpenSpaceSlot.objects.filter(edition=edition)

    def clean(self):
        data = super().clean()
        room, slot = data.get("room"), data.get("slot")
        if "room" in data and "slot" in data and (room is None) != (slot is None):
            self.add_error("room" if room is None else "slot",
                           _("Choose both a room and a time slot."))
        return data


class ResultsForm(forms.Form):
    results = forms.CharField(
        label=_("Results"), max_length=20000, required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("What the session found, agreed or wants to follow up. Markdown: "
                    "**bold**, lists with -, links."))
