import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext


class GermanFirstLocaleMiddleware(LocaleMiddleware):
    """German first: the language switch (cookie) or the profile chooses English, not the
    browser's Accept-Language header; colleagues with an English browser still see German."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class UserLanguageMiddleware:
    """A signed-in person sees the language of their profile unless they just switched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


def lacks_required_second_factor(user) -> bool:
    from allauth.mfa.utils import is_mfa_enabled

    return bool(user.roles & settings.ROLES_REQUIRING_SECOND_FACTOR) and not is_mfa_enabled(user)


class RequireSecondFactorMiddleware:
    """Administrators and service staff work only after setting up a second factor."""

    ALLOWED_PREFIXES = ("/konto/", "/static/", "/-/", "/sprache/", "/barrierefreiheit/",
                        "/impressum/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and lacks_required_second_factor(user)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": gettext(
                    "A second factor is required. Set it up under Settings and security.")},
                    status=403)
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class VisitMiddleware:
    """Remembers when a signed-in person was last here, at most one write per few minutes:
    the start page's "new since your last visit" and the digests' "only when away"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .services import visit_record

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            visit_record(user=user)
        return self.get_response(request)


IDLE_STAMP_KEY = "kw_last_activity"
# Writing the stamp on every request would save the session on every request; once a
# minute is precise enough for a timeout counted in minutes.
IDLE_STAMP_EVERY_SECONDS = 60


def stamp_activity(request) -> None:
    """Starts the idle clock of this session anew (on every sign-in, see apps.py)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[IDLE_STAMP_KEY] = int(time.time())


class IdleTimeoutMiddleware:
    """Signs a person out after SESSION_IDLE_TIMEOUT_MINUTES without a request, so that a
    forgotten browser in a shared office does not stay signed in for the whole day."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request):
        now = int(time.time())
        last = request.session.get(IDLE_STAMP_KEY)
        minutes = settings.SESSION_IDLE_TIMEOUT_MINUTES
        if isinstance(last, int) and now - last > minutes * 60:
            logout(request)
            messages.info(request, gettext(
                "You were signed out after %(minutes)s minutes without activity.")
                % {"minutes": minutes})
        elif not isinstance(last, int) or now - last >= IDLE_STAMP_EVERY_SECONDS:
            stamp_activity(request)
