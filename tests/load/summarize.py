"""The verdict of ``make load``: var/load-results.md from locust's samples, gunicorn's access
log and the server's and worker's logs; exit status 1 on any 5xx, failed request or lock error.

    python -m tests.load.summarize LOG_DIR RESULTS.md

LOG_DIR holds what tests/load/run.sh wrote: ``samples.json`` (every response time, from
locustfile.py), ``access.log`` (``status method path milliseconds`` per line), ``gunicorn.log``,
``worker.log``, ``loadavg.log`` (``/proc/loadavg`` every few seconds), ``plan.json`` and
``run.env`` (the run's parameters).
"""

import json
import math
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

# What a lock problem or a crash looks like in the logs of Django, psycopg, SQLite and Celery.
LOG_ALARMS = {
    "database is locked": re.compile(r"database is locked", re.IGNORECASE),
    "deadlock": re.compile(r"deadlock", re.IGNORECASE),
    "lock timeout": re.compile(r"lock[ _]timeout|lock wait timeout|could not obtain lock|"
                               r"LockNotAvailable", re.IGNORECASE),
    "Traceback": re.compile(r"^Traceback \(most recent call last\)", re.MULTILINE),
}


def _nearest_rank(ordered: list[float], share: float) -> float:
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def read_access_log(path: Path) -> tuple[list[tuple[int, str, str, float]], list[str]]:
    """(status, method, path, ms) per request, and the lines that do not parse."""
    requests, odd = [], []
    if not path.exists():
        return requests, ["access log missing"]
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0].isdigit():
            requests.append((int(parts[0]), parts[1], parts[2], float(parts[3])))
        elif line.strip():
            odd.append(line)
    return requests, odd


def log_alarms(paths: list[Path]) -> dict[str, list[str]]:
    """Per alarm, ``file:line: text`` of each line where it occurs."""
    found: dict[str, list[str]] = {}
    for path in paths:
        if not path.exists():
            continue
        for number, line in enumerate(
                path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            for name, pattern in LOG_ALARMS.items():
                if pattern.search(line):
                    found.setdefault(name, []).append(f"{path.name}:{number}: {line[:200]}")
    return found


def load_average(path: Path) -> str:
    values = []
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                values.append(float(line.split()[0]))
            except (IndexError, ValueError):
                continue
    if not values:
        return "not sampled"
    return (f"1-min load average during the run: min {min(values):.1f}, "
            f"mean {sum(values) / len(values):.1f}, max {max(values):.1f} "
            f"({len(values)} samples)")


def _ms(value: str) -> str:
    try:
        return f"{float(value):.0f}"
    except (TypeError, ValueError):
        return "–"


def _row(label: str, times: list[float], errors: int, seconds: float) -> str:
    ordered = sorted(times)
    rate = len(ordered) / seconds if seconds > 0 else 0.0
    return (f"| {label} | {len(ordered)} | {errors} | {_nearest_rank(ordered, 0.5):.0f} | "
            f"{_nearest_rank(ordered, 0.95):.0f} | {_nearest_rank(ordered, 0.99):.0f} | "
            f"{(ordered[-1] if ordered else 0):.0f} | {rate:.2f} |")


def _read_run_env(path: Path) -> dict[str, str]:
    run_env = {}
    if path.exists():
        for line in path.read_text().splitlines():
            key, _, value = line.partition("=")
            run_env[key] = value
    return run_env


def render(log_dir: Path) -> tuple[str, bool]:
    recorded = json.loads((log_dir / "samples.json").read_text()) if (
        log_dir / "samples.json").exists() else {"samples": {}, "errors": {}, "seconds": 0}
    samples, errors = recorded["samples"], recorded["errors"]
    seconds = recorded["seconds"]
    requests, odd = read_access_log(log_dir / "access.log")
    alarms = log_alarms([log_dir / "gunicorn.log", log_dir / "worker.log"])
    plan = json.loads((log_dir / "plan.json").read_text()) if (
        log_dir / "plan.json").exists() else {}
    run_env = _read_run_env(log_dir / "run.env")

    server_errors = [r for r in requests if r[0] >= 500]
    failed = sum(len(e) for e in errors.values())
    ok = bool(samples) and bool(requests) and not server_errors and not failed and not alarms
    counts = plan.get("counts", {})

    lines = [
        "# Load test (make load)",
        "",
        f"{'PASSED' if ok else 'FAILED'} – {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- gunicorn with {run_env.get('GUNICORN_WORKERS', '?')} workers, production settings "
        f"(tests/load/settings.py), PostgreSQL, Redis (cache and broker), one Celery worker "
        f"with beat; loopback only",
        f"- locust: {run_env.get('LOAD_USERS', '?')} signed-in members, 1–4 s between clicks, "
        f"{run_env.get('LOAD_DURATION', '?')}, spawn rate "
        f"{run_env.get('LOAD_SPAWN_RATE', '?')}/s",
        "- data: `--scale region` of make bench: "
        + ", ".join(f"{counts.get(k, '?')} {k}"
                    for k in ("organisations", "people", "networks", "posts", "comments")),
        f"- machine: {run_env.get('CPUS', '?')} CPUs; {load_average(log_dir / 'loadavg.log')}",
        "",
        "Response times as the users saw them (ms, nearest rank), requests per second over "
        f"the {seconds:.0f} s of the run:",
        "",
        "| request | count | failures | p50 | p95 | p99 | max | req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key in sorted(samples):
        lines.append(_row(key, samples[key], len(errors.get(key, [])), seconds))
    mix = [ms for key, times in samples.items() if "sign-in" not in key and "sign in" not in key
           for ms in times]
    mix_errors = sum(len(e) for key, e in errors.items()
                     if "sign-in" not in key and "sign in" not in key)
    lines.append(_row("**the mix (all but signing in)**", mix, mix_errors, seconds))
    lines.append(_row("**all**", [ms for times in samples.values() for ms in times], failed,
                      seconds))
    times = sorted(r[3] for r in requests)
    lines += [
        "",
        f"The server's own time (gunicorn's access log, redirects counted apart): "
        f"{len(requests)} requests, p50 {_nearest_rank(times, 0.5):.0f} ms, "
        f"p95 {_nearest_rank(times, 0.95):.0f} ms, p99 {_nearest_rank(times, 0.99):.0f} ms.",
        "",
        f"- 5xx answers (access log): {len(server_errors)}",
        f"- failed requests (locust): {failed}",
        "- lock errors and tracebacks in the server's and worker's logs: "
        + (", ".join(f"{name}: {len(hits)}" for name, hits in alarms.items()) or "none"),
    ]
    for status, method, path, ms in server_errors[:20]:
        lines.append(f"  - {status} {method} {path} ({ms:.0f} ms)")
    for key, messages in errors.items():
        for message in sorted(set(messages))[:5]:
            lines.append(f"  - failure: {key}: {message} (×{messages.count(message)})")
    for name, hits in alarms.items():
        for hit in hits[:5]:
            lines.append(f"  - {name}: `{hit}`")
    if odd:
        lines.append(f"- access log lines not understood: {len(odd)}")
    if not samples:
        lines.append("- locust recorded no request: the run did not happen")
    return "\n".join(lines) + "\n", ok


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    log_dir, results = Path(argv[0]), Path(argv[1])
    text, ok = render(log_dir)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(text, encoding="utf-8")
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
