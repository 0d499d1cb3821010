"""The project built on generator output reports exactly the generator's ground
truth (ground_truth.json and ground_truth_events.csv), which the generator
computes from the events it chose to write, not from anything dbt does."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import json

import pytest

from conftest import DbtBuild, assert_built, generate, run_dbt

MESSAGES = 3000
SEED = 7
LIFECYCLE_ORDER = [
    "send", "reject", "rendering_failure", "delivery_delay", "delivery",
    "bounce", "open", "click", "complaint", "subscription",
]
RECIPIENT_LISTING_CLASSES = {"delivery", "bounce", "complaint", "delivery_delay"}
PLURALS = {
    "send": "sends", "reject": "rejects", "rendering_failure": "rendering_failures",
    "delivery_delay": "delivery_delays", "delivery": "deliveries", "bounce": "bounces",
    "open": "opens", "click": "clicks", "complaint": "complaints", "subscription": "subscriptions",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[DbtBuild, dict, list[dict], list[dict]]:
    work_dir = tmp_path_factory.mktemp("generated_build")
    data_dir = work_dir / "data"
    generate(data_dir, MESSAGES, SEED, "--compression", "mixed")
    build = run_dbt(
        work_dir, "build", events_path=data_dir / "ses_events", requests_path=data_dir / "ses_requests.csv"
    )
    assert_built(build)
    truth = json.loads((data_dir / "ground_truth.json").read_text())
    with (data_dir / "ground_truth_events.csv").open() as events_file:
        true_events = list(csv.DictReader(events_file))
    with (data_dir / "ses_requests.csv").open() as requests_file:
        requests = list(csv.DictReader(requests_file))
    return build, truth, true_events, requests


def parse_utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


def test_record_accounting(generated) -> None:
    build, truth, _, _ = generated
    assert build.scalar("select count(*) from landing.raw_ses_records") == truth["raw_records"]
    assert build.scalar("select count(distinct file_name) from landing.raw_ses_records") == truth["files"]
    assert build.scalar("select count(*) from marts.fct_ses_events") == truth["distinct_events"]
    assert build.scalar("select coalesce(sum(count_redeliveries), 0) from staging.base_ses__batches") == truth["duplicate_records"]
    rejected = dict(build.query("select rejection_reason, count(*) from marts.ses_rejected_records group by 1"))
    assert rejected == {reason: count for reason, count in truth["rejected_records"].items() if count}


def test_events_per_class(generated) -> None:
    build, truth, _, _ = generated
    assert dict(build.query("select event_class, count(*) from marts.fct_ses_events group by 1")) == truth["events_per_class"]


def test_every_event_with_its_time(generated) -> None:
    build, _, true_events, _ = generated
    expected = collections.Counter(
        (event["message_id"], event["event_class"], parse_utc(event["event_at"])) for event in true_events
    )
    actual = collections.Counter(build.query("select message_id, event_class, event_at from marts.fct_ses_events"))
    assert actual == expected


def test_event_recipients(generated) -> None:
    build, _, true_events, _ = generated
    expected = collections.Counter(
        (event["message_id"], event["event_class"], parse_utc(event["event_at"]),
         tuple(sorted(filter(None, event["recipients"].split(";")))))
        for event in true_events if event["event_class"] in RECIPIENT_LISTING_CLASSES
    )
    rows = build.query(
        "select message_id, event_class, event_at, event_recipients from marts.fct_ses_events"
        " where event_class in ('delivery', 'bounce', 'complaint', 'delivery_delay')"
    )
    actual = collections.Counter((m, c, t, tuple(sorted(r))) for m, c, t, r in rows)
    assert actual == expected


def test_messages_and_requests(generated) -> None:
    build, truth, _, _ = generated
    assert build.scalar("select count(*) from marts.fct_ses_messages where count_events > 0") == truth["messages"]
    assert build.scalar("select count(*) from marts.fct_ses_messages where was_requested") == truth["messages_requested"]
    assert (
        build.scalar("select count(*) from marts.fct_ses_messages where count_events > 0 and not was_requested")
        == truth["messages_without_request"]
    )
    assert (
        build.scalar("select count(*) from marts.fct_ses_messages where was_requested and count_events = 0")
        == truth["requests_without_events"]
    )
    assert build.scalar("select count(*) from marts.fct_ses_messages where recipient_count > 1") == truth[
        "multi_recipient_messages"
    ]


def test_pivot_totals(generated) -> None:
    build, truth, _, _ = generated
    columns = ", ".join(f"sum(count_{plural})" for plural in PLURALS.values())
    totals = build.query(f"select {columns} from marts.ses_message_pivot")[0]
    assert dict(zip(PLURALS, totals)) == truth["events_per_class"]
    assert build.scalar("select count(*) from marts.ses_message_pivot") == truth["messages"]


def test_region_summary(generated) -> None:
    build, truth, _, _ = generated
    assert dict(build.query("select region, count_messages from marts.ses_region_summary")) == truth["messages_per_region"]
    columns = ", ".join(f"count_{plural}" for plural in PLURALS.values())
    for region, *counts in build.query(f"select region, {columns} from marts.ses_region_summary"):
        assert dict(zip(PLURALS, counts)) == truth["events_per_class_per_region"][region], region


def test_opened_not_clicked(generated) -> None:
    build, truth, true_events, _ = generated
    classes_by_message = collections.defaultdict(set)
    for event in true_events:
        classes_by_message[event["message_id"]].add(event["event_class"])
    expected = {message for message, classes in classes_by_message.items() if "open" in classes and "click" not in classes}
    assert len(expected) == truth["opened_not_clicked_messages"]
    assert {row[0] for row in build.query("select message_id from marts.ses_opened_not_clicked")} == expected


def test_recipients_of_multi_recipient_messages(generated) -> None:
    build, _, true_events, requests = generated
    recipients_per_message = collections.defaultdict(set)
    for request in requests:
        recipients_per_message[request["message_id"]].add(request["recipient"].lower())
    multi = {message for message, recipients in recipients_per_message.items() if len(recipients) > 1}
    expected = collections.Counter()
    for event in true_events:
        if event["message_id"] in multi and event["event_class"] in RECIPIENT_LISTING_CLASSES:
            for recipient in set(filter(None, event["recipients"].lower().split(";"))):
                expected[(event["message_id"], recipient, event["event_class"])] += 1
    rows = build.query(
        "select message_id, recipient, count_deliveries, count_bounces, count_complaints, count_delivery_delays"
        " from marts.fct_ses_message_recipients"
    )
    actual = collections.Counter()
    for message_id, recipient, *counts in rows:
        if message_id in multi:
            for event_class, count in zip(["delivery", "bounce", "complaint", "delivery_delay"], counts):
                if count:
                    actual[(message_id, recipient, event_class)] = count
    assert multi and actual == expected


def test_sampled_journeys_step_by_step(generated) -> None:
    build, _, true_events, requests = generated
    recipients_per_message = collections.defaultdict(set)
    for request in requests:
        recipients_per_message[request["message_id"]].add(request["recipient"].lower())
    events_per_message = collections.defaultdict(list)
    for event in true_events:
        events_per_message[event["message_id"]].append(event)
    single_recipient = sorted(
        message for message, events in events_per_message.items()
        if len(recipients_per_message.get(message, ())) == 1 and len(events) >= 4
    )
    assert len(single_recipient) >= 20
    for message_id in single_recipient[:: max(1, len(single_recipient) // 25)]:
        expected = [
            (step, event["event_class"], parse_utc(event["event_at"]))
            for step, event in enumerate(
                sorted(
                    events_per_message[message_id],
                    key=lambda event: (parse_utc(event["event_at"]), LIFECYCLE_ORDER.index(event["event_class"])),
                ),
                start=1,
            )
        ]
        actual = build.query(
            "select step_number, event_class, event_at from marts.ses_journeys"
            f" where message_id = '{message_id}' order by step_number"
        )
        assert actual == expected, message_id
