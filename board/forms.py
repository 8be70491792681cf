"""Forms of the notice board: they parse input; the services decide and write."""

import datetime
import zoneinfo

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from intranet.accounts.models import Organisation, Topic
from intranet.core.widgets import FlatChoices, LightSelect

from .models import Audience, Category

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")

AUDIENCE_CHOICES = [
    (Audience.PLATFORM, _("The whole platform – everyone who works here reads it.")),
    (Audience.NETWORK, _("One of my networks – it follows the network's visibility.")),
    (Audience.CITIES, _("Selected cities – only the people of these cities read it.")),
]


def end_of_day(day: datetime.date | None) -> datetime.datetime | None:
    """A date from the form: the post stays up until the end of that day in Berlin."""
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=BERLIN)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def mention_attrs(rows: int) -> dict:
    """A text field that offers colleagues while typing @ (intranet/static/js/site.js)."""
    return {"rows": rows, "data-mentions": reverse_lazy("mention_suggestions"),
            "data-mentions-label": _("Mention a colleague:")}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class BoardFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False, widget=LightSelect)
    topic = forms.ChoiceField(label=_("Topic"), required=False, widget=LightSelect)
    city = forms.ChoiceField(label=_("City or organisation"), required=False,
                             widget=LightSelect)
    # The person's own networks (and the chosen one): board/views.py.
    network = forms.ChoiceField(label=_("Network"), required=False, widget=LightSelect)
    unread = forms.BooleanField(label=_("Only unread"), required=False)

    def __init__(self, *args, organisations, topics, networks, **kwargs):
        """``organisations``, ``topics`` and ``networks`` are (slug, name) pairs."""
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All")), *Category.choices]
        self.fields["topic"].choices = [("", _("All")), *topics]
        self.fields["city"].choices = FlatChoices([("", _("All")), *organisations])
        self.fields["network"].choices = FlatChoices([("", _("All")), *networks])


class PostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"), max_length=20000, widget=forms.Textarea(attrs=mention_attrs(10)),
        help_text=_("Markdown: **bold**, *italic*, [link](https://…), lists with “- ”. "
                    "Mention a colleague with @ and their handle, e.g. @maria.mueller."))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices,
                                 widget=LightSelect)
    audience = forms.ChoiceField(label=_("Who reads it?"), choices=AUDIENCE_CHOICES,
                                 initial=Audience.PLATFORM, widget=forms.RadioSelect)
    network = forms.ModelChoiceField(label=_("Network"), queryset=None, required=False,
                                     to_field_name="slug",
                                     help_text=_("Only for a post in one of your networks."))
    cities = forms.ModelMultipleChoiceField(
        label=_("Cities"), queryset=Organisation.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for a post to selected cities."))
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple)
    expires_at = forms.DateField(
        label=_("Expires on"), required=False, widget=DateInput(),
        help_text=_("Optional: after this day the post leaves the board and stays in the "
                    "archive."))
    files = MultipleFileField(
        label=_("Files"), required=False,
        help_text=_("Optional: up to 10 files – PDF, Word, Excel, PowerPoint, OpenDocument, "
                    "text, CSV or images."))

    def __init__(self, *args, networks, cities, **kwargs):
        """``networks``: the networks the author may post in; ``cities``: a queryset."""
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks
        self.fields["cities"].queryset = cities

    def clean_expires_at(self):
        return end_of_day(self.cleaned_data.get("expires_at"))


class PostEditForm(forms.Form):
    """Editing: the audience stays as it was written."""

    title = PostForm.base_fields["title"]
    body = PostForm.base_fields["body"]
    category = PostForm.base_fields["category"]
    topics = PostForm.base_fields["topics"]
    expires_at = PostForm.base_fields["expires_at"]

    def clean_expires_at(self):
        return end_of_day(self.cleaned_data.get("expires_at"))


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=5000,
                           widget=forms.Textarea(attrs=mention_attrs(3)),
                           help_text=_("Markdown is allowed. Mention a colleague with @ "
                                       "and their handle, e.g. @maria.mueller."))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PinForm(forms.Form):
    until = forms.DateField(label=_("Pinned until"), required=False, widget=DateInput(),
                            help_text=_("Optional: without a date the pin stays until "
                                        "someone removes it."))

    def clean_until(self):
        return end_of_day(self.cleaned_data.get("until"))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_(
        "PDF, Word, Excel, PowerPoint, OpenDocument, text, CSV or images."))
