"""What the fuzz tests share: the Hypothesis profile, nasty input, and a cheap check that
nothing was written (the row count of every table, read in one query)."""

import datetime

from django.apps import apps
from django.db import connection
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Reproducible in CI: the same examples on every run, no example database on disk.
settings.register_profile(
    "klimawerk-fuzz", max_examples=10, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture])
FUZZ = settings.get_profile("klimawerk-fuzz")

# Characters that have broken web applications before: NUL (PostgreSQL refuses it in text),
# other control characters, right-to-left and zero-width marks, surrogate-free astral
# characters, combining marks, quotes and markup.
NASTY_CHARACTERS = "\x00\x01\x08\x0b\x1b\x7f\u0085\u200b\u200e\u200f\u202e\u2028\ufeff" \
                   "\U0001f600\u0301'\"<>&%;\\/"
NASTY_WORDS = [
    "\x00", "a\x00b", "", " ", "\u202egnp.exe", "' OR 1=1 --", "<script>x</script>",
    "{{ 7|add:7 }}", "%(x)s", "../../etc/passwd", "NaN", "-1", "0", "1e309", "9" * 40,
    "x" * 100_000, "null", "[]", "{}", "true",
]
NASTY_DATES = [
    "2024-02-30", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01", "2024-13-01",
    "-1-01-01", "31.12.2024", "2024-01-01T25:61", "2024-01-01 23:59:60", "9999-12-31T23:59",
    "0001-01-01T00:00", "yesterday", "1970-01-01T00:00:00+99:00",
]


def nasty_text(max_size: int = 300):
    return st.one_of(
        st.sampled_from(NASTY_WORDS),
        st.text(alphabet=st.sampled_from(NASTY_CHARACTERS + "abcÄöß "), max_size=max_size),
        st.text(max_size=40),
    )


def plain_text(max_size: int = 60):
    return st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß ABC0123456789-.,", min_size=1,
                   max_size=max_size)


def iso_dates():
    return st.dates(min_value=datetime.date(1900, 1, 1),
                    max_value=datetime.date(2200, 12, 31)).map(datetime.date.isoformat)


def odd_numbers():
    return st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str),
                     st.sampled_from(["1.5", "1e3", "0x10", "+5", " 7 ", "٣", "-0"]))


def _tables() -> list[str]:
    names = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            names.add(model._meta.db_table)
    existing = set(connection.introspection.table_names())
    return sorted(names & existing)


def row_counts() -> dict[str, int]:
    """The number of rows of every table of every model, read in one query."""
    tables = _tables()
    quote = connection.ops.quote_name
    # Table names come from our own models, quoted by the backend: no input reaches the SQL.
    columns = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})"  # noqa: S608
                        for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def changed_tables(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple]:
    return {table: (before[table], after[table]) for table in before
            if before[table] != after[table]}
