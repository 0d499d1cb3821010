"""The same project on Apache Spark (`make test-spark`): built with the
`spark` target (dbt-spark's local session, Parquet tables) on the same files
as a DuckDB build, every table must hold the same rows, and an incremental
Spark run after new objects must equal a full one.

The Spark tables are read back from their Parquet files with DuckDB, so both
sides are compared by the same code; Spark's views (SQL in its metastore)
are first written to Parquet by spark_views_to_parquet.py. Hashes (record_hash, raw_record_id,
event_id, ...) are engine-specific by design (DuckDB's hash and uhugeint ids,
Spark's xxhash64 and hex-string ids) and are left out, with the text columns
that hold hashes, as is loaded_at (each build's own start); every other
column is compared, as a multiset of rows.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import json
import math
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from conftest import (
    BOOKKEEPING_COLUMNS,
    FIXTURES_DIR,
    PROJECT_DIR,
    assert_built,
    copy_objects,
    generate,
    materialize_fixture_events,
    objects_in_arrival_order,
    DbtBuild,
    run_dbt,
)
from e2e.test_bad_input import (
    assert_each_object_yields_its_own_events,
    assert_hand_counted_tallies,
    assert_unreadable_objects_are_named_with_their_cause,
    write_odd_objects,
)

pytestmark = pytest.mark.spark

SPARK_DBT = PROJECT_DIR / ".venv-spark" / "bin" / "dbt"
SPARK_PYTHON = SPARK_DBT.with_name("python")
VIEWS_TO_PARQUET = Path(__file__).with_name("spark_views_to_parquet.py")
GENERATED_MESSAGES = 300
GENERATED_SEED = 23
# DuckDB types whose values are engine-specific hashes.
HASH_TYPES = ("UHUGEINT", "UBIGINT")
# Text columns holding engine-specific hashes: int_ses__requests' sum of
# row hashes per message, and the send log's version (a hash of its files'
# listing, whose modification times Hadoop gives to the millisecond).
HASH_TEXT_COLUMNS = {"request_hash", "send_log_version"}
BUILD_STAMP_COLUMNS = {"loaded_at"}


@dataclass
class SparkBuild(DbtBuild):
    """A dbt invocation on Spark: its tables are Parquet folders under
    warehouse, its views written to Parquet under views."""

    warehouse: Path
    views: Path

    def relation(self, table: str) -> str:
        """A table or view of this build, for DuckDB to read."""
        schema, name = table.split(".")
        folder = next(
            (root / f"{schema}.db" / name for root in (self.warehouse, self.views) if (root / f"{schema}.db" / name).exists()),
            self.warehouse / f"{schema}.db" / name,
        )
        return f"read_parquet('{folder}/**/*.parquet', union_by_name = true)"

    def query(self, sql: str) -> list[tuple]:
        """SQL over this build's tables and views, named as on DuckDB
        (main_ses_marts.fct_ses_events), run by DuckDB on their Parquet."""
        with duckdb.connect() as connection:
            connection.execute("set TimeZone = 'UTC'")
            return connection.execute(
                re.sub(r"\bmain_ses_\w+\.\w+", lambda name: self.relation(name.group()), sql)
            ).fetchall()


def spark_build(work_dir: Path, events: Path, requests: Path, export_views: bool = True) -> SparkBuild:
    """dbt build --target spark on its own warehouse (and Derby metastore),
    then its views written to Parquet."""
    warehouse, views = work_dir / "warehouse", work_dir / "views"
    build = run_dbt(
        work_dir, "build", "--target", "spark", events_path=events, requests_path=requests,
        dbt_executable=SPARK_DBT, environment={"SES_SPARK_WAREHOUSE": str(warehouse)},
    )
    returncode, output = build.returncode, build.output
    if returncode == 0 and export_views:
        export = subprocess.run(
            [str(SPARK_PYTHON), str(VIEWS_TO_PARQUET), str(warehouse), str(views)],
            capture_output=True, text=True, check=False,
        )
        returncode, output = export.returncode, output + export.stdout + export.stderr
    return SparkBuild(build.database, returncode, output, warehouse, views)


def duckdb_build(work_dir: Path, events: Path, requests: Path):
    return run_dbt(work_dir, "build", events_path=events, requests_path=requests)


def normalized(value):
    """A value in a form both engines' Parquet and DuckDB's own types agree
    on: times in UTC without zone, numbers as floats to 9 digits, lists as
    tuples, structs and maps as sorted pairs. Times are compared to the
    millisecond: SES writes no finer, and Hadoop's file times (an object's
    modified time on Spark) are milliseconds."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, decimal.Decimal)):
        number = float(value)
        return None if math.isnan(number) else round(number, 9)
    if isinstance(value, (list, tuple)):
        return tuple(normalized(element) for element in value)
    if isinstance(value, dict):
        return tuple(sorted((str(key), normalized(element)) for key, element in value.items()))
    return str(value)


