from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .services import MESSAGE_MAX


class QuietDaysForm(forms.Form):
    quiet_days = forms.IntegerField(
        label=_("Quiet for at least (days)"), min_value=1, max_value=3650, required=False,
        help_text=_("Networks without any activity for this long are listed for attention."))

    def days(self) -> int:
        if self.is_valid() and self.cleaned_data.get("quiet_days"):
            return self.cleaned_data["quiet_days"]
        return settings.STEERING_QUIET_DAYS


class LeadMessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the leads"), max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("They receive it as a notification, by e-mail if they chose so. "
                    "Without leads, every member receives it."))
