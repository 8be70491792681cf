from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import AUDIT_ACTION_LABELS
from .widgets import FlatChoices, LightSelect


class AuditFilterForm(forms.Form):
    actor = forms.IntegerField(label=_("Person (id)"), required=False, min_value=1,
                               widget=forms.HiddenInput)
    person = forms.CharField(label=_("Person"), required=False, max_length=100)
    organisation = forms.ChoiceField(label=_("City or organisation"), required=False,
                                     widget=LightSelect)
    action = forms.ChoiceField(label=_("Action"), required=False, widget=LightSelect)
    date_from = forms.DateField(label=pgettext_lazy("date range", "From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=pgettext_lazy("date range", "To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organisations, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("All")), *organisations]
        self.fields["action"].choices = [("", _("All"))] + [
            (a, AUDIT_ACTION_LABELS.get(a, a)) for a in actions]


def copy_service_errors(form, error: ValidationError, rename: dict | None = None) -> None:
    """Show a service's ValidationError on the form: at its field, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = (rename or {}).get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), max_length=200, required=False)
    type = forms.ChoiceField(label=_("What"), required=False, widget=LightSelect, choices=[
        ("", _("Everything")), ("result", _("Library results")),
        ("document", _("Documents in the library")), ("post", _("Posts")),
        ("network", _("Networks")), ("person", _("People")), ("event", _("Events"))])
    sort = forms.ChoiceField(label=_("Order"), required=False, widget=LightSelect, choices=[
        ("", _("Best match first")), ("date", _("Newest first"))])
    topic = forms.ChoiceField(label=_("Topic"), required=False, widget=LightSelect)
    city = forms.ChoiceField(label=_("City or organisation"), required=False,
                             widget=LightSelect)
    network = forms.ChoiceField(label=_("Network"), required=False, widget=LightSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000,
                              max_value=2100)

    def __init__(self, *args, topics=(), organisations=(), networks=(), **kwargs):
        """The choices are (slug, name) pairs the person may see."""
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("All")), *topics]
        self.fields["city"].choices = FlatChoices([("", _("All")), *organisations])
        self.fields["network"].choices = FlatChoices([("", _("All")), *networks])
