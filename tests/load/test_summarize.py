"""The verdict of ``make load`` (tests/load/summarize.py) on the files a run leaves behind:
it fails on a 5xx, a failed request, a lock error or a traceback, and passes a clean run."""

import json

from tests.load import summarize


def _run(tmp_path, *, access="200 GET / 120\n302 POST /konto/login/ 80\n", gunicorn="",
         worker="", errors=None):
    samples = {"GET start page": [100.0, 120.0, 300.0], "POST sign in": [900.0],
               "POST write a comment": [400.0]}
    (tmp_path / "samples.json").write_text(json.dumps(
        {"samples": samples, "errors": errors or {}, "seconds": 10.0}))
    (tmp_path / "access.log").write_text(access)
    (tmp_path / "gunicorn.log").write_text(gunicorn)
    (tmp_path / "worker.log").write_text(worker)
    (tmp_path / "loadavg.log").write_text("1.50 1.20 1.00 2/300 123\n2.50 1.40 1.00 2/300 1\n")
    (tmp_path / "run.env").write_text("LOAD_USERS=30\nLOAD_DURATION=5m\nCPUS=2\n")
    return summarize.render(tmp_path)


def test_a_clean_run_passes_with_percentiles_per_request_and_for_the_mix(tmp_path):
    text, ok = _run(tmp_path)
    assert ok
    assert text.splitlines()[2].startswith("PASSED")
    assert "| GET start page | 3 | 0 | 120 | 300 | 300 | 300 | 0.30 |" in text
    # The mix leaves the sign-in out: start page and comment, five requests.
    assert "| **the mix (all but signing in)** | 4 | 0 | 120 | 400 | 400 | 400 | 0.40 |" in text
    assert "min 1.5, mean 2.0, max 2.5" in text


def test_a_single_5xx_in_the_access_log_fails_the_run(tmp_path):
    text, ok = _run(tmp_path, access="200 GET / 120\n502 GET /suche/ 30001\n")
    assert not ok
    assert "5xx answers (access log): 1" in text
    assert "502 GET /suche/" in text


def test_a_failed_request_fails_the_run(tmp_path):
    text, ok = _run(tmp_path, errors={"POST write a comment": ["200: not accepted"]})
    assert not ok
    assert "failure: POST write a comment: 200: not accepted (×1)" in text


def test_lock_errors_and_tracebacks_in_the_logs_fail_the_run(tmp_path):
    text, ok = _run(
        tmp_path,
        gunicorn="psycopg.errors.DeadlockDetected: deadlock detected\n",
        worker="Traceback (most recent call last):\n  File x\nsqlite3.OperationalError: "
               "database is locked\n")
    assert not ok
    assert "deadlock: 1" in text
    assert "Traceback: 1" in text
    assert "database is locked: 1" in text


def test_a_run_that_recorded_nothing_is_no_pass(tmp_path):
    assert summarize.render(tmp_path)[1] is False
