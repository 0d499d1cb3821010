"""The send log's columns are found by name: the ses_requests_columns var
maps a company's own names, region may be missing, a request time that does
not parse is kept and warned about (the ses_requests_time_format var reads
another format), a header-only file is an empty send log, and a missing
column or a zero-byte file fails in one line naming the file. Built on the
hand-written SES fixtures with small send logs written here; the counts come
from tests/fixtures/README.md and tests/fixtures/ses_requests.csv (five
requested messages: single, multi with three recipients, reject, sub,
neverseen)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from conftest import DbtBuild, assert_built, materialize_fixture_events, run_dbt

UTC = dt.datetime
# (message_id, recipient, request_time in ISO 8601, the same to the minute in US_TIME_FORMAT, region, campaign)
SEND_LOG = [
    ("0100018e-single", "alice@example.org", "2026-03-01T09:59:58Z", "03/01/2026 09:59", "EU", "spring"),
    ("0100018e-multi", "bob@example.org", "2026-03-01T10:00:55Z", "03/01/2026 10:00", "NA", "team"),
    ("0100018e-multi", "carol@example.net", "2026-03-01T10:00:55Z", "03/01/2026 10:00", "NA", "team"),
    ("0100018e-multi", "Dave@Example.com", "2026-03-01T10:00:56Z", "03/01/2026 10:00", "NA", "team"),
    ("0100018e-reject", "erin@example.org", "2026-03-01 10:00:29", "03/01/2026 10:00", "APAC", "spring"),
    ("0100018e-sub", "hank@example.org", "2026-03-01T11:04:59+01:00", "03/01/2026 10:04", "EU", "digest"),
    ("0100018e-neverseen", "ivan@example.org", "2026-03-01T10:06:00Z", "03/01/2026 10:06", "LATAM", "spring"),
]
MESSAGES_WITH_EVENTS = 6  # single, multi, reject, render, sub, orphan
US_TIME_FORMAT = "%m/%d/%Y %H:%M"


def write_send_log(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(fields) for fields in [header, *rows]) + "\n")
    return path


def send_log_rows(us_time_messages: set[str] = frozenset(), with_region: bool = True) -> list[list[str]]:
    """The fixture send log, each message's time in ISO 8601 except those of
    `us_time_messages`, written in US_TIME_FORMAT."""
    rows = []
    for message_id, recipient, iso_time, us_time, region, campaign in SEND_LOG:
        time = us_time if message_id in us_time_messages else iso_time
        rows.append([message_id, recipient, time, *([region] if with_region else []), campaign])
    return rows


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> Path:
    return materialize_fixture_events(tmp_path_factory.mktemp("send_log_columns") / "ses_events")


def build(work_dir: Path, events: Path, requests: Path, database: Path | None = None, **dbt_vars) -> DbtBuild:
    return run_dbt(work_dir, "build", events_path=events, requests_path=requests, database=database,
                   extra_vars=dbt_vars)


def plain(output: str) -> str:
    return output.replace("\x1b[33m", "").replace("\x1b[31m", "").replace("\x1b[32m", "").replace("\x1b[0m", "")


def test_own_column_names_and_no_region(tmp_path: Path, events: Path) -> None:
    """MessageId and sent mapped by the var, RECIPIENT matched in any case;
    with no region every requested message is in the region summary's unknown."""
    requests = write_send_log(
        tmp_path / "ses_requests.csv", ["MessageId", "RECIPIENT", "sent", "campaign"], send_log_rows(with_region=False)
    )
    result = build(tmp_path, events, requests, ses_requests_columns={"message_id": "MessageId", "request_time": "sent"})
    assert_built(result)
    assert result.query(
        "select message_id, region, request_time, request_attributes from main_ses_marts.fct_ses_messages"
        " where was_requested order by message_id"
    ) == [
        ("0100018e-multi", None, UTC(2026, 3, 1, 10, 0, 55), {"campaign": "team"}),
        ("0100018e-neverseen", None, UTC(2026, 3, 1, 10, 6), {"campaign": "spring"}),
        ("0100018e-reject", None, UTC(2026, 3, 1, 10, 0, 29), {"campaign": "spring"}),
        ("0100018e-single", None, UTC(2026, 3, 1, 9, 59, 58), {"campaign": "spring"}),
        ("0100018e-sub", None, UTC(2026, 3, 1, 10, 4, 59), {"campaign": "digest"}),
    ]
    assert result.query("select region, count_messages, count_messages_sent from main_ses_marts.ses_region_summary") == [
        ("unknown", 5, 3),  # sent: single, multi, sub
    ]


def test_a_blank_region_is_unknown(tmp_path: Path, events: Path) -> None:
    rows = send_log_rows()
    rows[-1][3] = ""  # neverseen, LATAM before
    requests = write_send_log(
        tmp_path / "ses_requests.csv", ["message_id", "recipient", "request_time", "region", "campaign"], rows
    )
    result = build(tmp_path, events, requests)
    assert_built(result)
    assert result.query("select region, count_messages from main_ses_marts.ses_region_summary order by region") == [
        ("APAC", 1), ("EU", 2), ("NA", 1), ("unknown", 1),
    ]


