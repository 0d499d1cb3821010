"""The analyst's notebook runs end to end on generated data and agrees with the
generator's ground truth; it keeps its kernel open while `dbt build` rebuilds
the same file beside a second reading process, all succeed, and both readers
then see the new data."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from conftest import (
    BUILD_WITHOUT_TESTS, DBT, NOTEBOOK, PROJECT_DIR, assert_built, copy_objects, execute_every_cell, kernel_json,
    notebook_client, objects_in_arrival_order, run_dbt, run_in_kernel,
)

BUSY_READER = Path(__file__).with_name("busy_reader.py")
# What share of the objects (in arrival order) the first build sees.
FIRST_BATCH_SHARE = 0.7


@pytest.fixture(scope="module")
def split_data(notebook_source) -> tuple[Path, list[Path], list[Path], dict]:
    """Generated data whose objects arrive in two batches, and its ground truth."""
    source = notebook_source
    objects = objects_in_arrival_order(source / "ses_events")
    cut = int(len(objects) * FIRST_BATCH_SHARE)
    truth = json.loads((source / "ground_truth.json").read_text())
    return source, objects[:cut], objects[cut:], truth


def test_notebook_is_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code_cells
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code_cells)


def test_notebook_says_what_to_run_when_the_database_is_missing(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SES_DUCKDB_PATH", str(tmp_path / "not_built_yet.duckdb"))
    client = notebook_client(nbformat.read(NOTEBOOK, as_version=4))
    with pytest.raises(CellExecutionError) as raised:
        client.execute()
    assert "DatabaseNotBuilt" in str(raised.value)
    assert "make demo" in str(raised.value)


def test_notebook_survives_a_rebuild_beside_another_reader(split_data, tmp_path, monkeypatch) -> None:
    source, first_batch, second_batch, truth = split_data
    events_dir = tmp_path / "ses_events"
    copy_objects(first_batch, source / "ses_events", events_dir)
    database = tmp_path / "ses.duckdb"
    requests = source / "ses_requests.csv"
    # The first build's own tests are covered elsewhere.
    assert_built(run_dbt(
        tmp_path, *BUILD_WITHOUT_TESTS, events_path=events_dir, requests_path=requests, database=database
    ))

    monkeypatch.setenv("SES_DUCKDB_PATH", str(database))
    client = notebook_client(nbformat.read(NOTEBOOK, as_version=4))
    with client.setup_kernel():
        execute_every_cell(client)
        events_before = run_in_kernel(client, "print(int(ses.scalar('select count(*) from main_ses_marts.fct_ses_events')))")
        assert 0 < int(events_before) < truth["distinct_events"]

        copy_objects(second_batch, source / "ses_events", events_dir)
        reader, reader_log = start_busy_reader(database, tmp_path)
        _, released_at, first_start_at = build_while_reader_holds(tmp_path, events_dir, requests, database)
        (tmp_path / "stop").touch()
        reader_stderr = reader.communicate(timeout=60)[1]

        assert first_start_at > released_at, "dbt ran a model while a reader held the file"
        assert reader.returncode == 0, reader_stderr
        assert "waiting for it to finish" in reader_stderr, "the reader never met the build's lock"
        answers = [json.loads(line)["events"] for line in reader_log.read_text().splitlines()]
        assert set(answers) <= {int(events_before), truth["distinct_events"]}, "a reader saw a half-built database"
        assert answers[-1] == truth["distinct_events"]

        # The kernel stayed up through the build and now sees the new data everywhere.
        execute_every_cell(client)
        assert kernel_json(client, "int(ses.scalar('select count(*) from main_ses_marts.fct_ses_events'))") == truth[
            "distinct_events"
        ]
        assert kernel_json(client, "len(pivot)") == truth["messages"]
        assert kernel_json(client, "len(opened_not_clicked)") == truth["opened_not_clicked_messages"]
        assert kernel_json(client, "dict(zip(regions.region, regions.count_messages.astype(int)))") == truth[
            "messages_per_region"
        ]
        assert kernel_json(client, "int(funnel.messages.iloc[0])") == len(sent_message_ids(source))


def sent_message_ids(source: Path) -> set[str]:
    """Messages the generator wrote a Send event for, from its event-level truth."""
    with (source / "ground_truth_events.csv").open() as events_file:
        return {event["message_id"] for event in csv.DictReader(events_file) if event["event_class"] == "send"}


def start_busy_reader(database: Path, work_dir: Path) -> tuple[subprocess.Popen, Path]:
    """Start the second reader and return once it holds the file."""
    reader_log = work_dir / "reader.jsonl"
    reader = subprocess.Popen(
        [sys.executable, str(BUSY_READER), "--database", str(database), "--holding", str(work_dir / "holding"),
         "--release", str(work_dir / "release"), "--stop", str(work_dir / "stop"), "--out", str(reader_log)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not (work_dir / "holding").exists():
        assert reader.poll() is None, reader.communicate()[1]
        assert time.monotonic() < deadline, "the reader never opened the database"
        time.sleep(0.05)
    return reader, reader_log


def build_while_reader_holds(
    work_dir: Path, events_dir: Path, requests: Path, database: Path
) -> tuple[str, float, float]:
    """Start `dbt build` while the reader holds the file, let the reader go a
    few seconds after dbt has parsed the project (so dbt's connect meets the
    lock), and return dbt's output, when the reader was released and when dbt
    started its first model."""
    command = [
        str(DBT), "build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs"),
        "--vars", json.dumps({"ses_events_path": str(events_dir), "ses_requests_path": str(requests)}),
    ]
    environment = {**os.environ, "SES_DUCKDB_PATH": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    build = subprocess.Popen(
        command, cwd=PROJECT_DIR, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[tuple[float, str]] = []
    parsed = threading.Event()

    def collect() -> None:
        for line in build.stdout:
            lines.append((time.time(), line))
            if "Found " in line:
                parsed.set()
        parsed.set()

    collector = threading.Thread(target=collect, daemon=True)
    collector.start()
    assert parsed.wait(timeout=120), "dbt did not get past parsing"
    time.sleep(3)
    released_at = time.time()
    (work_dir / "release").touch()
    assert build.wait(timeout=600) == 0, "".join(line for _, line in lines)[-6000:]
    collector.join(timeout=10)
    first_start_at = min(at for at, line in lines if " START " in line)
    return "".join(line for _, line in lines), released_at, first_start_at
