"""The silent-drop trap: a JSON reader that samples for a schema drops a field
that first appears after its sample. Fields that show up only in the last of
many files, or only after 30,000 rows, must still be extracted; new keys AWS
adds must not break anything."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from conftest import BUILD_WITHOUT_TESTS, assert_built, run_dbt


def open_event(message_number: int, *, with_late_fields: bool) -> dict:
    """An Open event; the late fields (ipAddress, a campaign tag, a key SES
    does not have today) appear only when asked for."""
    mail = {
        "timestamp": "2026-03-01T10:00:00.000Z",
        "messageId": f"message-{message_number:06d}",
        "source": "news@shop.example.com",
        "destination": ["reader@example.org"],
    }
    details = {"timestamp": f"2026-03-01T11:{message_number // 60 % 60:02d}:{message_number % 60:02d}.000Z",
               "userAgent": "Mozilla/5.0"}
    if with_late_fields:
        mail["tags"] = {"campaign": ["late-campaign"]}
        mail["someFutureField"] = {"nested": True}
        details["ipAddress"] = "203.0.113.77"
    return {"eventType": "Open", "mail": mail, "open": details}


def write_ndjson_gz(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(record, separators=(",", ":")) + "\n" for record in records)
    path.write_bytes(gzip.compress(text.encode(), mtime=0))


def late_field_rows(build) -> list[tuple]:
    return build.query(
        "select message_id, ip_address, json_extract_string(tags, '$.campaign[0]') from main_ses_staging.stg_ses__opens"
        " where ip_address is not null or tags is not null"
    )


def test_field_first_seen_in_the_last_of_many_files(tmp_path: Path) -> None:
    events = tmp_path / "ses_events"
    file_count = 40
    for file_number in range(file_count):
        is_last = file_number == file_count - 1
        write_ndjson_gz(
            events / f"2026/03/01/{file_number % 24:02d}/ses-1-2026-03-01-00-00-{file_number:02d}-{file_number:04d}.gz",
            [open_event(file_number * 100 + row, with_late_fields=is_last and row == 99) for row in range(100)],
        )
    build = run_dbt(tmp_path, *BUILD_WITHOUT_TESTS, "--select", "+stg_ses__opens", events_path=events)
    assert_built(build)
    assert build.scalar("select count(*) from main_ses_staging.stg_ses__opens") == file_count * 100
    assert late_field_rows(build) == [("message-003999", "203.0.113.77", "late-campaign")]


def test_field_first_seen_after_30000_rows(tmp_path: Path) -> None:
    events = tmp_path / "ses_events"
    row_count = 30_005
    write_ndjson_gz(
        events / "2026/03/01/10/ses-1-2026-03-01-10-00-00-0001.gz",
        [open_event(row, with_late_fields=row == row_count - 1) for row in range(row_count)],
    )
    build = run_dbt(tmp_path, *BUILD_WITHOUT_TESTS, "--select", "+stg_ses__opens", events_path=events)
    assert_built(build)
    assert build.scalar("select count(*) from main_ses_staging.stg_ses__opens") == row_count
    assert late_field_rows(build) == [(f"message-{row_count - 1:06d}", "203.0.113.77", "late-campaign")]
