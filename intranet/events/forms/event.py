"""Forms of the events: they parse input; the services decide and write."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.accounts.models import Organisation, Role
from intranet.accounts.selectors import person_list_visible_to
from intranet.core.widgets import LightSelect

from ..models import Audience, Kind

AUDIENCE_CHOICES = [
    (Audience.EVERYONE, _("Everyone on the platform")),
    (Audience.ROLES, _("People with certain roles")),
    (Audience.CITIES, _("People of certain cities")),
    (Audience.NETWORK, _("The members of a network – it follows the network's visibility")),
    (Audience.PEOPLE, _("Named people")),
]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingDateTimeField(forms.DateTimeField):
    """A local date and time a meeting can have. Without the bounds a year like 0001 passes
    the form and overflows when it is turned into UTC for the database (a 500)."""

    FIRST_YEAR, LAST_YEAR = 2000, 2100

    def validate(self, value):
        super().validate(value)
        if value is not None and not self.FIRST_YEAR <= value.year <= self.LAST_YEAR:
            raise forms.ValidationError(
                _("Enter a date between the years %(first)s and %(last)s."),
                code="out_of_range", params={"first": self.FIRST_YEAR, "last": self.LAST_YEAR})


class CalendarFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=LightSelect)
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    past = forms.BooleanField(label=_("Past events"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *Kind.choices]


class PeopleField(forms.CharField):
    """E-mail addresses of colleagues, one per line (or separated by commas): the people
    finder's active colleagues, as the person filling in the form may see them."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 5000)
        super().__init__(*args, **kwargs)
        self.viewer = None

    def clean(self, value):
        text = super().clean(value)
        emails = sorted({address.lower() for address in re.split(r"[\s,;]+", text or "")
                         if address})
        if not emails:
            return []
        people = list(person_list_visible_to(user=self.viewer).prefetch_related(None)
                      .filter(email__in=emails))
        unknown = sorted(set(emails) - {person.email.lower() for person in people})
        if unknown:
            raise forms.ValidationError(
                _("No active colleague has this e-mail address: %(emails)s"),
                params={"emails": ", ".join(unknown)}, code="unknown")
        return people


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, widget=LightSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=10000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    start = MeetingDateTimeField(label=_("Start"), widget=DateTimeLocalInput())
    end = MeetingDateTimeField(label=_("End"), widget=DateTimeLocalInput())
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False,
                            help_text=_("For example: Rathaus Bochum, Raum 112."))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), max_length=500, required=False,
                                assume_scheme="https",
                                help_text=_("For an online or hybrid meeting."))
    host_organisation = forms.ModelChoiceField(
        label=_("Host city"), required=False, queryset=Organisation.objects.none(),
        to_field_name="slug")
    audience = forms.ChoiceField(label=_("Who is invited?"), choices=AUDIENCE_CHOICES,
                                 initial=Audience.EVERYONE, widget=forms.RadioSelect)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Only for an event for certain roles."))
    cities = forms.ModelMultipleChoiceField(
        label=_("Cities"), queryset=Organisation.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Only for an event for certain cities."))
    network = forms.ModelChoiceField(
        label=_("Network"), queryset=None, required=False, to_field_name="slug",
        help_text=_("For a network meeting, or an event for a network's members."))
    people = PeopleField(label=_("Named people"), help_text=_(
        "Only for an event for named people: their e-mail addresses, one per line."))
    organisers = PeopleField(label=_("Further organisers"), help_text=_(
        "E-mail addresses, one per line. You organise the event yourself in any case."))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100000,
                                  required=False,
                                  help_text=_("Empty: as many as register."))
    registration_deadline = MeetingDateTimeField(
        label=_("Registration deadline"), required=False, widget=DateTimeLocalInput(),
        help_text=_("Empty: registration is open until the start."))

    def __init__(self, *args, viewer, networks, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks
        self.fields["cities"].queryset = cities
        self.fields["host_organisation"].queryset = cities
        self.fields["people"].viewer = viewer
        self.fields["organisers"].viewer = viewer

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        deadline = data.get("registration_deadline")
        if start and end and end <= start:
            self.add_error("end", _("The event must end after it starts."))
        if start and deadline and deadline > start:
            self.add_error("registration_deadline",
                           _("The registration deadline must not be after the start."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Note to the participants"), max_length=300,
                             required=False, widget=forms.Textarea(attrs={"rows": 2}))
