"""`make notebook` as a user runs it: JupyterLab from .venv on 127.0.0.1 with
the project's kernel registered. Through the server's REST API the kernel is
listed and the notebook is served; through a session the server starts, the
notebook's cells run over the kernel's websocket on a database built from
generated data, and its charts and tables hold what they promise: every day
in the daily chart, a complaint rate per region, tables without an index or
NaN."""

from __future__ import annotations

import datetime
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb
import nbformat
import pytest
import requests
import websocket
from nbclient import NotebookClient

from conftest import BUILD_WITHOUT_TESTS, PROJECT_DIR, assert_built, free_port, run_dbt

KERNEL_NAME = "ses-analytics"
NOTEBOOK_NAME = "ses_analytics.ipynb"
STARTUP_SECONDS = 120
CELL_SECONDS = 300


@dataclass
class JupyterLab:
    address: str
    token: str
    state_dir: Path
    log: Path

    def api(self, method: str, path: str, **options) -> requests.Response:
        response = requests.request(
            method, f"{self.address}/api/{path}", headers={"Authorization": f"token {self.token}"}, timeout=30,
            **options,
        )
        response.raise_for_status()
        return response


@pytest.fixture(scope="module")
def notebook_database(notebook_source, tmp_path_factory) -> Path:
    """The notebook's generated data, built whole (its build's tests run elsewhere)."""
    work_dir = tmp_path_factory.mktemp("jupyterlab_build")
    database = work_dir / "ses.duckdb"
    assert_built(run_dbt(
        work_dir, *BUILD_WITHOUT_TESTS, events_path=notebook_source / "ses_events",
        requests_path=notebook_source / "ses_requests.csv", database=database,
    ))
    return database


