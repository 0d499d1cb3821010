"""Benchmark the dbt project at a given size against a hand-written DuckDB script.

Generates a data set once (cached under .bench/), reads it once so every step
finds it in the page cache, then measures, each in its own process: a full `dbt run` from empty on 99% of the objects; a no-op rerun;
the reference script (scripts/benchmark/reference.sql) on the same objects; an
incremental run after the last 1% of objects arrive (they carry late events
for old messages, as Firehose delivers them); and a full `dbt build` with every
test. Prints wall seconds, events per second, peak memory (RSS) and the ratios
the project's targets are stated in.

    python scripts/benchmark/run.py [--events 1000000] [--memory-limit 1500MB]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2]
BENCH_DIR = PROJECT_DIR / ".bench"
GENERATOR = PROJECT_DIR / "scripts" / "generate_ses_data.py"
REFERENCE_SQL = Path(__file__).with_name("reference.sql")
DBT = Path(sys.executable).with_name("dbt")
EVENTS_PER_MESSAGE = 2.724  # the generator's default mix
INCREMENT_SHARE = 0.01
SEED = 1

# Runs a command and prints its own peak RSS: getrusage of a single waited-for
# child is exactly that child's high-water mark.
PEAK_RSS_WRAPPER = (
    "import resource, subprocess, sys;"
    "code = subprocess.run(sys.argv[1:]).returncode;"
    "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
    "sys.exit(code)"
)


@dataclass
class Measurement:
    step: str
    seconds: float
    events: int
    peak_rss_mb: float

    @property
    def events_per_second(self) -> float | None:
        return self.events / self.seconds if self.events else None


def measure(step: str, command: list[str], environment: dict[str, str], log_file: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one command; fails loudly if it fails."""
    started = time.perf_counter()
    with log_file.open("w") as log:
        completed = subprocess.run(
            [sys.executable, "-c", PEAK_RSS_WRAPPER, *command],
            cwd=PROJECT_DIR, env=environment, stdout=log, stderr=subprocess.PIPE, text=True,
        )
    seconds = time.perf_counter() - started
    peak_kb = next(int(line.split()[1]) for line in completed.stderr.splitlines() if line.startswith("PEAK_RSS_KB"))
    if completed.returncode != 0:
        sys.exit(f"{step} failed (exit {completed.returncode}); see {log_file}\n{completed.stderr[-2000:]}")
    return seconds, peak_kb / 1024


