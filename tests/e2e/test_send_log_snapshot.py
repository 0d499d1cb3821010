"""The send log is a snapshot: cut to half at the same path, the next
incremental build passes (it only warns), every message that left it leaves
the marts, and the result equals a fresh full build on the halved log; the
messages that come back return. Counted by hand from tests/fixtures/README.md
and tests/fixtures/ses_requests.csv."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from conftest import (
    FIXTURES_DIR, DbtBuild, assert_built, assert_same_marts, generate, materialize_fixture_events, run_dbt,
)

# Its first three rows: single (alice) and two of multi's three recipients
# (bob, carol). reject, sub and neverseen leave the send log; multi loses dave.
KEPT_ROWS = 3
REQUEST_COLUMNS = "message_id, recipient, request_time, request_time_text, region, request_attributes, request_hash"


def keep_first_rows(source: Path, target: Path, rows: int) -> None:
    lines = source.read_text().splitlines(keepends=True)
    target.write_text("".join(lines[: 1 + rows]))


def assert_passed_with_warnings_only(build: DbtBuild) -> None:
    assert_built(build)
    assert "ERROR=0" in build.output
    assert " FAIL " not in build.output


@pytest.fixture(scope="module")
def halved_history(tmp_path_factory) -> dict:
    """Build on the whole fixture send log, cut it to its first three rows at
    the same path and build again, then put it back and build once more."""
    work_dir = tmp_path_factory.mktemp("send_log_snapshot")
    events = materialize_fixture_events(work_dir / "ses_events")
    requests = work_dir / "ses_requests.csv"
    database = work_dir / "ses.duckdb"
    shutil.copyfile(FIXTURES_DIR / "ses_requests.csv", requests)
    assert_built(run_dbt(work_dir, "build", events_path=events, requests_path=requests, database=database))
    before_halving = work_dir / "before_halving.duckdb"
    shutil.copyfile(database, before_halving)

    keep_first_rows(FIXTURES_DIR / "ses_requests.csv", requests, KEPT_ROWS)
    halved = run_dbt(work_dir, "build", events_path=events, requests_path=requests, database=database)
    after_halving = work_dir / "after_halving.duckdb"
    shutil.copyfile(database, after_halving)

    fresh_dir = work_dir / "fresh"
    fresh_dir.mkdir()
    fresh = run_dbt(fresh_dir, "build", events_path=events, requests_path=requests)

    shutil.copyfile(FIXTURES_DIR / "ses_requests.csv", requests)
    restored = run_dbt(work_dir, "build", events_path=events, requests_path=requests, database=database)
    return {"before_halving": before_halving, "halved": halved,
            "after_halving": DbtBuild(after_halving, halved.returncode, halved.output),
            "fresh": fresh, "restored": restored}


def test_a_halved_send_log_only_warns(halved_history) -> None:
    halved = halved_history["halved"]
    assert_passed_with_warnings_only(halved)
    assert "WARN 3 warn_on_messages_removed_from_send_log" in halved.output
    assert "PASS assert_cohort_summary_works_for_any_column" in halved.output
    assert "PASS assert_region_summary_counts_each_requested_message_once" in halved.output


def test_removed_messages_leave_the_kept_send_log(halved_history) -> None:
    build = halved_history["after_halving"]
    assert build.query(
        "select message_id, recipient, is_removed from main_ses_staging.int_ses__requests order by message_id, recipient"
    ) == [
        ("0100018e-multi", "bob@example.org", False),
        ("0100018e-multi", "carol@example.net", False),
        ("0100018e-neverseen", None, True),
        ("0100018e-reject", None, True),
        ("0100018e-single", "alice@example.org", False),
        ("0100018e-sub", None, True),
    ]


def test_removed_messages_leave_every_mart(halved_history) -> None:
    build = halved_history["after_halving"]
    # neverseen had no SES event: its row goes; reject and sub keep theirs, no longer requested
    assert build.query(
        "select message_id, was_requested, region, requested_recipient_count from main_ses_marts.fct_ses_messages"
        " order by message_id"
    ) == [
        ("0100018e-multi", True, "NA", 2),
        ("0100018e-orphan", False, None, 0),
        ("0100018e-reject", False, None, 0),
        ("0100018e-render", False, None, 0),
        ("0100018e-single", True, "EU", 1),
        ("0100018e-sub", False, None, 0),
    ]
    # ivan (neverseen) is gone; dave, erin and hank stay as addressed, no longer requested
    assert build.query(
        "select message_id, recipient, was_requested from main_ses_marts.fct_ses_message_recipients order by 1, 2"
    ) == [
        ("0100018e-multi", "bob@example.org", True),
        ("0100018e-multi", "carol@example.net", True),
        ("0100018e-multi", "dave@example.com", False),
        ("0100018e-orphan", "gina@example.org", False),
        ("0100018e-reject", "erin@example.org", False),
        ("0100018e-render", "frank@example.org", False),
        ("0100018e-single", "alice@example.org", True),
        ("0100018e-sub", "hank@example.org", False),
    ]
    # before: EU 2 (single, sub), NA 1, APAC 1 (reject), LATAM 1 (neverseen)
    assert build.query("select region, count_messages from main_ses_marts.ses_region_summary order by region") == [
        ("EU", 1), ("NA", 1),
    ]


def test_halved_equals_a_fresh_build_on_the_halved_log(halved_history) -> None:
    fresh, incremental = halved_history["fresh"], halved_history["after_halving"]
    assert_built(fresh)
    assert_same_marts(incremental.database, fresh.database)
    kept = f"select {REQUEST_COLUMNS} from main_ses_staging.int_ses__requests where not is_removed order by all"
    assert incremental.query(kept) == fresh.query(kept)


def test_messages_that_come_back_return(halved_history) -> None:
    restored = halved_history["restored"]
    assert_passed_with_warnings_only(restored)
    assert restored.scalar("select count(*) from main_ses_staging.int_ses__requests where is_removed") == 0
    assert restored.scalar("select count(*) from main_ses_staging.int_ses__requests") == 7
    assert_same_marts(restored.database, halved_history["before_halving"])


def test_generated_send_log_halved_equals_a_fresh_build(tmp_path: Path) -> None:
    """Generated data, the send log cut at half its lines (one message may
    lose some recipients): the incremental build equals a full one, and the
    region summary counts exactly the messages the halved file has."""
    data_dir = generate(tmp_path / "generated", messages=300, seed=8)
    events, requests = data_dir / "ses_events", data_dir / "ses_requests.csv"
    database = tmp_path / "incremental.duckdb"
    assert_built(run_dbt(tmp_path, "build", events_path=events, requests_path=requests, database=database))
    lines = requests.read_text().splitlines(keepends=True)
    requests.write_text("".join(lines[: len(lines) // 2]))
    halved = run_dbt(tmp_path, "build", events_path=events, requests_path=requests, database=database)
    assert_passed_with_warnings_only(halved)

    (tmp_path / "fresh").mkdir()
    fresh = run_dbt(tmp_path / "fresh", "build", events_path=events, requests_path=requests)
    assert_built(fresh)
    assert_same_marts(database, fresh.database)
    with requests.open(newline="") as file:
        kept_messages = {row["message_id"] for row in csv.DictReader(file)}
    assert halved.scalar("select sum(count_messages) from main_ses_marts.ses_region_summary") == len(kept_messages)
    assert halved.scalar("select count(*) from main_ses_marts.fct_ses_messages where was_requested") == len(kept_messages)
