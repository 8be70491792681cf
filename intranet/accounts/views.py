"""People, cities, invitations and the personal settings: thin views over selectors/services."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intranet.core.access import PUBLIC, access_rule, not_found
from intranet.core.downloads import private_image_response
from intranet.core.forms import copy_service_errors
from intranet.core.paging import CappedPaginator
from networks import selectors as network_selectors

from . import selectors, services
from .data_export import data_exports_of
from .forms import (
    ApiTokenForm,
    InvitationAcceptForm,
    InvitationForm,
    OrganisationForm,
    PeopleFilterForm,
    ProfileForm,
    RolesForm,
)
from .permissions import (
    access_organisation,
    access_person,
    can_change_roles,
    can_delete_account,
    can_edit_organisation,
    can_edit_profile,
    can_invite,
    can_manage_invitation,
)

PEOPLE_PER_PAGE = 24




@access_rule("login: person_list_visible_to")
def people_list(request):
    form = PeopleFilterForm(
        request.GET or None,
        organisations=selectors.organisation_choices_visible_to(user=request.user),
        topics=selectors.topic_choices(),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    people = selectors.person_list_visible_to(
        user=request.user,
        q=filters.get("q", ""),
        organisation=filters.get("organisation", ""),
        topic=filters.get("topic", ""),
    )
    page = CappedPaginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    partial = request.headers.get("HX-Request")
    template = "accounts/people_results.html" if partial else "accounts/people_list.html"
    return render(request, template, context)


@access_rule("login: access_person")
def person_detail(request, pk: int):
    person = access_person(request.user, pk)
    return render(request, "accounts/person_detail.html", {
        "person": person,
        "may_edit": can_edit_profile(request.user, person),
        "may_change_roles": can_change_roles(request.user, person),
        "may_delete": person.pk != request.user.pk and can_delete_account(request.user, person),
    })


@access_rule("login: own profile (can_edit_profile)")
def profile_edit(request):
    person = request.user
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        topics = data.pop("topics")
        try:
            services.profile_update(person=person, actor=request.user, topics=topics, **data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            response = redirect("person_detail", pk=person.pk)
            response.delete_cookie("kw_language")  # the profile's language wins again
            return response
    return render(request, "accounts/profile_edit.html", {"form": form})


@access_rule("login: can_change_roles")
def person_roles(request, pk: int):
    person = access_person(request.user, pk)
    if not can_change_roles(request.user, person):
        raise PermissionDenied
    form = RolesForm(request.POST or None, initial={"roles": sorted(person.roles)})
    if request.method == "POST" and form.is_valid():
        services.user_set_roles(user=person, roles=form.cleaned_data["roles"], actor=request.user)
        messages.success(request, _("The roles of %(name)s have been changed.") % {
            "name": person.name})
        return redirect("person_detail", pk=person.pk)
    return render(request, "accounts/person_roles.html", {"person": person, "form": form})


@access_rule("login: own account")
def profile_settings(request):
    from allauth.mfa.utils import is_mfa_enabled

    new_key = request.session.pop("new_api_key", None)
    return render(request, "accounts/settings.html", {
        "tokens": selectors.api_tokens_of(user=request.user),
        "token_form": ApiTokenForm(),
        "new_key": new_key,
        "mfa_enabled": is_mfa_enabled(request.user),
        "data_exports": data_exports_of(user=request.user),
        "data_export_days": settings.DATA_EXPORT_RETENTION_DAYS,
    })


@require_POST
@access_rule("login: own account")
def api_token_create(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the token a name of at most 100 characters."))
        return redirect("profile_settings")
    _token, raw_key = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
    # Shown exactly once, on the next page; only its hash is stored.
    request.session["new_api_key"] = raw_key
    messages.success(request, _("The token has been created. Copy it now: it is shown only once."))
    return redirect("profile_settings")


@require_POST
@access_rule("login: own tokens only (api_tokens_of)")
def api_token_revoke(request, pk: int):
    token = selectors.api_tokens_of(user=request.user).filter(pk=pk).first()
    if token is None:
        raise not_found()
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token has been revoked."))
    return redirect("profile_settings")


@require_POST
@access_rule("login: own account")
def feed_token_reset(request):
    services.feed_token_reset(user=request.user)
    messages.success(request, _("Your feed key has been renewed; the old one no longer works."))
    return redirect("profile_settings")


ORGANISATIONS_PER_PAGE = 48
CITY_NETWORKS = 12


@access_rule("login: organisation_list_visible_to")
def organisation_list(request):
    organisations = selectors.organisation_list_visible_to(user=request.user)
    page = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_people_counts(page.object_list)
    return render(request, "accounts/organisation_list.html", {"page": page, "query": ""})


@access_rule("login: access_organisation")
def organisation_detail(request, slug: str):
    organisation = access_organisation(request.user, slug)
    people = selectors.person_list_visible_to(user=request.user, organisation=slug)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/organisation_detail.html", {
        "organisation": organisation,
        "coordinators": selectors.coordinators_of(organisation=organisation),
        "page": page,
        "query": "",
        "may_edit": can_edit_organisation(request.user, organisation),
        "may_invite": can_invite(request.user),
        # Networks the viewer may see in which people of this city are active members.
        "networks": network_selectors.network_list_for_index(
            user=request.user, organisation=slug).prefetch_related(None)[:CITY_NETWORKS],
    })


@access_rule("login: access_organisation")
def organisation_logo(request, slug: str):
    """Logos go through a checked view like every file: no public media URL (DESIGN §3)."""
    organisation = access_organisation(request.user, slug)
    if not organisation.logo:
        raise not_found()
    return private_image_response(organisation.logo.storage, organisation.logo.name,
                                  content_type=_image_type(organisation.logo.name))


def _image_type(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower()
    return {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
            "webp": "image/webp"}.get(suffix, "application/octet-stream")


@access_rule("login: access_organisation + can_edit_organisation")
def organisation_edit(request, slug: str):
    organisation = access_organisation(request.user, slug)
    if not can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("The page of %(name)s has been saved.") % {
                "name": organisation.name})
            return redirect("organisation_detail", slug=organisation.slug)
    return render(request, "accounts/organisation_edit.html", {
        "organisation": organisation, "form": form})


@access_rule("login: can_invite")
def invitation_list(request):
    if not can_invite(request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST or None, inviter=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(inviter=request.user, **form.cleaned_data)
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            messages.success(request, _("An invitation is on its way to %(email)s.") % {
                "email": invitation.email})
            return redirect("invitation_list")
    invitations = selectors.invitation_list_visible_to(user=request.user)
    page = Paginator(invitations, 25).get_page(request.GET.get("page"))
    return render(request, "accounts/invitation_list.html", {
        "form": form, "page": page, "query": ""})


def _access_invitation(user, pk):
    invitation = selectors.invitation_list_visible_to(user=user).filter(pk=pk).first()
    if invitation is None or not can_manage_invitation(user, invitation):
        raise not_found()
    return invitation


@require_POST
@access_rule("login: invitation_list_visible_to + can_manage_invitation")
def invitation_revoke(request, pk: int):
    invitation = _access_invitation(request.user, pk)
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, _("The invitation has been withdrawn."))
    return redirect("invitation_list")


@require_POST
@access_rule("login: invitation_list_visible_to + can_manage_invitation")
def invitation_resend(request, pk: int):
    invitation = _access_invitation(request.user, pk)
    if invitation.accepted_at:
        messages.error(request, _("This invitation has already been accepted."))
    else:
        services.invitation_resend(invitation=invitation, actor=request.user)
        messages.success(request, _("The invitation has been sent again."))
    return redirect("invitation_list")


@access_rule(PUBLIC)
def invitation_accept(request, token: str):
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        from django.contrib.auth import logout

        logout(request)
    form = InvitationAcceptForm(
        request.POST or None, invitation=invitation, initial={"name": invitation.name})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation, name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            from django.contrib.auth import login

            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(request, _("Welcome to Klima.Werk, %(name)s!") % {"name": user.name})
            return HttpResponseRedirect(reverse("profile_edit"))
    return render(request, "accounts/invitation_accept.html", {
        "invitation": invitation, "form": form})


@access_rule("login: mention_candidates (person_list_visible_to)")
def mention_suggestions(request):
    """Suggestions for an @-mention while typing (JSON for the small script in site.js)."""
    people = selectors.mention_candidates(user=request.user, prefix=request.GET.get("q", ""))
    return JsonResponse({"results": [
        {"handle": person.handle, "name": person.name,
         "organisation": person.organisation.name if person.organisation else ""}
        for person in people]})
