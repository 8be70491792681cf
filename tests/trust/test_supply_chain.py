"""Supply chain (issue 8): ``make audit`` fails on findings that are not accepted with a
reason, and never reports a pip-audit run that checked nothing as a pass.

bandit runs for real. pip-audit's vulnerability services are not reachable from this machine,
so its verdict is proven on reports in pip-audit's own JSON format (the shapes it prints).
"""

import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_audit():
    spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


audit = _load_audit()

# What pip-audit 2.10 prints here: the mirror has no JSON API, every package is skipped.
NOTHING_CHECKED = {"dependencies": [
    {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited: "
                                      "django (5.2.19)"},
    {"name": "wagtail", "skip_reason": "Dependency not found on PyPI and could not be audited: "
                                       "wagtail (7.4.4)"},
], "fixes": []}
ONE_FINDING = {"dependencies": [
    {"name": "django", "version": "5.2.19", "vulns": [
        {"id": "PYSEC-2099-1", "fix_versions": ["5.2.20"], "aliases": ["CVE-2099-1"]}]},
    {"name": "wagtail", "version": "7.4.4", "vulns": []},
    {"name": "rpds-py", "skip_reason": "Dependency not found on PyPI and could not be "
                                       "audited: rpds-py (2026.9.1)"},
], "fixes": []}
ALL_CLEAN = {"dependencies": [
    {"name": "django", "version": "5.2.19", "vulns": []},
    {"name": "wagtail", "version": "7.4.4", "vulns": []},
], "fixes": []}


def _write(tmp_path, name, source):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def test_bandit_accepts_our_code_as_it_is_marked(capsys):
    assert audit.run_bandit() == 0, capsys.readouterr().out


def test_bandit_fails_on_a_finding_nobody_accepted(tmp_path, capsys):
    _write(tmp_path, "view.py", """\
        from django.utils.safestring import mark_safe


        def greeting(name):
            return mark_safe("<b>" + name + "</b>")
        """)
    assert audit.run_bandit([tmp_path]) == 1
    out = capsys.readouterr().out
    assert "view.py:5: B308" in out
    assert "FAILED" in out


def test_bandit_accepts_a_finding_marked_at_its_line_with_a_reason(tmp_path, capsys):
    _write(tmp_path, "view.py", """\
        from django.utils.safestring import mark_safe
        from django.utils.html import escape


        def greeting(name):
            return mark_safe("<b>" + escape(name) + "</b>")  # name escaped  # nosec B308 B703
        """)
    assert audit.run_bandit([tmp_path]) == 0, capsys.readouterr().out


def test_a_nosec_without_test_ids_or_without_reason_is_refused(tmp_path):
    _write(tmp_path, "settings.py", """\
        TOKEN_PREFIX = "kw_"  # nosec
        OTHER_PREFIX = "ab_"  # nosec B105
        # A prefix of API tokens, not a secret.
        THIRD_PREFIX = "cd_"  # nosec B105
        FOURTH = "text with # nosec inside a string is no comment"
        """)
    problems = audit.unexplained_nosec([tmp_path / "settings.py"])
    assert [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in problems] == ["1", "2"]
    assert "without test ids" in problems[0]
    assert "without a reason" in problems[1]


def test_an_accepted_vulnerability_needs_a_reason(tmp_path):
    listed = _write(tmp_path, "accepted.txt", """\
        # comment lines are fine
        PYSEC-2099-1  only the admin's PDF export uses it, which we do not run; until 2027-01
        """)
    assert audit.read_accepted(listed) == {
        "PYSEC-2099-1": "only the admin's PDF export uses it, which we do not run; until 2027-01"}
    bare = _write(tmp_path, "bare.txt", "GHSA-xxxx-yyyy-zzzz\n")
    with pytest.raises(audit.AcceptedFileError, match="without a reason"):
        audit.read_accepted(bare)


def test_the_committed_list_of_accepted_vulnerabilities_is_readable():
    accepted = audit.read_accepted()
    assert all(reason for reason in accepted.values())


def test_a_run_that_checked_nothing_says_not_checked_and_is_no_pass(capsys):
    outcomes = [audit.outcome_from_report("pypi", NOTHING_CHECKED),
                audit.AuditOutcome("osv", error="Failed to resolve 'api.osv.dev'")]
    assert audit.verdict(outcomes, {}, require_service=False) == 0
    out = capsys.readouterr().out
    assert "NOT CHECKED / NICHT GEPRÜFT" in out
    assert "This is NOT a pass" in out
    assert "No known vulnerabilities found" not in out
    assert "OK" not in out


def test_a_run_that_checked_nothing_fails_where_a_service_is_required(capsys):
    outcomes = [audit.outcome_from_report("pypi", NOTHING_CHECKED)]
    assert audit.verdict(outcomes, {}, require_service=True) == 1
    assert "FAILED because AUDIT_REQUIRE_SERVICE=1" in capsys.readouterr().out


def test_a_vulnerability_that_comes_back_fails_and_names_what_was_not_checked(capsys):
    outcomes = [audit.outcome_from_report("pypi", ONE_FINDING)]
    assert audit.verdict(outcomes, {}, require_service=False) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE: django 5.2.19: PYSEC-2099-1 (CVE-2099-1), fixed in: 5.2.20" in out
    assert "NOT CHECKED / NICHT GEPRÜFT: rpds-py" in out


def test_a_clean_answer_passes_and_lists_the_accepted_ids_with_their_reasons(capsys):
    outcomes = [audit.outcome_from_report("pypi", ALL_CLEAN)]
    accepted = {"PYSEC-2099-1": "not reachable from our code; until 2027-01"}
    assert audit.verdict(outcomes, accepted, require_service=False) == 0
    out = capsys.readouterr().out
    assert "accepted: PYSEC-2099-1: not reachable from our code" in out
    assert "2 packages checked" in out
    assert "pip-audit: OK" in out
