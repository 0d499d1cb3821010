"""The semantic layer (models/marts/semantic/): `mf query`, run the way a user
runs it (from the project folder, the profile beside dbt_project.yml, the
database named by SES_DUCKDB_PATH), answers with the generator's ground truth,
computed here from its truth files by the definitions in DECISIONLOG.md,
never read from the marts."""

from __future__ import annotations

import collections
import csv
import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BUILD_WITHOUT_TESTS, assert_built, copy_project, generate, run_dbt
from generated_truth import TrueMessage, expected_daily, read_true_messages

MF = Path(sys.executable).with_name("mf")
MESSAGES = 600
SEED = 13

# Each rate's numerator and denominator, as DECISIONLOG.md ("Deliverability as
# Amazon SES defines it") defines them: VDM's figures.
RATES = {
    "delivery_rate": ("vdm_deliveries", "vdm_sends"),
    "bounce_rate": ("vdm_permanent_bounces", "vdm_sends"),
    "complaint_rate": ("vdm_complaints", "vdm_complaint_feedback_deliveries"),
    "open_rate": ("vdm_unique_opens", "vdm_open_tracked_deliveries"),
    "click_rate": ("vdm_unique_clicks", "vdm_click_tracked_deliveries"),
    "click_to_open_rate": ("vdm_unique_clicks", "vdm_unique_opens"),
    "human_open_rate": ("vdm_human_unique_opens", "vdm_open_tracked_deliveries"),
    "human_click_rate": ("vdm_human_unique_clicks", "vdm_click_tracked_deliveries"),
}
# metrics that are one figure of ses_deliverability_daily
DAILY_FIGURES = {"sends": "count_sends", "deliveries": "count_deliveries"}


