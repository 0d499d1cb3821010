"""Shared helpers for the end-to-end tests: build the dbt project on given
input into a throw-away DuckDB file and query the result."""

from __future__ import annotations

import collections
import contextlib
import gzip
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import nbformat
import pytest
from dbt.adapters.duckdb.connections import DuckDBConnectionManager
from dbt.cli.main import dbtRunner
from nbclient import NotebookClient

PROJECT_DIR = Path(__file__).resolve().parents[1]
FIXTURES_DIR = PROJECT_DIR / "tests" / "fixtures"
DBT = Path(sys.executable).with_name("dbt")


@dataclass
class DbtBuild:
    """The outcome of one `dbt` invocation on its own database."""

    database: Path
    returncode: int
    output: str

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.execute(sql).fetchall()

    def scalar(self, sql: str):
        return self.query(sql)[0][0]


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# `dbt build` without its tests: seeds and models, for a database a test
# starts from (plain `dbt run` would leave the seeds the models read unloaded).
BUILD_WITHOUT_TESTS = ("build", "--exclude", "resource_type:test", "resource_type:unit_test")


def run_dbt(
    work_dir: Path,
    *arguments: str,
    events_path: Path | str | None,
    requests_path: Path | str | None = None,
    database: Path | None = None,
    target: str | None = None,
    environment: dict[str, str] | None = None,
    extra_vars: dict[str, object] | None = None,
    project_dir: Path = PROJECT_DIR,
    dbt_executable: Path = DBT,
) -> DbtBuild:
    """Run dbt from the project directory with its own database, target and
    logs; `events_path` None leaves ses_events_path unset, `target` picks a
    profile target, `environment` adds environment variables, `extra_vars`
    dbt vars, `project_dir` another copy of the project (copy_project) and
    `dbt_executable` another installation (the Spark target's, in .venv-spark)."""
    database = database or work_dir / "ses.duckdb"
    dbt_vars: dict[str, object] = {}
    if events_path is not None:
        dbt_vars["ses_events_path"] = str(events_path)
    if requests_path is not None:
        dbt_vars["ses_requests_path"] = str(requests_path)
    dbt_vars.update(extra_vars or {})
    command = [
        str(dbt_executable),
        *arguments,
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
        "--vars", json.dumps(dbt_vars),
        *(["--target", target] if target else []),
    ]
    settings = {
        **(environment or {}), "SES_DUCKDB_PATH": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    if dbt_executable == DBT:
        returncode, output = invoke_dbt(command[1:], project_dir, settings)
        return DbtBuild(database, returncode, output)
    completed = subprocess.run(
        command, cwd=project_dir, env={**os.environ, **settings}, capture_output=True, text=True, check=False
    )
    return DbtBuild(database, completed.returncode, completed.stdout + completed.stderr)


def invoke_dbt(arguments: list[str], cwd: Path, environment: dict[str, str]) -> tuple[int, str]:
    """dbt in this process (dbtRunner), as `dbt <arguments>` would run from
    `cwd` with `environment` added: the exit code dbt's command line would
    give (0 success, 1 a node failed, 2 dbt itself failed) and what it
    printed. Saves the interpreter's start and dbt's imports (about 3 s) on
    every invocation."""
    saved_environment = {name: os.environ.get(name) for name in environment}
    saved_cwd = Path.cwd()
    printed = io.StringIO()
    try:
        os.environ.update(environment)
        os.chdir(cwd)
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            result = dbtRunner().invoke(arguments)
    finally:
        # dbt-duckdb keeps its database open for the next invocation: close
        # it, so that the test (and the next build, on another file) can open it
        environment_in_use = DuckDBConnectionManager._ENV
        if environment_in_use is not None:
            environment_in_use.close()
        DuckDBConnectionManager.close_all_connections()
        os.chdir(saved_cwd)
        for name, value in saved_environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    # dbt has printed the exception of a run that stopped, as its command line does
    returncode = 0 if result.success else 2 if result.exception is not None else 1
    return returncode, printed.getvalue()


# What a checkout holds besides the project's own files: its virtualenv,
# sample data, build output and databases (as .gitignore lists them).
NOT_PROJECT_FILES = shutil.ignore_patterns(
    ".git", ".venv", ".venv-duckdb1", "data", "target", "logs", ".bench", "dbt_packages", ".user.yml", "*.duckdb",
    "*.duckdb.wal", "*.duckdb.tmp", "__pycache__", ".pytest_cache", "screenshots", "node_modules",
)


def copy_project(destination: Path) -> Path:
    """A scratch copy of the project's own files, for a test that runs it the
    way a user would: default settings, make targets, its own data/ folder."""
    shutil.copytree(PROJECT_DIR, destination, ignore=NOT_PROJECT_FILES)
    return destination


def environment_without_settings() -> dict[str, str]:
    """This process's environment less every SES_ and DBT_ setting, so that
    dbt and the scripts run on the project's defaults."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith(("SES_", "DBT_"))
    }
    return {**environment, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


@dataclass
class DemoCopyBuild:
    """A copy of the project with a small demo sample in its data/demo,
    built with `make demo`'s vars and every other setting at its default by
    dbt run from another folder."""

    project_dir: Path
    run_dir: Path
    build: DbtBuild
    ground_truth: dict


DEMO_COPY_MESSAGES = 200
DEMO_COPY_SEED = 42


def makefile_demo_vars() -> str:
    """The --vars `make demo` passes (the Makefile's DEMO_VARS): the demo's
    paths, relative to the project folder, since no setting defaults to them."""
    makefile = (PROJECT_DIR / "Makefile").read_text()
    demo_dir = re.search(r"^DEMO_DIR := (.+)$", makefile, re.M).group(1)
    return re.search(r"^DEMO_VARS := (.+)$", makefile, re.M).group(1).replace("$(DEMO_DIR)", demo_dir)


@pytest.fixture(scope="session")
def demo_copy_built_elsewhere(tmp_path_factory) -> DemoCopyBuild:
    """`cd <elsewhere> && dbt build --project-dir <copy> --profiles-dir <copy>
    --vars <make demo's>`, no SES_DUCKDB_PATH: the relative paths
    (data/demo/..., ses_analytics.duckdb) must be taken from the project folder."""
    work_dir = tmp_path_factory.mktemp("demo_copy")
    project_dir = copy_project(work_dir / "project")
    generate(project_dir / "data" / "demo", DEMO_COPY_MESSAGES, DEMO_COPY_SEED)
    run_dir = work_dir / "elsewhere"
    run_dir.mkdir()
    completed = subprocess.run(
        [str(DBT), "build", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
         "--vars", makefile_demo_vars()],
        cwd=run_dir, env=environment_without_settings(), capture_output=True, text=True, check=False,
    )
    build = DbtBuild(project_dir / "ses_analytics.duckdb", completed.returncode, completed.stdout + completed.stderr)
    ground_truth = json.loads((project_dir / "data" / "demo" / "ground_truth.json").read_text())
    return DemoCopyBuild(project_dir, run_dir, build, ground_truth)


def materialize_fixture_events(destination: Path) -> Path:
    """Copy the hand-written fixture objects, gzipping each `*.gz.txt` into `*.gz`."""
    source = FIXTURES_DIR / "ses_events"
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        target = destination / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.name.endswith(".gz.txt"):
            compressed = gzip.compress(path.read_bytes(), mtime=0)
            target.with_name(path.name.removesuffix(".txt")).write_bytes(compressed)
        else:
            shutil.copyfile(path, target)
    return destination


def write_objects(work_dir: Path, objects: dict[str, bytes]) -> Path:
    """Raw objects written by hand, by name, into one Firehose hour folder of
    work_dir/ses_events; returns the events folder."""
    events = work_dir / "ses_events"
    folder = events / "2026/03/01/10"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in objects.items():
        (folder / name).write_bytes(content)
    return events


def build_events(work_dir: Path, **options) -> DbtBuild:
    """dbt build on work_dir/ses_events with the fixture send log."""
    return run_dbt(
        work_dir, "build", events_path=work_dir / "ses_events", requests_path=FIXTURES_DIR / "ses_requests.csv",
        **options,
    )


def assert_built(build: DbtBuild) -> None:
    assert build.returncode == 0, build.output[-6000:]


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory) -> DbtBuild:
    """The project built once on the hand-written fixture set."""
    work_dir = tmp_path_factory.mktemp("fixture_build")
    events = materialize_fixture_events(work_dir / "ses_events")
    build = run_dbt(work_dir, "build", events_path=events, requests_path=FIXTURES_DIR / "ses_requests.csv")
    assert_built(build)
    return build


@pytest.fixture(scope="session")
def fixture_expected() -> dict:
    return json.loads((FIXTURES_DIR / "expected.json").read_text())


# Shared by the suites that build generated data in batches and compare the
# results table by table.
MARTS = [
    "main_ses_marts.fct_ses_events",
    "main_ses_marts.fct_ses_messages",
    "main_ses_marts.fct_ses_message_recipients",
    "main_ses_marts.ses_message_pivot",
    "main_ses_marts.ses_region_summary",
    "main_ses_marts.ses_journeys",
    "main_ses_marts.ses_opened_not_clicked",
    "main_ses_marts.ses_rejected_records",
    "main_ses_marts.ses_deliverability_daily",
    "main_ses_marts.ses_reputation_daily",
    "main_ses_marts.ses_suppression_candidates",
    "main_ses_marts.ses_link_performance",
    "main_ses_marts.ses_campaign_performance",
]
# Bookkeeping that records when and from which copy a row was loaded: it
# legitimately differs between an incremental history and a full refresh.
BOOKKEEPING_COLUMNS = {"loaded_at", "file_name", "transport_message_id"}


def generate(out_dir: Path, messages: int, seed: int, *options: str) -> Path:
    """Generator output (objects, send log, ground truth) in `out_dir`."""
    subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "generate_ses_data.py"), "--out", str(out_dir),
         "--messages", str(messages), "--seed", str(seed), "--quiet", *options],
        check=True,
    )
    return out_dir


NOTEBOOK = PROJECT_DIR / "notebooks" / "ses_analytics.ipynb"


def notebook_client(notebook: nbformat.NotebookNode) -> NotebookClient:
    """A client that runs the notebook from its own folder (where it imports ses_notebook)."""
    return NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )


def run_in_kernel(client: NotebookClient, source: str) -> str:
    """Run one extra cell in the client's live kernel and return what it printed."""
    cell = nbformat.v4.new_code_cell(source)
    client.nb.cells.append(cell)
    client.execute_cell(cell, len(client.nb.cells) - 1)
    return "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")


def kernel_json(client: NotebookClient, expression: str):
    return json.loads(run_in_kernel(client, f"import json\nprint(json.dumps({expression}))"))


def execute_every_cell(client: NotebookClient) -> None:
    for index, cell in enumerate(client.nb.cells):
        if cell.cell_type == "code":
            client.execute_cell(cell, index)


NOTEBOOK_MESSAGES = 600
NOTEBOOK_SEED = 11


@pytest.fixture(scope="session")
def notebook_source(tmp_path_factory) -> Path:
    """Generated data the notebook tests build their databases from (read only)."""
    return generate(tmp_path_factory.mktemp("notebook_source") / "generated", NOTEBOOK_MESSAGES, NOTEBOOK_SEED)


def objects_in_arrival_order(events_dir: Path) -> list[Path]:
    """Firehose keys sort by arrival time."""
    return sorted(path for path in events_dir.rglob("*") if path.is_file())


def copy_objects(objects: list[Path], source_dir: Path, target_dir: Path) -> None:
    for path in objects:
        target = target_dir / path.relative_to(source_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def mart_rows(database: Path, table: str, ignored_columns: set[str] = BOOKKEEPING_COLUMNS) -> collections.Counter:
    with duckdb.connect(str(database), read_only=True) as connection:
        columns = [
            name for (name,) in connection.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
                " order by ordinal_position",
                table.split("."),
            ).fetchall()
            if name not in ignored_columns
        ]
        quoted = ", ".join(f'"{column}"' for column in columns)
        # lists and maps are unhashable: count rows by their printed form
        return collections.Counter(repr(row) for row in connection.execute(f"select {quoted} from {table}").fetchall())


def assert_same_marts(left: Path, right: Path, ignored_columns: set[str] = BOOKKEEPING_COLUMNS) -> None:
    for table in MARTS:
        left_rows, right_rows = mart_rows(left, table, ignored_columns), mart_rows(right, table, ignored_columns)
        assert left_rows == right_rows, (
            f"{table}: {sum((left_rows - right_rows).values())} rows only in {left.name}, "
            f"{sum((right_rows - left_rows).values())} only in {right.name}"
        )


def new_objects_read(build_output: str) -> int:
    return int(re.search(r"ses_events_path: (\d+) new object\(s\) to read", build_output).group(1))
