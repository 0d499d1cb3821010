"""The same project on Apache Spark (`make test-spark`): built with the
`spark` target (dbt-spark's local session, Parquet tables) on the same files
as a DuckDB build, every table must hold the same rows, and an incremental
Spark run after new objects must equal a full one.

The Spark tables are read back from their Parquet files with DuckDB, so both
sides are compared by the same code. Hashes (record_hash, raw_record_id,
event_id, ...) are engine-specific by design (DuckDB's hash and uhugeint ids,
Spark's xxhash64 and hex-string ids) and are left out, as is loaded_at (each
build's own start); every other column is compared, as a multiset of rows.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import math
import os
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

pytestmark = pytest.mark.spark

SPARK_DBT = PROJECT_DIR / ".venv-spark" / "bin" / "dbt"
GENERATED_MESSAGES = 300
GENERATED_SEED = 23
# DuckDB types whose values are engine-specific hashes.
HASH_TYPES = ("UHUGEINT", "UBIGINT")
BUILD_STAMP_COLUMNS = {"loaded_at"}


@dataclass
class SparkBuild(DbtBuild):
    """A dbt invocation on Spark: its tables are Parquet folders under warehouse."""

    warehouse: Path


def spark_build(work_dir: Path, events: Path, requests: Path) -> SparkBuild:
    """dbt build --target spark on its own warehouse (and Derby metastore)."""
    warehouse = work_dir / "warehouse"
    build = run_dbt(
        work_dir, "build", "--target", "spark", events_path=events, requests_path=requests,
        dbt_executable=SPARK_DBT, environment={"SES_SPARK_WAREHOUSE": str(warehouse)},
    )
    return SparkBuild(build.database, build.returncode, build.output, warehouse)


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
    """Every table the DuckDB build made, with its columns and types."""
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select table_schema || '.' || table_name, column_name, data_type from information_schema.columns"
            " join information_schema.tables using (table_catalog, table_schema, table_name)"
            " where table_type = 'BASE TABLE' and table_schema like 'main_ses_%'"
            " order by table_schema, table_name, ordinal_position"
        ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    for table, column, data_type in rows:
        tables[table].append((column, data_type))
    return tables


def compared_columns(columns: list[tuple[str, str]], ignored: set[str]) -> list[str]:
    return [
        column for column, data_type in columns
        if column not in ignored and not data_type.startswith(HASH_TYPES)
    ]


def rows_of(connection, relation: str, columns: list[str]) -> collections.Counter:
    quoted = ", ".join(f'"{column}"' for column in columns)
    return collections.Counter(
        repr(tuple(normalized(value) for value in row))
        for row in connection.execute(f"select {quoted} from {relation}").fetchall()
    )


def spark_relation(warehouse: Path, table: str) -> str:
    schema, name = table.split(".")
    return f"read_parquet('{warehouse / (schema + '.db') / name}/**/*.parquet', union_by_name = true)"


def table_differences(left_rows: collections.Counter, right_rows: collections.Counter, limit: int = 2) -> str:
    only_left, only_right = left_rows - right_rows, right_rows - left_rows
    return (
        f"{sum(only_left.values())} rows only on the left, e.g. {list(only_left)[:limit]}; "
        f"{sum(only_right.values())} only on the right, e.g. {list(only_right)[:limit]}"
    )


def assert_spark_equals_duckdb(spark_warehouse: Path, database: Path, ignored: set[str] = BUILD_STAMP_COLUMNS):
    tables = duckdb_tables(database)
    assert tables, "the DuckDB build made no tables"
    differences = []
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        for table, columns in tables.items():
            names = compared_columns(columns, ignored)
            duckdb_rows = rows_of(connection, table, names)
            spark_rows = rows_of(connection, spark_relation(spark_warehouse, table), names)
            if duckdb_rows != spark_rows:
                differences.append(f"{table}: DuckDB (left) vs Spark (right): {table_differences(duckdb_rows, spark_rows)}")
    assert not differences, "\n".join(differences)


def assert_same_spark_tables(left: Path, right: Path, database: Path, ignored: set[str]):
    """Two Spark warehouses hold the same rows in every table (the DuckDB
    build names the tables and which columns are hashes)."""
    differences = []
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        for table, columns in duckdb_tables(database).items():
            names = compared_columns(columns, ignored)
            left_rows = rows_of(connection, spark_relation(left, table), names)
            right_rows = rows_of(connection, spark_relation(right, table), names)
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
    assert_spark_equals_duckdb(spark.warehouse, duck.database)


def test_generated_set_on_spark_equals_duckdb(generated_builds):
    _, spark, duck = generated_builds
    assert_built(duck)
    assert_built(spark)
    assert_spark_equals_duckdb(spark.warehouse, duck.database)


def test_incremental_spark_run_equals_full_spark_build(generated_builds, tmp_path):
    """The objects arrive in two batches: the second run reads only the new
    ones and must leave every table as the full build made it."""
    source, full, duck = generated_builds
    objects = objects_in_arrival_order(source / "ses_events")
    arriving = tmp_path / "ses_events"
    first, second = objects[: len(objects) // 2], objects[len(objects) // 2 :]
    copy_objects(first, source / "ses_events", arriving)
    first_build = spark_build(tmp_path / "spark", arriving, source / "ses_requests.csv")
    assert_built(first_build)
    copy_objects(second, source / "ses_events", arriving)
    second_build = spark_build(tmp_path / "spark", arriving, source / "ses_requests.csv")
    assert_built(second_build)
    assert f"ses_events_path: {len(second)} new object(s) to read" in second_build.output
    # file_name: the objects were read from another folder than the full build's
    assert_same_spark_tables(second_build.warehouse, full.warehouse, duck.database, BOOKKEEPING_COLUMNS)
