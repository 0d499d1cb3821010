"""The data tests sized to new data can fail: a key repeated among the rows a
run writes fails the build, and so does one repeated anywhere when every row
is checked (a full build, or --vars '{ses_test_all_rows: true}')."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from conftest import FIXTURES_DIR, DbtBuild, materialize_fixture_events, run_dbt


def test_a_repeated_key_among_new_rows_fails_the_build(fixture_build: DbtBuild, tmp_path: Path) -> None:
    database = tmp_path / "ses.duckdb"
    shutil.copyfile(fixture_build.database, database)
    events = materialize_fixture_events(tmp_path / "ses_events")
    # the send log changes: one request row written twice
    rows = (FIXTURES_DIR / "ses_requests.csv").read_text().splitlines()
    requests = tmp_path / "ses_requests.csv"
    requests.write_text("\n".join([*rows, rows[1]]) + "\n")
    build = run_dbt(tmp_path, "build", events_path=events, requests_path=requests, database=database)
    assert build.returncode == 1
    assert "FAIL 1 ses_unique_key_int_ses__requests_message_id__recipient" in build.output


def test_a_repeated_old_key_fails_when_every_row_is_checked(fixture_build: DbtBuild, tmp_path: Path) -> None:
    database = tmp_path / "ses.duckdb"
    shutil.copyfile(fixture_build.database, database)
    with duckdb.connect(str(database)) as connection:
        connection.execute("insert into main_ses_staging.base_ses__batches select * from main_ses_staging.base_ses__batches")
    events = materialize_fixture_events(tmp_path / "ses_events")
    arguments = ["test", "--select", "base_ses__batches,test_type:data"]
    scheduled = run_dbt(tmp_path, *arguments, events_path=events, requests_path=FIXTURES_DIR / "ses_requests.csv",
                        database=database)
    assert scheduled.returncode == 0  # the rows are an earlier run's: a scheduled run does not re-check them
    everything = run_dbt(tmp_path, *arguments, events_path=events, requests_path=FIXTURES_DIR / "ses_requests.csv",
                         database=database, extra_vars={"ses_test_all_rows": True})
    assert everything.returncode == 1
    assert "FAIL 1 ses_unique_key_base_ses__batches_loaded_at" in everything.output
