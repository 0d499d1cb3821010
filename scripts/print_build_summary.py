"""Print what `dbt build` produced: where the database is, every table and view
with its row count, events per class, quarantined records per reason,
messages, the region summary and the opened-but-not-clicked count."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb

DEFAULT_DATABASE = "ses_analytics.duckdb"


def database_path() -> Path:
    """The database dbt wrote, found the way profiles.yml finds it."""
    return Path(os.environ.get("SES_DUCKDB_PATH", DEFAULT_DATABASE)).resolve()


def print_relations(connection: duckdb.DuckDBPyConnection) -> None:
    relations = connection.execute(
        "select table_schema, table_name, table_type from information_schema.tables"
        " where table_schema in ('landing', 'staging', 'marts') order by table_schema, table_name"
    ).fetchall()
    print(f"{'relation':<45} {'kind':<6} {'rows':>12}")
    for schema, name, kind in relations:
        rows = connection.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
        print(f"{schema + '.' + name:<45} {'table' if kind == 'BASE TABLE' else 'view':<6} {rows:>12,}")


def print_counts(connection: duckdb.DuckDBPyConnection, title: str, sql: str) -> None:
    print(f"\n{title}")
    for label, count in connection.execute(sql).fetchall():
        print(f"  {label:<28} {count:>12,}")


def main() -> int:
    path = database_path()
    if not path.exists():
        print(f"No database at {path}: run `make demo` (or `dbt build`) first.", file=sys.stderr)
        return 1
    with duckdb.connect(str(path), read_only=True) as connection:
        print(f"\nBuilt {path}\n")
        print_relations(connection)
        print_counts(
            connection,
            "Distinct events per class (marts.fct_ses_events)",
            "select event_class, count(*) from marts.fct_ses_events group by 1 order by 2 desc",
        )
        print_counts(
            connection,
            "Quarantined records per reason (marts.ses_rejected_records)",
            "select rejection_reason, count(*) from marts.ses_rejected_records group by 1 order by 2 desc",
        )
        print_counts(
            connection,
            "Messages (marts.fct_ses_messages)",
            "select 'with an SES event', count(*) from marts.fct_ses_messages where count_events > 0"
            " union all select 'in the internal send log', count(*) from marts.fct_ses_messages where was_requested"
            " union all select 'opened, never clicked', count(*) from marts.ses_opened_not_clicked",
        )
        print("\nPer region (marts.ses_region_summary)")
        print(f"  {'region':<8} {'messages':>9} {'delivered':>10} {'opened':>8} {'clicked':>8} {'bounce rate':>12}")
        for region, messages, delivered, opened, clicked, bounce_rate in connection.execute(
            "select region, count_messages, count_messages_delivered, count_messages_opened, count_messages_clicked,"
            " bounce_rate"
            " from marts.ses_region_summary order by count_messages desc"
        ).fetchall():
            rate = "-" if bounce_rate is None else f"{bounce_rate:.1%}"
            print(f"  {region:<8} {messages:>9,} {delivered:>10,} {opened:>8,} {clicked:>8,} {rate:>12}")
    print(
        "\nExplore it in notebooks/ses_analytics.ipynb, or from Python with"
        " `import ses_notebook; ses_notebook.query(sql)` (from notebooks/): each query"
        " holds the file only while it runs, so `dbt build` can rebuild it meanwhile."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
