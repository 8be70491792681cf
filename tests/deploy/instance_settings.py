"""The settings of one instance in tests/deploy/test_two_instances.py: the test settings,
with media and the Whoosh index on the directory every instance shares (``VAR_DIR``,
``SEARCH_URL``) instead of a temporary directory of the process's own, and allauth's
sign-in limits on."""

import os

from intranet.settings import base
from intranet.settings.test import *  # noqa: F403
from intranet.settings.test import VAR_DIR, haystack_connections

MEDIA_ROOT = VAR_DIR / "media"
HAYSTACK_CONNECTIONS = haystack_connections(os.environ["SEARCH_URL"])
# allauth's limits of failed sign-ins as in production (the test settings switch them off),
# so that the test shows both instances counting in the one Redis.
ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
