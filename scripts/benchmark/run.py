"""Benchmark the production `dbt build` against the floor reference script.

Generates a data set once (cached under .bench/): the generator's events as
plain Firehose gzip NDJSON (no SNS or EventBridge envelopes, no duplicates,
malformed or concatenated records), which is what the floor,
../shared/bench/floor_reference.py, can read. The newest objects holding 1%
of the bytes are held back. Then, --repeats times, interleaved, each step in
its own process on the same files:

  floor            the floor script on the 99%
  full build       `dbt build` from an empty database on the 99%
  nothing new      `dbt build` again
  start-up         `dbt build` selecting nothing (what dbt costs before any work)
  +1% new objects  the held-back objects arrive, `dbt build` again

and prints the median of each with the targets, peak memory, and where the
full build's time goes (per model and for all tests, from run_results.json).
It also times one full build on the generator's default mix (envelopes,
duplicates, malformed records), for information, and above 1M events compares
the full build with the 1M one (.bench/results-1000000.json).

With --engine spark (make bench ENGINE=spark) the dbt steps run the same
production command on the `spark` target (dbt-spark's local session from
.venv-spark, Parquet tables in a warehouse per round), against the same
floor on the same files.

    python scripts/benchmark/run.py [--events 1000000] [--repeats 3] [--memory-limit 1200MB] [--engine duckdb|spark]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2]
BENCH_DIR = PROJECT_DIR / ".bench"
GENERATOR = PROJECT_DIR / "scripts" / "generate_ses_data.py"
FLOOR = PROJECT_DIR.parent / "shared" / "bench" / "floor_reference.py"
DBT = Path(sys.executable).with_name("dbt")
SPARK_DBT = PROJECT_DIR / ".venv-spark" / "bin" / "dbt"
EVENTS_PER_MESSAGE = 2.536  # the generator's default mix (transactional mail has no opens or clicks)
INCREMENT_SHARE = 0.01
SEED = 1
# Shares the floor cannot read: every record a bare SES record, each once, on its own line.
PLAIN_OPTIONS = [
    "--sns-rate", "0", "--eventbridge-rate", "0", "--legacy-rate", "0", "--exported-rate", "0",
    "--duplicate-rate", "0", "--malformed-rate", "0", "--non-event-rate", "0", "--concatenated-rate", "0",
]

# Runs a command and prints its own peak RSS: getrusage of a single waited-for
# child is exactly that child's high-water mark.
PEAK_RSS_WRAPPER = (
    "import resource, subprocess, sys;"
    "code = subprocess.run(sys.argv[1:]).returncode;"
    "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
    "sys.exit(code)"
)


@dataclass
class Step:
    name: str
    seconds: list[float] = field(default_factory=list)
    peak_rss_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def spread(self) -> str:
        return f"{min(self.seconds):.1f} to {max(self.seconds):.1f}"


def measure(step: Step, command: list[str], environment: dict[str, str], log_file: Path) -> None:
    """Adds one wall time and peak RSS to `step`; fails loudly if the command fails."""
    started = time.perf_counter()
    with log_file.open("w") as log:
        completed = subprocess.run(
            [sys.executable, "-c", PEAK_RSS_WRAPPER, *command],
            cwd=PROJECT_DIR, env=environment, stdout=log, stderr=subprocess.PIPE, text=True,
        )
    seconds = time.perf_counter() - started
    peak_kb = next(int(line.split()[1]) for line in completed.stderr.splitlines() if line.startswith("PEAK_RSS_KB"))
    if completed.returncode != 0:
        sys.exit(f"{step.name} failed (exit {completed.returncode}); see {log_file}\n{completed.stderr[-2000:]}")
    step.seconds.append(seconds)
    step.peak_rss_mb.append(peak_kb / 1024)


def generated_data(events: int, plain: bool) -> Path:
    """The cached data set for this size, generated on first use."""
    data_dir = BENCH_DIR / f"data-{events}-{'plain' if plain else 'mixed'}"
    if not (data_dir / "ground_truth.json").exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        messages = round(events / EVENTS_PER_MESSAGE)
        subprocess.run(
            [sys.executable, str(GENERATOR), "--out", str(data_dir), "--messages", str(messages), "--seed", str(SEED),
             "--days", str(max(3, events // 300_000)), "--quiet", *(PLAIN_OPTIONS if plain else [])],
            check=True,
        )
    return data_dir


def link_objects(objects: list[Path], source: Path, target: Path) -> None:
    for path in objects:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, destination)


def unlink_objects(objects: list[Path], source: Path, target: Path) -> None:
    for path in objects:
        (target / path.relative_to(source)).unlink()


def warm_page_cache(paths: list[Path]) -> None:
    """Read every input once, so that no step pays alone for a cold disk cache."""
    for path in paths:
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass


def newest_objects_holding(objects: list[Path], share: float) -> list[Path]:
    """The newest objects (keys sort by arrival) that together hold about
    `share` of the bytes; they also carry late events of older messages."""
    total = sum(path.stat().st_size for path in objects)
    held_back: list[Path] = []
    held_bytes = 0
    for path in reversed(objects):
        if held_bytes >= share * total:
            break
        held_back.insert(0, path)
        held_bytes += path.stat().st_size
    return held_back


def fresh_directory(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


ENGINE = "duckdb"


def dbt_build(work_dir: Path, events: Path, requests: Path, *selection: str) -> list[str]:
    """The production command (plain `dbt build`, on Spark `--target spark`), with this run's paths."""
    return [
        str(SPARK_DBT if ENGINE == "spark" else DBT), "--no-use-colors", "build", *selection,
        *(["--target", "spark"] if ENGINE == "spark" else []), "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROJECT_DIR), "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
        "--vars", json.dumps({"ses_events_path": str(events), "ses_requests_path": str(requests)}),
    ]


