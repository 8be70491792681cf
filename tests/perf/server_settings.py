"""The server settings of ``make throughput`` (tests/perf/throughput.sh): production's, as
``make load`` runs them (tests/load/settings.py), plus the bench's two reference views.

* ``ROOT_URLCONF``: the site's URLs behind ``/bench/ok/`` and ``/bench/reference/``
  (tests/perf/urls.py), so that every page is compared with the same references as in
  ``make bench``.
* No API throttle: the API's 1,200 requests per hour and person would answer 429 within the
  first second of wrk; the bench (test settings) measures the API without it as well.
"""

from tests.load.settings import *  # noqa: F403
from tests.load.settings import REST_FRAMEWORK

ROOT_URLCONF = "tests.perf.urls"
DEBUG = False
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
