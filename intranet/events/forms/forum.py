"""Forms of the Expertenforum's planning."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.accounts.models import Organisation, OrganisationKind


class AdoptHostForm(forms.Form):
    """A suggestion of the host rotation taken over: a year and a member city."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    host_organisation = forms.ModelChoiceField(
        label=_("Host city"), to_field_name="slug",
        queryset=Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY))
