"""Marts built on the hand-written fixtures and tests/fixtures/ses_requests.csv
equal answers counted by hand from tests/fixtures/README.md."""

from __future__ import annotations

import datetime as dt

from conftest import DbtBuild

UTC = dt.datetime


def test_message_fact_has_every_message_once(fixture_build: DbtBuild) -> None:
    rows = fixture_build.query(
        "select message_id, was_requested, count_events, journey_path, latest_status"
        " from main_ses_marts.fct_ses_messages order by message_id"
    )
    assert rows == [
        ("0100018e-multi", True, 6, "send>delivery>delivery_delay>bounce>open>complaint", "complained"),
        ("0100018e-neverseen", True, 0, None, "requested"),
        ("0100018e-orphan", False, 1, "click", "clicked"),
        ("0100018e-reject", True, 1, "reject", "rejected"),
        ("0100018e-render", False, 2, "send>rendering_failure", "rendering_failed"),
        ("0100018e-single", True, 6, "send>delivery>open>click>open", "opened"),
        ("0100018e-sub", True, 3, "send>delivery>subscription", "subscription_changed"),
    ]


def test_message_fact_counts_flags_and_timings(fixture_build: DbtBuild) -> None:
    single = fixture_build.query(
        "select count_sends, count_deliveries, count_opens, count_clicks, was_sent, was_delivered, was_opened,"
        " was_clicked, was_bounced, first_open_at, seconds_to_first_delivery, seconds_to_first_open,"
        " seconds_to_first_click, region, request_time, recipient_count, request_attributes['campaign']"
        " from main_ses_marts.fct_ses_messages where message_id = '0100018e-single'"
    )[0]
    assert single == (
        1, 1, 3, 1, True, True, True, True, False, UTC(2026, 3, 1, 10, 30), 3.0, 1800.0, 7470.0,
        "EU", UTC(2026, 3, 1, 9, 59, 58), 1, "spring",
    )
    multi = fixture_build.query(
        "select recipient_count, recipients, requested_recipient_count, was_bounced, was_complained,"
        " was_delivery_delayed, seconds_to_first_delivery from main_ses_marts.fct_ses_messages where message_id = '0100018e-multi'"
    )[0]
    assert multi == (3, ["bob@example.org", "carol@example.net", "dave@example.com"], 3, True, True, True, 2.5)
    orphan = fixture_build.query(
        "select was_sent, count_clicks, sent_at, region from main_ses_marts.fct_ses_messages where message_id = '0100018e-orphan'"
    )[0]
    assert orphan == (False, 1, UTC(2026, 2, 27, 8, 0), None)