@pytest.fixture(scope="module")
def jupyterlab(notebook_database, tmp_path_factory) -> Iterator[JupyterLab]:
    """`make notebook` on a free port, token auth, no browser, its state in a
    scratch folder; shut down through the API, then killed if still there."""
    state_dir = tmp_path_factory.mktemp("jupyter_state")
    log = state_dir.parent / "jupyterlab.log"
    token = secrets.token_hex(16)
    port = free_port()
    options = "--no-browser" + (" --allow-root" if os.geteuid() == 0 else "")
    environment = {
        **{name: value for name, value in os.environ.items() if name not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}},
        "SES_DUCKDB_PATH": str(notebook_database), "JUPYTER_TOKEN": token,
    }
    with log.open("w") as log_file:
        server = subprocess.Popen(
            ["make", "-o", ".venv/.installed", "notebook", f"NOTEBOOK_PORT={port}", f"NOTEBOOK_OPTIONS={options}",
             f"NOTEBOOK_STATE={state_dir}"],
            cwd=PROJECT_DIR, env=environment, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
    lab = JupyterLab(f"http://127.0.0.1:{port}", token, state_dir, log)
    try:
        wait_until_serving(lab, server)
        yield lab
    finally:
        stop(lab, server)


def wait_until_serving(lab: JupyterLab, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        assert server.poll() is None, f"make notebook exited with {server.returncode}:\n{lab.log.read_text()[-4000:]}"
        assert time.monotonic() < deadline, f"JupyterLab did not answer:\n{lab.log.read_text()[-4000:]}"
        try:
            lab.api("GET", "status")
            return
        except requests.RequestException:
            time.sleep(0.5)


def stop(lab: JupyterLab, server: subprocess.Popen) -> None:
    """Ask the server to stop (it shuts its kernels down), then end make's
    process group if anything of it is left."""
    try:
        lab.api("POST", "shutdown")
        server.wait(timeout=30)
    except (requests.RequestException, subprocess.TimeoutExpired):
        pass
    for sent in (signal.SIGTERM, signal.SIGKILL):
        if server.poll() is not None:
            break
        os.killpg(server.pid, sent)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass


class KernelChannel:
    """A kernel's websocket through the server, JSON messages of the Jupyter protocol."""

    def __init__(self, lab: JupyterLab, kernel_id: str) -> None:
        self.session = uuid.uuid4().hex
        self.socket = websocket.create_connection(
            f"{lab.address.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels?session_id={self.session}",
            header=[f"Authorization: token {lab.token}"], timeout=CELL_SECONDS,
        )

    def execute(self, code: str) -> list[dict]:
        """Run `code`, return its outputs (stream, display, result) once the
        kernel is idle again; a cell that fails fails the test with its traceback."""
        message_id = uuid.uuid4().hex
        self.socket.send(json.dumps({
            "header": {"msg_id": message_id, "msg_type": "execute_request", "session": self.session,
                       "username": "test", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                       "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        outputs: list[dict] = []
        reply, idle = None, False
        while reply is None or not idle:
            message = json.loads(self.socket.recv())
            if message.get("parent_header", {}).get("msg_id") != message_id:
                continue
            kind = message["msg_type"]
            if kind == "execute_reply":
                reply = message["content"]
            elif kind == "status":
                idle = message["content"]["execution_state"] == "idle"
            elif kind in {"stream", "display_data", "execute_result", "error"}:
                outputs.append(message)
        assert reply["status"] == "ok", "\n".join(reply.get("traceback", [])) or reply
        return outputs

    def json(self, expression: str):
        printed = "".join(
            output["content"]["text"] for output in self.execute(f"import json\nprint(json.dumps({expression}))")
            if output["msg_type"] == "stream" and output["content"]["name"] == "stdout"
        )
        return json.loads(printed)

    def close(self) -> None:
        self.socket.close()


@dataclass
class NotebookRun:
    outputs: list[dict]
    kernel: KernelChannel


@pytest.fixture(scope="module")
def notebook_run(jupyterlab) -> Iterator[NotebookRun]:
    """The notebook, read through the server, run cell by cell in a session the server started."""
    notebook = nbformat.from_dict(jupyterlab.api("GET", f"contents/{NOTEBOOK_NAME}").json()["content"])
    session = jupyterlab.api("POST", "sessions", json={
        "path": NOTEBOOK_NAME, "type": "notebook", "name": NOTEBOOK_NAME, "kernel": {"name": KERNEL_NAME},
    }).json()
    assert session["kernel"]["name"] == KERNEL_NAME
    kernel = KernelChannel(jupyterlab, session["kernel"]["id"])
    try:
        outputs = [
            output for cell in notebook.cells if cell.cell_type == "code" for output in kernel.execute(cell.source)
        ]
        yield NotebookRun(outputs, kernel)
    finally:
        kernel.close()
        jupyterlab.api("DELETE", f"sessions/{session['id']}")


def test_make_notebook_serves_the_project_kernel(jupyterlab) -> None:
    kernelspecs = jupyterlab.api("GET", "kernelspecs").json()["kernelspecs"]
    assert KERNEL_NAME in kernelspecs, sorted(kernelspecs)
    spec = kernelspecs[KERNEL_NAME]["spec"]
    notebook = nbformat.read(PROJECT_DIR / "notebooks" / NOTEBOOK_NAME, as_version=4)
    assert notebook.metadata.kernelspec == {
        "name": KERNEL_NAME, "display_name": spec["display_name"], "language": spec["language"],
    }
    # Registered in .venv, and running .venv's Python.
    assert Path(spec["argv"][0]).parent.parent.resolve() == Path(sys.prefix).resolve()
    assert (jupyterlab.state_dir / "runtime").is_dir(), "JupyterLab's runtime files went elsewhere"
    assert re.search(r"http://127\.0\.0\.1:\d+/lab", jupyterlab.log.read_text())


def test_the_notebook_runs_through_the_server(notebook_run) -> None:
    assert not [output for output in notebook_run.outputs if output["msg_type"] == "error"]
    assert Path(notebook_run.kernel.json("__import__('sys').prefix")).resolve() == Path(sys.prefix).resolve()
    assert notebook_run.kernel.json("int(ses.scalar('select count(*) from main_ses_marts.fct_ses_messages'))") > 0


def test_tables_show_no_index_and_no_nan(notebook_run) -> None:
    tables = [
        output["content"]["data"]["text/html"] for output in notebook_run.outputs
        if "<table" in output["content"].get("data", {}).get("text/html", "")
    ]
    assert len(tables) >= 10
    for html in tables:
        assert 'class="dataframe"' not in html, "a DataFrame shown as it is, not through ses.table"
        assert "row_heading" not in html
        assert not re.search(r">\s*(nan|NaN|NaT|<NA>|None)\s*<", html)


def test_the_daily_chart_has_every_day(notebook_run, notebook_database) -> None:
    with duckdb.connect(str(notebook_database), read_only=True) as connection:
        first, last = connection.execute(
            "select min(event_at)::date, max(event_at)::date from main_ses_marts.fct_ses_events"
        ).fetchone()
    chart = notebook_run.kernel.json(
        "{'days': [f'{day:%Y-%m-%d}' for day in daily.index],"
        " 'bars': [len(container) for container in daily_axes.containers]}"
    )
    every_day = [(first + datetime.timedelta(days=offset)).isoformat() for offset in range((last - first).days + 1)]
    assert chart["days"] == every_day
    assert chart["bars"] and set(chart["bars"]) == {len(every_day)}


def test_the_region_chart_shows_the_complaint_rate(notebook_run) -> None:
    chart = notebook_run.kernel.json(
        "{'legends': [[text.get_text() for text in axes.get_legend().get_texts()] for axes in region_figure.axes],"
        " 'regions': len(regions), 'complaint_bars': len(complaint_axes.containers[0])}"
    )
    complaint_panels = [legend for legend in chart["legends"] if "complaint rate" in legend]
    assert complaint_panels, chart["legends"]
    assert any(label.startswith("AWS review") for label in complaint_panels[0])
    assert chart["complaint_bars"] == chart["regions"]


def test_nbclient_runs_the_notebook_with_its_own_kernel(jupyterlab, notebook_database, monkeypatch) -> None:
    """The kernel named in the notebook's metadata, found by nbclient too."""
    monkeypatch.setenv("SES_DUCKDB_PATH", str(notebook_database))
    notebook = nbformat.read(PROJECT_DIR / "notebooks" / NOTEBOOK_NAME, as_version=4)
    client = NotebookClient(
        notebook, timeout=CELL_SECONDS, resources={"metadata": {"path": str(PROJECT_DIR / "notebooks")}}
    )
    client.execute()
    assert client.kernel_name == KERNEL_NAME
