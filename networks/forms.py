"""Forms of the expert-network pages: they parse input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.accounts.models import Organisation, Topic
from intranet.core.widgets import FlatChoices, LightSelect

from .models import MemberRole, Status, TaskState, Visibility

# One line per visibility, shown next to its radio button (DESIGN §3.6).
VISIBILITY_CHOICES = [
    (Visibility.OPEN, _("Open – everyone on the platform reads the workspace and may join.")),
    (Visibility.ON_REQUEST, _("On request – everyone sees the mandate and results; joining "
                              "needs a lead's approval.")),
    (Visibility.CONFIDENTIAL, _("Confidential – only members see the network; new members "
                                "join by invitation.")),
]


class NetworkFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or question"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=LightSelect)
    topic = forms.ChoiceField(label=_("Topic"), required=False, widget=LightSelect)
    organisation = forms.ChoiceField(label=_("City or organisation"), required=False,
                                     widget=LightSelect)
    mine = forms.BooleanField(label=_("Only my networks"), required=False)

    def __init__(self, *args, organisations, topics, **kwargs):
        """``organisations`` and ``topics`` are (slug, name) pairs."""
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *Status.choices]
        self.fields["topic"].choices = [("", _("All")), *topics]
        self.fields["organisation"].choices = FlatChoices([("", _("All")), *organisations])


class NetworkForm(forms.Form):
    """Founding and describing a network: one short form."""

    name = forms.CharField(label=_("Name"), max_length=150)
    mandate = forms.CharField(
        label=_("Problem or question"), max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Which overarching problem does the network take on?"))
    goals = forms.CharField(
        label=_("Goals and expected results"), max_length=3000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What should exist when the network is done: a guide, a concept, a "
                    "joint application …"))
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=VISIBILITY_CHOICES,
                                   initial=Visibility.OPEN, widget=forms.RadioSelect)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The address of a colleague who already works on the platform."))
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices,
                             initial=MemberRole.MEMBER, widget=LightSelect)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=MemberRole.choices)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        city = person.organisation.name if person.organisation_id else ""
        return f"{person.name} ({city})" if city else person.name


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    assignee = PersonChoiceField(label=_("Assigned to"), queryset=None, required=False,
                                 empty_label=_("Nobody yet"))
    due = forms.DateField(label=_("Due"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, members, **kwargs):
        """``members``: the people a task may go to (the network's active members)."""
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members


class TaskEditForm(TaskForm):
    state = forms.ChoiceField(label=_("State"), choices=TaskState.choices)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Without a title, the file name is used."))
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, text, CSV or an image."))


class VersionForm(forms.Form):
    file = forms.FileField(label=_("New version"),
                           help_text=_("The earlier versions are kept."))


class EndNetworkForm(forms.Form):
    """Ending a network: dissolve it with its results, or continue it as a standing one."""

    DISSOLVE, CONTINUE = "dissolve", "continue"

    outcome = forms.ChoiceField(
        label=_("How does the network end?"), widget=forms.RadioSelect,
        choices=[(DISSOLVE, _("Dissolve: the work is done, the results are handed over.")),
                 (CONTINUE, _("Continue as a standing network: the task remains."))])
    summary = forms.CharField(
        label=_("What was achieved"), max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed to dissolve: a short summary; it stays on the network's page."))
    results = forms.CharField(
        label=_("Where the results are"), max_length=3000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Links to the published results, or where to find them. If there are "
                    "none, say why below."))
    reason = forms.CharField(
        label=_("Why there are no results"), max_length=3000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only if there is nothing to link."))
    note = forms.CharField(
        label=_("Note on continuing"), max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: why the task remains and what comes next."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == self.DISSOLVE:
            if not cleaned.get("summary", "").strip():
                self.add_error("summary", _("Say briefly what the network achieved."))
            if not cleaned.get("results", "").strip() and not cleaned.get("reason", "").strip():
                self.add_error("reason", _("Link the results, or say why there are none."))
        return cleaned


class TaskFilterForm(forms.Form):
    done = forms.BooleanField(label=_("Show done tasks too"), required=False)


class IdeaForm(forms.Form):
    question = forms.CharField(
        label=_("The question"), max_length=200,
        help_text=_("Which problem needs a network? One sentence, as a question."))
    why = forms.CharField(
        label=_("Why it matters"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What goes wrong today, and what would a network change?"))
    cities = forms.ModelMultipleChoiceField(
        label=_("Cities facing it"), queryset=Organisation.objects.order_by("name"),
        required=False, widget=forms.CheckboxSelectMultiple)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple)


class IdeaCommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class IdeaConvertForm(forms.Form):
    name = forms.CharField(label=_("Name of the network"), max_length=150)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=VISIBILITY_CHOICES,
                                   initial=Visibility.OPEN, widget=forms.RadioSelect)
