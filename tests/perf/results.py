"""tests/perf/RESULTS.md from the reports the measurements left in var/.

    python -m tests.perf.results [VAR [OUT]]   # defaults: var, tests/perf/RESULTS.md

Run it after ``make bench``, the search and digest benches, ``make throughput`` or
``make load``: it takes each report as its run wrote it (with that run's own date, data and
load average), puts them under one header with the machine and the date, lists the rows
marked OVER or ERROR, and names every measurement that has no report as not measured in this
run. It writes no figure of its own.
"""

import os
import platform
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Section:
    title: str
    patterns: tuple[str, ...]  # globs in var/; a report may exist per database vendor


SECTIONS = [
    Section("Pages, region (make bench)", ("bench-region.md", "bench-region-*.md")),
    Section("Pages, nation (make bench SCALE=nation)", ("bench-nation.md",
                                                        "bench-nation-*.md")),
    Section("Search, region", ("bench-search-region*.md",)),
    Section("Search, nation", ("bench-search-nation*.md",)),
    Section("Daily digest", ("bench-digest*.md", "digest*.md")),
    Section("Throughput, region (make throughput)", ("throughput-region.md",)),
    Section("Throughput, nation (make throughput SCALE=nation)", ("throughput-nation.md",)),
    Section("Load test (make load)", ("load-results.md",)),
]
_MARKED = re.compile(r"\b(OVER|ERROR|FAILED)\b")


def reports_of(section: Section, var: Path) -> list[Path]:
    found = {path for pattern in section.patterns for path in var.glob(pattern)
             if path.is_file()}
    return sorted(found)


def demoted(markdown: str) -> str:
    """The report's headings two levels down, under its section's: RESULTS.md has a single
    title."""
    return re.sub(r"^(#{1,4}) ", r"##\1 ", markdown, flags=re.MULTILINE)


def marked_rows(markdown: str) -> list[str]:
    """The first cell of each table row, and each list item or line naming its target,
    that says OVER, ERROR or FAILED: the targets a report says were missed and what went
    wrong."""
    rows = []
    for line in markdown.splitlines():
        if not _MARKED.search(line):
            continue
        if line.startswith("|"):
            rows.append(line.strip("|").split("|")[0].strip())
        elif (line.lstrip().startswith(("- ", "* ")) or line.startswith(("PASSED", "FAILED"))
              or "(target" in line):
            rows.append(line.strip().lstrip("-* ").strip())
    return rows


def machine() -> str:
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
        memory = f", {kb / 1024 / 1024:.1f} GB memory"
    except (OSError, TypeError):
        pass
    return f"{os.cpu_count()} CPUs{memory}, {platform.platform()}"


def _written(path: Path) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(path.stat().st_mtime))


def assemble(var: Path, *, now: str, machine_line: str) -> str:
    parts, missing, marked = [], [], []
    for section in SECTIONS:
        reports = reports_of(section, var)
        if not reports:
            missing.append(f"- {section.title} ({', '.join('var/' + p for p in section.patterns)})")
            continue
        parts += [f"## {section.title}", ""]
        for path in reports:
            text = path.read_text(encoding="utf-8")
            parts += [f"*From var/{path.name}, written {_written(path)}.*", "",
                      demoted(text).rstrip(), ""]
            marked += [f"- {section.title} ({path.name}): {row}" for row in marked_rows(text)]
    lines = [
        "# Klima.Werk: measured results",
        "",
        f"Assembled on {now} by `python -m tests.perf.results` from the reports in var/, on "
        f"{machine_line}. Each section is one run's report as it wrote it, with its own date, "
        f"data and load average; the machine may be shared, so compare figures within a "
        f"section (the ratios to its reference page) rather than across sections.",
        "",
        "## Missed targets and errors",
        "",
        *(marked or ["- none in the reports below"]),
        "",
        "## Not measured in this run",
        "",
        *(missing or ["- everything was measured"]),
        "",
        *parts,
    ]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    var = Path(argv[0]) if argv else ROOT / "var"
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "tests" / "perf" / "RESULTS.md"
    if not var.is_dir():
        print(f"{var} is not a directory")
        return 2
    text = assemble(var, now=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                    machine_line=machine())
    out.write_text(text, encoding="utf-8")
    print(text + f"\n(written to {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
