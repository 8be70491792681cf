from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DEFAULT_FREQUENCY, Frequency, Kind


class PreferencesForm(forms.Form):
    """One choice per kind of notification, shown as radio buttons."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Frequency.choices, widget=forms.RadioSelect,
                initial=current.get(kind.value, DEFAULT_FREQUENCY[kind]),
                help_text=_("Default: %(frequency)s") % {
                    "frequency": Frequency(DEFAULT_FREQUENCY[kind]).label})
