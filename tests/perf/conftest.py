"""Options of ``make bench`` (tests/perf/): ``--scale`` and ``--bench-requests``.

This conftest is an initial conftest whenever ``tests/perf`` (or a file in it) is named on
the command line, as ``make bench`` does, so pytest sees the options before it parses them.
"""

import pytest

from tests.perf.dataset import SCALES


def pytest_addoption(parser):
    group = parser.getgroup("bench", "Klima.Werk benchmark (make bench)")
    group.addoption(
        "--scale", action="store", default="region", choices=sorted(SCALES),
        help="size of the generated dataset: region (≈17 organisations, 400 people) or "
             "nation (≈2,000 organisations, 50,000 people). Default: region.",
    )
    group.addoption(
        "--bench-requests", action="store", type=int, default=None,
        help="timed requests per page after the warm-up (default: 50 at region, "
             "30 at nation scale).",
    )

    group.addoption(
        "--bench-without-search-index", action="store_true", default=False,
        help="skip building the search index after generation (its rebuild takes most of "
             "an hour at nation scale on PostgreSQL); the search pages then find nothing.",
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A test database of its own (``test_<name>_bench``) on a database server, so that a
    benchmark never meets ``make test-services`` running at the same time in ``test_<name>``.
    """
    from django.conf import settings

    for db_settings in settings.DATABASES.values():
        if db_settings["ENGINE"] == "django.db.backends.sqlite3":
            continue  # in memory: nothing to share
        test = db_settings.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + db_settings['NAME']}_bench"


@pytest.fixture
def bench_scale(request):
    return SCALES[request.config.getoption("scale")]


@pytest.fixture
def bench_requests(request, bench_scale):
    requested = request.config.getoption("bench_requests")
    count = requested if requested is not None else bench_scale.requests
    if count < 2:
        raise pytest.UsageError("--bench-requests must be at least 2")
    return count


@pytest.fixture
def bench_search_index(request) -> bool:
    return not request.config.getoption("bench_without_search_index")