def engine_environment(environment: dict[str, str], work_dir: Path, database: Path) -> dict[str, str]:
    """The environment of a dbt step writing to `database` (DuckDB) or to a
    Spark warehouse beside it."""
    return dict(environment, SES_DUCKDB_PATH=str(database), SES_SPARK_WAREHOUSE=str(work_dir / "warehouse"))


def time_per_node(run_results: Path) -> tuple[list[tuple[str, float]], float, int]:
    """Seconds per model (largest first), the tests' total seconds and count."""
    results = json.loads(run_results.read_text())["results"]
    models = sorted(
        ((result["unique_id"].split(".")[-1], result["execution_time"])
         for result in results if result["unique_id"].startswith("model.")),
        key=lambda item: -item[1],
    )
    tests = [result["execution_time"] for result in results if result["unique_id"].startswith("test.")]
    return models, sum(tests), len(tests)


def count_events(database: Path) -> int:
    """Distinct events built: the rows of stg_ses__events (on Spark a view
    DuckDB cannot read, so its rule applied to the Parquet of the two tables
    it reads: records that became events, less redeliveries)."""
    if ENGINE == "spark":
        staging = database.parent / "warehouse" / "main_ses_staging.db"
        with duckdb.connect() as connection:
            return connection.execute(
                f"select count(*) from read_parquet('{staging}/base_ses__records/**/*.parquet')"
                " where rejection_reason is null and raw_record_id not in ("
                f"select unnest(redelivered_record_ids) from read_parquet('{staging}/base_ses__batches/**/*.parquet'))"
            ).fetchall()[0][0]
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute("select count(*) from main_ses_staging.stg_ses__events").fetchall()[0][0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=int(os.environ.get("SIZE", 1_000_000)),
                        help="approximate number of distinct events (default: 1,000,000 or $SIZE)")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds; medians are reported (default 3)")
    parser.add_argument("--memory-limit", default=os.environ.get("SES_DUCKDB_MEMORY_LIMIT", "1200MB"),
                        help="DuckDB memory_limit for the dbt steps (default: 1200MB, as in profiles.yml)")
    parser.add_argument("--threads", default=os.environ.get("SES_DUCKDB_THREADS", "2"), help="DuckDB threads")
    parser.add_argument("--skip-mixed", action="store_true", help="leave out the full build on the default mixed data")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default=os.environ.get("ENGINE", "duckdb"),
                        help="the target the dbt steps build on (default duckdb; spark needs make test-spark's .venv-spark)")
    arguments = parser.parse_args()
    global ENGINE
    ENGINE = arguments.engine
    if ENGINE == "spark" and not SPARK_DBT.exists():
        sys.exit(f"{SPARK_DBT} is missing: run make test-spark (or make .venv-spark/.installed) first")
    if not FLOOR.exists():
        sys.exit(f"the floor reference is missing: {FLOOR}")

    data_dir = generated_data(arguments.events, plain=True)
    source = data_dir / "ses_events"
    requests = data_dir / "ses_requests.csv"
    objects = sorted(path for path in source.rglob("*") if path.is_file())
    held_back = newest_objects_holding(objects, INCREMENT_SHARE)
    run_dir = fresh_directory(BENCH_DIR / f"run-{arguments.events}")
    landing = run_dir / "ses_events"
    link_objects(objects[: len(objects) - len(held_back)], source, landing)
    environment = {
        **os.environ,
        "SES_DUCKDB_MEMORY_LIMIT": arguments.memory_limit,
        "SES_DUCKDB_THREADS": arguments.threads,
        "SES_DUCKDB_TEMP_DIRECTORY": str(run_dir / "spill"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    warm_page_cache(objects + [requests])
    # the first dbt run after a change parses the project; no step pays for that
    subprocess.run(dbt_build(run_dir / "parse", landing, requests, "--select", "config.materialized:seed"),
                   cwd=PROJECT_DIR, env=engine_environment(environment, run_dir / "parse", run_dir / "parse" / "ses.duckdb"),
                   capture_output=True, check=True)

    floor, full, noop, startup, incremental = (
        Step("floor"), Step("full build"), Step("nothing new"), Step("start-up"), Step("+1% new objects"))
    full_events = new_events = 0
    for round_number in range(1, arguments.repeats + 1):
        round_dir = fresh_directory(run_dir / f"round-{round_number}")
        measure(floor, [sys.executable, str(FLOOR), str(landing / "**"), str(requests), str(round_dir / "floor.duckdb")],
                environment, round_dir / "floor.log")
        database = round_dir / "ses.duckdb"
        dbt_environment = engine_environment(environment, round_dir, database)
        command = dbt_build(round_dir, landing, requests)
        measure(full, command, dbt_environment, round_dir / "full.log")
        shutil.copyfile(round_dir / "target" / "run_results.json", round_dir / "full_run_results.json")
        full_events = count_events(database)
        measure(noop, command, dbt_environment, round_dir / "noop.log")
        shutil.copyfile(round_dir / "target" / "run_results.json", round_dir / "noop_run_results.json")
        measure(startup, dbt_build(round_dir, landing, requests, "--select", "config.materialized:seed"),
                dbt_environment, round_dir / "startup.log")
        link_objects(held_back, source, landing)
        measure(incremental, command, dbt_environment, round_dir / "incremental.log")
        shutil.copyfile(round_dir / "target" / "run_results.json", round_dir / "incremental_run_results.json")
        new_events = count_events(database) - full_events
        unlink_objects(held_back, source, landing)
        print(f"round {round_number}: floor {floor.seconds[-1]:.1f} s, full {full.seconds[-1]:.1f} s, "
              f"nothing new {noop.seconds[-1]:.1f} s, start-up {startup.seconds[-1]:.1f} s, "
              f"+1% {incremental.seconds[-1]:.1f} s", flush=True)

    median_round = sorted(range(arguments.repeats), key=lambda index: full.seconds[index])[arguments.repeats // 2]
    models, test_seconds, test_count = time_per_node(run_dir / f"round-{median_round + 1}" / "full_run_results.json")
    mixed = None
    if not arguments.skip_mixed:
        mixed_dir = generated_data(arguments.events, plain=False)
        mixed_run = fresh_directory(run_dir / "mixed")
        mixed = Step("full build, mixed data")
        measure(mixed, dbt_build(mixed_run, mixed_dir / "ses_events", mixed_dir / "ses_requests.csv"),
                engine_environment(environment, mixed_run, mixed_run / "ses.duckdb"), mixed_run / "full.log")
        mixed_events = count_events(mixed_run / "ses.duckdb")

    report = Report(arguments, floor, full, noop, startup, incremental)
    report.print(len(objects) - len(held_back), len(held_back), full_events, new_events)
    print(f"\nwhere the full build's time goes (round {median_round + 1}, seconds per node as dbt reports them;"
          f" dbt runs two at a time):")
    for name, seconds in models:
        print(f"  {name:<34} {seconds:>7.2f}")
    print(f"  {f'{test_count} data tests':<34} {test_seconds:>7.2f}")
    for step_name, results_name in [("nothing new", "noop"), ("+1% new objects", "incremental")]:
        step_models, step_tests, _ = time_per_node(
            run_dir / f"round-{median_round + 1}" / f"{results_name}_run_results.json")
        slowest = ", ".join(f"{name} {seconds:.2f}" for name, seconds in step_models[:4])
        print(f"\n{step_name}: {len(step_models)} models {sum(seconds for _, seconds in step_models):.1f} s"
              f" (slowest: {slowest}), {test_count} data tests {step_tests:.1f} s")
    if mixed is not None:
        print(f"\nfor information: full build on the default mixed data ({mixed_events:,} events, envelopes,"
              f" duplicates, malformed records): {mixed.median:.1f} s, peak {max(mixed.peak_rss_mb):,.0f} MB")
    one_million = BENCH_DIR / f"results-1000000{'' if ENGINE == 'duckdb' else '-' + ENGINE}.json"
    if arguments.events > 1_000_000 and one_million.exists():
        reference_seconds = statistics.median(json.loads(one_million.read_text())["steps"]["full build"]["seconds"])
        scale = arguments.events / 1_000_000
        print(f"\nfull build at {arguments.events:,} events / at 1,000,000: {full.median / reference_seconds:.1f}x"
              f"  (target <= {1.1 * scale:.0f}x)")
    suffix = "" if ENGINE == "duckdb" else f"-{ENGINE}"
    (BENCH_DIR / f"results-{arguments.events}{suffix}.json").write_text(json.dumps({
        "events": arguments.events, "memory_limit": arguments.memory_limit, "engine": ENGINE,
        "steps": {step.name: {"seconds": step.seconds, "peak_rss_mb": step.peak_rss_mb}
                  for step in [floor, full, noop, startup, incremental] + ([mixed] if mixed else [])},
        "models": models, "test_seconds": test_seconds,
    }, indent=2))
    return 0


@dataclass
class Report:
    arguments: argparse.Namespace
    floor: Step
    full: Step
    noop: Step
    startup: Step
    incremental: Step

    def print(self, objects: int, held_back: int, full_events: int, new_events: int) -> None:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), platform.processor())
        memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        print(f"\nSES analytics benchmark: {full_events:,} events in {objects:,} objects (plain gzip NDJSON), "
              f"then {held_back:,} more objects ({new_events:,} events)")
        engine = (f"DuckDB threads {self.arguments.threads}, memory_limit {self.arguments.memory_limit}"
                  if ENGINE == "duckdb" else "dbt on Spark (local session, Parquet tables)")
        print(f"machine: {os.cpu_count()} cores, {cpu}, {memory_gib:.0f} GiB; {engine}; "
              f"medians of {len(self.full.seconds)} interleaved rounds\n")
        print(f"{'step':<44} {'median s':>9} {'range':>14} {'peak RSS':>10}")
        for step in [self.floor, self.full, self.noop, self.startup, self.incremental]:
            print(f"{step.name:<44} {step.median:>9.1f} {step.spread():>14} {max(step.peak_rss_mb):>7,.0f} MB")
        full_ratio = self.full.median / self.floor.median
        noop_over = self.noop.median - self.startup.median
        incremental_budget = self.noop.median + 0.10 * (self.full.median - self.startup.median)
        peak = max(self.full.peak_rss_mb)
        print()
        print(f"full build / floor:             {full_ratio:.2f}x  (target <= 2.0x, aim 1.5x)  "
              f"{'met' if full_ratio <= 2.0 else 'MISSED'}")
        print(f"nothing new - start-up:         {noop_over:.1f} s  (target <= 1.5 s)  "
              f"{'met' if noop_over <= 1.5 else 'MISSED'}")
        print(f"+1% new objects:                {self.incremental.median:.1f} s  (target <= nothing new + 10% of "
              f"(full - start-up) = {incremental_budget:.1f} s)  "
              f"{'met' if self.incremental.median <= incremental_budget else 'MISSED'}")
        print(f"peak memory, full build:        {peak:,.0f} MB  (target <= 1,536 MB at 1M events)  "
              f"{'met' if peak <= 1536 else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main())