def test_pivot(fixture_build: DbtBuild) -> None:
    rows = fixture_build.query(
        "select message_id, count_sends, count_rejects, count_deliveries, count_bounces, count_complaints, count_opens,"
        " count_clicks, count_rendering_failures, count_delivery_delays, count_subscriptions"
        " from main_ses_marts.ses_message_pivot order by message_id"
    )
    assert rows == [
        ("0100018e-multi", 1, 0, 1, 1, 1, 1, 0, 0, 1, 0),
        ("0100018e-orphan", 0, 0, 0, 0, 0, 0, 1, 0, 0, 0),
        ("0100018e-reject", 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
        ("0100018e-render", 1, 0, 0, 0, 0, 0, 0, 1, 0, 0),
        ("0100018e-single", 1, 0, 1, 0, 0, 3, 1, 0, 0, 0),
        ("0100018e-sub", 1, 0, 1, 0, 0, 0, 0, 0, 0, 1),
    ]


def test_region_summary(fixture_build: DbtBuild) -> None:
    rows = fixture_build.query(
        "select region, count_messages, count_sends, count_deliveries, count_opens, count_clicks, count_bounces,"
        " count_complaints, count_rejects, count_subscriptions, count_messages_sent, count_messages_delivered,"
        " count_messages_opened, count_messages_clicked, count_messages_bounced, count_messages_complained,"
        " delivery_rate, open_rate, click_rate, click_to_open_rate, bounce_rate, complaint_rate"
        " from main_ses_marts.ses_region_summary order by region"
    )
    assert rows == [
        ("APAC", 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, None, None, None, None, None, None),
        ("EU", 2, 2, 2, 3, 1, 0, 0, 0, 1, 2, 2, 1, 1, 0, 0, 1.0, 0.5, 0.5, 1.0, 0.0, 0.0),
        ("LATAM", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None, None, None, None, None, None),
        ("NA", 1, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0),
    ]


def test_region_summary_does_not_fan_out(fixture_build: DbtBuild) -> None:
    # five requested messages, seven request rows: the proof of concept counted rows
    assert fixture_build.scalar("select sum(count_messages) from main_ses_marts.ses_region_summary") == 5


def test_opened_not_clicked(fixture_build: DbtBuild) -> None:
    rows = fixture_build.query(
        "select message_id, recipient, region, first_open_at, count_opens from main_ses_marts.ses_opened_not_clicked"
    )
    assert rows == [("0100018e-multi", None, "NA", UTC(2026, 3, 1, 11, 15), 1)]


def test_recipient_fact(fixture_build: DbtBuild) -> None:
    rows = fixture_build.query(
        "select message_id, recipient, was_addressed, was_requested, count_sends, count_deliveries,"
        " count_bounces, count_complaints, count_delivery_delays, count_opens, count_clicks"
        " from main_ses_marts.fct_ses_message_recipients order by message_id, recipient"
    )
    assert rows == [
        ("0100018e-multi", "bob@example.org", True, True, 1, 1, 0, 1, 0, 0, 0),
        ("0100018e-multi", "carol@example.net", True, True, 1, 1, 0, 0, 0, 0, 0),
        ("0100018e-multi", "dave@example.com", True, True, 1, 0, 1, 0, 1, 0, 0),
        ("0100018e-neverseen", "ivan@example.org", False, True, 0, 0, 0, 0, 0, 0, 0),
        ("0100018e-orphan", "gina@example.org", True, False, 0, 0, 0, 0, 0, 0, 1),
        ("0100018e-reject", "erin@example.org", True, True, 0, 0, 0, 0, 0, 0, 0),
        ("0100018e-render", "frank@example.org", True, False, 1, 0, 0, 0, 0, 0, 0),
        ("0100018e-single", "alice@example.org", True, True, 1, 1, 0, 0, 0, 3, 1),
        ("0100018e-sub", "hank@example.org", True, True, 1, 1, 0, 0, 0, 0, 0),
    ]


def test_journey_of_multi_recipient_message(fixture_build: DbtBuild) -> None:
    rows = fixture_build.query(
        "select recipient, step_number, event_class, seconds_since_send, seconds_since_previous_step,"
        " bounce_type, delay_type, diagnostic_code from main_ses_marts.ses_journeys"
        " where message_id = '0100018e-multi' order by recipient nulls last, step_number"
    )
    assert rows == [
        ("bob@example.org", 1, "send", 0.0, None, None, None, None),
        ("bob@example.org", 2, "delivery", 2.5, 2.5, None, None, None),
        ("bob@example.org", 3, "complaint", 9000.0, 8997.5, None, None, None),
        ("carol@example.net", 1, "send", 0.0, None, None, None, None),
        ("carol@example.net", 2, "delivery", 2.5, 2.5, None, None, None),
        ("dave@example.com", 1, "send", 0.0, None, None, None, None),
        ("dave@example.com", 2, "delivery_delay", 1140.0, 1140.0, None, "MailboxFull", "smtp; 452 4.2.2 Mailbox full"),
        ("dave@example.com", 3, "bounce", 4140.0, 3000.0, "Permanent", None, "smtp; 550 5.1.1 user unknown"),
        (None, 1, "open", 4440.0, None, None, None, None),
    ]


def test_journey_of_single_recipient_message(fixture_build: DbtBuild) -> None:
    rows = fixture_build.query(
        "select step_number, event_class, attribution, link from main_ses_marts.ses_journeys"
        " where message_id = '0100018e-single' order by step_number"
    )
    assert rows == [
        (1, "send", "every_recipient", None),
        (2, "delivery", "listed", None),
        (3, "open", "only_recipient", None),
        (4, "open", "only_recipient", None),
        (5, "click", "only_recipient", "https://shop.example.com/sale?utm=mail"),
        (6, "open", "only_recipient", None),
    ]


def test_journey_ties_follow_lifecycle_order(fixture_build: DbtBuild) -> None:
    # the Send and the Rendering Failure share mail.timestamp
    rows = fixture_build.query(
        "select step_number, event_class from main_ses_marts.ses_journeys where message_id = '0100018e-render' order by 1"
    )
    assert rows == [(1, "send"), (2, "rendering_failure")]


def test_journey_row_count(fixture_build: DbtBuild) -> None:
    # single 6, multi 3 + 2 + 1 + 1 + 1 + 1, render 2, reject 1, orphan 1, sub 3
    assert fixture_build.scalar("select count(*) from main_ses_marts.ses_journeys") == 22


def test_requests_and_events_without_each_other_only_warn(fixture_build: DbtBuild) -> None:
    output = fixture_build.output.replace("\x1b[33m", "").replace("\x1b[0m", "")
    # one requested message (neverseen) has no event; two messages with events (render, orphan) have no request
    assert "WARN 1 warn_on_requests_without_ses_events" in output
    assert "WARN 2 warn_on_ses_events_without_request" in output
