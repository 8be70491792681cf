from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from intranet.core.access import access_rule

from . import selectors, services


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
