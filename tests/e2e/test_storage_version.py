"""The database a build writes opens in DuckDB 1.x: every mart read by the
newest DuckDB 1.x (its own virtualenv, .venv-duckdb1, made by the Makefile)
has the rows DuckDB 2.0 sees. A newer storage version asked for with
SES_DUCKDB_STORAGE_VERSION is what the file gets."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES_DIR, MARTS, PROJECT_DIR, DbtBuild, assert_built, materialize_fixture_events, run_dbt

DUCKDB1_VENV = ".venv-duckdb1"
DUCKDB1_PYTHON = PROJECT_DIR / DUCKDB1_VENV / "bin" / "python"
# Run by the 1.x interpreter: its DuckDB version, then each table's row count
# (or the error opening the file), as one JSON object.
COUNT_ROWS_SCRIPT = """
import json, sys
import duckdb
database, tables = sys.argv[1], sys.argv[2:]
result = {"version": duckdb.__version__}
try:
    with duckdb.connect(database, read_only=True) as connection:
        result["rows"] = {table: connection.execute(f"select count(*) from {table}").fetchone()[0] for table in tables}
except duckdb.Error as error:
    result["error"] = str(error)
print(json.dumps(result))
"""


@pytest.fixture(scope="session")
def duckdb1_python() -> Path:
    """The 1.x reader's interpreter; make creates its virtualenv when missing
    (or when requirements-duckdb1.txt changed)."""
    subprocess.run(
        ["make", "--no-print-directory", "-C", str(PROJECT_DIR), f"{DUCKDB1_VENV}/.installed"],
        check=True, capture_output=True, text=True,
    )
    return DUCKDB1_PYTHON


def read_with_duckdb1(python: Path, database: Path, tables: list[str]) -> dict:
    completed = subprocess.run(
        [str(python), "-c", COUNT_ROWS_SCRIPT, str(database), *tables],
        check=True, capture_output=True, text=True,
    )
    result = json.loads(completed.stdout)
    assert result["version"].startswith("1."), result["version"]
    return result


def storage_version(build: DbtBuild) -> str:
    return build.scalar(
        "select tags['storage_version'] from duckdb_databases() where database_name = current_database()"
    )


def test_every_mart_reads_the_same_in_duckdb_1(fixture_build: DbtBuild, duckdb1_python: Path) -> None:
    assert storage_version(fixture_build) == "v1.2.0+"
    seen_by_duckdb2 = {table: fixture_build.scalar(f"select count(*) from {table}") for table in MARTS}
    seen_by_duckdb1 = read_with_duckdb1(duckdb1_python, fixture_build.database, MARTS)
    assert "error" not in seen_by_duckdb1, seen_by_duckdb1["error"]
    assert seen_by_duckdb1["rows"] == seen_by_duckdb2
    assert sum(seen_by_duckdb2.values()) > 0


def test_a_newer_storage_version_is_honoured(tmp_path: Path, duckdb1_python: Path) -> None:
    """v2.0.0, which only DuckDB 2.0 reads: the file gets it, and DuckDB 1.x
    refuses the file in its own words."""
    events = materialize_fixture_events(tmp_path / "ses_events")
    build = run_dbt(
        tmp_path, "seed", events_path=events, requests_path=FIXTURES_DIR / "ses_requests.csv",
        environment={"SES_DUCKDB_STORAGE_VERSION": "v2.0.0"},
    )
    assert_built(build)
    assert storage_version(build) == "v2.0.0+"
    refused = read_with_duckdb1(duckdb1_python, build.database, [])
    assert "created with a newer version of DuckDB" in refused.get("error", ""), refused
