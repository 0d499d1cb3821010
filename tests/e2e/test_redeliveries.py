"""Redeliveries, counted by hand: the same record twice in one object, the
same event inside an SNS retry written with other white space, the same event
through EventBridge, and a copy arriving in a later run are each one event and
redeliveries of it; identical bad lines in one object are each quarantined;
every raw record keeps an id of its own."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from conftest import FIXTURES_DIR, assert_built, run_dbt

MAIL = {"timestamp": "2026-03-01T10:00:00.000Z", "messageId": "m-1", "source": "a@x.org", "destination": ["b@y.org"]}
OPEN_1 = {"eventType": "Open", "mail": MAIL, "open": {"timestamp": "2026-03-01T11:00:00.000Z", "userAgent": "UA"}}
OPEN_2 = {"eventType": "Open", "mail": MAIL, "open": {"timestamp": "2026-03-01T12:00:00.000Z", "userAgent": "UA"}}
OPEN_3 = {"eventType": "Open", "mail": MAIL, "open": {"timestamp": "2026-03-02T09:00:00.000Z", "userAgent": "UA"}}
SEND = {"eventType": "Send", "mail": MAIL, "send": {}}


def compact(record: dict) -> str:
    return json.dumps(record, separators=(",", ":"))


def sns(record: dict, message_id: str) -> str:
    # SNS carries the record as a string; this one is written with spaces
    return compact({"Type": "Notification", "MessageId": message_id, "TopicArn": "arn:aws:sns:eu-west-1:1:t",
                    "Message": json.dumps(record, indent=None, separators=(", ", ": "))})


def eventbridge(record: dict, event_id: str) -> str:
    return compact({"version": "0", "id": event_id, "detail-type": "Email Sent", "source": "aws.ses", "detail": record})


def write(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(line + "\n" for line in lines).encode()
    path.write_bytes(gzip.compress(text, mtime=0) if path.suffix == ".gz" else text)


def counts(build) -> dict:
    return {
        "raw_records": build.scalar("select count(*) from main_ses_landing.raw_ses_records"),
        "raw_record_ids": build.scalar("select count(distinct raw_record_id) from main_ses_staging.base_ses__records"),
        "events": build.scalar("select count(*) from main_ses_staging.stg_ses__events"),
        "redeliveries": build.scalar("select sum(count_redeliveries) from main_ses_staging.base_ses__batches"),
        "rejected": build.scalar("select count(*) from main_ses_marts.ses_rejected_records"),
    }


def test_redeliveries_counted_by_hand(tmp_path: Path) -> None:
    events = tmp_path / "ses_events"
    # object A: an open, the same line again, a send, a bad line twice
    write(events / "2026/03/01/11/s-1-2026-03-01-11-00-00-a.gz",
          [compact(OPEN_1), compact(OPEN_1), compact(SEND), "not json", "not json"])
    # object B: the open again inside an SNS retry (other white space), the
    # send again through EventBridge, and a second, real open
    write(events / "2026/03/01/12/s-1-2026-03-01-12-00-00-b",
          [sns(OPEN_1, "sns-1"), eventbridge(SEND, "eb-1"), compact(OPEN_2)])
    first = run_dbt(tmp_path, "build", events_path=events, requests_path=FIXTURES_DIR / "ses_requests.csv")
    assert_built(first)
    # 8 records = 3 events (open 1, send, open 2) + 3 redeliveries (the
    # repeated line, the SNS retry, the EventBridge copy) + 2 rejected
    assert counts(first) == {"raw_records": 8, "raw_record_ids": 8, "events": 3, "redeliveries": 3, "rejected": 2}
    kept = first.query(
        "select event_class, envelope_type, file_name like '%-a.gz' from main_ses_staging.stg_ses__events order by 1, 2, 3"
    )
    assert kept == [("open", "none", False), ("open", "none", True), ("send", "none", True)]
    assert first.scalar("select count_opens from main_ses_marts.fct_ses_messages where message_id = 'm-1'") == 2

    # a later run: the first open once more, and a third open
    write(events / "2026/03/02/09/s-1-2026-03-02-09-00-00-c.gz", [compact(OPEN_1), compact(OPEN_3)])
    second = run_dbt(tmp_path, "build", events_path=events, requests_path=FIXTURES_DIR / "ses_requests.csv")
    assert_built(second)
    assert counts(second) == {"raw_records": 10, "raw_record_ids": 10, "events": 4, "redeliveries": 4, "rejected": 2}
    batches = second.query(
        "select count_records, count_events, count_redeliveries, count_rejected from main_ses_staging.base_ses__batches"
        " order by loaded_at"
    )
    assert batches == [(8, 3, 3, 2), (2, 1, 1, 0)]
    assert second.scalar("select count_opens from main_ses_marts.fct_ses_messages where message_id = 'm-1'") == 3
