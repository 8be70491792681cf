"""Content-Security-Policy for every response (issue 8).

Three policies, chosen by what is answered, not by which view wrote it:

- our pages: ``CONTENT_SECURITY_POLICY`` in the settings, no inline script or style;
- the Wagtail and Django admin (``ADMIN_PATH_PREFIXES``): they ship inline script and
  style attributes, so these two are relaxed, but still never framed by another site;
- files (uploads, documents, photos, static files): ``sandbox`` and nothing to load, so a
  file that turns out to be HTML or SVG runs nothing even when opened in the browser.

``frame-ancestors`` follows ``X-Frame-Options``: ``'none'`` everywhere except the views
that Wagtail itself marks ``SAMEORIGIN`` (the live preview in the page editor's panel).
"""

from csp.constants import HEADER, NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import FileResponse

from intranet.core.downloads import is_handed_to_nginx

ADMIN_PATH_PREFIXES = ("/cms/", "/django-admin/")

FILE_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"

ADMIN_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF],
    # The page editor shows its preview in a frame of our own origin.
    "frame-src": [SELF],
    "frame-ancestors": [NONE],
    "form-action": [SELF],
    "base-uri": [SELF],
    "object-src": [NONE],
}


def is_file_response(response) -> bool:
    # An X-Accel-Redirect answer is a file too: nginx sends the bytes after it.
    return isinstance(response, FileResponse) or is_handed_to_nginx(response)


class SecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's and the files' own policies."""

    def process_response(self, request, response):
        if is_file_response(response):
            # Replaces the weaker policy some file views set themselves (Wagtail's documents).
            response[HEADER] = FILE_POLICY
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if parts.config is None and request.path_info.startswith(ADMIN_PATH_PREFIXES):
            parts.config = ADMIN_DIRECTIVES
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts
