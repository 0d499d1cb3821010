"""The project built on generator output reports exactly the generator's ground
truth (ground_truth.json and ground_truth_events.csv), which the generator
computes from the events it chose to write, not from anything dbt does."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import json
import re
import statistics
import urllib.parse

import pytest

from conftest import DbtBuild, assert_built, generate, run_dbt
from generated_truth import (
    DAILY_COLUMNS,
    NO_COMPLAINT_FEEDBACK,
    TrueMessage,
    expected_daily,
    is_human,
    parse_utc,
    read_true_messages,
)

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


def test_record_accounting(generated) -> None:
    build, truth, _, _ = generated
    assert build.scalar("select count(*) from main_ses_landing.raw_ses_records") == truth["raw_records"]
    assert build.scalar("select count(distinct file_name) from main_ses_landing.raw_ses_records") == truth["files"]
    assert build.scalar("select count(*) from main_ses_marts.fct_ses_events") == truth["distinct_events"]
    assert build.scalar("select coalesce(sum(count_redeliveries), 0) from main_ses_staging.base_ses__batches") == truth["duplicate_records"]
    rejected = dict(build.query("select rejection_reason, count(*) from main_ses_marts.ses_rejected_records group by 1"))
    assert rejected == {reason: count for reason, count in truth["rejected_records"].items() if count}


def test_events_per_class(generated) -> None:
    build, truth, _, _ = generated
    assert dict(build.query("select event_class, count(*) from main_ses_marts.fct_ses_events group by 1")) == truth["events_per_class"]


def test_every_event_with_its_time(generated) -> None:
    build, _, true_events, _ = generated
    expected = collections.Counter(
        (event["message_id"], event["event_class"], parse_utc(event["event_at"])) for event in true_events
    )
    actual = collections.Counter(build.query("select message_id, event_class, event_at from main_ses_marts.fct_ses_events"))
    assert actual == expected


def test_event_recipients(generated) -> None:
    build, _, true_events, _ = generated
    expected = collections.Counter(
        (event["message_id"], event["event_class"], parse_utc(event["event_at"]),
         tuple(sorted(filter(None, event["recipients"].split(";")))))
        for event in true_events if event["event_class"] in RECIPIENT_LISTING_CLASSES
    )
    rows = build.query(
        "select message_id, event_class, event_at, event_recipients from main_ses_marts.fct_ses_events"
        " where event_class in ('delivery', 'bounce', 'complaint', 'delivery_delay')"
    )
    actual = collections.Counter((m, c, t, tuple(sorted(r))) for m, c, t, r in rows)
    assert actual == expected


def test_messages_and_requests(generated) -> None:
    build, truth, _, _ = generated
    assert build.scalar("select count(*) from main_ses_marts.fct_ses_messages where count_events > 0") == truth["messages"]
    assert build.scalar("select count(*) from main_ses_marts.fct_ses_messages where was_requested") == truth["messages_requested"]
    assert (
        build.scalar("select count(*) from main_ses_marts.fct_ses_messages where count_events > 0 and not was_requested")
        == truth["messages_without_request"]
    )
    assert (
        build.scalar("select count(*) from main_ses_marts.fct_ses_messages where was_requested and count_events = 0")
        == truth["requests_without_events"]
    )
    assert build.scalar("select count(*) from main_ses_marts.fct_ses_messages where recipient_count > 1") == truth[
        "multi_recipient_messages"
    ]


def test_pivot_totals(generated) -> None:
    build, truth, _, _ = generated
    columns = ", ".join(f"sum(count_{plural})" for plural in PLURALS.values())
    totals = build.query(f"select {columns} from main_ses_marts.ses_message_pivot")[0]
    assert dict(zip(PLURALS, totals)) == truth["events_per_class"]
    assert build.scalar("select count(*) from main_ses_marts.ses_message_pivot") == truth["messages"]


def test_region_summary(generated) -> None:
    build, truth, _, _ = generated
    assert dict(build.query("select region, count_messages from main_ses_marts.ses_region_summary")) == truth["messages_per_region"]
    columns = ", ".join(f"count_{plural}" for plural in PLURALS.values())
    for region, *counts in build.query(f"select region, {columns} from main_ses_marts.ses_region_summary"):
        assert dict(zip(PLURALS, counts)) == truth["events_per_class_per_region"][region], region


def test_opened_not_clicked(generated) -> None:
    build, truth, true_events, _ = generated
    classes_by_message = collections.defaultdict(set)
    for event in true_events:
        classes_by_message[event["message_id"]].add(event["event_class"])
    expected = {message for message, classes in classes_by_message.items() if "open" in classes and "click" not in classes}
    assert len(expected) == truth["opened_not_clicked_messages"]
    assert {row[0] for row in build.query("select message_id from main_ses_marts.ses_opened_not_clicked")} == expected


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
        " from main_ses_marts.fct_ses_message_recipients"
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
            "select step_number, event_class, event_at from main_ses_marts.ses_journeys"
            f" where message_id = '{message_id}' order by step_number"
        )
        assert actual == expected, message_id


# --- deliverability: every mart computed here from the generator's truth files
# (its planned labels), by the definitions in DECISIONLOG.md, not from the models

TRACKING_PARAMETER = re.compile(r"^(?:utm_[^=]*|gclid|fbclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi)(?:=|$)")


@pytest.fixture(scope="module")
def true_messages(generated) -> dict[str, TrueMessage]:
    build, _, true_events, _ = generated
    return read_true_messages(build.database.parent / "data", true_events)


def test_engagement_labels(generated) -> None:
    build, _, true_events, _ = generated
    rules = {"human": (True, None), "proxy": (True, "image_proxy")}
    expected = collections.Counter(
        (e["message_id"], e["event_class"], parse_utc(e["event_at"]),
         *rules.get(e["engagement"], (False, e["engagement_rule"])))
        for e in true_events if e["event_class"] in ("open", "click")
    )
    assert collections.Counter(build.query(
        "select message_id, event_class, event_at, is_human, engagement_rule from main_ses_staging.int_ses__engagements"
    )) == expected


def test_deliverability_daily(generated, true_messages) -> None:
    build = generated[0]
    expected = {key: tuple(cell[name] for name in DAILY_COLUMNS) for key, cell in expected_daily(true_messages).items()}
    actual = {
        (row[0], row[1], row[2], row[3], row[4]): row[5:]
        for row in build.query(
            f"select sent_date, configuration_set, sending_domain, mailbox_provider, campaign, {', '.join(DAILY_COLUMNS)}"
            " from main_ses_marts.ses_deliverability_daily"
        )
    }
    assert actual == expected


def test_campaign_performance(generated, true_messages) -> None:
    build = generated[0]
    expected: dict[tuple, collections.Counter] = collections.defaultdict(collections.Counter)
    for (_, configuration_set, _, _, campaign), cell in expected_daily(true_messages).items():
        expected[(campaign, configuration_set)].update(cell)
    actual = build.query(f"select campaign, configuration_set, {', '.join(DAILY_COLUMNS)} from main_ses_marts.ses_campaign_performance")
    assert {(row[0], row[1]): row[2:] for row in actual} == {
        key: tuple(cell[name] for name in DAILY_COLUMNS) for key, cell in expected.items()
    }
    first_open_seconds = collections.defaultdict(list)
    for message in true_messages.values():
        opens = [parse_utc(e["event_at"]) for e in message.of_class("open") if is_human(e)]
        if opens:
            first_open_seconds[tuple(reversed(message.tags_seen))].append(
                (min(opens) - message.sent_at).total_seconds())
    for campaign, configuration_set, median_seconds in build.query(
        "select campaign, configuration_set, median_seconds_to_first_human_open from main_ses_marts.ses_campaign_performance"
    ):
        seconds = first_open_seconds.get((campaign, configuration_set))
        assert median_seconds == (pytest.approx(statistics.median(seconds)) if seconds else None)


def test_reputation(generated, true_messages) -> None:
    build = generated[0]
    sends = []  # (sent_at, message_id, recipient, configuration_set, hard bounce, complaint, feedback send)
    for message in true_messages.values():
        sent = message.listed("send")
        hard = message.listed("bounce", "Permanent/") - message.listed("bounce", "Permanent/OnAccountSuppressionList")
        complained = message.listed("complaint") - message.listed("complaint", suppression_list=True)
        for recipient, provider in message.providers.items():
            if recipient in sent and provider != "mailbox_simulator":
                sends.append((message.sent_at, message.message_id, recipient, message.tags_seen[0],
                               recipient in hard, recipient in complained, provider not in NO_COMPLAINT_FEEDBACK))
    sends.sort()
    # from the first send to the last day any message was sent
    first_day, last_day = sends[0][0].date(), max(message.sent_at.date() for message in true_messages.values())
    all_days = [first_day + dt.timedelta(days=offset) for offset in range((last_day - first_day).days + 1)]
    expected = {}
    for report_date in all_days:
        window = [s for s in sends if report_date - dt.timedelta(days=14) < s[0].date() <= report_date][-10_000:]
        hard, complaints, feedback = (sum(s[index] for s in window) for index in (4, 5, 6))
        expected[report_date] = (len(window), hard, complaints, feedback)
    assert {row[0]: row[1:] for row in build.query(
        "select report_date, window_sends, window_hard_bounces, window_complaints, window_complaint_feedback_sends"
        " from main_ses_marts.ses_reputation_daily where scope = 'account'"
    )} == expected


def test_suppression_candidates(generated, true_messages) -> None:
    build = generated[0]
    causes = collections.defaultdict(list)  # recipient -> (time, reason, message)
    runs = collections.defaultdict(list)  # recipient -> [(time, is_delivery, message)]
    subscription_changes = collections.defaultdict(list)
    on_list = set()
    for message in true_messages.values():
        for event in message.events:
            at, named = parse_utc(event["event_at"]), [r for r in event["recipients"].split(";") if r]
            if event["event_class"] == "bounce" and event["detail"].startswith("Permanent/"):
                causes_for = "hard_bounce"
            elif event["event_class"] == "complaint":
                causes_for = "complaint"
            else:
                causes_for = None
            for recipient in named:
                if causes_for:
                    causes[recipient].append((at, causes_for, message.message_id))
                if event["on_account_suppression_list"] == "true":
                    on_list.add(recipient)
                if event["event_class"] == "delivery" or event["detail"].startswith("Transient/"):
                    runs[recipient].append((at, event["event_class"] == "delivery", message.message_id))
            if event["event_class"] == "subscription" and len(message.providers) == 1:
                subscription_changes[next(iter(message.providers))].append((at, message.message_id, event))
    for recipient, changes in subscription_changes.items():
        at, message_id, event = max(changes, key=lambda change: (change[0], change[1]))
        if event["subscription_change"].startswith("opt_out"):
            causes[recipient].append((at, "unsubscribe", message_id))
    for recipient, events in runs.items():
        events.sort(key=lambda event: (event[0], event[1]))  # a bounce before a delivery at the same instant
        deliveries = [index for index, event in enumerate(events) if event[1]]
        run = events[deliveries[-1] + 1:] if deliveries else events
        if len(run) >= 3:
            causes[recipient].append((run[2][0], "transient_bounces", run[2][2]))
    expected = {}
    for recipient, recipient_causes in causes.items():
        if recipient.endswith("@simulator.amazonses.com"):
            continue
        # each reason's first event, then the reason that applied first
        first = {}
        for cause in sorted(recipient_causes):
            first.setdefault(cause[1], cause)
        at, reason, message_id = min(first.values(), key=lambda cause: (cause[0], cause[1]))
        expected[recipient] = (reason, at, message_id, recipient in on_list)
    assert {row[0]: row[1:] for row in build.query(
        "select recipient, suppression_reason, became_candidate_at, caused_by_message_id,"
        " is_on_account_suppression_list from main_ses_marts.ses_suppression_candidates"
    )} == expected


def test_link_performance(generated) -> None:
    build, _, true_events, _ = generated
    expected: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for event in true_events:
        if event["event_class"] != "click":
            continue
        url = urllib.parse.urlsplit(event["detail"])
        kept = [p for p in url.query.split("&") if p and not TRACKING_PARAMETER.match(p)]
        link = urllib.parse.urlunsplit(url._replace(query="&".join(kept)))
        expected[link].update({"clicks": 1, "human": int(is_human(event))})
    actual = build.query(
        "select link, sum(count_clicks), sum(count_human_clicks) from main_ses_marts.ses_link_performance group by link"
    )
    assert {row[0]: row[1:] for row in actual} == {link: (c["clicks"], c["human"]) for link, c in expected.items()}
