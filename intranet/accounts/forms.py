from allauth.account.forms import LoginForm
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from intranet.core.widgets import LightSelect

from .models import Organisation, Role, Topic, User
from .permissions import invitable_roles


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, position or expertise"), required=False, max_length=100)
    organisation = forms.ChoiceField(label=_("City or organisation"), required=False,
                                     widget=LightSelect)
    topic = forms.ChoiceField(label=_("Topic"), required=False, widget=LightSelect)

    def __init__(self, *args, organisations, topics, **kwargs):
        """``organisations`` and ``topics`` are (slug, name) pairs."""
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("All")), *organisations]
        self.fields["topic"].choices = [("", _("All")), *topics]


class ProfileForm(forms.ModelForm):
    topics = forms.ModelMultipleChoiceField(
        label=_("Expertise topics"), queryset=Topic.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Colleagues find you by these topics in the people finder."),
    )

    class Meta:
        model = User
        fields = ["name", "position", "phone", "bio", "language", "topics"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Platform roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class InvitationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    organisation = forms.ModelChoiceField(
        label=_("City or organisation"), queryset=Organisation.objects.none(), empty_label=None)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), widget=forms.CheckboxSelectMultiple, initial=[Role.MEMBER],
    )

    def __init__(self, *args, inviter, **kwargs):
        super().__init__(*args, **kwargs)
        self.inviter = inviter
        allowed = invitable_roles(inviter)
        self.fields["roles"].choices = [(r.value, r.label) for r in Role if r in allowed]
        organisations = Organisation.objects.order_by("name")
        if not invitable_roles(inviter) - {Role.MEMBER, Role.COORDINATOR}:
            # Coordinators invite colleagues of their own city only.
            organisations = organisations.filter(pk=inviter.organisation_id)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].initial = inviter.organisation_id

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("This person already has an account."))
        return email

    def clean(self):
        cleaned = super().clean()
        organisation, roles = cleaned.get("organisation"), cleaned.get("roles")
        if organisation and roles and not set(roles) <= invitable_roles(self.inviter, organisation):
            raise ValidationError(
                _("You may not invite someone with these roles to this organisation."))
        return cleaned


class InvitationAcceptForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            probe = User(email=self.invitation.email, name=cleaned.get("name", ""))
            try:
                validate_password(password1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "region", "website", "description", "logo"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        # Django's own German for this says "du"; ours says "Sie" and names what fits.
        error_messages = {"logo": {"invalid_image": _(
            "This file is not an image we accept. Allowed are PNG, JPEG, GIF and WebP.")}}

    def clean_logo(self):
        from django.conf import settings

        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > settings.LOGO_MAX_BYTES:
            raise ValidationError(_("The logo may be at most 1 MB."))
        return logo


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"), max_length=100,
        help_text=_("For example the tool or script that uses it."),
    )


class SignInForm(LoginForm):
    """allauth's sign-in form; the "forgot password" link sits below the button instead."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""


class AccountDeleteForm(forms.Form):
    """Deleting one's own account: the password confirms it is really the person."""

    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))
    confirm = forms.BooleanField(label=_("I understand that my account cannot be restored."))
