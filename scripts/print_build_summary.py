"""Print what `dbt build` produced: where the database is, every table and view
with its row count, events per class, quarantined records per reason,
messages, the region summary, the opened-but-not-clicked count, and each
warning the build ended with: what it counts and, on generated data, whether
the generator wrote exactly that many on purpose.

    .venv/bin/python scripts/print_build_summary.py --ground-truth data/demo/ground_truth.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "ses_analytics.duckdb"
# The meta key of a warn-severity data test that names the ground_truth.json
# figure its count equals on generated data (see tests/_singular_tests.yml).
GROUND_TRUTH_META_KEY = "ground_truth"
TEXT_WIDTH = 100


def database_path() -> Path:
    """The database dbt wrote, found the way profiles.yml finds it: a relative
    SES_DUCKDB_PATH is taken from the project folder."""
    configured = Path(os.environ.get("SES_DUCKDB_PATH", DEFAULT_DATABASE)).expanduser()
    return configured if configured.is_absolute() else PROJECT_DIR / configured


def print_relations(connection: duckdb.DuckDBPyConnection) -> None:
    relations = connection.execute(
        "select table_schema, table_name, table_type from information_schema.tables"
        " where table_schema in ('main_ses_landing', 'main_ses_staging', 'main_ses_marts') order by table_schema, table_name"
    ).fetchall()
    print(f"{'relation':<45} {'kind':<6} {'rows':>12}")
    for schema, name, kind in relations:
        rows = connection.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
        print(f"{schema + '.' + name:<45} {'table' if kind == 'BASE TABLE' else 'view':<6} {rows:>12,}")


def print_counts(connection: duckdb.DuckDBPyConnection, title: str, sql: str) -> None:
    print(f"\n{title}")
    for label, count in connection.execute(sql).fetchall():
        print(f"  {label:<28} {count:>12,}")


@dataclass(frozen=True)
class BuildWarning:
    """A data test that ended at severity warn, as run_results.json and the
    manifest describe it."""

    test_name: str
    failures: int
    description: str
    defined_in: str
    ground_truth_figure: str | None


def build_warnings(target_dir: Path) -> list[BuildWarning]:
    """The warnings of the last dbt invocation whose artifacts are in `target_dir`."""
    run_results_path, manifest_path = target_dir / "run_results.json", target_dir / "manifest.json"
    if not run_results_path.exists() or not manifest_path.exists():
        return []
    nodes = json.loads(manifest_path.read_text())["nodes"]
    warnings = []
    for result in json.loads(run_results_path.read_text())["results"]:
        if result["status"] != "warn":
            continue
        node = nodes.get(result["unique_id"], {})
        warnings.append(BuildWarning(
            test_name=node.get("name", result["unique_id"]),
            failures=result["failures"] or 0,
            description=" ".join(node.get("description", "").split()),
            defined_in=node.get("original_file_path", "?"),
            ground_truth_figure=node.get("config", {}).get("meta", {}).get(GROUND_TRUTH_META_KEY),
        ))
    return sorted(warnings, key=lambda warning: (-warning.failures, warning.test_name))


def ground_truth_comparison(warning: BuildWarning, ground_truth: dict) -> str:
    """Whether the generator wrote exactly as many as the warning counts. A
    figure may be a count or a count per reason, printed with its parts."""
    figure = warning.ground_truth_figure
    if figure is None or figure not in ground_truth:
        return "Not a figure of ground_truth.json: look at this one."
    value = ground_truth[figure]
    if isinstance(value, dict):
        written = sum(value.values())
        parts = ", ".join(f"{part} {count:,}" for part, count in value.items())
        source = f"(ground_truth.json {figure}: {parts})"
    else:
        written = value
        source = f"(ground_truth.json {figure})"
    if written == warning.failures:
        return f"Expected on this data: the generator wrote exactly {written:,} on purpose {source}."
    return f"Not what the generator wrote: it wrote {written:,} {source}; look at this one."


def print_warnings(warnings: list[BuildWarning], ground_truth: dict | None) -> None:
    if not warnings:
        return
    plural = "" if len(warnings) == 1 else "s"
    print(f"\nThe build ended with {len(warnings)} warning{plural}: each counts data worth a look, none is a failure")
    indent = " " * 6
    for warning in warnings:
        print(f"  {warning.failures:>3,} {warning.test_name}")
        description = warning.description or f"No description: see {warning.defined_in}."
        print(textwrap.fill(description, TEXT_WIDTH, initial_indent=indent, subsequent_indent=indent))
        # one line, whatever its length, so that it can be searched for
        if ground_truth is not None:
            print(indent + ground_truth_comparison(warning, ground_truth))


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--target-dir", type=Path, default=PROJECT_DIR / "target",
        help="where dbt wrote run_results.json and manifest.json (default: the project's target/)",
    )
    parser.add_argument(
        "--ground-truth", type=Path,
        help="the generator's ground_truth.json for the data built: each warning is checked against it",
    )
    return parser.parse_args()


def main() -> int:
    arguments = parse_arguments()
    path = database_path()
    if not path.exists():
        print(f"No database at {path}: run `make demo` (or `dbt build`) first.", file=sys.stderr)
        return 1
    with duckdb.connect(str(path), read_only=True) as connection:
        print(f"\nBuilt {path}\n")
        print_relations(connection)
        print_counts(
            connection,
            "Distinct events per class (main_ses_marts.fct_ses_events)",
            "select event_class, count(*) from main_ses_marts.fct_ses_events group by 1 order by 2 desc",
        )
        print_counts(
            connection,
            "Quarantined records per reason (main_ses_marts.ses_rejected_records)",
            "select rejection_reason, count(*) from main_ses_marts.ses_rejected_records group by 1 order by 2 desc",
        )
        print_counts(
            connection,
            "Messages (main_ses_marts.fct_ses_messages)",
            "select 'with an SES event', count(*) from main_ses_marts.fct_ses_messages where count_events > 0"
            " union all select 'in the internal send log', count(*) from main_ses_marts.fct_ses_messages where was_requested"
            " union all select 'opened, never clicked', count(*) from main_ses_marts.ses_opened_not_clicked",
        )
        print("\nPer region (main_ses_marts.ses_region_summary)")
        print(f"  {'region':<8} {'messages':>9} {'delivered':>10} {'opened':>8} {'clicked':>8} {'bounce rate':>12}")
        for region, messages, delivered, opened, clicked, bounce_rate in connection.execute(
            "select region, count_messages, count_messages_delivered, count_messages_opened, count_messages_clicked,"
            " bounce_rate"
            " from main_ses_marts.ses_region_summary order by count_messages desc"
        ).fetchall():
            rate = "-" if bounce_rate is None else f"{bounce_rate:.1%}"
            print(f"  {region:<8} {messages:>9,} {delivered:>10,} {opened:>8,} {clicked:>8,} {rate:>12}")
    ground_truth = json.loads(arguments.ground_truth.read_text()) if arguments.ground_truth else None
    print_warnings(build_warnings(arguments.target_dir), ground_truth)
    print(
        "\nExplore it in notebooks/ses_analytics.ipynb, or from Python with"
        " `import ses_notebook; ses_notebook.query(sql)` (from notebooks/): each query"
        " holds the file only while it runs, so `dbt build` can rebuild it meanwhile."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
