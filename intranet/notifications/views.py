from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from intranet.core.access import PUBLIC, access_rule, not_found

from . import selectors, services
from .forms import PreferencesForm
from .models import Kind


@access_rule("login: notifications_visible_to (own only)")
def notification_list(request):
    notifications = selectors.notifications_visible_to(user=request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "query": ""})


@require_POST
@access_rule("login: own notifications")
def notifications_read_all(request):
    services.notifications_mark_read(user=request.user)
    return redirect("notifications:list")


@access_rule("login: own notification settings")
def preferences(request):
    current = selectors.preferences_of(user=request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_update(user=request.user, frequencies=form.cleaned_data)
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# Public: the signed token of one person's e-mail is the permission. CSRF-exempt because
# mail programs post the one-click unsubscribe of RFC 8058 without any session.
@csrf_exempt
@access_rule(PUBLIC)
def unsubscribe(request, token: str):
    """The unsubscribe link of an e-mail. GET asks, POST switches the kinds off: mail
    scanners that follow links must not unsubscribe anyone."""
    decoded = services.read_unsubscribe_token(token)
    person = None
    if decoded:
        person = get_user_model().objects.filter(pk=decoded[0], is_active=True).first()
    if person is None:
        raise not_found()
    kinds = [Kind(kind) for kind in decoded[1]]
    done = request.method == "POST"
    if done:
        services.unsubscribe(user=person, kinds=kinds)
    return render(request, "notifications/unsubscribe.html", {
        "kinds": kinds, "done": done, "signed_in": request.user == person})
