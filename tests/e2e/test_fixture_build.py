"""The project built on the hand-written fixtures reports the hand-counted
answers in tests/fixtures/expected.json (tally in tests/fixtures/README.md)."""

from __future__ import annotations

import datetime as dt

from conftest import DbtBuild


def test_every_raw_record_lands(fixture_build: DbtBuild, fixture_expected: dict) -> None:
    assert fixture_build.scalar("select count(*) from main_ses_landing.raw_ses_records") == fixture_expected["raw_records"]
    assert fixture_build.scalar("select count(distinct file_name) from main_ses_landing.raw_ses_records") == fixture_expected["files"]


def test_raw_text_is_kept_exactly(fixture_build: DbtBuild) -> None:
    not_json = fixture_build.query(
        "select record_text from main_ses_marts.ses_rejected_records where rejection_reason = 'invalid_json' order by 1"
    )
    assert [row[0] for row in not_json] == [
        "Hello, this line is not JSON at all",
        '{"eventType":"Send","mail":{"timestamp":"2026-03-01T10:03:00.000Z",'
        '"source":"news@shop.example.com","messageId":"0100018e-trunc',
    ]


def test_rejected_records_by_reason(fixture_build: DbtBuild, fixture_expected: dict) -> None:
    rows = fixture_build.query(
        "select rejection_reason, count(*) from main_ses_marts.ses_rejected_records group by 1"
    )
    assert dict(rows) == fixture_expected["rejected_records"]


def test_duplicates_are_counted_not_kept(fixture_build: DbtBuild, fixture_expected: dict) -> None:
    assert (
        fixture_build.scalar("select coalesce(sum(count_redeliveries), 0) from main_ses_staging.base_ses__batches")
        == fixture_expected["duplicate_records"]
    )
    assert fixture_build.scalar("select count(*) from main_ses_marts.fct_ses_events") == fixture_expected["distinct_events"]


def test_events_per_class(fixture_build: DbtBuild, fixture_expected: dict) -> None:
    rows = fixture_build.query("select event_class, count(*) from main_ses_marts.fct_ses_events group by 1")
    assert dict(rows) == fixture_expected["events_per_class"]


def test_each_staging_model_holds_its_class(fixture_build: DbtBuild, fixture_expected: dict) -> None:
    staging_models = {
        "send": "stg_ses__sends",
        "reject": "stg_ses__rejects",
        "delivery": "stg_ses__deliveries",
        "bounce": "stg_ses__bounces",
        "complaint": "stg_ses__complaints",
        "open": "stg_ses__opens",
        "click": "stg_ses__clicks",
        "rendering_failure": "stg_ses__rendering_failures",
        "delivery_delay": "stg_ses__delivery_delays",
        "subscription": "stg_ses__subscriptions",
    }
    for event_class, model in staging_models.items():
        count = fixture_build.scalar(f"select count(*) from main_ses_staging.{model}")
        assert count == fixture_expected["events_per_class"][event_class], model


def test_messages_and_envelopes(fixture_build: DbtBuild, fixture_expected: dict) -> None:
    assert fixture_build.scalar("select count(distinct message_id) from main_ses_marts.fct_ses_events") == fixture_expected["messages"]
    envelopes = fixture_build.query("select envelope_type, count(*) from main_ses_marts.fct_ses_events group by 1")
    assert dict(envelopes) == fixture_expected["events_per_envelope"]
    assert (
        fixture_build.scalar("select count(*) from main_ses_staging.stg_ses__events where is_legacy_notification")
        == fixture_expected["legacy_notifications"]
    )


def test_timestamps_become_utc(fixture_build: DbtBuild) -> None:
    reject_at = fixture_build.scalar("select event_at from main_ses_staging.stg_ses__rejects")
    assert reject_at == dt.datetime(2026, 3, 1, 10, 0, 30, 250000)
    bounce_at = fixture_build.scalar("select event_at from main_ses_staging.stg_ses__bounces")
    assert bounce_at == dt.datetime(2026, 3, 1, 11, 10)
    complaint = fixture_build.query("select event_at, arrival_at from main_ses_staging.stg_ses__complaints")[0]
    assert complaint == (dt.datetime(2026, 3, 1, 12, 31), dt.datetime(2026, 3, 1, 12, 30))
    send_at = fixture_build.scalar(
        "select sent_at from main_ses_staging.stg_ses__sends where message_id = '0100018e-single'"
    )
    assert send_at == dt.datetime(2026, 3, 1, 10, 0)


def test_type_object_written_as_json_string(fixture_build: DbtBuild) -> None:
    assert fixture_build.scalar("select reject_reason from main_ses_staging.stg_ses__rejects") == "Bad content"


