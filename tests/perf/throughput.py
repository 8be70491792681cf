"""``make throughput``, the measuring part: gunicorn with 2 and 4 workers under wrk, page by
page, and the peak memory of a web worker and a Celery worker.

    python -m tests.perf.throughput PLAN OUT   # PLAN from ``tests.load.prepare dataset``

tests/perf/throughput.sh prepares the database and the plan and runs this with the server's
environment (DJANGO_SETTINGS_MODULE=tests.perf.server_settings, DATABASE_URL, REDIS_URL,
CELERY_BROKER_URL, VAR_DIR). For each worker count, gunicorn listens on a free loopback port;
each page of ``make bench``'s PAGES list (read at run time, formatted with the plan's values)
is asked once without following redirects (it must answer 200), warmed up with a short wrk
run, then measured with ``wrk -t2 -c<2 × workers> -d<N>s --latency`` and the session cookie of
its persona. A page's throughput is compared with the reference page's of the same server:
the target is at least a third of it. After its pages, the peak resident memory (VmHWM) of
every gunicorn worker is read from /proc; then one Celery worker (queue ``default``,
concurrency 1) runs the heavy periodic tasks and its pool process's VmHWM is read.

Every process started here belongs to this process's group and is stopped on the way out,
also on an error, SIGTERM or Ctrl-C. The exit status is 1 when a page did not answer 200
throughout, a process did not start, or a task failed; a missed target is reported, not
failed on.
"""

import contextlib
import http.client
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.perf.results import machine

WORKER_COUNTS = (2, 4)
WRK_THREADS = 2
TARGET_SHARE_OF_REFERENCE = 1 / 3
WEB_WORKER_LIMIT_MB = 300
START_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 30
# What a Celery worker of the site runs that costs the most: the hourly steering count, the
# nightly catch-up of the activity chart and the daily digest.
CELERY_TASKS = [
    ("intranet.steering.tasks.count_steering_figures", []),
    ("intranet.steering.tasks.store_daily_figures", []),
    ("intranet.notifications.tasks.send_digests", ["daily"]),
]
REFERENCE_LABEL = "reference page"
# Counts every answer other than 200 (wrk itself counts only what is neither 2xx nor 3xx, so
# a redirect to the sign-in page would pass unseen).
NON_200_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non200 = 0 end
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("non200") end
  io.write(string.format("Non-200 responses: %d\\n", total))
end
"""


# --- pure parts (tests/perf/test_throughput_parts.py) -------------------------------------

@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_200: int  # from the script; wrk's own "Non-2xx or 3xx" if the script did not report
    socket_errors: int

    @property
    def clean(self) -> bool:
        return self.non_200 == 0 and self.socket_errors == 0 and self.requests > 0


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def duration_ms(text: str) -> float:
    """wrk's durations ("812.00us", "12.34ms", "1.02s", "2.00m") in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    """The figures of one ``wrk --latency`` run from what it printed."""
    def number(pattern: str, default: str | None = None) -> str:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            if default is None:
                raise ValueError(f"wrk output without {pattern!r}:\n{output}")
            return default
        return match.group(1)

    socket_errors = 0
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                      output)
    if match:
        socket_errors = sum(int(n) for n in match.groups())
    non_200 = number(r"^Non-200 responses: (\d+)", "") or number(
        r"Non-2xx or 3xx responses: (\d+)", "0")
    return WrkResult(
        requests_per_second=float(number(r"^Requests/sec:\s+([\d.]+)")),
        p50_ms=duration_ms(number(r"^\s+50%\s+(\S+)")),
        p99_ms=duration_ms(number(r"^\s+99%\s+(\S+)")),
        requests=int(number(r"^\s+(\d+) requests in ")),
        non_200=int(non_200),
        socket_errors=socket_errors,
    )


def share_verdict(requests_per_second: float, reference: float) -> tuple[float, str]:
    """The page's throughput as a share of the reference page's, and whether it meets the
    target of at least a third."""
    if reference <= 0:
        return 0.0, "no reference"
    share = requests_per_second / reference
    return share, "ok" if share >= TARGET_SHARE_OF_REFERENCE else "OVER"


def memory_verdict(megabytes: float | None) -> str:
    if megabytes is None:
        return "not measured"
    return "ok" if megabytes < WEB_WORKER_LIMIT_MB else "OVER"


