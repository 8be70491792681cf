"""What the accessibility statement says was checked, in one place.

The browser tests in ``tests/e2e/test_accessibility_sweep.py`` run axe-core over these
page types and ``tests/e2e/test_keyboard_journeys.py`` walks the keyboard journeys; when
a page type or journey is added there, it is added here, and the statement shows it.
"""

import datetime

from django.utils.translation import gettext_lazy as _

LAST_CHECKED = datetime.date(2026, 11, 21)

CHECKED_PAGE_TYPES = [
    _("sign-in, also with a wrong password, the second-factor code and the lockout after "
      "five failed attempts; password reset"),
    _("start page, people directory and person profiles, cities and city pages, "
      "invitations, own profile and settings"),
    _("expert networks: list, network page, workspace, members, tasks, files and file "
      "versions, ideas"),
    _("notice board: list, archive, post with comments and files, writing form"),
    _("library: start page, shelves, results, building projects, project map"),
    _("search with results and without results"),
    _("calendar, event page and event form"),
    _("Expertenforum: editions, hosts, open-space proposals and programme"),
    _("decisions, process-steering dashboard with its attention list, annual report, "
      "audit log"),
    _("notifications and notification settings"),
    _("error pages (page not found, not allowed, server error), forms sent back with "
      "errors and refused uploads"),
    _("the accessibility statement and the imprint"),
]

KEYBOARD_JOURNEYS = [
    _("writing and publishing a notice-board post"),
    _("registering for an event and cancelling the registration"),
]
