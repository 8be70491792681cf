"""Data protection doors: export one's data, download it, delete an account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intranet.core.access import access_rule, not_found
from intranet.core.downloads import private_storage_response
from intranet.core.forms import copy_service_errors

from . import data_export, privacy
from .forms import AccountDeleteForm
from .permissions import access_person, can_delete_account


@require_POST
@access_rule("login: own account")
def data_export_request(request):
    data_export.data_export_request(user=request.user)
    messages.success(request, _("Your data export is being prepared. You will receive a "
                                "notification when it is ready to download."))
    return redirect("profile_settings")


@access_rule("login: own archives only (data_export_path)")
def data_export_download(request, name: str):
    path = data_export.data_export_path(user=request.user, name=name)
    if path is None:
        raise not_found()
    return private_storage_response(path, filename=name, content_type="application/zip")


@access_rule("login: own account (can_delete_account)")
def account_delete_own(request):
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.account_delete(person=request.user, actor=request.user,
                                   password=form.cleaned_data["password"])
        except ValidationError as error:
            copy_service_errors(form, error)
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted. Goodbye!"))
            return redirect("account_login")
    return render(request, "accounts/privacy/account_delete.html", {
        "form": form, "person": request.user, "own": True})


@access_rule("login: access_person + can_delete_account (platform administrators)")
def account_delete_person(request, pk: int):
    person = access_person(request.user, pk)
    if person.pk == request.user.pk:
        return redirect("account_delete_own")
    if not can_delete_account(request.user, person):
        raise PermissionDenied
    if request.method == "POST":
        name = person.name
        privacy.account_delete(person=person, actor=request.user)
        messages.success(request, _("The account of %(name)s has been deleted.") % {
            "name": name})
        return redirect("people")
    return render(request, "accounts/privacy/account_delete.html", {
        "form": None, "person": person, "own": False})
