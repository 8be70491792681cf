"""The settings of one instance in tests/deploy/test_two_instances.py: the test settings,
with media and the Whoosh index on the directory every instance shares (``VAR_DIR``,
``SEARCH_URL``) instead of a temporary directory of the process's own."""

import os

from intranet.settings.test import *  # noqa: F403
from intranet.settings.test import VAR_DIR, haystack_connections

MEDIA_ROOT = VAR_DIR / "media"
HAYSTACK_CONNECTIONS = haystack_connections(os.environ["SEARCH_URL"])
