from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from board.feeds import board_feed
from intranet.core import health
from intranet.core import views as core_views
from intranet.core.search_api import SearchView
from intranet.events import views as event_views
from intranet.steering import views as steering_views
from knowledge.admin_urls import admin_urlpatterns
from knowledge.views import library_media


class SchemaView(SpectacularAPIView):
    access_rule = "login: the published API contract"


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its start script as a file of its own (``?script``): no inline script."""

    access_rule = "login: the published API contract"


class SignInRedirect(RedirectView):
    """The Wagtail and Django admin logins go through our sign-in and its second factor."""

    access_rule = "public: redirects to the one sign-in"
    query_string = True
    pattern_name = "account_login"


api_v1 = [
    path("", include("intranet.accounts.api_urls")),
    path("", include("networks.api_urls")),
    path("", include("board.api_urls")),
    path("", include("intranet.notifications.api_urls")),
    path("", include("knowledge.api_urls")),
    path("", include("intranet.events.api_urls")),
    path("search/", SearchView.as_view(), name="api_search"),
    path("schema/", SchemaView.as_view(), name="api_schema"),
    path("docs/", DocsView.as_view(url_name="api_schema"), name="api_docs"),
]

urlpatterns = [
    path("-/live", health.live, name="health_live"),
    path("-/ready", health.ready, name="health_ready"),
    path("", core_views.home, name="home"),
    path("barrierefreiheit/", core_views.accessibility, name="accessibility"),
    path("impressum/", core_views.imprint, name="imprint"),
    path("sprache/", core_views.set_language, name="set_language"),
    path("steuerung/protokoll/", steering_views.audit_log, name="audit_log"),
    path("steuerung/", include("intranet.steering.urls")),
    path("suche/", core_views.search, name="search"),
    path("", include("intranet.accounts.urls")),
    path("netzwerke/", include("networks.urls")),
    path("brett/", include("board.urls")),
    path("bibliothek/", include("knowledge.urls")),
    path("media/<path:path>", library_media, name="library_media"),
    path("feeds/<str:token>/board.atom", board_feed, name="board_feed"),
    path("termine/", include("intranet.events.urls")),
    # API.md names these two addresses; they stay in English for calendar programs.
    path("feeds/<str:token>/calendar.ics", event_views.calendar_feed, name="calendar_feed"),
    path("events/<int:pk>/event.ics", event_views.event_ics, name="event_ics"),
    path("benachrichtigungen/", include("intranet.notifications.urls")),
    path("konto/", include("allauth.urls")),
    path("api/v1/", include(api_v1)),
    path("admin/login/", SignInRedirect.as_view()),
    path("django-admin/login/", SignInRedirect.as_view()),
    path("django-admin/", admin.site.urls),
    path("cms/login/", SignInRedirect.as_view()),
    path("cms/", include(admin_urlpatterns(wagtailadmin_urls))),
    path("dokumente/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# Wagtail's page serving comes last; the library (knowledge/) lives under /wissen/.
# Its own password form would be a second login door without the second factor.
urlpatterns += [
    path("wissen/_util/login/", SignInRedirect.as_view()),
    re_path(r"^wissen/", include(wagtail_urls)),
]

handler403 = "intranet.core.views.error_403"
handler404 = "intranet.core.views.error_404"
handler500 = "intranet.core.views.error_500"