def duckdb_tables(database: Path) -> dict[str, list[tuple[str, str]]]:
    """Every table and view the DuckDB build made, with its columns and types."""
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select table_schema || '.' || table_name, column_name, data_type from information_schema.columns"
            " join information_schema.tables using (table_catalog, table_schema, table_name)"
            " where table_type in ('BASE TABLE', 'VIEW') and table_schema like 'main_ses_%'"
            " order by table_schema, table_name, ordinal_position"
        ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    for table, column, data_type in rows:
        tables[table].append((column, data_type))
    return tables


def compared_columns(columns: list[tuple[str, str]], ignored: set[str]) -> list[str]:
    return [
        column for column, data_type in columns
        if column not in ignored | HASH_TEXT_COLUMNS and not data_type.startswith(HASH_TYPES)
    ]


def rows_of(connection, relation: str, columns: list[str]) -> collections.Counter:
    quoted = ", ".join(f'"{column}"' for column in columns)
    return collections.Counter(
        repr(tuple(normalized(value) for value in row))
        for row in connection.execute(f"select {quoted} from {relation}").fetchall()
    )


def table_differences(left_rows: collections.Counter, right_rows: collections.Counter, limit: int = 2) -> str:
    only_left, only_right = left_rows - right_rows, right_rows - left_rows
    return (
        f"{sum(only_left.values())} rows only on the left, e.g. {list(only_left)[:limit]}; "
        f"{sum(only_right.values())} only on the right, e.g. {list(only_right)[:limit]}"
    )


def assert_spark_equals_duckdb(spark: SparkBuild, database: Path, ignored: set[str] = BUILD_STAMP_COLUMNS):
    tables = duckdb_tables(database)
    assert tables, "the DuckDB build made no tables"
    differences = []
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        for table, columns in tables.items():
            names = compared_columns(columns, ignored)
            duckdb_rows = rows_of(connection, table, names)
            spark_rows = rows_of(connection, spark.relation(table), names)
            if duckdb_rows != spark_rows:
                differences.append(f"{table}: DuckDB (left) vs Spark (right): {table_differences(duckdb_rows, spark_rows)}")
    assert not differences, "\n".join(differences)


# One row per load: two loads cannot be the one row of a full build, but
# together they must count what it counted.
PER_LOAD_TABLES = {"main_ses_staging.base_ses__batches"}


def assert_same_spark_tables(left: SparkBuild, right: SparkBuild, database: Path, ignored: set[str]):
    """Two Spark warehouses hold the same rows in every table and view (the
    DuckDB build names them and which columns are hashes); a per-load table
    the same totals."""
    differences = []
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        for table, columns in duckdb_tables(database).items():
            names = compared_columns(columns, ignored)
            if table in PER_LOAD_TABLES:
                counts = [name for name in names if name.startswith("count_")]
                totals = ", ".join(f'sum("{name}") as "{name}"' for name in counts)
                left_rows = rows_of(connection, f"(select {totals} from {left.relation(table)})", counts)
                right_rows = rows_of(connection, f"(select {totals} from {right.relation(table)})", counts)
            else:
                left_rows = rows_of(connection, left.relation(table), names)
                right_rows = rows_of(connection, right.relation(table), names)
            if left_rows != right_rows:
                differences.append(f"{table}: {table_differences(left_rows, right_rows)}")
    assert not differences, "\n".join(differences)


