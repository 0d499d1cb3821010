"""A send log with faults, each holding addresses of its own: a bad row is
quarantined by its line number and reason (ses_rejected_send_log_lines),
the rest is read and the build warns; a file that cannot be a send log at
all (no header line, not a CSV, no such file) fails in one line naming the
file, the line and the columns expected. On every path no address of the input reaches
stdout, logs/ or target/ (every file), and a rejected row's address is
nowhere in the database either. A UTF-16 file (little-endian, as Excel's
"Unicode text" writes it) is read whole. Built on the hand-written SES
fixtures; the send logs are written here and their tallies counted by hand
below."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import DbtBuild, assert_built, materialize_fixture_events, run_dbt

# Line by line (1 is the header line): line 2-3 one row whose campaign is
# quoted across two lines; line 4 six fields for five columns; line 6 three
# fields; line 7 a Latin-1 byte (0xE4, "a" with umlaut) in a UTF-8 file. Read:
# the rows of lines 2, 5, 8 and 9; quarantined: lines 4, 6 and 7.
FAULTY_ROWS = (
    b"message_id,recipient,request_time,region,campaign\n"
    b'0100018e-single,alice.faults@rows.example,2026-03-01T09:59:58Z,EU,"spring\nsale"\n'
    b"0100018e-multi,bob.faults@rows.example,2026-03-01T10:00:55Z,NA,team,surplus\n"
    b"0100018e-multi,carol.faults@rows.example,2026-03-01T10:00:55Z,NA,team\n"
    b"0100018e-multi,dave.faults@rows.example,2026-03-01T10:00:56Z\n"
    b"0100018e-reject,erin.faults@r\xe4ws.example,2026-03-01 10:00:29,APAC,spring\n"
    b"0100018e-sub,hank.faults@rows.example,2026-03-01T11:04:59+01:00,EU,digest\n"
    b"0100018e-neverseen,ivan.faults@rows.example,2026-03-01T10:06:00Z,LATAM,spring\n"
)
REJECTED_LOCAL_PARTS = ["bob.faults", "dave.faults", "erin.faults"]
HEADER = "message_id,recipient,request_time,region"
ROWS = [
    "0100018e-single,frank.faults@files.example,2026-03-01T09:59:58Z,EU",
    "0100018e-multi,gina.faults@files.example,2026-03-01T10:00:55Z,NA",
]
LOCAL_PART = re.compile(rb"[A-Za-z0-9._%+=-]+(?=@)")


def local_parts(content: bytes) -> set[bytes]:
    """Every address's part before the @, which any rendering of the
    address (the whole of it, a line quoting it, a Latin-1 byte replaced)
    holds."""
    return {match.group(0) + b"@" for match in LOCAL_PART.finditer(content)}


def leaked_addresses(build: DbtBuild, send_log: bytes) -> list[str]:
    """The addresses of the send log found in the build's stdout or in any
    file under its logs/ or target/."""
    work_dir = build.database.parent
    texts = {"stdout": build.output.encode()}
    for folder in ("logs", "target"):
        for path in (work_dir / folder).rglob("*"):
            if path.is_file():
                texts[str(path.relative_to(work_dir))] = path.read_bytes()
    addresses = local_parts(send_log)
    assert len(addresses) == send_log.count(b"@")
    return sorted(
        f"{address.decode()} in {name}" for name, text in texts.items() for address in addresses if address in text
    )


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> Path:
    return materialize_fixture_events(tmp_path_factory.mktemp("send_log_faults") / "ses_events")


@pytest.fixture(scope="module")
def faulty_rows_build(tmp_path_factory, events: Path) -> DbtBuild:
    work_dir = tmp_path_factory.mktemp("faulty_rows")
    requests = work_dir / "ses_requests.csv"
    requests.write_bytes(FAULTY_ROWS)
    return run_dbt(work_dir, "build", events_path=events, requests_path=requests)


def test_a_bad_row_is_quarantined_with_its_line_and_reason(faulty_rows_build: DbtBuild) -> None:
    assert_built(faulty_rows_build)
    rejected = faulty_rows_build.query(
        "select regexp_extract(file_name, '[^/]+$'), line_number, rejection_reason"
        " from main_ses_marts.ses_rejected_send_log_lines order by line_number"
    )
    assert rejected == [
        ("ses_requests.csv", 4, "more fields than the 5 of the header line"),
        ("ses_requests.csv", 6, "fewer fields than the 5 of the header line"),
        ("ses_requests.csv", 7, "bytes that are not text in the file's encoding (a stray Latin-1 byte in UTF-8?)"),
    ]
    columns = faulty_rows_build.query(
        "select column_name from information_schema.columns where table_name = 'ses_rejected_send_log_lines'"
        " order by ordinal_position"
    )
    assert columns == [("file_name",), ("line_number",), ("rejection_reason",), ("loaded_at",)]


def test_the_other_rows_are_read(faulty_rows_build: DbtBuild) -> None:
    read = faulty_rows_build.query(
        "select message_id, recipient, request_attributes['campaign'] from main_ses_staging.int_ses__requests"
        " order by message_id"
    )
    assert read == [
        ("0100018e-multi", "carol.faults@rows.example", "team"),
        ("0100018e-neverseen", "ivan.faults@rows.example", "spring"),
        ("0100018e-single", "alice.faults@rows.example", "spring\nsale"),
        ("0100018e-sub", "hank.faults@rows.example", "digest"),
    ]


def test_the_build_warns_with_the_tally(faulty_rows_build: DbtBuild) -> None:
    output = re.sub(r"\x1b\[[0-9;]*m", "", faulty_rows_build.output)
    assert "WARN 3 warn_on_rejected_send_log_lines" in output


def test_no_address_reaches_stdout_logs_or_target(faulty_rows_build: DbtBuild) -> None:
    assert leaked_addresses(faulty_rows_build, FAULTY_ROWS) == []


def test_nothing_keeps_a_rejected_row(faulty_rows_build: DbtBuild) -> None:
    """DuckDB's reject tables quote each rejected line (they are temporary,
    and dropped as soon as read): no rejected address is anywhere in the
    database file."""
    database = faulty_rows_build.database.read_bytes()
    assert [part for part in REJECTED_LOCAL_PARTS if part.encode() in database] == []


# Files that cannot be a send log at all, each with the one line it fails with
# (after "ses_requests_path <file>").
UNUSABLE_SEND_LOGS = {
    "no_header_line": (
        "\n".join(ROWS).encode() + b"\n",
        ": no header line: line 1 names none of the columns message_id, recipient, request_time; a send log"
        " starts with a line naming its columns, e.g. message_id,recipient,request_time,region (or map yours"
        " with the ses_requests_columns var)",
    ),
    "not_a_csv": (
        b"\x00\x00\x07\x00" + "\n".join([HEADER, *ROWS]).encode(),
        ": not a CSV file: binary content (NUL bytes), not text",
    ),
    "no_such_file": (
        None,
        ": no such file (or a glob that matches none); set the var to your send log, or leave it empty for none",
    ),
}
UTF16_SEND_LOG = ("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("utf-16")


@pytest.fixture(scope="module")
def send_log_runs(tmp_path_factory) -> dict[str, DbtBuild]:
    """Each unusable send log (None: no file), then a UTF-16 one, written in
    turn under one name, so that the vars stay the same and dbt parses the
    project once.
    logs/ and target/ gather what every run wrote."""
    work_dir = tmp_path_factory.mktemp("send_log_files")
    requests = work_dir / "ses_requests.csv"
    runs = {}
    for case, content in [*((case, content) for case, (content, _) in UNUSABLE_SEND_LOGS.items()),
                          ("utf16", UTF16_SEND_LOG)]:
        if content is None:
            requests.unlink()
        else:
            requests.write_bytes(content)
        runs[case] = run_dbt(
            work_dir, "run", "--select", "stg_internal__ses_requests", "stg_internal__ses_request_rejects",
            events_path=work_dir, requests_path=requests,
        )
    return runs


@pytest.mark.parametrize("case", UNUSABLE_SEND_LOGS)
def test_an_unusable_send_log_fails_in_one_line(send_log_runs: dict[str, DbtBuild], case: str) -> None:
    content, message = UNUSABLE_SEND_LOGS[case]
    build = send_log_runs[case]
    assert build.returncode == 1
    assert f"ses_requests_path {build.database.parent / 'ses_requests.csv'}{message}\n" in build.output
    assert leaked_addresses(build, content or b"") == []


def test_utf16_is_read_whole(send_log_runs: dict[str, DbtBuild]) -> None:
    build = send_log_runs["utf16"]
    assert_built(build)
    read = build.query(
        "select message_id, recipient, region from main_ses_staging.stg_internal__ses_requests order by 1"
    )
    assert read == [
        ("0100018e-multi", "gina.faults@files.example", "NA"),
        ("0100018e-single", "frank.faults@files.example", "EU"),
    ]
    assert build.scalar("select count(*) from main_ses_staging.stg_internal__ses_request_rejects") == 0
    assert leaked_addresses(build, "\n".join(ROWS).encode()) == []
