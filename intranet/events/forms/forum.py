"""Forms of the Expertenforum's planning."""

import zoneinfo

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from intranet.accounts.models import Organisation, OrganisationKind
from networks.models import TaskState


class AdoptHostForm(forms.Form):
    """A suggestion of the host rotation taken over: a year and a member city."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    host_organisation = forms.ModelChoiceField(
        label=_("Host city"), to_field_name="slug",
        queryset=Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        day = formats.date_format(obj.start.astimezone(BERLIN), "SHORT_DATE_FORMAT")
        return f"{obj.title} ({day})"


class ForumEditionForm(forms.Form):
    """An edition's facts, and its registration event: linked or created from the dates."""

    host_organisation = forms.ModelChoiceField(
        label=_("Host city"), to_field_name="slug",
        queryset=Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
        .order_by("name"),
        help_text=_("Only member cities host the Expertenforum."))
    theme = forms.CharField(label=_("Theme"), max_length=200, required=False)
    start_date = forms.DateField(label=_("First day"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("Last day"), required=False, widget=DateInput())
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False,
                            help_text=_("For example: Haus der Technik, Essen."))
    description = forms.CharField(
        label=_("Description and results"), max_length=10000, required=False,
        widget=forms.Textarea(attrs={"rows": 6}))
    event = EventChoiceField(
        label=_("Registration event"), required=False, queryset=None,
        empty_label=_("No registration event"),
        help_text=_("An event of the kind Expertenforum in the calendar, where people "
                    "register for the forum. Or tick the box below: a new event for "
                    "everyone, from 9:30 on the first day to 16:00 on the last, at the "
                    "venue; you can change it afterwards."))
    create_event = forms.BooleanField(
        label=_("Create the registration event from these dates"), required=False)

    def __init__(self, *args, events, **kwargs):
        """``events``: the forum events the person may link (visible, not another
        edition's)."""
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day must not be before the first day."))
        if start and not end:
            data["end_date"] = start  # a one-day forum
        if end and not start:
            self.add_error("start_date", _("Enter the first day as well."))
        if data.get("create_event"):
            if data.get("event"):
                self.add_error("create_event", _(
                    "Either link an existing event or create a new one, not both."))
            elif not start:
                self.add_error("create_event", _(
                    "Enter the first and the last day to create the registration event."))
        return data


# --- The planning timeline ---------------------------------------------------------------

class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organisation.name})" if obj.organisation_id else obj.name


class ForumPlanForm(forms.Form):
    """"Planning": the standard steps, all owned by one person at first."""

    owner = PersonChoiceField(label=_("Responsible for the steps"), queryset=None,
                              help_text=_("Each step can be given to someone else later."))

    def __init__(self, *args, planners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = planners


class ForumStepForm(forms.Form):
    assignee = PersonChoiceField(label=_("Responsible"), queryset=None)
    due = forms.DateField(label=_("Due"), widget=DateInput())
    state = forms.ChoiceField(label=_("State"), choices=TaskState.choices)

    def __init__(self, *args, planners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = planners


class ForumPlanShiftForm(forms.Form):
    days = forms.IntegerField(label=_("Move by days"), min_value=-730, max_value=730,
                              help_text=_("Negative: earlier; positive: later."))


# --- The gallery ---------------------------------------------------------------------------

class ForumPhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"), widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP, at most 15 MB. Location and camera data are "
                    "removed."))
    caption = forms.CharField(
        label=_("Caption"), max_length=300,
        help_text=_("What the photo shows, in a sentence: people who cannot see it read "
                    "this instead."))