@pytest.fixture(scope="module")
def fixture_builds(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("spark_fixtures")
    events = materialize_fixture_events(work_dir / "ses_events")
    requests = FIXTURES_DIR / "ses_requests.csv"
    spark = spark_build(work_dir / "spark", events, requests)
    duck = duckdb_build(work_dir / "duckdb", events, requests)
    return spark, duck


@pytest.fixture(scope="module")
def generated_builds(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("spark_generated")
    source = generate(work_dir / "generated", GENERATED_MESSAGES, GENERATED_SEED)
    events, requests = source / "ses_events", source / "ses_requests.csv"
    spark = spark_build(work_dir / "spark", events, requests)
    duck = duckdb_build(work_dir / "duckdb", events, requests)
    return source, spark, duck


def test_spark_is_installed():
    assert SPARK_DBT.exists(), f"{SPARK_DBT} is missing: make test-spark installs it"


def test_fixtures_build_on_spark_with_every_test_passing(fixture_builds):
    spark, duck = fixture_builds
    assert_built(duck)
    assert_built(spark)


def test_fixtures_on_spark_equal_duckdb(fixture_builds):
    spark, duck = fixture_builds
    assert_spark_equals_duckdb(spark, duck.database)


def test_generated_set_on_spark_equals_duckdb(generated_builds):
    _, spark, duck = generated_builds
    assert_built(duck)
    assert_built(spark)
    assert_spark_equals_duckdb(spark, duck.database)


def test_generated_set_on_spark_matches_the_ground_truth(generated_builds):
    """The Spark build against the generator's own counts, not only against
    DuckDB's build."""
    source, spark, _ = generated_builds
    assert_built(spark)
    truth = json.loads((source / "ground_truth.json").read_text())
    assert spark.scalar("select count(*) from main_ses_landing.raw_ses_records") == truth["raw_records"]
    assert spark.scalar("select count(*) from main_ses_marts.fct_ses_events") == truth["distinct_events"]
    assert spark.scalar("select sum(count_redeliveries) from main_ses_staging.base_ses__batches") == truth["duplicate_records"]
    assert dict(spark.query(
        "select rejection_reason, count(*) from main_ses_marts.ses_rejected_records group by 1"
    )) == {reason: count for reason, count in truth["rejected_records"].items() if count}
    assert dict(spark.query(
        "select event_class, count(*) from main_ses_marts.fct_ses_events group by 1"
    )) == truth["events_per_class"]
    assert spark.scalar("select count(*) from main_ses_marts.fct_ses_messages where count_events > 0") == truth["messages"]
    assert spark.scalar("select count(distinct message_id) from main_ses_marts.ses_opened_not_clicked") == truth["opened_not_clicked_messages"]


def test_odd_objects_on_spark_keep_the_hand_counted_tallies(tmp_path):
    """The odd objects of the DuckDB bad-input test (mixed line ends, NUL,
    not gzip, Latin-1, gzip cut short, concatenated and pretty-printed
    records, ...) give the same hand-counted events, quarantine rows and
    read failures on Spark."""
    # without the link loop: Hadoop's listing follows links with no loop
    # check (DECISIONLOG "Objects reached through symbolic links")
    write_odd_objects(tmp_path, link_loop=False)
    spark = spark_build(tmp_path / "spark", tmp_path / "ses_events", FIXTURES_DIR / "ses_requests.csv")
    assert_built(spark)
    assert_hand_counted_tallies(spark)
    assert_each_object_yields_its_own_events(spark)
    assert_unreadable_objects_are_named_with_their_cause(spark)


def test_incremental_spark_run_equals_full_spark_build(generated_builds, tmp_path):
    """The objects arrive in two batches: the second run reads only the new
    ones and must leave every table as the full build made it."""
    source, full, duck = generated_builds
    objects = objects_in_arrival_order(source / "ses_events")
    arriving = tmp_path / "ses_events"
    first, second = objects[: len(objects) // 2], objects[len(objects) // 2 :]
    copy_objects(first, source / "ses_events", arriving)
    first_build = spark_build(tmp_path / "spark", arriving, source / "ses_requests.csv", export_views=False)
    assert_built(first_build)
    copy_objects(second, source / "ses_events", arriving)
    second_build = spark_build(tmp_path / "spark", arriving, source / "ses_requests.csv")
    assert_built(second_build)
    assert f"ses_events_path: {len(second)} new object(s) to read" in second_build.output
    # file_name: the objects were read from another folder than the full
    # build's; object_modified_at: they were copied there
    assert_same_spark_tables(second_build, full, duck.database, BOOKKEEPING_COLUMNS | {"object_modified_at"})
