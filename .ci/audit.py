"""Supply chain checks (``make audit``, step "supply chain" of ``.ci/run``).

bandit
    Scans our code (``intranet``, ``networks``, ``board``, ``knowledge``) with the settings of
    ``[tool.bandit]`` in pyproject.toml and fails on any finding. A finding is accepted only at
    its line, with ``# nosec <ids>`` naming the tests and a reason on the same line's comment
    (usually the ``# noqa: S…`` reason ruff already asks for) or on the comment line above.
    This script refuses a ``nosec`` without ids or without a reason.

pip-audit
    Audits the installed environment (``.venv``: what the tests and the platform run with)
    against the vulnerability service. Accepted vulnerabilities are listed with a reason in
    ``.ci/pip-audit-accepted.txt`` and passed on as ``--ignore-vuln``; any other finding fails.

    pip-audit alone reports success when it could check nothing: with a package index that has
    no JSON API (a mirror) it skips every package ("Dependency not found on PyPI and could not
    be audited") and still prints "No known vulnerabilities found" with exit status 0. So this
    script counts what was really checked. Packages that could not be checked are named on a
    ``NOT CHECKED`` line; if the service could check nothing at all, the step says so loudly.
    It then warns instead of failing, because a CI that fails on every run on a machine without
    the service teaches everybody to ignore it, while the findings that do come back still fail.
    ``AUDIT_REQUIRE_SERVICE=1`` turns "could check nothing" into a failure (for runners that
    reach https://pypi.org or https://osv.dev).

Usage: ``python .ci/audit.py [bandit|pip-audit]...`` (both when none is named).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ["intranet", "networks", "board", "knowledge"]
ACCEPTED_VULNS = ROOT / ".ci" / "pip-audit-accepted.txt"
SKIPPED_DIRS = {".venv", "var", "tests", "node_modules", "__pycache__"}
SERVICES = ["pypi", "osv"]  # tried in this order until one checks something
SERVICE_TIMEOUT = 15  # seconds per request; the whole run stays bounded (see run_pip_audit)

NOSEC = re.compile(r"#\s*nosec\b:?(?P<rest>[^#]*)", re.IGNORECASE)
TEST_ID = re.compile(r"\bB\d{3}\b")
PRAGMA = re.compile(r"#\s*(nosec\b[^#]*|noqa\b(:\s*[A-Z]+\d+(\s*,\s*[A-Z]+\d+)*)?)",
                    re.IGNORECASE)
# bandit warns about a nosec whose test did not fire, also where it did (B703 next to B308,
# B105 on a dict with two keys); these lines are noise, every other line is shown.
BANDIT_NOISE = re.compile(r"WARNING\s+nosec encountered \(B\d+\), but no failed test")


def say(line: str = "") -> None:
    print(line, flush=True)


# --- bandit -------------------------------------------------------------------------------

def _comments(path: Path) -> dict[int, str]:
    """The comment of each line of a Python file (tokens, so strings never count)."""
    source = path.read_text(encoding="utf-8")
    comments: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.string
    except (tokenize.TokenError, SyntaxError):
        pass  # bandit itself reports a file it cannot parse
    return comments


def _has_reason(comment: str) -> bool:
    """Words are left once the pragmas (``# nosec …``, ``# noqa: …``) are taken out."""
    text = PRAGMA.sub(" ", comment)
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 2


def unexplained_nosec(paths: list[Path]) -> list[str]:
    """Every ``nosec`` that names no test id or gives no reason, as ``file:line: problem``."""
    problems = []
    for path in paths:
        comments = _comments(path)
        for line, comment in sorted(comments.items()):
            match = NOSEC.search(comment)
            if not match:
                continue
            where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{line}"
            if not TEST_ID.search(match.group("rest")):
                problems.append(f"{where}: nosec without test ids (write e.g. '# nosec B308')")
            elif not (_has_reason(comment) or _has_reason(comments.get(line - 1, ""))):
                problems.append(f"{where}: nosec without a reason (say why, on this line's "
                                f"comment or on the comment line above)")
    return problems


def python_files(roots: list[Path]) -> list[Path]:
    files = []
    for root in roots:
        candidates = [root] if root.is_file() else sorted(root.rglob("*.py"))
        files.extend(p for p in candidates if not SKIPPED_DIRS.intersection(p.parts))
    return files


def run_bandit(roots: list[Path] | None = None) -> int:
    roots = roots or [ROOT / name for name in CODE]
    say("bandit: " + " ".join(str(r.relative_to(ROOT)) if r.is_relative_to(ROOT) else str(r)
                              for r in roots))
    problems = unexplained_nosec(python_files(roots))
    for problem in problems:
        say(f"  {problem}")
    result = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
        [sys.executable, "-m", "bandit", "-c", str(ROOT / "pyproject.toml"), "-r", "-q",
         "-f", "custom", "--msg-template",
         "  {relpath}:{line}: {test_id} [{severity}/{confidence}] {msg}",
         *map(str, roots)],
        capture_output=True, text=True, cwd=ROOT, check=False)
    findings = [line for line in result.stdout.splitlines() if line.strip()]
    for line in findings:
        say(line)
    for line in result.stderr.splitlines():
        if line.strip() and not BANDIT_NOISE.search(line):
            say(f"  {line}")
    if result.returncode not in (0, 1):
        say(f"bandit: FEHLER / ERROR: bandit ended with status {result.returncode}")
        return 1
    if findings or problems or result.returncode:
        say(f"bandit: FEHLGESCHLAGEN / FAILED: {len(findings)} finding(s), {len(problems)} "
            f"nosec without ids or reason. Fix the code, or accept a finding at its line "
            f"with '# nosec <id>' and the reason.")
        return 1
    say("bandit: OK, no finding that is not accepted at its line with a reason")
    return 0


