"""An object written again (records appended: its size and modification time
change) is read again whole on the next run: the records read before count
as redeliveries, the new ones as events, and an invalid line read before is
a redelivery too, not a second quarantine row, also when personal data is
masked and no table keeps a record's text. Hand-counted on two small
objects."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import assert_built, build_events, new_objects_read, write_objects


def send(message_id: str) -> bytes:
    return json.dumps({
        "eventType": "Send",
        "mail": {"timestamp": "2026-03-01T10:00:00.000Z", "messageId": message_id},
        "send": {},
    }).encode() + b"\n"


@pytest.mark.parametrize("pii_mode", ["raw", "hashed"])
def test_an_object_written_again_is_read_again(tmp_path: Path, pii_mode: str) -> None:
    events = write_objects(tmp_path, {
        "ses-1-2026-03-01-10-00-00-growing": send("grow-1") + b"not json\n" + send("grow-2"),
        "ses-1-2026-03-01-10-00-00-steady": send("steady-1"),
    })
    growing = events / "2026/03/01/10/ses-1-2026-03-01-10-00-00-growing"

    def build():
        result = build_events(
            tmp_path, extra_vars={"ses_pii_mode": pii_mode},
            environment={"SES_PII_HASH_KEY": "test-key" if pii_mode == "hashed" else ""},
        )
        assert_built(result)
        return result

    first = build()
    assert new_objects_read(first.output) == 2
    assert first.query(
        "select count_records, count_events, count_redeliveries, count_rejected from main_ses_staging.base_ses__batches"
    ) == [(4, 3, 0, 1)]

    unchanged = build()
    assert new_objects_read(unchanged.output) == 0

    growing.write_bytes(growing.read_bytes() + send("grow-3"))
    later = growing.stat().st_mtime + 60
    os.utime(growing, (later, later))
    second = build()
    assert new_objects_read(second.output) == 1
    assert "1 new object(s) to read (1 of them changed since read)" in second.output

    # four records read again: two events and the invalid line read before
    # (three redeliveries), one new event
    batch = second.query(
        "select count_records, count_events, count_redeliveries, count_rejected"
        " from main_ses_staging.base_ses__batches order by loaded_at desc limit 1"
    )
    assert batch == [(4, 1, 3, 0)]
    assert second.query("select rejection_reason, file_name like '%-growing' from main_ses_marts.ses_rejected_records") == [
        ("invalid_json", True)
    ]
    assert sorted(second.query("select message_id from main_ses_staging.stg_ses__events")) == [
        ("grow-1",), ("grow-2",), ("grow-3",), ("steady-1",)
    ]
    assert second.scalar("select sum(count_sends) from main_ses_marts.fct_ses_messages") == 4
