from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import AUDIT_ACTION_LABELS
from .widgets import LightSelect


class AuditFilterForm(forms.Form):
    actor = forms.IntegerField(label=_("Person (id)"), required=False, min_value=1,
                               widget=forms.HiddenInput)
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