@dataclasses.dataclass
class SemanticProject:
    """A copy of the project built on generated data, with its truth: the
    messages that have events, and each requested message's region."""

    project_dir: Path
    database: Path
    messages: dict[str, TrueMessage]
    regions: dict[str, str | None]

    def mf(self, *arguments: str) -> str:
        """Run mf from the project folder on this copy's database; its output."""
        completed = subprocess.run(
            [str(MF), *arguments], cwd=self.project_dir, capture_output=True, text=True, check=False,
            env={
                **os.environ, "SES_DUCKDB_PATH": str(self.database), "DBT_PROFILES_DIR": str(self.project_dir),
                "DBT_PROJECT_DIR": str(self.project_dir), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            },
        )
        assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
        return completed.stdout

    def query(self, metrics: list[str], group_by: list[str]) -> dict[tuple, dict[str, object]]:
        """`mf query ... --csv`: each row keyed by its group-by values (None for
        an empty cell, a date for metric_time__day), its metrics parsed."""
        output = self.project_dir / "mf_query.csv"
        self.mf("query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by), "--csv", str(output))
        with output.open() as output_file:
            rows = list(csv.DictReader(output_file))
        return {
            tuple(parse_group(name, row[name]) for name in group_by): {name: parse_number(row[name]) for name in metrics}
            for row in rows
        }


def parse_group(name: str, text: str):
    if text == "":
        return None
    return dt.datetime.fromisoformat(text).date() if name.startswith("metric_time") else text


def parse_number(text: str) -> int | float | None:
    if text == "":
        return None
    return int(text) if text.lstrip("-").isdigit() else float(text)


@pytest.fixture(scope="module")
def semantic_project(tmp_path_factory) -> SemanticProject:
    """mf reads target/semantic_manifest.json under the project folder, so the
    project is copied and built in the copy, whose target/ is its own."""
    work_dir = tmp_path_factory.mktemp("semantic_layer")
    data_dir = generate(work_dir / "data", MESSAGES, SEED)
    project_dir = copy_project(work_dir / "project")
    build = run_dbt(
        project_dir, *BUILD_WITHOUT_TESTS, events_path=data_dir / "ses_events",
        requests_path=data_dir / "ses_requests.csv", project_dir=project_dir,
    )
    assert_built(build)
    with (data_dir / "ground_truth_events.csv").open() as events_file:
        messages = read_true_messages(data_dir, list(csv.DictReader(events_file)))
    regions: dict[str, set[str]] = collections.defaultdict(set)
    with (data_dir / "ses_requests.csv").open() as requests_file:
        for request in csv.DictReader(requests_file):
            regions[request["message_id"]].update(filter(None, [request.get("region")]))
    # a message's region is its requests' first (the send log gives one per message)
    first_regions = {message_id: min(names) if names else None for message_id, names in regions.items()}
    return SemanticProject(project_dir, build.database, messages, first_regions)


def counted(
    messages: dict[str, TrueMessage], key: Callable[[TrueMessage], tuple], conditions: dict[str, Callable[[TrueMessage], bool]]
) -> dict[tuple, dict]:
    """Messages per key: each metric of `conditions` counts the messages its condition holds for."""
    counts: dict[tuple, collections.Counter] = collections.defaultdict(collections.Counter)
    for message in messages.values():
        counts[key(message)].update({name: int(condition(message)) for name, condition in conditions.items()})
    return {group: {name: counter[name] for name in conditions} for group, counter in counts.items()}


def deliverability(messages: dict[str, TrueMessage], key: Callable[[tuple], tuple], metrics: list[str]) -> dict[tuple, dict]:
    """The metrics of ses_deliverability_daily's cells (from the truth) summed per
    key of a cell (send day, configuration set, sending domain, provider, campaign)."""
    sums: dict[tuple, collections.Counter] = collections.defaultdict(collections.Counter)
    for cell_key, cell in expected_daily(messages).items():
        sums[key(cell_key)].update(cell)
    expected = {}
    for group, figures in sums.items():
        row = {}
        for metric in metrics:
            if metric in RATES:
                numerator, denominator = (figures[name] for name in RATES[metric])
                row[metric] = numerator / denominator if denominator else None
            else:
                row[metric] = figures[DAILY_FIGURES[metric]]
        expected[group] = row
    return expected


def assert_same(actual: dict[tuple, dict], expected: dict[tuple, dict]) -> None:
    assert set(actual) == set(expected)
    for group, row in expected.items():
        for metric, value in row.items():
            assert actual[group][metric] == (value if value is None else pytest.approx(value)), (group, metric)


def test_messages_by_send_day(semantic_project) -> None:
    actual = semantic_project.query(["messages", "delivered_messages", "opened_messages"], ["metric_time__day"])
    expected = counted(
        semantic_project.messages, lambda message: (message.sent_at.date(),), {
            "messages": lambda message: True,
            "delivered_messages": lambda message: bool(message.of_class("delivery")),
            "opened_messages": lambda message: bool(message.of_class("open")),
        },
    )
    assert len(expected) > 1
    assert_same(actual, expected)


def test_messages_by_region(semantic_project) -> None:
    actual = semantic_project.query(["messages", "bounced_messages"], ["message__region"])
    expected = counted(
        semantic_project.messages, lambda message: (semantic_project.regions.get(message.message_id),),
        {"messages": lambda message: True, "bounced_messages": lambda message: bool(message.of_class("bounce"))},
    )
    assert (None,) in expected and len(expected) > 2  # messages the send log does not have: no region
    assert_same(actual, expected)


def test_deliverability_by_mailbox_provider(semantic_project) -> None:
    metrics = ["sends", "deliveries", "delivery_rate", "bounce_rate", "complaint_rate"]
    actual = semantic_project.query(metrics, ["deliverability__mailbox_provider"])
    assert_same(actual, deliverability(semantic_project.messages, lambda cell: (cell[3],), metrics))


def test_engagement_by_campaign(semantic_project) -> None:
    metrics = ["open_rate", "click_rate", "click_to_open_rate", "human_open_rate", "human_click_rate"]
    actual = semantic_project.query(metrics, ["deliverability__campaign"])
    expected = deliverability(semantic_project.messages, lambda cell: (cell[4],), metrics)
    assert (None,) in expected and len(expected) > 3  # mail without a campaign tag is a group of its own
    assert_same(actual, expected)


def test_every_rate_by_day_and_configuration_set(semantic_project) -> None:
    metrics = list(RATES)
    actual = semantic_project.query(metrics, ["metric_time__day", "deliverability__configuration_set"])
    expected = deliverability(semantic_project.messages, lambda cell: (cell[0], cell[1]), metrics)
    # the transactional set tracks neither opens nor clicks: its open and click rates are null
    assert any(row["open_rate"] is None and row["delivery_rate"] for row in expected.values())
    assert_same(actual, expected)


def test_semantic_manifest_validates_against_the_database(semantic_project) -> None:
    """MetricFlow's own checks, the data-warehouse ones included: every model,
    column, measure and metric it names exists and queries."""
    output = semantic_project.mf("validate-configs")
    assert "ERRORS: 0" in output and "ERRORS: 1" not in output


def test_every_semantic_node_is_described(semantic_project) -> None:
    """Every semantic model, entity, dimension, measure and metric says what it is."""
    manifest = json.loads((semantic_project.project_dir / "target" / "semantic_manifest.json").read_text())
    undescribed = [
        f"{model['name']}.{part}.{item['name']}"
        for model in manifest["semantic_models"]
        for part in ("entities", "dimensions", "measures")
        for item in model[part]
        if not (item.get("description") or "").strip()
    ]
    undescribed += [model["name"] for model in manifest["semantic_models"] if not (model.get("description") or "").strip()]
    undescribed += [metric["name"] for metric in manifest["metrics"] if not (metric.get("description") or "").strip()]
    assert {model["name"] for model in manifest["semantic_models"]} == {"fct_ses_messages", "ses_deliverability_daily"}
    assert undescribed == []