# --- pip-audit ----------------------------------------------------------------------------

class AcceptedFileError(ValueError):
    pass


def read_accepted(path: Path = ACCEPTED_VULNS) -> dict[str, str]:
    """``ID  reason`` per line; ``#`` starts a comment. A line without a reason is refused."""
    accepted: dict[str, str] = {}
    if not path.exists():
        return accepted
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        vuln_id, _, reason = line.partition(" ")
        if len(re.findall(r"[^\W\d_]{2,}", reason)) < 3:
            raise AcceptedFileError(
                f"{path.name}:{number}: {vuln_id} is accepted without a reason "
                f"(write 'ID  why it does not affect us, until when')")
        accepted[vuln_id] = reason.strip()
    return accepted


@dataclass
class AuditOutcome:
    service: str
    checked: list[str] = field(default_factory=list)  # "name version"
    not_checked: dict[str, str] = field(default_factory=dict)  # name → why
    findings: list[str] = field(default_factory=list)  # one line per vulnerability
    error: str = ""  # pip-audit itself failed (no JSON): the service is unreachable


def outcome_from_report(service: str, report: dict) -> AuditOutcome:
    """Sort pip-audit's JSON report into checked, not checked and findings."""
    outcome = AuditOutcome(service)
    for dependency in report.get("dependencies", []):
        name = dependency.get("name", "?")
        if "skip_reason" in dependency:
            outcome.not_checked[name] = dependency["skip_reason"]
            continue
        outcome.checked.append(f"{name} {dependency.get('version', '?')}")
        for vuln in dependency.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            aliases = ", ".join(vuln.get("aliases", []))
            outcome.findings.append(
                f"{name} {dependency.get('version', '?')}: {vuln.get('id')}"
                f"{f' ({aliases})' if aliases else ''}, fixed in: {fixes}")
    return outcome


