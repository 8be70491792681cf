"""The pure parts of ``make throughput`` and of RESULTS.md: reading wrk's output, the verdicts,
the report, and assembling RESULTS.md from the reports of a run (no server, no database)."""

import pytest

from tests.perf import results, throughput

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:40123/bench/reference/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    38.12ms   10.02ms 212.40ms   81.20%
    Req/Sec    52.61      9.87    80.00     70.50%
  Latency Distribution
     50%   36.51ms
     75%   42.02ms
     90%   49.87ms
     99%    1.02s
  1052 requests in 10.01s, 9.87MB read
Requests/sec:    105.09
Transfer/sec:      0.99MB
Non-200 responses: 0
"""


def test_wrk_output_gives_throughput_percentiles_and_a_clean_run():
    result = throughput.parse_wrk(WRK_OUTPUT)
    assert result.requests_per_second == pytest.approx(105.09)
    assert result.p50_ms == pytest.approx(36.51)
    assert result.p99_ms == pytest.approx(1020.0)
    assert result.requests == 1052
    assert result.clean


def test_answers_other_than_200_and_socket_errors_make_a_run_unclean():
    redirected = WRK_OUTPUT.replace("Non-200 responses: 0", "Non-200 responses: 7")
    assert throughput.parse_wrk(redirected).non_200 == 7
    assert not throughput.parse_wrk(redirected).clean
    timed_out = WRK_OUTPUT.replace(
        "Requests/sec", "  Socket errors: connect 0, read 1, write 0, timeout 2\nRequests/sec")
    assert throughput.parse_wrk(timed_out).socket_errors == 3
    assert not throughput.parse_wrk(timed_out).clean


def test_without_the_script_wrks_own_count_of_non_2xx_is_used():
    text = WRK_OUTPUT.replace("Non-200 responses: 0\n", "").replace(
        "Requests/sec", "  Non-2xx or 3xx responses: 4\nRequests/sec")
    assert throughput.parse_wrk(text).non_200 == 4


def test_output_without_figures_is_an_error_not_a_zero():
    with pytest.raises(ValueError):
        throughput.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


@pytest.mark.parametrize(("text", "ms"), [("812.00us", 0.812), ("12.5ms", 12.5),
                                          ("1.02s", 1020.0), ("2.00m", 120_000.0)])
def test_wrk_durations_in_milliseconds(text, ms):
    assert throughput.duration_ms(text) == pytest.approx(ms)


def test_a_third_of_the_reference_is_the_target():
    assert throughput.share_verdict(40.0, 120.0) == (pytest.approx(1 / 3), "ok")
    assert throughput.share_verdict(39.0, 120.0)[1] == "OVER"
    assert throughput.share_verdict(39.0, 0.0)[1] == "no reference"


def test_peak_memory_from_proc_status_and_its_verdict():
    status = "Name:\tgunicorn\nVmPeak:\t  400000 kB\nVmHWM:\t  153600 kB\nVmRSS:\t 150000 kB\n"
    assert throughput.vm_hwm_mb(status) == pytest.approx(150.0)
    assert throughput.memory_verdict(150.0) == "ok"
    assert throughput.memory_verdict(300.0) == "OVER"
    assert throughput.vm_hwm_mb("Name:\tkthreadd\n") is None


def test_the_celery_log_says_when_a_task_ended():
    log = ("[2026-11-21 20:00:01,000: INFO/MainProcess] Task a.b[id-1] received\n"
           "[2026-11-21 20:00:03,000: INFO/ForkPoolWorker-1] Task a.b[id-1] succeeded in "
           "1.75s: 25\n"
           "[2026-11-21 20:00:04,000: ERROR/ForkPoolWorker-1] Task a.c[id-2] raised "
           "unexpected: KeyError('x')\n")
    assert throughput.celery_task_seconds(log, "id-1") == ("succeeded", 1.75)
    assert throughput.celery_task_seconds(log, "id-2") == ("failed", None)
    assert throughput.celery_task_seconds(log, "id-3") is None


def _run(workers, reference_rps, page_rps, *, error=""):
    def page(label, rps):
        return throughput.PageRun(label, "/x/", "member", throughput.WrkResult(
            rps, 10.0, 50.0, int(rps * 10), 0, 0))
    pages = [page("reference page", reference_rps), page("board", page_rps),
             throughput.PageRun("broken", "/broken/", "member", error=error or "answered 302")]
    return throughput.ServerRun(workers, pages, "1.00 / 1.00 / 1.00", "2.00 / 1.00 / 1.00",
                                worker_peaks_mb=[120.0, 310.0])


def test_the_report_checks_each_page_and_the_web_workers_memory():
    runs = [_run(2, 90.0, 20.0)]
    celery = throughput.CeleryRun(tasks=[("a.b", "succeeded", 1.5)], idle_mb=100.0,
                                  peak_mb=180.0, main_peak_mb=90.0)
    text = throughput.render_report(
        plan={"scale": "region", "counts": {"people": 400}, "generation_seconds": 2.0,
              "generation_steps": {"people": 0.1}},
        runs=runs, celery=celery, wrk_command="wrk …", seconds=10, warm_up=2,
        environment={"machine": "2 CPUs", "load_before": "1", "load_after": "2",
                     "date": "today", "software": "x", "database": "PostgreSQL",
                     "redis": "db"})
    assert "| board `/x/` | member | 20.0 | 10.0 | 50.0 | 200 | 0.22 | OVER |" in text
    assert "| reference page `/x/` | member | 90.0 |" in text
    assert "ERROR: answered 302" in text
    assert "| gunicorn worker, 2 workers (max of 120, 310 MB) | 310 MB | OVER |" in text
    assert "180 MB" in text
    assert throughput.has_errors(runs, celery)
    summary = throughput.summary_lines(runs)[0]
    assert "1 of 3 pages" in summary and "OVER: board" in summary
    assert "ERROR: broken" in summary


def test_a_clean_run_has_no_errors_and_an_unfinished_task_is_one():
    run = _run(4, 90.0, 60.0)
    run.pages = run.pages[:2]
    assert not throughput.has_errors([run], throughput.CeleryRun(
        tasks=[("a.b", "succeeded", 1.0)]))
    assert throughput.has_errors([run], throughput.CeleryRun(
        tasks=[("a.b", "did not finish within the time limit", None)]))


def test_results_md_takes_the_reports_there_are_and_names_the_missing(tmp_path):
    (tmp_path / "bench-region-postgresql.md").write_text(
        "# Benchmark: scale region\n\n| page | p95 | target |\n| --- | --- | --- |\n"
        "| board `/brett/` | 12.0 | ≤ 3.0 (OVER) |\n| start `/` | 5.0 | ≤ 3.0 (ok) |\n"
        "\nsearch p95 **120 ms** (target < 100 ms, OVER)\n\nrebuild **98 %** (target ≥ 80 %)\n")
    (tmp_path / "bench-region-postgresql-queries.txt").write_text("SELECT 1")
    (tmp_path / "throughput-region.md").write_text(
        "# Throughput: scale region\n\n## Summary\n\n- 2 workers: 30 of 30 pages\n")
    text = results.assemble(tmp_path, now="2026-11-21 20:00 UTC", machine_line="2 CPUs")

    assert text.startswith("# Klima.Werk: measured results\n")
    assert text.count("\n# ") == 0  # one title; the reports' headings are demoted
    assert "\n### Benchmark: scale region\n" in text and "\n#### Summary\n" in text
    assert "*From var/bench-region-postgresql.md, written " in text
    assert "SELECT 1" not in text
    assert "- Pages, region (make bench) (bench-region-postgresql.md): board `/brett/`" in text
    assert "start `/`" not in text.split("## Not measured")[0]
    assert "(bench-region-postgresql.md): search p95 **120 ms** (target < 100 ms, OVER)" in text
    assert "): rebuild" not in text
    missing = text.split("## Not measured in this run")[1].split("\n## ")[0]
    assert "Pages, nation" in missing and "Daily digest" in missing
    assert "Throughput, region" not in missing and "Pages, region" not in missing


def test_results_md_from_an_empty_var_lists_everything_as_not_measured(tmp_path):
    text = results.assemble(tmp_path, now="now", machine_line="2 CPUs")
    assert "- none in the reports below" in text
    missing = text.split("## Not measured in this run")[1]
    assert missing.count("\n- ") == len(results.SECTIONS)


def test_the_report_says_whether_search_had_an_index():
    built = throughput.search_index_line({"counts": {"search documents": 4521},
                                          "generation_steps": {"search index": 28.04}})
    assert built.startswith("Search index: 4,521 documents, built in 28.0 s")
    assert "empty index" in throughput.search_index_line({"counts": {}})
