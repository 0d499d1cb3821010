"""The build summary `make demo` prints explains each warning the build ended
with, read from target/run_results.json and the manifest: what the test
counts (its description) and, given the generator's ground_truth.json,
whether the generator wrote exactly that many on purpose."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DemoCopyBuild, assert_built, environment_without_settings

# The three warnings of a demo build: the generator writes each case on purpose.
DEMO_WARNINGS = (
    "warn_on_rejected_ses_records", "warn_on_requests_without_ses_events", "warn_on_ses_events_without_request",
)


def run_summary(demo: DemoCopyBuild, *arguments: str) -> list[str]:
    """The copy's summary script, run from another folder as dbt was."""
    completed = subprocess.run(
        [sys.executable, str(demo.project_dir / "scripts" / "print_build_summary.py"), *arguments],
        cwd=demo.run_dir, env=environment_without_settings(), capture_output=True, text=True, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.splitlines()


def warning_block(lines: list[str], test_name: str) -> list[str]:
    """The headline of one warning and the indented lines below it."""
    start = next(index for index, line in enumerate(lines) if line.split()[-1:] == [test_name])
    end = next((index for index in range(start + 1, len(lines)) if not lines[index].startswith(" " * 6)), len(lines))
    return lines[start:end]


@pytest.fixture(scope="module")
def demo(demo_copy_built_elsewhere: DemoCopyBuild) -> DemoCopyBuild:
    assert_built(demo_copy_built_elsewhere.build)
    return demo_copy_built_elsewhere


def test_every_warning_is_explained_and_matches_the_ground_truth(demo: DemoCopyBuild) -> None:
    truth = demo.ground_truth
    rejected = truth["rejected_records"]
    lines = run_summary(demo, "--ground-truth", str(demo.project_dir / "data" / "demo" / "ground_truth.json"))
    assert "The build ended with 3 warnings: each counts data worth a look, none is a failure" in lines
    rejected_block = warning_block(lines, "warn_on_rejected_ses_records")
    assert rejected_block[0] == f"  {sum(rejected.values()):>3,} warn_on_rejected_ses_records"
    assert rejected_block[-1] == (
        f"      Expected on this data: the generator wrote exactly {sum(rejected.values()):,} on purpose"
        f" (ground_truth.json rejected_records: invalid_json {rejected['invalid_json']:,},"
        f" not_an_ses_event {rejected['not_an_ses_event']:,}, unknown_event_type {rejected['unknown_event_type']:,},"
        f" missing_message_id {rejected['missing_message_id']:,})."
    )
    for test_name, figure in [
        ("warn_on_requests_without_ses_events", "requests_without_events"),
        ("warn_on_ses_events_without_request", "messages_without_request"),
    ]:
        block = warning_block(lines, test_name)
        assert block[0] == f"  {truth[figure]:>3,} {test_name}"
        assert block[-1] == (
            f"      Expected on this data: the generator wrote exactly {truth[figure]:,} on purpose"
            f" (ground_truth.json {figure})."
        )


def test_each_warning_says_what_it_counts(demo: DemoCopyBuild) -> None:
    """The description between headline and verdict is the test's own, from
    its YAML, as the manifest holds it."""
    manifest = json.loads((demo.project_dir / "target" / "manifest.json").read_text())
    descriptions = {
        node["name"]: " ".join(node["description"].split())
        for node in manifest["nodes"].values() if node["name"] in DEMO_WARNINGS
    }
    lines = run_summary(demo)
    for test_name in DEMO_WARNINGS:
        block = warning_block(lines, test_name)
        assert " ".join(" ".join(block[1:]).split()) == descriptions[test_name]
    assert [line for line in lines if "ground_truth.json" in line] == []


def test_a_count_the_generator_did_not_write_is_called_out(demo: DemoCopyBuild, tmp_path: Path) -> None:
    truth = dict(demo.ground_truth)
    truth["requests_without_events"] += 1
    del truth["messages_without_request"]
    wrong_truth = tmp_path / "ground_truth.json"
    wrong_truth.write_text(json.dumps(truth))
    lines = run_summary(demo, "--ground-truth", str(wrong_truth))
    assert warning_block(lines, "warn_on_requests_without_ses_events")[-1] == (
        f"      Not what the generator wrote: it wrote {truth['requests_without_events']:,}"
        " (ground_truth.json requests_without_events); look at this one."
    )
    assert warning_block(lines, "warn_on_ses_events_without_request")[-1] == (
        "      Not a figure of ground_truth.json: look at this one."
    )
