"""The dbt docs site: every node, column, macro and argument is described, SES
fields reuse doc blocks, the site is served on 127.0.0.1 by the script `make
docs` runs, and in headless Chromium the lineage of fct_ses_messages draws its
upstream models and the notebook exposure, and the full lineage graph draws
every model and no test (screenshots are kept under tests/screenshots/,
ignored by git)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES_DIR, PROJECT_DIR, assert_built, run_dbt

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
import ses_docs_site  # noqa: E402

SCREENSHOTS = PROJECT_DIR / "tests" / "screenshots"
# fct_ses_messages's direct parents, read off its SQL by hand.
FCT_SES_MESSAGES_PARENTS = {"stg_ses__events", "int_ses__message_recipients", "int_ses__requests"}
NOTEBOOK_EXPOSURE_LABEL = "SES analytics notebook"
NOTEBOOK_EXPOSURE_ID = "exposure.ses_analytics.ses_analytics_notebook"
DOCUMENTED_RESOURCE_TYPES = {"model", "seed", "snapshot", "source", "exposure"}
TEST_NODE_PREFIXES = ("test.", "unit_test.")
MACRO_SIGNATURE = re.compile(r"\{%-?\s*(?:macro|test)\s+(\w+)\s*\(([^)]*)\)")


@pytest.fixture(scope="module")
def docs_target(fixture_build) -> Path:
    """`dbt docs generate --static` on the database built from the hand-written
fixtures, then what `make docs` adds to the pages. Without ses_events_path:
docs generate builds nothing, so needs no location of objects."""
    work_dir = fixture_build.database.parent
    generated = run_dbt(
        work_dir, "docs", "generate", "--static", events_path=None,
        requests_path=FIXTURES_DIR / "ses_requests.csv", database=fixture_build.database,
    )
    assert_built(generated)
    # What `make docs` serves: the single-file page written again, the lineage graph's script added.
    ses_docs_site.prepare_site(work_dir / "target")
    return work_dir / "target"


@pytest.fixture(scope="module")
def manifest(docs_target) -> dict:
    return json.loads((docs_target / "manifest.json").read_text())


def project_nodes(manifest: dict) -> list[dict]:
    everything = [*manifest["nodes"].values(), *manifest["sources"].values(), *manifest["exposures"].values()]
    return [
        node for node in everything
        if node["package_name"] == "ses_analytics" and node["resource_type"] in DOCUMENTED_RESOURCE_TYPES
    ]


def macro_signatures() -> dict[str, list[str]]:
    """Every macro's argument names, read from the .sql files themselves."""
    signatures = {}
    for path in (PROJECT_DIR / "macros").rglob("*.sql"):
        for match in MACRO_SIGNATURE.finditer(path.read_text()):
            name = match.group(1) if "macro" in match.group(0) else f"test_{match.group(1)}"
            signatures[name] = [argument.split("=")[0].strip() for argument in match.group(2).split(",") if argument.strip()]
    return signatures


def test_site_opens_on_the_project_overview(manifest) -> None:
    """The docs site's landing page is the project's own overview (dbt's
    `__overview__` block), naming the layers and where to start, and no
    description speaks of the history a reader does not know."""
    overview = manifest["docs"]["doc.ses_analytics.__overview__"]["block_contents"]
    for words in ("Amazon SES", "landing", "staging", "intermediate", "marts", "Where to start",
                  "fct_ses_messages", "ses_deliverability_daily"):
        assert words in overview, words
    historical = [
        node["unique_id"] for node in project_nodes(manifest)
        if "proof of concept" in " ".join([node["description"], *(c["description"] for c in node.get("columns", {}).values())])
    ]
    assert historical == []


def test_every_node_and_column_is_described(manifest) -> None:
    nodes = project_nodes(manifest)
    assert {node["resource_type"] for node in nodes} >= {"model", "source", "exposure"}
    undescribed = [node["unique_id"] for node in nodes if not node["description"].strip()]
    undescribed += [
        f"{node['unique_id']}.{name}"
        for node in nodes for name, column in node.get("columns", {}).items()
        if not column["description"].strip()
    ]
    assert undescribed == []


def test_every_macro_and_argument_is_described(manifest) -> None:
    macros = {macro["name"]: macro for macro in manifest["macros"].values() if macro["package_name"] == "ses_analytics"}
    signatures = macro_signatures()
    assert set(macros) == set(signatures)
    assert [name for name, macro in macros.items() if not macro["description"].strip()] == []
    for name, macro in macros.items():
        documented = [argument["name"] for argument in macro["arguments"]]
        assert documented == signatures[name], name
        assert all(argument["description"].strip() for argument in macro["arguments"]), name


def test_ses_fields_reuse_doc_blocks() -> None:
    """A column documented by a doc block in one model is documented by it in every model."""
    columns: dict[str, list[str]] = {}
    for path in (PROJECT_DIR / "models").rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            for column in model.get("columns", []):
                columns.setdefault(column["name"], []).append(str(column.get("description", "")))
    with_blocks = {name: descriptions for name, descriptions in columns.items() if any("doc('ses_" in text for text in descriptions)}
    assert {"message_id", "event_at", "sent_at", "subject", "file_name"} <= set(with_blocks)
    mixed = {name for name, descriptions in with_blocks.items() if not all("doc('ses_" in text for text in descriptions)}
    assert mixed == set()


def test_dashboard_exposure_depends_on_the_marts_its_queries_read(manifest) -> None:
    exposure = manifest["exposures"]["exposure.ses_analytics.ses_deliverability_dashboard"]
    assert exposure["type"] == "dashboard"
    queries = " ".join(path.read_text() for path in (PROJECT_DIR / "dashboard" / "queries").glob("*.sql"))
    read = set(re.findall(r"main_ses_marts\.(\w+)", queries))
    assert "ses_reputation_daily" in read
    assert set(exposure["depends_on"]["nodes"]) == {f"model.ses_analytics.{name}" for name in read}


def test_semantic_layer_exposure_depends_on_the_metrics_the_readme_and_make_metrics_query(manifest) -> None:
    exposure = manifest["exposures"]["exposure.ses_analytics.ses_semantic_layer_queries"]
    documented = (PROJECT_DIR / "README.md").read_text() + (PROJECT_DIR / "Makefile").read_text()
    queried = {name for names in re.findall(r"--metrics ([a-z_,]+)", documented) for name in names.split(",")}
    assert {"delivery_rate", "complaint_rate", "human_open_rate"} <= queried
    assert set(exposure["depends_on"]["nodes"]) == {f"metric.ses_analytics.{name}" for name in queried}


def test_notebook_exposure_depends_on_the_marts_it_reads(manifest) -> None:
    exposure = manifest["exposures"][NOTEBOOK_EXPOSURE_ID]
    assert exposure["type"] == "notebook"
    notebook = (PROJECT_DIR / "notebooks" / "ses_analytics.ipynb").read_text()
    read_in_notebook = set(re.findall(r"marts\.(\w+)", notebook))
    assert {node_id.split(".")[-1] for node_id in exposure["depends_on"]["nodes"]} == read_in_notebook


def test_make_docs_server_prints_its_address_and_serves_the_site(docs_target) -> None:
    server = subprocess.Popen(
        [sys.executable, str(PROJECT_DIR / "scripts" / "ses_docs_site.py"), "--target-dir", str(docs_target), "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        address = re.search(r"http://127\.0\.0\.1:\d+/", server.stdout.readline()).group(0)
        with urllib.request.urlopen(address + "index.html", timeout=30) as response:
            assert response.status == 200
            assert b"dbt" in response.read()
        with urllib.request.urlopen(address + "manifest.json", timeout=30) as response:
            assert NOTEBOOK_EXPOSURE_ID in json.loads(response.read())["exposures"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_make_docs_on_a_busy_port_says_so_in_one_line(tmp_path) -> None:
    """Exit 1 with one line naming the port and a free one to pass as
    DOCS_PORT, not a traceback."""
    (tmp_path / "index.html").write_text("<html>dbt</html>")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy_port = holder.getsockname()[1]
        completed = subprocess.run(
            [sys.executable, str(PROJECT_DIR / "scripts" / "ses_docs_site.py"), "--target-dir", str(tmp_path),
             "--port", str(busy_port)],
            capture_output=True, text=True, timeout=60, check=False,
        )
    assert completed.returncode == 1
    assert completed.stdout == ""
    [line] = completed.stderr.splitlines()
    suggestion = re.fullmatch(
        rf"ses_docs_site\.py: cannot serve on 127\.0\.0\.1:{busy_port} \(Address already in use\):"
        r" stop what holds it, or pick another port: make docs DOCS_PORT=(\d+)",
        line,
    )
    assert suggestion, line
    suggested_port = int(suggestion.group(1))
    assert suggested_port != busy_port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", suggested_port))


def fresh_screenshot(name: str) -> Path:
    screenshot = SCREENSHOTS / name
    screenshot.unlink(missing_ok=True)
    return screenshot


@pytest.mark.parametrize("site", ["served", "single_file"])
def test_lineage_of_the_message_fact_names_its_parents_and_the_notebook(docs_target, site) -> None:
    screenshot = fresh_screenshot(f"lineage_fct_ses_messages_{site}.png")
    with ses_docs_site.opened_site(docs_target, single_file=site == "single_file") as address:
        view = ses_docs_site.open_lineage(ses_docs_site.node_page(address, "model", "fct_ses_messages"), screenshot)
    assert "model.ses_analytics.fct_ses_messages" in view.node_ids
    assert FCT_SES_MESSAGES_PARENTS <= set(view.labels)
    assert NOTEBOOK_EXPOSURE_LABEL in view.labels and NOTEBOOK_EXPOSURE_ID in view.node_ids
    assert "fct_ses_messages" in view.page_text
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 10_000


@pytest.mark.parametrize("site", ["served", "single_file"])
def test_full_lineage_graph_draws_every_model_and_no_test(docs_target, manifest, site) -> None:
    """The graph the overview page opens: dbt-docs would draw the singular
    and unit tests too (43 of 84 nodes); the site `make docs` serves leaves
    them out, and a test's own page still draws the test."""
    models = {node_id for node_id, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    singular_tests = [
        node_id for node_id, node in manifest["nodes"].items()
        if node["resource_type"] == "test" and "test_metadata" not in node
    ]
    assert singular_tests and manifest["unit_tests"]
    with ses_docs_site.opened_site(docs_target, single_file=site == "single_file") as address:
        full = ses_docs_site.open_lineage(f"{address}#!/overview", fresh_screenshot(f"lineage_full_{site}.png"))
        test_name = singular_tests[0].split(".")[-1]
        of_a_test = ses_docs_site.open_lineage(
            ses_docs_site.node_page(address, "test", test_name), fresh_screenshot(f"lineage_test_{site}.png")
        )
    assert models <= set(full.node_ids)
    assert [node_id for node_id in full.node_ids if node_id.startswith(TEST_NODE_PREFIXES)] == []
    assert singular_tests[0] in of_a_test.node_ids