def test_unparsed_request_times_are_kept_and_warned(tmp_path: Path, events: Path) -> None:
    """Two messages' times in another format: the build warns with 2, the
    text is kept. The same log all in that format, read with
    ses_requests_time_format, parses; read again without the var (the file
    unchanged), all seven rows warn."""
    header = ["message_id", "recipient", "request_time", "region", "campaign"]
    database = tmp_path / "ses.duckdb"
    mixed = write_send_log(
        tmp_path / "ses_requests.csv", header, send_log_rows({"0100018e-single", "0100018e-neverseen"})
    )
    first = build(tmp_path, events, mixed, database)
    assert_built(first)
    assert "WARN 2 warn_on_unparsed_request_times" in plain(first.output)
    assert first.query(
        "select message_id, request_time_text from main_ses_staging.int_ses__requests"
        " where request_time is null and request_time_text is not null order by 1"
    ) == [("0100018e-neverseen", "03/01/2026 10:06"), ("0100018e-single", "03/01/2026 09:59")]
    assert first.query(
        "select message_id, request_time from main_ses_marts.fct_ses_messages where message_id in"
        " ('0100018e-single', '0100018e-multi') order by 1"
    ) == [("0100018e-multi", UTC(2026, 3, 1, 10, 0, 55)), ("0100018e-single", None)]

    write_send_log(mixed, header, send_log_rows({message_id for message_id, *_ in SEND_LOG}))
    formatted = build(tmp_path, events, mixed, database, ses_requests_time_format=US_TIME_FORMAT)
    assert_built(formatted)
    assert "PASS warn_on_unparsed_request_times" in plain(formatted.output)
    assert formatted.query(
        "select message_id, request_time from main_ses_marts.fct_ses_messages where was_requested order by 1"
    ) == [
        ("0100018e-multi", UTC(2026, 3, 1, 10, 0)),
        ("0100018e-neverseen", UTC(2026, 3, 1, 10, 6)),
        ("0100018e-reject", UTC(2026, 3, 1, 10, 0)),
        ("0100018e-single", UTC(2026, 3, 1, 9, 59)),
        ("0100018e-sub", UTC(2026, 3, 1, 10, 4)),
    ]

    without_format = build(tmp_path, events, mixed, database)
    assert_built(without_format)
    assert "WARN 7 warn_on_unparsed_request_times" in plain(without_format.output)
    assert without_format.scalar("select count(*) from main_ses_marts.fct_ses_messages where request_time is not null") == 0


def test_a_header_only_send_log_is_empty(tmp_path: Path, events: Path) -> None:
    requests = write_send_log(tmp_path / "ses_requests.csv", ["message_id", "recipient", "request_time", "region"], [])
    result = build(tmp_path, events, requests)
    assert_built(result)
    assert result.scalar("select count(*) from main_ses_staging.int_ses__requests") == 0
    assert result.query("select count(*), count(*) filter (where was_requested) from main_ses_marts.fct_ses_messages") == [
        (MESSAGES_WITH_EVENTS, 0)
    ]
    assert result.scalar("select count(*) from main_ses_marts.ses_region_summary") == 0
    assert f"WARN {MESSAGES_WITH_EVENTS} warn_on_ses_events_without_request" in plain(result.output)


@pytest.mark.parametrize(
    ("header", "dbt_vars", "expected_message"),
    [
        (
            "MessageId,recipient,request_time,region", {},
            "{path}: no column message_id; the file has MessageId, recipient, request_time, region;"
            " map yours with the ses_requests_columns var, e.g. {{message_id: YourColumn}}",
        ),
        ("message_id,recipient,region", {}, "{path}: no column request_time; the file has message_id, recipient, region"),
        (
            "message_id,recipient,request_time", {"ses_requests_columns": {"region": "territory"}},
            "{path}: no column territory (region in ses_requests_columns)",
        ),
        (None, {}, "{path}: the file is empty (0 bytes)"),
    ],
    ids=["message_id_named_otherwise", "no_request_time", "mapped_region_missing", "zero_bytes"],
)
def test_an_unreadable_send_log_fails_in_one_line(
    tmp_path: Path, events: Path, header: str | None, dbt_vars: dict, expected_message: str
) -> None:
    requests = tmp_path / "ses_requests.csv"
    requests.write_text("" if header is None else header + "\n")
    result = build(tmp_path, events, requests, **dbt_vars)
    assert result.returncode != 0
    output = plain(result.output)
    message = expected_message.format(path=f"ses_requests_path {requests}")
    assert sum(message in line for line in output.splitlines()) >= 1, output[-3000:]
    assert "Candidate bindings" not in output
    assert "ERROR creating sql view model main_ses_staging.stg_internal__ses_requests" in output
    assert "SKIP relation main_ses_staging.int_ses__requests" in output


def test_a_parquet_send_log_with_its_own_names(tmp_path: Path, events: Path) -> None:
    """A typed Parquet timestamp is read as typed (the time format var is for text)."""
    requests = tmp_path / "ses_requests.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            "copy (select * from (values ('0100018e-single', 'alice@example.org', timestamp '2026-03-01 09:59:58',"
            " 'EU')) as log(MessageId, recipient, request_time, region)) to ? (format parquet)",
            [str(requests)],
        )
    result = build(tmp_path, events, requests, ses_requests_columns={"message_id": "MessageId"},
                   ses_requests_time_format=US_TIME_FORMAT)
    assert_built(result)
    assert result.query(
        "select message_id, request_time, region, request_attributes from main_ses_marts.fct_ses_messages where was_requested"
    ) == [("0100018e-single", UTC(2026, 3, 1, 9, 59, 58), "EU", None)]
