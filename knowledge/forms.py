from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.core.widgets import FlatChoices, LightSelect

from .models import ResultType


class LibraryFilterForm(forms.Form):
    """The library's filters. Unknown values are simply no filter: a stale bookmark still
    opens the library."""

    # Light selects: at nation scale the network and city filters have thousands of options.
    topic = forms.ChoiceField(label=_("Topic"), required=False, widget=LightSelect)
    type = forms.ChoiceField(label=_("Type"), required=False, widget=LightSelect)
    network = forms.ChoiceField(label=_("Network"), required=False, widget=LightSelect)
    city = forms.ChoiceField(label=_("City"), required=False, widget=LightSelect)
    year = forms.ChoiceField(label=_("Year"), required=False, widget=LightSelect)

    def __init__(self, *args, facets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.facets = facets
        for name in ("topic", "type", "network", "city", "year"):
            self.fields[name].choices = FlatChoices([("", _("all"))] + [
                (value, f"{label} ({count})") for value, label, count in facets[name]])

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"topic": data["topic"], "result_type": data["type"],
                "network": data["network"], "city": data["city"],
                "year": int(data["year"]) if data["year"] else None}


class ResultStartForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255,
                            help_text=_("You can change it in the editor."))
    kind = forms.ChoiceField(label=_("What are you publishing?"), choices=ResultType.choices,
                             initial=ResultType.GUIDELINE)
