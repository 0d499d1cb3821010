"""Odd objects never stop the build: every object is read as bytes; records
that are not events are quarantined with a reason; an object that cannot be
read at all is quarantined whole, on one row naming it and the cause, while
the rest builds. Each case is one hand-written object with a hand-counted
outcome, all built together in one run."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from conftest import DbtBuild, assert_built, build_events, run_dbt, write_objects

ADDRESS_DOMAIN = "secret-recipient.example"


def send(message_id: str, subject: str = "Hello") -> dict:
    return {
        "eventType": "Send",
        "mail": {
            "timestamp": "2026-03-01T10:00:00.000Z",
            "messageId": message_id,
            "destination": [f"{message_id}@{ADDRESS_DOMAIN}"],
            "commonHeaders": {"subject": subject},
        },
        "send": {},
    }


def line(message_id: str, subject: str = "Hello") -> bytes:
    return json.dumps(send(message_id, subject), separators=(",", ":")).encode()


def pretty(message_id: str) -> bytes:
    return json.dumps(send(message_id), indent=2).encode()


TRUNCATED = b'{"eventType":"Send","mail":{"messageId":'


def implausible(message_id: str, mail_time: str, event_type: str = "Send", event_time: str | None = None) -> bytes:
    """A record dated outside ses_plausible_timestamps' default window
    (before 2011-01-25, or more than 24 hours after the build's load time):
    its mail.timestamp, or the type object's timestamp (event_time)."""
    record = send(message_id)
    record["mail"]["timestamp"] = mail_time
    if event_type != "Send":
        del record["send"]
        record["eventType"] = event_type
        record[event_type.lower()] = {"timestamp": event_time, "recipients": [record["mail"]["destination"][0]]}
    return json.dumps(record, separators=(",", ":")).encode() + b"\n"

# object name -> (bytes, events, rejections by reason)
ODD_OBJECTS: dict[str, tuple[bytes, int, dict[str, int]]] = {
    "a-mixed-line-ends": (line("mixed-1") + b"\n" + line("mixed-2") + b"\r\n" + line("mixed-3") + b"\n", 3, {}),
    "b-blank-crlf": (b"\r\n", 0, {"empty_object": 1}),
    "c-cr-inside-a-record": (line("cr-1").replace(b",", b",\r", 1) + b"\n", 1, {}),
    "d-nul-inside-a-record": (
        line("nul-1") + b"\n" + line("nul-2").replace(b"Hello", b"Hel\x00lo") + b"\n" + line("nul-3") + b"\n",
        2, {"invalid_json": 1},
    ),
    "e-not-gzip.gz": (line("not-gzip-1") + b"\n", 0, {"object_not_gzip": 1}),
    "f-gzip-without-suffix": (gzip.compress(line("gzip-no-suffix-1") + b"\n"), 0, {"object_gzip_without_gz_suffix": 1}),
    "g-latin-1": (line("latin-1", "caf\u00e9").replace(b"\\u00e9", b"\xe9") + b"\n", 0, {"object_not_utf8": 1}),
    "h-cut-short.gz": (
        gzip.compress(b"\n".join(line(f"cut-{number}") for number in range(20)))[:200], 0, {"object_corrupt_gzip": 1}
    ),
    # concatenated on one line, "}{" and "} {" inside subjects
    "i-braces-in-strings": (line("braces-1", "a}{b") + line("braces-2", "x} {y") + line("braces-3"), 3, {}),
    # an escaped quote before "}{" and an escaped backslash before a quote
    "j-escapes-in-strings": (line("escapes-1", 'he said "}{" \\') + line("escapes-2", '\\"}{'), 2, {}),
    "k-pretty-printed": (pretty("pretty-1") + b"\n" + pretty("pretty-2").replace(b"\n", b"\r\n") + b"\n", 2, {}),
    "l-array": (json.dumps([send("array-1"), send("array-2"), send("array-3")], indent=2).encode(), 3, {}),
    "m-byte-order-mark": (b"\xef\xbb\xbf" + line("bom-1") + b"\n", 1, {}),
    # a send in 1970, a send in 2099, a delivery at a plausible time of a
    # message whose mail.timestamp says 1970, an open in 2099: one such date
    # would stretch every daily mart over decades
    "o-implausible-timestamps": (
        implausible("epoch-1", "1970-01-01T00:00:00.000Z")
        + implausible("future-1", "2099-01-01T00:00:00.000Z")
        + implausible("epoch-2", "1970-01-01T00:00:00.000Z", "Delivery", "2026-03-01T10:00:05.000Z")
        + implausible("future-2", "2026-03-01T10:00:00.000Z", "Open", "2099-01-01T00:00:00.000Z"),
        0, {"implausible_timestamp": 4},
    ),
    "n-pretty-printed-with-a-record-cut-short": (
        pretty("pretty-cut-1") + b"\n" + TRUNCATED + b"\n" + pretty("pretty-cut-2") + b"\n", 2, {"invalid_json": 1}
    ),
}
# Objects reached through symbolic links (a folder assembled from links, a
# sync tool's layout), written outside the events folder: one linked as a
# file into the hour folder, two in a folder linked as another hour folder.
LINKED_FILE = "p-linked-object"
LINKED_FOLDER_OBJECTS = ("q-in-linked-folder", "r-in-linked-folder")
LINKED_OBJECTS: dict[str, tuple[bytes, int, dict[str, int]]] = {
    LINKED_FILE: (line("linked-1") + b"\n" + line("linked-2") + b"\n", 2, {}),
    LINKED_FOLDER_OBJECTS[0]: (line("linked-3") + b"\n", 1, {}),
    LINKED_FOLDER_OBJECTS[1]: (line("linked-4") + b"\nnot json\n", 1, {"invalid_json": 1}),
}
ALL_OBJECTS = {**ODD_OBJECTS, **LINKED_OBJECTS}
EVENTS = sum(events for _, events, _ in ALL_OBJECTS.values())  # 23
REJECTIONS: dict[str, int] = {}
for _, _, rejections in ALL_OBJECTS.values():
    for reason, count in rejections.items():
        REJECTIONS[reason] = REJECTIONS.get(reason, 0) + count


def write_odd_objects(work_dir: Path, link_loop: bool = True) -> None:
    """The odd objects in one hour folder, and the linked ones: a link to a
    file beside them, a link to a folder as the next hour's folder, and
    (link_loop) a link from the hour folder back to the day's folder above
    it, a loop a listing must not follow for ever."""
    events = write_objects(work_dir, {name: content for name, (content, _, _) in ODD_OBJECTS.items()})
    linked = work_dir / "linked_source"
    (linked / "folder").mkdir(parents=True)
    (linked / LINKED_FILE).write_bytes(LINKED_OBJECTS[LINKED_FILE][0])
    for name in LINKED_FOLDER_OBJECTS:
        (linked / "folder" / name).write_bytes(LINKED_OBJECTS[name][0])
    day = events / "2026/03/01"
    (day / "10" / LINKED_FILE).symlink_to(Path("../../../../../linked_source") / LINKED_FILE)
    (day / "11").symlink_to(Path("../../../../linked_source/folder"), target_is_directory=True)
    if link_loop:
        (day / "10" / "loop").symlink_to(Path(".."), target_is_directory=True)


@pytest.fixture(scope="module")
def odd_build(tmp_path_factory) -> DbtBuild:
    work_dir = tmp_path_factory.mktemp("odd_objects")
    write_odd_objects(work_dir)
    build = build_events(work_dir)
    assert_built(build)
    return build


def test_hand_counted_tallies(odd_build: DbtBuild) -> None:
    assert_hand_counted_tallies(odd_build)


def assert_hand_counted_tallies(build: DbtBuild) -> None:
    """Also asked of the Spark build (tests/spark)."""
    assert EVENTS == 23 and sum(REJECTIONS.values()) == 12
    assert build.scalar("select count(*) from main_ses_staging.stg_ses__events") == EVENTS
    assert dict(build.query(
        "select rejection_reason, count(*) from main_ses_marts.ses_rejected_records group by 1"
    )) == REJECTIONS
    # raw records = events + duplicates + rejected; the empty object's one
    # row, with no record, is among the rejected (empty_object)
    assert build.scalar("select count(*) from main_ses_landing.raw_ses_records") == EVENTS + sum(REJECTIONS.values())
    assert build.scalar("select sum(count_redeliveries) from main_ses_staging.base_ses__batches") == 0
    # every kept send is on 2026-03-01: one day per reputation scope
    assert build.query(
        "select distinct cast(report_date as varchar) from main_ses_marts.ses_reputation_daily"
    ) == [("2026-03-01",)]
    # the time spine: every day from SES's start to the day 24 hours after the load
    assert build.query(
        "select cast(min(date_day) as varchar), max(date_day) = cast(max(loaded_at) + interval 24 hour as date),"
        " count(*) = date_diff('day', min(date_day), max(date_day)) + 1"
        " from main_ses_marts.ses_time_spine_daily, main_ses_staging.base_ses__batches"
    ) == [("2011-01-25", True, True)]


def test_each_object_yields_its_own_events(odd_build: DbtBuild) -> None:
    assert_each_object_yields_its_own_events(odd_build)


def assert_each_object_yields_its_own_events(build: DbtBuild) -> None:
    """Also asked of the Spark build (tests/spark)."""
    per_object = dict(build.query(
        "select regexp_extract(file_name, '[^/]+$'), count(*) from main_ses_staging.stg_ses__events group by 1"
    ))
    assert per_object == {name: events for name, (_, events, _) in ALL_OBJECTS.items() if events}


def test_unreadable_objects_are_named_with_their_cause(odd_build: DbtBuild) -> None:
    assert_unreadable_objects_are_named_with_their_cause(odd_build)


def assert_unreadable_objects_are_named_with_their_cause(build: DbtBuild) -> None:
    """Also asked of the Spark build (tests/spark)."""
    rows = build.query(
        "select regexp_extract(file_name, '[^/]+$'), read_failure from main_ses_landing.raw_ses_records"
        " where read_failure is not null order by 1"
    )
    assert rows == [
        ("e-not-gzip.gz", "object_not_gzip"),
        ("f-gzip-without-suffix", "object_gzip_without_gz_suffix"),
        ("g-latin-1", "object_not_utf8"),
        ("h-cut-short.gz", "object_corrupt_gzip"),
    ]
    assert build.scalar(
        "select count(*) from main_ses_landing.raw_ses_records where file_name like '%b-blank-crlf'"
        " and record_text is null and read_failure is null"
    ) == 1
    assert "Warning in test warn_on_unreadable_ses_objects" in build.output
    assert "Got 4 results" in build.output


def test_records_are_kept_exactly_as_written(odd_build: DbtBuild) -> None:
    raw_texts = [text for (text,) in odd_build.query(
        "select record_text from main_ses_landing.raw_ses_records where record_text is not null"
    )]

    def text_of(message_id: str) -> str:
        (text,) = [text for text in raw_texts if f'"{message_id}"' in text]
        return text

    assert text_of("cr-1") == line("cr-1").replace(b",", b",\r", 1).decode()
    assert text_of("mixed-2") == line("mixed-2").decode()  # the CR of CRLF is not kept
    assert text_of("pretty-1") == pretty("pretty-1").decode()
    assert text_of("braces-2") == line("braces-2", "x} {y").decode()
    assert text_of("escapes-1") == line("escapes-1", 'he said "}{" \\').decode()
    assert text_of("bom-1") == line("bom-1").decode()
    assert odd_build.scalar(
        "select record_text from main_ses_marts.ses_rejected_records where file_name like '%n-pretty-printed%'"
    ) == TRUNCATED.decode()


def test_no_record_content_is_logged(odd_build: DbtBuild) -> None:
    log_text = (odd_build.database.parent / "logs" / "dbt.log").read_text(errors="replace")
    assert ADDRESS_DOMAIN not in odd_build.output
    assert ADDRESS_DOMAIN not in log_text


def test_unreadable_objects_can_fail_the_build(tmp_path: Path) -> None:
    write_odd_objects(tmp_path)
    build = build_events(tmp_path, extra_vars={"ses_fail_on_unreadable_objects": True})
    assert build.returncode == 1
    assert "Failure in test warn_on_unreadable_ses_objects" in build.output


@pytest.mark.parametrize("full_refresh", [True, False], ids=["full_build", "incremental_build"])
def test_missing_location_is_named(tmp_path: Path, full_refresh: bool) -> None:
    write_odd_objects(tmp_path)
    events = tmp_path / "ses_events"
    if not full_refresh:
        assert_built(run_dbt(tmp_path, "run", "--select", "raw_ses_records", events_path=events))
    missing = tmp_path / "no_such_folder"
    build = run_dbt(tmp_path, "run", "--select", "raw_ses_records", events_path=missing)
    assert build.returncode == 1
    assert f"ses_events_path {missing}: no objects found" in build.output