def audit_with(service: str, accepted: dict[str, str]) -> AuditOutcome:
    """One pip-audit run over the installed environment with one vulnerability service."""
    command = [sys.executable, "-m", "pip_audit", "--local", "--skip-editable",
               "--vulnerability-service", service, "--format", "json", "--desc", "off",
               "--aliases", "on", "--progress-spinner", "off", "--timeout",
               str(SERVICE_TIMEOUT)]
    for vuln_id in accepted:
        command += ["--ignore-vuln", vuln_id]
    try:
        result = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
            command, capture_output=True, text=True, cwd=ROOT, check=False, timeout=600)
    except subprocess.TimeoutExpired:
        return AuditOutcome(service, error="pip-audit did not finish within 10 minutes")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        last = [line for line in result.stderr.splitlines() if line.strip()][-1:] or ["?"]
        return AuditOutcome(service, error=f"pip-audit ended with {result.returncode}: "
                                           f"{last[0][:300]}")
    return outcome_from_report(service, report)


def verdict(outcomes: list[AuditOutcome], accepted: dict[str, str], *,
            require_service: bool) -> int:
    """Print what was checked, what was not and what was found; the exit status."""
    for vuln_id, reason in accepted.items():
        say(f"  accepted: {vuln_id}: {reason}")
    useful = [o for o in outcomes if o.checked]
    for outcome in outcomes:
        if outcome.error:
            say(f"  service {outcome.service}: unreachable ({outcome.error})")
        elif not outcome.checked:
            say(f"  service {outcome.service}: answered for none of "
                f"{len(outcome.not_checked)} packages")
    findings = sorted({line for o in useful for line in o.findings})
    if useful:
        best = max(useful, key=lambda o: len(o.checked))
        say(f"  service {best.service}: {len(best.checked)} packages checked")
        not_checked = {n: r for n, r in best.not_checked.items()
                       if not any(c.split(" ")[0] == n for o in useful for c in o.checked)}
        for name, reason in sorted(not_checked.items()):
            say(f"  NOT CHECKED / NICHT GEPRÜFT: {name}: {reason}")
    if findings:
        for line in findings:
            say(f"  VULNERABLE: {line}")
        say(f"pip-audit: FEHLGESCHLAGEN / FAILED: {len(findings)} known vulnerabilit"
            f"{'y' if len(findings) == 1 else 'ies'}. Upgrade the package, or accept the ID "
            f"with a reason in .ci/pip-audit-accepted.txt.")
        return 1
    if not useful:
        banner = "!" * 78
        say(banner)
        say("pip-audit: NOT CHECKED / NICHT GEPRÜFT – no vulnerability service could be "
            "reached,")
        say("  so no package was checked for known vulnerabilities. This is NOT a pass.")
        say("  Kein Schwachstellendienst erreichbar (PyPI-JSON-API, OSV): kein Paket wurde auf")
        say("  bekannte Schwachstellen geprüft. Das ist KEIN bestandener Test.")
        say("  Run `make audit` where https://pypi.org or https://api.osv.dev is reachable.")
        say(banner)
        if require_service:
            say("pip-audit: FAILED because AUDIT_REQUIRE_SERVICE=1")
            return 1
        return 0
    say("pip-audit: OK, no known vulnerability that is not accepted with a reason")
    return 0


def run_pip_audit() -> int:
    say("pip-audit: the installed environment (.venv)")
    try:
        accepted = read_accepted()
    except AcceptedFileError as error:
        say(f"pip-audit: FEHLER / ERROR: {error}")
        return 1
    outcomes = []
    for service in SERVICES:
        outcome = audit_with(service, accepted)
        outcomes.append(outcome)
        if outcome.checked:
            break
    return verdict(outcomes, accepted,
                   require_service=os.environ.get("AUDIT_REQUIRE_SERVICE") == "1")


CHECKS = {"bandit": run_bandit, "pip-audit": run_pip_audit}


def main(argv: list[str]) -> int:
    names = argv or list(CHECKS)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        say(f"unknown check {', '.join(unknown)}; choose from {', '.join(CHECKS)}")
        return 2
    statuses = [CHECKS[name]() for name in names]
    return 1 if any(statuses) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
