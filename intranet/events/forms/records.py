"""Forms of a meeting's records: they parse input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.core.widgets import LightSelect
from networks.models import TaskState

from ..models import AgendaStatus, DecisionStatus
from .event import DateTimeLocalInput, MeetingDateTimeField, PeopleField


def _with_viewer(form, viewer) -> None:
    for field in form.fields.values():
        if isinstance(field, PeopleField):
            field.viewer = viewer


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = MeetingDateTimeField(label=_("Starts at"), required=False,
                                     widget=DateTimeLocalInput())
    duration = forms.IntegerField(label=_("Duration in minutes"), required=False,
                                  min_value=1, max_value=24 * 60)
    description = forms.CharField(label=_("Description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    presenters = PeopleField(label=_("Presenters on the platform"),
                             help_text=_("E-mail addresses, one per line."))
    presenter_names = forms.CharField(label=_("Other presenters"), max_length=200,
                                      required=False,
                                      help_text=_("Names of presenters without an account."))

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        _with_viewer(self, viewer)


class SlideForm(forms.Form):
    file = forms.FileField(label=_("Slides or handout"),
                           help_text=_("PDF, PowerPoint, OpenDocument, Word or an image."))


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200)
    reason = forms.CharField(label=_("Why the meeting should discuss it"), max_length=3000,
                             widget=forms.Textarea(attrs={"rows": 4}))
    description = forms.CharField(label=_("Background"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("What has happened so far, who is involved."))


class ProposalDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision on the proposal"), widget=forms.RadioSelect, choices=[
            (AgendaStatus.ACCEPTED, _("Accept onto the agenda")),
            (AgendaStatus.DEFERRED, _("Defer (it can be carried to the next meeting)")),
            (AgendaStatus.DECLINED, _("Decline"))])
    note = forms.CharField(label=_("Note to the proposer"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ProposalDeadlineForm(forms.Form):
    proposal_deadline = MeetingDateTimeField(
        label=_("Proposals are taken until"), required=False, widget=DateTimeLocalInput(),
        help_text=_("Empty: until the meeting begins."))


class MinutesForm(forms.Form):
    text = forms.CharField(label=_("Minutes"), max_length=50000, required=False,
                           widget=forms.Textarea(attrs={"rows": 18}),
                           help_text=_("Markdown: **bold**, lists with “-”, headings with "
                                       "“##”."))


class DecisionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Wording"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    agenda_item = forms.TypedChoiceField(label=_("Agenda item"), required=False, coerce=int,
                                         empty_value=None, widget=LightSelect)
    status = forms.ChoiceField(label=_("State"), choices=DecisionStatus.choices,
                               initial=DecisionStatus.OPEN, widget=LightSelect)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {item.pk: item for item in items}
        self.fields["agenda_item"].choices = [("", _("None")), *[
            (item.pk, item.title) for item in items]]

    def clean_agenda_item(self):
        value = self.cleaned_data["agenda_item"]
        return self.items.get(value) if value is not None else None


class EventTaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    assignee = PeopleField(label=_("Assigned to"), widget=forms.TextInput,
                           help_text=_("The e-mail address of one colleague."))
    due = forms.DateField(label=_("Due"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        _with_viewer(self, viewer)

    def clean_assignee(self):
        people = self.cleaned_data["assignee"]
        if len(people) > 1:
            raise forms.ValidationError(_("Name one person."))
        return people[0] if people else None


class EventTaskEditForm(EventTaskForm):
    state = forms.ChoiceField(label=_("State"), choices=TaskState.choices, widget=LightSelect)


class TaskStateForm(forms.Form):
    state = forms.ChoiceField(choices=TaskState.choices)


DECISION_STATUS_FILTER = [("", _("All")), ("unfinished", _("Not yet done")),
                          *DecisionStatus.choices]


class DecisionFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int,
                                  empty_value=None, widget=LightSelect)
    status = forms.ChoiceField(label=_("State"), required=False, widget=LightSelect,
                               choices=DECISION_STATUS_FILTER)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All")), *[(year, str(year)) for year in years]]
