"""Shared helpers for the end-to-end tests: build the dbt project on given
input into a throw-away DuckDB file and query the result."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

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


def run_dbt(
    work_dir: Path,
    *arguments: str,
    events_path: Path | str,
    requests_path: Path | str | None = None,
    database: Path | None = None,
    target: str | None = None,
    environment: dict[str, str] | None = None,
    extra_vars: dict[str, str] | None = None,
) -> DbtBuild:
    """Run dbt from the project directory with its own database, target and
    logs; `target` picks a profile target, `environment` adds environment
    variables and `extra_vars` dbt vars."""
    database = database or work_dir / "ses.duckdb"
    dbt_vars = {"ses_events_path": str(events_path)}
    if requests_path is not None:
        dbt_vars["ses_requests_path"] = str(requests_path)
    dbt_vars.update(extra_vars or {})
    command = [
        str(DBT),
        *arguments,
        "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
        "--vars", json.dumps(dbt_vars),
        *(["--target", target] if target else []),
    ]
    full_environment = {
        **os.environ, **(environment or {}),
        "SES_DUCKDB_PATH": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    completed = subprocess.run(
        command, cwd=PROJECT_DIR, env=full_environment, capture_output=True, text=True, check=False
    )
    return DbtBuild(database, completed.returncode, completed.stdout + completed.stderr)


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