def test_recipient_lists_stay_lists(fixture_build: DbtBuild) -> None:
    delivered = fixture_build.scalar(
        "select delivered_recipients from main_ses_staging.stg_ses__deliveries where message_id = '0100018e-multi'"
    )
    assert delivered == ["bob@example.org", "carol@example.net"]
    destination = fixture_build.scalar(
        "select destination from main_ses_staging.stg_ses__sends where message_id = '0100018e-multi'"
    )
    assert destination == ["bob@example.org", "carol@example.net", "dave@example.com"]
    bounced = fixture_build.scalar("select bounced_recipients from main_ses_staging.stg_ses__bounces")
    assert bounced == [
        {"email_address": "dave@example.com", "action": "failed", "status": "5.1.1",
         "diagnostic_code": "smtp; 550 5.1.1 user unknown"}
    ]
    recipients = fixture_build.query(
        "select event_class, event_recipients from main_ses_marts.fct_ses_events"
        " where message_id = '0100018e-multi' and event_class in ('bounce', 'complaint', 'delivery_delay')"
    )
    assert dict(recipients) == {
        "bounce": ["dave@example.com"],
        "complaint": ["bob@example.org"],
        "delivery_delay": ["dave@example.com"],
    }


def test_class_specific_fields(fixture_build: DbtBuild) -> None:
    click = fixture_build.query(
        "select link, link_tags from main_ses_staging.stg_ses__clicks where message_id = '0100018e-orphan'"
    )[0]
    assert click == ("https://shop.example.com/sale", {"campaign": ["spring"]})
    subscription = fixture_build.query(
        "select contact_list, subscription_source, new_unsubscribe_all, old_topic_subscriptions"
        " from main_ses_staging.stg_ses__subscriptions"
    )[0]
    assert subscription == (
        "Newsletter", "UnsubscribeHeader", True, [{"topic_name": "weekly", "subscription_status": "OptIn"}]
    )
    failure = fixture_build.query("select template_name, error_message from main_ses_staging.stg_ses__rendering_failures")[0]
    assert failure[0] == "WelcomeTemplate"
    delay = fixture_build.query("select delay_type, expires_at from main_ses_staging.stg_ses__delivery_delays")[0]
    assert delay == ("MailboxFull", dt.datetime(2026, 3, 1, 23, 1))
    bounce_class = fixture_build.query(
        "select event_type, event_subclass from main_ses_marts.fct_ses_events where event_class = 'bounce'"
    )[0]
    assert bounce_class == ("permanent", "general")


def test_mail_fields_and_tags(fixture_build: DbtBuild) -> None:
    send = fixture_build.query(
        "select source, subject, configuration_set, json_extract_string(tags, '$.campaign[0]'), from_addresses,"
        " header_message_id"
        " from main_ses_staging.stg_ses__events where message_id = '0100018e-single' and event_class = 'send'"
    )[0]
    assert send == (
        "news@shop.example.com", "Spring sale", "marketing", "spring",
        ["news@shop.example.com"], "<abc-1@shop.example.com>",
    )


def test_repeat_opens_are_separate_events(fixture_build: DbtBuild) -> None:
    opens = fixture_build.query(
        "select event_at from main_ses_staging.stg_ses__opens where message_id = '0100018e-single' order by 1"
    )
    assert [row[0] for row in opens] == [
        dt.datetime(2026, 3, 1, 10, 30), dt.datetime(2026, 3, 1, 12, 0), dt.datetime(2026, 3, 2, 8, 45)
    ]


def test_event_ids_are_stable_across_builds(fixture_build: DbtBuild, tmp_path) -> None:
    from conftest import BUILD_WITHOUT_TESTS, assert_built, materialize_fixture_events, run_dbt

    events = materialize_fixture_events(tmp_path / "copy_of_events")
    rebuild = run_dbt(tmp_path, *BUILD_WITHOUT_TESTS, "--select", "+fct_ses_events", events_path=events)
    assert_built(rebuild)
    # file names differ between the two builds, event identity must not
    first = set(fixture_build.query("select event_id from main_ses_marts.fct_ses_events"))
    second = set(rebuild.query("select event_id from main_ses_marts.fct_ses_events"))
    assert first == second


def test_build_warns_on_rejected_records(fixture_build: DbtBuild) -> None:
    assert "WARN 6 warn_on_rejected_ses_records" in fixture_build.output.replace("\x1b[33m", "").replace("\x1b[0m", "")


def test_unit_tests_pass(fixture_build: DbtBuild, tmp_path) -> None:
    """The unit tests (left out of the scheduled `dbt build` by the default
    selector) run here, against the fixture build's database."""
    from conftest import FIXTURES_DIR, run_dbt

    unit = run_dbt(
        tmp_path, "test", "--select", "test_type:unit", events_path=tmp_path / "unused",
        requests_path=FIXTURES_DIR / "ses_requests.csv", database=fixture_build.database,
    )
    assert unit.returncode == 0, unit.output[-4000:]
    assert "Done. PASS=" in unit.output and " ERROR=0 " in unit.output
    assert "base_ses__records::test_envelopes_unwrap_to_one_ses_record" in unit.output


def test_scheduled_build_runs_no_unit_test(fixture_build: DbtBuild) -> None:
    assert "Using default selector production" in fixture_build.output
    assert "unit_test" not in fixture_build.output and "::test_" not in fixture_build.output
