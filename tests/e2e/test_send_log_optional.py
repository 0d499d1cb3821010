"""The send log is optional: with ses_requests_path at its default (empty;
run_dbt passes none) the project builds on the SES events alone. Built once on the hand-written
fixtures with no send log; the figures are tests/fixtures/expected.json's
(hand-counted in tests/fixtures/README.md)."""

from __future__ import annotations

import re
import pytest

from conftest import DbtBuild, assert_built, materialize_fixture_events, run_dbt

REQUEST_WARNINGS = [
    "warn_on_ses_events_without_request",
    "warn_on_requests_without_ses_events",
    "warn_on_messages_removed_from_send_log",
    "warn_on_unparsed_request_times",
]


@pytest.fixture(scope="module")
def build_without_send_log(tmp_path_factory) -> DbtBuild:
    work_dir = tmp_path_factory.mktemp("no_send_log")
    events = materialize_fixture_events(work_dir / "ses_events")
    build = run_dbt(work_dir, "build", events_path=events)
    assert_built(build)
    return build


def output_lines(build: DbtBuild) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", build.output)


def test_every_message_is_in_region_unknown(build_without_send_log: DbtBuild, fixture_expected: dict) -> None:
    messages, per_class = fixture_expected["messages"], fixture_expected["events_per_class"]
    assert build_without_send_log.query(
        "select region, count_messages, count_sends, count_opens, count_clicks from main_ses_marts.ses_region_summary"
    ) == [("unknown", messages, per_class["send"], per_class["open"], per_class["click"])]
    assert build_without_send_log.query(
        "select count(*), count(region), count(*) filter (where was_requested), sum(requested_recipient_count)"
        " from main_ses_marts.fct_ses_messages"
    ) == [(messages, 0, 0, 0)]


def test_the_marts_count_the_events_alone(build_without_send_log: DbtBuild, fixture_expected: dict) -> None:
    per_class = dict(build_without_send_log.query(
        "select event_class, count(*) from main_ses_marts.fct_ses_events group by event_class"
    ))
    assert per_class == fixture_expected["events_per_class"]
    # the message fact's counts add up to the same events
    totals = build_without_send_log.query(
        "select "
        + ", ".join(f"sum(count_{plural})" for plural in ("sends", "deliveries", "opens", "clicks", "bounces"))
        + " from main_ses_marts.fct_ses_messages"
    )
    expected = fixture_expected["events_per_class"]
    assert totals == [(expected["send"], expected["delivery"], expected["open"], expected["click"], expected["bounce"])]


def test_no_send_log_is_read(build_without_send_log: DbtBuild) -> None:
    assert build_without_send_log.query(
        "select (select count(*) from main_ses_staging.stg_internal__ses_requests),"
        " (select count(*) from main_ses_staging.int_ses__requests),"
        " (select count(*) from main_ses_marts.ses_rejected_send_log_lines)"
    ) == [(0, 0, 0)]


def test_no_request_warning_fires(build_without_send_log: DbtBuild) -> None:
    output = output_lines(build_without_send_log)
    assert [name for name in REQUEST_WARNINGS if name in output] == []
    # the one warning left is about the SES records the fixtures reject on purpose
    assert "Completed with 1 warning:" in output
    assert "WARN 6 warn_on_rejected_ses_records" in output


def test_the_region_summary_check_holds(build_without_send_log: DbtBuild) -> None:
    assert "PASS assert_region_summary_counts_each_requested_message_once" in output_lines(build_without_send_log)