def vm_hwm_mb(status_text: str) -> float | None:
    """VmHWM (peak resident set) from the text of /proc/<pid>/status, in MB (MiB)."""
    match = re.search(r"^VmHWM:\s+(\d+) kB", status_text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def celery_task_seconds(log: str, task_id: str) -> tuple[str, float | None] | None:
    """("succeeded", seconds) or ("failed", None) once the worker logged the task's end."""
    match = re.search(re.escape(f"[{task_id}]") + r" succeeded in ([\d.]+)s", log)
    if match:
        return "succeeded", float(match.group(1))
    if re.search(re.escape(f"[{task_id}]") + r" (raised|failed|retry)", log, re.IGNORECASE):
        return "failed", None
    return None


@dataclass
class PageRun:
    label: str
    url: str
    persona: str
    result: WrkResult | None = None
    error: str = ""


@dataclass
class ServerRun:
    workers: int
    pages: list[PageRun]
    load_before: str
    load_after: str
    worker_peaks_mb: list[float] = field(default_factory=list)
    error: str = ""

    def reference(self) -> float:
        return next((p.result.requests_per_second for p in self.pages
                     if p.label == REFERENCE_LABEL and p.result), 0.0)


@dataclass
class CeleryRun:
    tasks: list[tuple[str, str, float | None]] = field(default_factory=list)  # name, state, s
    idle_mb: float | None = None
    peak_mb: float | None = None
    main_peak_mb: float | None = None
    error: str = ""


def server_table(run: ServerRun) -> list[str]:
    reference = run.reference()
    lines = [
        f"### gunicorn, {run.workers} workers (wrk: {WRK_THREADS} threads, "
        f"{2 * run.workers} connections)",
        "",
        f"Load average (1/5/15 min) {run.load_before} before, {run.load_after} after.",
        "",
        "| page | persona | req/s | p50 ms | p99 ms | requests | share of reference | "
        "target ≥ 1/3 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for page in run.pages:
        name = f"{page.label} `{page.url}`"
        if page.result is None or not page.result.clean:
            detail = page.error or "no result"
            lines.append(f"| {name} | {page.persona} | – | – | – | – | – | ERROR: {detail} |")
            continue
        r = page.result
        share, verdict = share_verdict(r.requests_per_second, reference)
        lines.append(f"| {name} | {page.persona} | {r.requests_per_second:.1f} | "
                     f"{r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.requests:,} | {share:.2f} | "
                     f"{verdict} |")
    if run.error:
        lines += ["", f"**Error:** {run.error}"]
    return lines


def memory_table(runs: list[ServerRun], celery: CeleryRun | None) -> list[str]:
    lines = ["| process | peak resident (VmHWM) | target < 300 MB |", "| --- | ---: | --- |"]
    for run in runs:
        peak = max(run.worker_peaks_mb, default=None)
        each = ", ".join(f"{mb:.0f}" for mb in run.worker_peaks_mb) or "–"
        shown = f"{peak:.0f} MB" if peak is not None else "–"
        lines.append(f"| gunicorn worker, {run.workers} workers (max of {each} MB) | {shown} | "
                     f"{memory_verdict(peak)} |")
    if celery is not None:
        def mb(value):
            return f"{value:.0f} MB" if value is not None else "–"
        lines.append(f"| Celery pool process (concurrency 1) after its tasks; idle before: "
                     f"{mb(celery.idle_mb)} | {mb(celery.peak_mb)} | (no target) |")
        lines.append(f"| Celery main process | {mb(celery.main_peak_mb)} | (no target) |")
    return lines


def summary_lines(runs: list[ServerRun]) -> list[str]:
    lines = []
    for run in runs:
        reference = run.reference()
        verdicts = {p.label: share_verdict(p.result.requests_per_second, reference)[1]
                    for p in run.pages if p.result is not None and p.result.clean}
        over = [label for label, verdict in verdicts.items() if verdict == "OVER"]
        errors = [p.label for p in run.pages if p.label not in verdicts]
        ok = sum(verdict == "ok" for verdict in verdicts.values())
        peak = max(run.worker_peaks_mb, default=None)
        text = (f"- {run.workers} workers: reference page {reference:.1f} req/s; {ok} of "
                f"{len(run.pages)} pages at least a third of it")
        if over:
            text += f"; OVER: {', '.join(over)}"
        if errors:
            text += f"; ERROR: {', '.join(errors)}"
        text += (f"; web worker peak {peak:.0f} MB ({memory_verdict(peak)})" if peak
                 is not None else "; web worker peak not measured")
        lines.append(text)
    return lines


def search_index_line(plan: dict) -> str:
    documents = plan.get("counts", {}).get("search documents")
    if documents is None:
        return ("Search index: not built (THROUGHPUT_SEARCH_INDEX=0); the search page and the "
                "search API searched an empty index")
    seconds = plan.get("generation_steps", {}).get("search index")
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    return (f"Search index: {documents:,} documents, built{took} over the committed data "
            f"(the project's rebuild, Whoosh under VAR_DIR)")


def render_report(*, plan: dict, runs: list[ServerRun], celery: CeleryRun | None,
                  environment: dict[str, str], wrk_command: str, seconds: int,
                  warm_up: int) -> str:
    counts = ", ".join(f"{n:,} {name}" for name, n in plan.get("counts", {}).items())
    steps = ", ".join(f"{name} {s:.1f} s" for name, s in plan.get("generation_steps",
                                                                   {}).items())
    lines = [
        f"# Throughput: scale {plan.get('scale', '?')} (gunicorn + wrk)",
        "",
        f"- Data: {counts or '?'}",
        f"- Data generation: {plan.get('generation_seconds', '?')} s ({steps or '?'})",
        f"- {search_index_line(plan)}",
        f"- Machine: {environment['machine']}; load average (1/5/15 min) "
        f"{environment['load_before']} before, {environment['load_after']} after",
        f"- Date: {environment['date']}",
        f"- Software: {environment['software']}",
        f"- Database: {environment['database']}; cache and broker: Redis "
        f"({environment['redis']})",
        "- Server: gunicorn sync workers on 127.0.0.1, production settings "
        "(tests/perf/server_settings.py: DEBUG off, no TLS redirect, the bench's reference "
        "views mounted, API throttle off), no access log; wrk from the same machine.",
        f"- Measured: per page one request without following redirects (must answer 200), "
        f"a {warm_up} s wrk warm-up, then `{wrk_command}` ({seconds} s); every answer other "
        f"than 200 is counted by a wrk script and is an error, as is any socket error. "
        f"Share: the page's requests per second divided by the reference page's on the same "
        f"server (target at least 1/3). The personas' sessions were written into the session "
        f"store by Django's sign-in (member: a member of the largest city; steering: its "
        f"coordinator in process steering).",
        f"- Memory: VmHWM (the kernel's peak resident set) from /proc/<pid>/status of every "
        f"gunicorn worker after all its pages, the largest compared with the target; the "
        f"Celery worker (queue default, concurrency 1, no beat) after running "
        f"{', '.join(name.rsplit('.', 1)[1] for name, _ in CELERY_TASKS)} one after another: "
        f"the VmHWM of its pool process, which runs the tasks.",
        "",
        "## Summary",
        "",
        *summary_lines(runs),
        "",
        "## Throughput per page",
        "",
    ]
    for run in runs:
        lines += server_table(run) + [""]
    lines += ["## Peak memory", "", *memory_table(runs, celery), ""]
    if celery is not None:
        lines += ["Celery tasks (time as the worker logged it):", ""]
        lines += [f"- {name}: {state}" + (f" in {s:.1f} s" if s is not None else "")
                  for name, state, s in celery.tasks]
        if celery.error:
            lines.append(f"- **Error:** {celery.error}")
        lines.append("")
    return "\n".join(lines)


def has_errors(runs: list[ServerRun], celery: CeleryRun | None) -> bool:
    if any(run.error or any(p.result is None or not p.result.clean for p in run.pages)
           for run in runs):
        return True
    return celery is not None and (bool(celery.error) or any(
        state != "succeeded" for _, state, _ in celery.tasks))


# --- processes ----------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"


def _say(message: str) -> None:
    print(f"--- {message} ({time.strftime('%H:%M:%S', time.gmtime())})", flush=True)


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(n) for n in text.split()]


def peak_mb(pid: int) -> float | None:
    try:
        return vm_hwm_mb(Path(f"/proc/{pid}/status").read_text())
    except OSError:
        return None


class Processes:
    """The processes this run started; ``stop`` ends one, ``stop_all`` every one left."""

    def __init__(self):
        self.running: list[subprocess.Popen] = []

    def start(self, argv: list[str], log: Path) -> subprocess.Popen:
        with log.open("ab") as out:
            process = subprocess.Popen(  # noqa: S603 - our venv's programs, fixed arguments
                argv, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen) -> None:
        # A master's children are remembered first: a master killed the hard way leaves them.
        descendants = children_of(process.pid)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        for pid in descendants:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if process in self.running:
            self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(self.running):
            self.stop(process)


def _get_status(port: int, url: str, cookie: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", url, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


def _wait_until_live(process: subprocess.Popen, port: int, log: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"gunicorn ended with status {process.returncode} (see {log})"
        try:
            if _get_status(port, "/-/live", "")[0] == 200:
                return ""
        except OSError:
            pass
        time.sleep(0.5)
    return f"gunicorn did not answer /-/live within {START_TIMEOUT_SECONDS} s (see {log})"


def wrk_argv(*, workers: int, seconds: int, cookie: str, url: str, script: Path) -> list[str]:
    return ["wrk", f"-t{WRK_THREADS}", f"-c{2 * workers}", f"-d{seconds}s", "--latency",
            "--timeout", "30s", "-s", str(script), "-H", f"Cookie: {cookie}", url]


def _run_wrk(argv: list[str], seconds: int) -> tuple[WrkResult | None, str]:
    try:
        done = subprocess.run(  # noqa: S603 - wrk with arguments built here
            argv, capture_output=True, text=True, timeout=seconds + 60, check=False)
    except subprocess.TimeoutExpired:
        return None, "wrk did not end in time"
    if done.returncode != 0:
        return None, f"wrk ended with status {done.returncode}: {done.stderr.strip()}"
    try:
        return parse_wrk(done.stdout), ""
    except ValueError as error:
        return None, str(error)


def _measure_page(page: PageRun, *, port: int, workers: int, cookie: str, seconds: int,
                  warm_up: int, script: Path) -> None:
    status, location = _get_status(port, page.url, cookie)
    if status != 200:
        page.error = f"GET {page.url} answered {status} {location}".strip()
        print(f"ERROR {page.error}", flush=True)
        return
    url = f"http://127.0.0.1:{port}{page.url}"
    if warm_up > 0:
        _run_wrk(wrk_argv(workers=workers, seconds=warm_up, cookie=cookie, url=url,
                          script=script), warm_up)
    page.result, page.error = _run_wrk(
        wrk_argv(workers=workers, seconds=seconds, cookie=cookie, url=url, script=script),
        seconds)
    r = page.result
    if r is not None and r.requests == 0:
        page.error = f"no request finished within {seconds} s"
    elif r is not None and not r.clean:
        page.error = (f"{r.non_200} answers other than 200, {r.socket_errors} socket errors "
                      f"of {r.requests} requests")
    if page.error:
        print(f"ERROR {page.label} {page.url}: {page.error}", flush=True)
    else:
        print(f"{page.label:45} {r.requests_per_second:8.1f} req/s  p50 {r.p50_ms:7.1f} ms  "
              f"p99 {r.p99_ms:7.1f} ms", flush=True)


def measure_server(processes: Processes, *, workers: int, pages: list[tuple[str, str, str]],
                   cookies: dict[str, str], seconds: int, warm_up: int, logs: Path,
                   script: Path) -> ServerRun:
    run = ServerRun(workers=workers, pages=[PageRun(label, url, persona)
                                            for label, url, persona in pages],
                    load_before=load_average(), load_after="")
    port = free_port()
    log = logs / f"gunicorn-{workers}.log"
    _say(f"gunicorn with {workers} workers on 127.0.0.1:{port}")
    server = processes.start(
        [str(VENV_BIN / "gunicorn"), "intranet.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60",
         "--no-control-socket"], log)
    try:
        run.error = _wait_until_live(server, port, log)
        if run.error:
            print(f"ERROR {run.error}", flush=True)
            return run
        for page in run.pages:
            try:
                _measure_page(page, port=port, workers=workers, cookie=cookies[page.persona],
                              seconds=seconds, warm_up=warm_up, script=script)
            except OSError as error:
                page.error = f"GET {page.url}: {error}"
                print(f"ERROR {page.error}", flush=True)
        worker_pids = children_of(server.pid)
        run.worker_peaks_mb = [mb for mb in map(peak_mb, worker_pids) if mb is not None]
        if len(worker_pids) != workers:
            run.error = (f"{len(worker_pids)} workers found at the end instead of {workers} "
                         f"(a worker restarted? see {log})")
    finally:
        run.load_after = load_average()
        processes.stop(server)
    return run


def _wait_for_log(log: Path, predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate(log.read_text(errors="replace") if log.exists() else "")
        if found:
            return found
        time.sleep(0.5)
    return None


def measure_celery(processes: Processes, *, logs: Path, timeout: float) -> CeleryRun:
    from intranet.celery import app

    run = CeleryRun()
    log = logs / "celery.log"
    _say("Celery worker (queue default, concurrency 1) and its heavy tasks")
    worker = processes.start(
        [str(VENV_BIN / "celery"), "-A", "intranet", "worker", "-Q", "default",
         "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-n", "throughput@%h"], log)
    try:
        if not _wait_for_log(log, lambda text: "ready." in text, START_TIMEOUT_SECONDS):
            run.error = f"the Celery worker did not get ready (see {log})"
            return run
        pool = children_of(worker.pid)
        run.idle_mb = max(filter(None, map(peak_mb, pool)), default=None)
        for name, args in CELERY_TASKS:
            task_id = app.send_task(name, args=args, queue="default").id
            outcome = _wait_for_log(log, lambda text, i=task_id: celery_task_seconds(text, i),
                                    timeout)
            state, seconds = outcome or ("did not finish within the time limit", None)
            run.tasks.append((name, state, seconds))
            print(f"{name}: {state}" + (f" in {seconds:.1f} s" if seconds else ""), flush=True)
        pool = children_of(worker.pid) or pool
        run.peak_mb = max(filter(None, map(peak_mb, pool)), default=None)
        run.main_peak_mb = peak_mb(worker.pid)
    finally:
        processes.stop(worker)
    return run


# --- the run ------------------------------------------------------------------------------

def _software() -> str:
    import django
    import gunicorn

    wrk = subprocess.run(["wrk", "-v"],  # noqa: S607 - wrk from the system's PATH
                         capture_output=True, text=True, check=False)
    wrk_version = (wrk.stdout or wrk.stderr).splitlines()[0].split(" [")[0] if (
        wrk.stdout or wrk.stderr) else "wrk (version unknown)"
    return (f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"gunicorn {gunicorn.__version__}, {wrk_version}")


def _database() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connection.close()
    return f"PostgreSQL {version} ({connection.settings_dict['NAME']} on 127.0.0.1)"


def planned_pages(plan: dict) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(label, URL, persona) of every page of the bench's PAGES, formatted with the plan's
    values; and the pages whose URL needs a value the plan does not have."""
    from tests.perf.test_bench import PAGES

    pages, missing = [], []
    for page in PAGES:
        try:
            pages.append((page.label, page.url.format(**plan["url_values"]), page.persona))
        except (KeyError, IndexError) as error:
            missing.append(f"{page.label} `{page.url}`: no value for {error}")
    return pages, missing


def _stop_on_signal(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    plan_path, out = Path(argv[0]), Path(argv[1])
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()

    seconds = int(os.environ.get("THROUGHPUT_SECONDS", "10"))
    warm_up = int(os.environ.get("THROUGHPUT_WARMUP", "2"))
    celery_timeout = float(os.environ.get("THROUGHPUT_TASK_TIMEOUT", "900"))
    logs = plan_path.parent / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    script = logs / "non200.lua"
    script.write_text(NON_200_SCRIPT, encoding="utf-8")
    cookies = {persona: f"{plan['session_cookie']}={key}"
               for persona, key in plan["sessions"].items()}
    pages, missing = planned_pages(plan)
    for line in missing:
        print(f"ERROR {line}", flush=True)

    environment = {"machine": machine(), "load_before": load_average(),
                   "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                   "software": _software(),
                   "database": _database(),
                   "redis": os.environ.get("REDIS_URL", "?").rsplit("@", 1)[-1]}
    wrk_command = (f"wrk -t{WRK_THREADS} -c<2 × workers> -d{seconds}s --latency --timeout 30s "
                   f"-s non200.lua -H 'Cookie: {plan['session_cookie']}=<persona's session>' "
                   f"http://127.0.0.1:<port><page URL>")

    signal.signal(signal.SIGTERM, _stop_on_signal)
    processes = Processes()
    runs: list[ServerRun] = []
    celery = None
    try:
        for workers in WORKER_COUNTS:
            runs.append(measure_server(processes, workers=workers, pages=pages,
                                       cookies=cookies, seconds=seconds, warm_up=warm_up,
                                       logs=logs, script=script))
        celery = measure_celery(processes, logs=logs, timeout=celery_timeout)
    finally:
        processes.stop_all()
    environment["load_after"] = load_average()

    report = render_report(plan=plan, runs=runs, celery=celery, environment=environment,
                           wrk_command=wrk_command, seconds=seconds, warm_up=warm_up)
    if missing:
        report += "\n**Pages not measured** (their URL needs a value the plan lacks):\n\n" + \
            "\n".join(f"- {line}" for line in missing) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print("\n" + report + f"\n(written to {out}; logs in {logs})", flush=True)
    return 1 if missing or has_errors(runs, celery) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
