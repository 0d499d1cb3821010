"""Incremental builds: only new objects are read, late and redelivered data
change exactly what they should, a second run changes nothing, the result
equals a full refresh table by table, and a build killed with SIGKILL at any
point is caught up by the next run."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from conftest import (
    DBT, MARTS, PROJECT_DIR, assert_built, assert_same_marts, copy_objects, generate, new_objects_read,
    objects_in_arrival_order, run_dbt,
)

LATE_OPEN_DAYS = 40


def first_open_record(events_dir: Path) -> dict:
    """The first plain Open record (bare, type object as an object, UTC times)."""
    for path in objects_in_arrival_order(events_dir):
        text = gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" else path.read_text()
        for line in text.splitlines():
            if line.startswith('{"eventType":"Open"') and json_valid(line):
                record = json.loads(line)
                if isinstance(record.get("open"), dict) and record["mail"]["timestamp"].endswith("Z"):
                    return record
    raise AssertionError("no plain Open record in the generated data")


def json_valid(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def late_open_for(open_record: dict) -> dict:
    """The same message opened again LATE_OPEN_DAYS days after it was sent."""
    late = json.loads(json.dumps(open_record))
    sent_at = dt.datetime.fromisoformat(late["mail"]["timestamp"].replace("Z", "+00:00"))
    late_at = sent_at + dt.timedelta(days=LATE_OPEN_DAYS)
    late["open"]["timestamp"] = late_at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{late_at.microsecond // 1000:03d}Z"
    late["open"]["ipAddress"] = "198.51.100.40"
    return late


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    """Generated objects split into three arrival batches, plus the troublemakers
    of the third: an object landing late under an old hour folder, a whole
    object redelivered under a new key, old records inside a new object, and
    an Open 40 days after its send."""
    work_dir = tmp_path_factory.mktemp("incremental")
    data_dir = generate(work_dir / "generated", messages=1200, seed=11)
    source = data_dir / "ses_events"
    objects = objects_in_arrival_order(source)
    first, second = objects[: len(objects) // 2], objects[len(objects) // 2: len(objects) * 4 // 5]
    third = objects[len(objects) * 4 // 5:]
    extra_dir = work_dir / "extra"
    late_object_under_old_folder = extra_dir / first[0].relative_to(source).parent / "ses-events-stream-1-late-object.gz"
    late_object_under_old_folder.parent.mkdir(parents=True)
    shutil.copyfile(third[-1], late_object_under_old_folder)
    redelivered = extra_dir / "2030/01/01/00/ses-events-stream-1-2030-01-01-00-00-00-redelivered.gz"
    redelivered.parent.mkdir(parents=True)
    shutil.copyfile(first[1], redelivered)
    repeated_records = gzip.decompress(first[2].read_bytes()).decode().splitlines(keepends=True)[:3]
    late_open = late_open_for(first_open_record(source))
    late_text = "".join(repeated_records) + json.dumps(late_open, separators=(",", ":")) + "\n"
    mixed = extra_dir / "2030/01/01/01/ses-events-stream-1-2030-01-01-01-00-00-old-records-and-late-open.gz"
    mixed.parent.mkdir(parents=True)
    mixed.write_bytes(gzip.compress(late_text.encode(), mtime=0))
    return {
        "work_dir": work_dir,
        "data_dir": data_dir,
        "source": source,
        "batches": [first, second, third[:-1]],
        "extra_dir": extra_dir,
        "extra_objects": [late_object_under_old_folder, redelivered, mixed],
        "late_open_message": late_open["mail"]["messageId"],
    }


@pytest.fixture(scope="module")
def incremental_history(batches):
    """Build after each batch arrives, then once more with nothing new."""
    work_dir, source = batches["work_dir"], batches["source"]
    landing = work_dir / "landing"
    database = work_dir / "incremental.duckdb"
    requests = batches["data_dir"] / "ses_requests.csv"
    outputs = []
    for batch in batches["batches"]:
        copy_objects(batch, source, landing)
        outputs.append(run_dbt(work_dir, "build", events_path=landing, requests_path=requests, database=database))
    copy_objects(batches["extra_objects"], batches["extra_dir"], landing)
    outputs.append(run_dbt(work_dir, "build", events_path=landing, requests_path=requests, database=database))
    for build in outputs:
        assert_built(build)
    return {"landing": landing, "database": database, "requests": requests, "outputs": outputs}


def test_each_run_reads_only_new_objects(batches, incremental_history) -> None:
    expected = [len(batch) for batch in batches["batches"]] + [len(batches["extra_objects"])]
    assert [new_objects_read(build.output) for build in incremental_history["outputs"]] == expected


def test_incremental_equals_ground_truth(batches, incremental_history) -> None:
    """Redelivered objects and repeated records add duplicates, never events;
    the late open is the one event the generator did not write."""
    truth = json.loads((batches["data_dir"] / "ground_truth.json").read_text())
    with duckdb.connect(str(incremental_history["database"]), read_only=True) as connection:
        per_class = dict(connection.execute("select event_class, count(*) from main_ses_marts.fct_ses_events group by 1").fetchall())
        messages = connection.execute("select count(distinct message_id) from main_ses_marts.fct_ses_events").fetchall()[0][0]
        duplicates = connection.execute("select coalesce(sum(count_redeliveries), 0) from main_ses_staging.base_ses__batches").fetchall()[0][0]
    assert per_class == dict(truth["events_per_class"], open=truth["events_per_class"]["open"] + 1)
    assert messages == truth["messages"]
    assert duplicates > truth["duplicate_records"]


def test_late_open_updates_every_mart(batches, incremental_history) -> None:
    message_id = batches["late_open_message"]
    with duckdb.connect(str(incremental_history["database"]), read_only=True) as connection:
        def scalar(sql: str):
            return connection.execute(sql, [message_id]).fetchall()[0][0]
        late_open_at = scalar("select max(event_at) from main_ses_marts.fct_ses_events where message_id = ? and event_class = 'open'")
        assert (late_open_at - scalar("select sent_at from main_ses_marts.fct_ses_messages where message_id = ?")).days == LATE_OPEN_DAYS
        assert scalar("select last_event_at from main_ses_marts.fct_ses_messages where message_id = ?") == late_open_at
        opens = scalar("select count(*) from main_ses_marts.fct_ses_events where message_id = ? and event_class = 'open'")
        assert scalar("select count_opens from main_ses_marts.fct_ses_messages where message_id = ?") == opens
        assert scalar("select count_opens from main_ses_marts.ses_message_pivot where message_id = ?") == opens
        assert scalar("select max(event_at) from main_ses_marts.ses_journeys where message_id = ?") == late_open_at
        # the late open is the last step of its journey
        assert scalar(
            "select event_class from main_ses_marts.ses_journeys where message_id = ? order by step_number desc limit 1"
        ) == "open"
        assert scalar(
            "select event_at from main_ses_marts.ses_journeys where message_id = ? order by step_number desc limit 1"
        ) == late_open_at


def test_second_run_with_nothing_new_changes_nothing(batches, incremental_history, tmp_path) -> None:
    snapshot = tmp_path / "before.duckdb"
    shutil.copyfile(incremental_history["database"], snapshot)
    build = run_dbt(
        batches["work_dir"], "build", events_path=incremental_history["landing"],
        requests_path=incremental_history["requests"], database=incremental_history["database"],
    )
    assert_built(build)
    assert new_objects_read(build.output) == 0
    with duckdb.connect(str(incremental_history["database"]), read_only=True) as connection:
        connection.execute(f"attach '{snapshot}' as before (read_only)")
        for table in MARTS + ["main_ses_landing.raw_ses_records", "main_ses_staging.base_ses__records"]:
            changed = connection.execute(
                f"select count(*) from ((select * from {table} except all select * from before.{table})"
                f" union all (select * from before.{table} except all select * from {table}))"
            ).fetchall()[0][0]
            assert changed == 0, table


def test_full_refresh_equals_incremental(batches, incremental_history) -> None:
    work_dir = batches["work_dir"] / "full_refresh"
    work_dir.mkdir()
    full = run_dbt(
        work_dir, "build", "--full-refresh", events_path=incremental_history["landing"],
        requests_path=incremental_history["requests"],
    )
    assert_built(full)
    assert_same_marts(incremental_history["database"], full.database)


def run_until_model_starts_then_kill(command: list[str], environment: dict, model: str) -> bool:
    """Start a build and SIGKILL it just after `model` starts; True if it was
    killed there (False if the build ended first)."""
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        if re.search(rf"START sql \w+ model {re.escape(model)} ", line):
            time.sleep(0.2)
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
    process.wait()
    return False


def test_killed_builds_catch_up(batches, incremental_history, tmp_path) -> None:
    """SIGKILL builds inside each stage, the first one before any table exists;
    after one more run the marts equal an uninterrupted build of the same objects."""
    landing, requests = incremental_history["landing"], incremental_history["requests"]
    database = tmp_path / "killed.duckdb"
    environment = {**os.environ, "SES_DUCKDB_PATH": str(database)}
    command = [
        str(DBT), "build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
        "--vars", json.dumps({"ses_events_path": str(landing), "ses_requests_path": str(requests)}),
    ]
    kill_points = [
        "main_ses_landing.raw_ses_records",
        "main_ses_staging.base_ses__records",
        "main_ses_marts.fct_ses_events",
        "main_ses_staging.int_ses__recipient_events",
        "main_ses_marts.fct_ses_messages",
        "main_ses_marts.fct_ses_message_recipients",
    ]
    for model in kill_points:
        assert run_until_model_starts_then_kill(command, environment, model), f"the build ended before {model}"
    recovered = run_dbt(tmp_path, "build", events_path=landing, requests_path=requests, database=database)
    assert_built(recovered)
    assert_same_marts(database, incremental_history["database"])


def test_changed_send_log_updates_only_its_messages(batches, incremental_history, tmp_path) -> None:
    """The send log rewritten between runs: one message moved to another
    region, a recipient added to another, and a request for a message SES
    never reported on. The next run reloads just those three messages, every
    mart shows the change, and the result equals a full refresh."""
    database = tmp_path / "requests_changed.duckdb"
    shutil.copyfile(incremental_history["database"], database)
    header, *rows = incremental_history["requests"].read_text().splitlines()
    assert header == "message_id,recipient,request_time,region,campaign"
    moved = rows[0].split(",")[0]
    widened_row = next(row.split(",") for row in rows if row.split(",")[0] != moved)
    widened = widened_row[0]
    widened_recipients = sum(1 for row in rows if row.split(",")[0] == widened)
    changed_rows = [
        ",".join([*fields[:3], "ZZ-MOVED", *fields[4:]]) if fields[0] == moved else row
        for row, fields in ((row, row.split(",")) for row in rows)
    ]
    changed_rows.append(",".join([widened, "added.recipient@example.org", *widened_row[2:]]))
    changed_rows.append("never-reported-message,nobody@example.org,2024-03-05T00:00:00.000Z,ZZ-NEW,test")
    requests = tmp_path / "ses_requests.csv"
    requests.write_text("\n".join([header, *changed_rows]) + "\n")

    build = run_dbt(tmp_path, "build", events_path=incremental_history["landing"], requests_path=requests,
                    database=database)
    assert_built(build)
    assert new_objects_read(build.output) == 0
    with duckdb.connect(str(database), read_only=True) as connection:
        def query(sql: str, *parameters):
            return connection.execute(sql, list(parameters)).fetchall()
        reloaded = {message_id for (message_id,) in query(
            "select distinct message_id from main_ses_staging.int_ses__requests"
            " where loaded_at = (select max(loaded_at) from main_ses_staging.int_ses__requests)"
        )}
        assert reloaded == {moved, widened, "never-reported-message"}
        assert query("select region from main_ses_marts.fct_ses_messages where message_id = ?", moved) == [("ZZ-MOVED",)]
        assert query(
            "select requested_recipient_count from main_ses_marts.fct_ses_messages where message_id = ?", widened
        ) == [(widened_recipients + 1,)]
        assert query(
            "select was_requested, count_events, latest_status from main_ses_marts.fct_ses_messages where message_id = ?",
            "never-reported-message",
        ) == [(True, 0, "requested")]
        assert query(
            "select was_requested, was_addressed from main_ses_marts.fct_ses_message_recipients"
            " where message_id = ? and recipient = 'added.recipient@example.org'", widened,
        ) == [(True, False)]
        assert query(
            "select region, count_messages from main_ses_marts.ses_region_summary where region like 'ZZ-%' order by region"
        ) == [("ZZ-MOVED", 1), ("ZZ-NEW", 1)]

    (tmp_path / "full").mkdir()
    full = run_dbt(tmp_path / "full", "build", "--full-refresh", events_path=incremental_history["landing"],
                   requests_path=requests)
    assert_built(full)
    assert_same_marts(database, full.database)