def generated_data(events: int) -> Path:
    """The cached data set for this size, generated on first use."""
    data_dir = BENCH_DIR / f"data-{events}"
    if not (data_dir / "ground_truth.json").exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        messages = round(events / EVENTS_PER_MESSAGE)
        subprocess.run(
            [sys.executable, str(GENERATOR), "--out", str(data_dir), "--messages", str(messages),
             "--seed", str(SEED), "--days", str(max(3, events // 300_000))],
            check=True,
        )
    return data_dir


def link_objects(objects: list[Path], source: Path, target: Path) -> None:
    for path in objects:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, destination)


def warm_page_cache(paths: list[Path]) -> None:
    """Read every input once, so that no step pays for a cold disk cache and
    the steps compare the work they do rather than the order they run in."""
    for path in paths:
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass


def newest_objects_holding(objects: list[Path], share: float) -> list[Path]:
    """The newest objects (keys sort by arrival) that together hold about
    `share` of the bytes, hence of the records. The newest objects also carry
    the late events of older messages."""
    total = sum(path.stat().st_size for path in objects)
    held_back: list[Path] = []
    for path in reversed(objects):
        if sum(held.stat().st_size for held in held_back) >= share * total:
            break
        held_back.insert(0, path)
    return held_back


def count_events(database: Path, table: str = "marts.fct_ses_events") -> int:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(f"select count(*) from {table}").fetchall()[0][0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=int(os.environ.get("SIZE", 1_000_000)),
                        help="approximate number of distinct events (default: 1,000,000 or $SIZE)")
    parser.add_argument("--memory-limit", default=os.environ.get("SES_DUCKDB_MEMORY_LIMIT", "1500MB"),
                        help="DuckDB memory_limit for every step (default: 1500MB, as in profiles.yml)")
    parser.add_argument("--threads", default=os.environ.get("SES_DUCKDB_THREADS", "2"), help="DuckDB threads")
    parser.add_argument("--skip-tests", action="store_true", help="leave out the full `dbt build` with tests")
    arguments = parser.parse_args()

    data_dir = generated_data(arguments.events)
    source = data_dir / "ses_events"
    objects = sorted(path for path in source.rglob("*") if path.is_file())
    held_back = newest_objects_holding(objects, INCREMENT_SHARE)
    run_dir = BENCH_DIR / f"run-{arguments.events}"
    shutil.rmtree(run_dir, ignore_errors=True)
    landing = run_dir / "ses_events"
    link_objects(objects[: len(objects) - len(held_back)], source, landing)
    requests = data_dir / "ses_requests.csv"
    database = run_dir / "ses.duckdb"
    environment = {
        **os.environ,
        "SES_DUCKDB_PATH": str(database),
        "SES_DUCKDB_MEMORY_LIMIT": arguments.memory_limit,
        "SES_DUCKDB_THREADS": arguments.threads,
        "SES_DUCKDB_TEMP_DIRECTORY": str(run_dir / "spill"),
    }
    dbt_command = [
        str(DBT), "--no-use-colors", "run", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(run_dir / "target"), "--log-path", str(run_dir / "logs"),
        "--vars", json.dumps({"ses_events_path": str(landing), "ses_requests_path": str(requests)}),
    ]
    warm_page_cache(objects + [requests])
    results: list[Measurement] = []

    seconds, peak = measure("full build", dbt_command, environment, run_dir / "full.log")
    full_events = count_events(database)
    results.append(Measurement("dbt run, full, from empty", seconds, full_events, peak))

    seconds, peak = measure("no-op", dbt_command, environment, run_dir / "noop.log")
    results.append(Measurement("dbt run, nothing new", seconds, 0, peak))

    startup_command = dbt_command + ["--select", "config.materialized:seed"]
    seconds, peak = measure("dbt start-up", startup_command, environment, run_dir / "startup.log")
    results.append(Measurement("dbt start-up (selects nothing)", seconds, 0, peak))

    reference_database = run_dir / "reference.duckdb"
    reference_sql = (
        f"set threads = {arguments.threads}; set memory_limit = '{arguments.memory_limit}';"
        f" set preserve_insertion_order = false; set temp_directory = '{run_dir / 'spill'}';\n"
        + REFERENCE_SQL.read_text()
        .replace("${EVENTS_GLOB}", str(landing / "**"))
        .replace("${REQUESTS_CSV}", str(requests))
    )
    (run_dir / "reference.sql").write_text(reference_sql)
    seconds, peak = measure(
        "reference",
        [sys.executable, "-c",
         f"import duckdb; duckdb.connect({str(reference_database)!r}).execute(open({str(run_dir / 'reference.sql')!r}).read())"],
        environment, run_dir / "reference.log",
    )
    results.append(Measurement("reference DuckDB script", seconds, count_events(reference_database, "events"), peak))

    link_objects(held_back, source, landing)
    seconds, peak = measure("incremental", dbt_command, environment, run_dir / "incremental.log")
    with duckdb.connect(str(database), read_only=True) as connection:
        new_events, late_for_old_messages = connection.execute(
            "select count(*), count(*) filter (where message_id in ("
            " select message_id from marts.fct_ses_events group by message_id having min(loaded_at) < max(loaded_at)))"
            " from marts.fct_ses_events where loaded_at = (select max(loaded_at) from marts.fct_ses_events)"
        ).fetchall()[0]
    results.append(Measurement(f"dbt run, +{INCREMENT_SHARE:.0%} new objects", seconds, new_events, peak))

    if not arguments.skip_tests:
        shutil.rmtree(run_dir / "build", ignore_errors=True)
        (run_dir / "build").mkdir()
        build_command = [part if part != "run" else "build" for part in dbt_command]
        build_environment = dict(environment, SES_DUCKDB_PATH=str(run_dir / "build" / "ses.duckdb"))
        seconds, peak = measure("dbt build", build_command, build_environment, run_dir / "build.log")
        results.append(Measurement("dbt build (all tests), full", seconds, count_events(run_dir / "build" / "ses.duckdb"), peak))

    print_report(arguments, results, len(objects), len(held_back), late_for_old_messages)
    (BENCH_DIR / f"results-{arguments.events}.json").write_text(
        json.dumps({"events": arguments.events, "memory_limit": arguments.memory_limit,
                    "results": [asdict(result) for result in results]}, indent=2)
    )
    return 0


def print_report(arguments, results: list[Measurement], objects: int, held_back: int, late_events: int) -> None:
    full, noop, startup, reference, incremental = results[:5]
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"\nSES analytics benchmark: {full.events:,} events in {objects - held_back:,} objects, "
          f"then {held_back:,} more objects ({incremental.events:,} events, {late_events:,} of them for messages "
          f"already loaded)")
    print(f"machine: {os.cpu_count()} cores, {cpu}, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; DuckDB threads "
          f"{arguments.threads}, memory_limit {arguments.memory_limit}\n")
    print(f"{'step':<34} {'seconds':>9} {'events/s':>11} {'peak RSS':>10}")
    for result in results:
        rate = f"{result.events_per_second:,.0f}" if result.events_per_second else "-"
        print(f"{result.step:<34} {result.seconds:>9.1f} {rate:>11} {result.peak_rss_mb:>7.0f} MB")
    print()
    print(f"full build / reference script:   {full.seconds / reference.seconds:.2f}x  (target <= 1.5x)")
    print(f"incremental (+1%) / full build:  {incremental.seconds / full.seconds:.1%}  (target <= 10%)")
    print(f"no-op rebuild / full build:      {noop.seconds / full.seconds:.1%}; less dbt's start-up "
          f"({startup.seconds:.1f} s): {(noop.seconds - startup.seconds) / full.seconds:.1%}  (target <= 5%)")
    print(f"peak memory, full build:         {full.peak_rss_mb:,.0f} MB  (target <= 2048 MB at 1M events)")


if __name__ == "__main__":
    sys.exit(main())
