"""A value SES does not document (a new subtype, another case, the original
proof of concept's own `mailboxfull` and `OnAccountSuppress`) never fails the
build: it is kept as written, warned about, and counted per column and value
in main_ses_marts.ses_unknown_values. Hand-counted on eight events."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import assert_built, build_events, write_objects

MAIL = {"timestamp": "2026-03-01T10:00:00.000Z", "destination": ["reader@example.org"]}
RECIPIENT = [{"emailAddress": "reader@example.org"}]


def bounce(message_id: str, bounce_type: str, sub_type: str) -> dict:
    return {"eventType": "Bounce", "mail": {**MAIL, "messageId": message_id}, "bounce": {
        "bounceType": bounce_type, "bounceSubType": sub_type, "timestamp": "2026-03-01T10:01:00.000Z",
        "bouncedRecipients": RECIPIENT, "feedbackId": f"feedback-{message_id}"}}


def complaint(message_id: str, sub_type: str | None, feedback_type: str) -> dict:
    details = {"timestamp": "2026-03-01T10:02:00.000Z", "complainedRecipients": RECIPIENT,
               "feedbackId": f"feedback-{message_id}", "complaintFeedbackType": feedback_type}
    if sub_type:
        details["complaintSubType"] = sub_type
    return {"eventType": "Complaint", "mail": {**MAIL, "messageId": message_id}, "complaint": details}


def delay(message_id: str, delay_type: str) -> dict:
    return {"eventType": "DeliveryDelay", "mail": {**MAIL, "messageId": message_id}, "deliveryDelay": {
        "timestamp": "2026-03-01T10:03:00.000Z", "delayType": delay_type, "delayedRecipients": RECIPIENT}}


EVENTS = [
    bounce("bounce-1", "Permanent", "General"),  # known
    bounce("bounce-2", "permanent", "UnsubscribedRecipient"),
    bounce("bounce-3", "permanent", "mailboxfull"),
    bounce("bounce-4", "Transient", "mailboxfull"),
    complaint("complaint-1", "OnAccountSuppress", "abuse"),
    complaint("complaint-2", None, "Abuse"),
    delay("delay-1", "MailboxFull"),  # known
    delay("delay-2", "NewDelayKind"),
]
UNKNOWN_VALUES = [
    ("stg_ses__bounces", "bounce_sub_type", "UnsubscribedRecipient", 1),
    ("stg_ses__bounces", "bounce_sub_type", "mailboxfull", 2),
    ("stg_ses__bounces", "bounce_type", "permanent", 2),
    ("stg_ses__complaints", "complaint_feedback_type", "Abuse", 1),
    ("stg_ses__complaints", "complaint_sub_type", "OnAccountSuppress", 1),
    ("stg_ses__delivery_delays", "delay_type", "NewDelayKind", 1),
]


def test_unknown_values_are_counted_and_only_warned(tmp_path: Path) -> None:
    write_objects(tmp_path, {"ses-1-2026-03-01-10-00-00-drift": "".join(json.dumps(e) + "\n" for e in EVENTS).encode()})
    build = build_events(tmp_path)
    assert_built(build)
    assert "Warning in test warn_on_unknown_ses_values" in build.output
    assert "Got 6 results, configured to warn" in build.output
    assert build.query(
        "select model_name, column_name, unknown_value, count_rows from main_ses_marts.ses_unknown_values order by all"
    ) == UNKNOWN_VALUES
    # kept as written where they are used
    assert build.query("select bounce_type, count(*) from main_ses_staging.stg_ses__bounces group by 1 order by 1") == [
        ("Permanent", 1), ("Transient", 1), ("permanent", 2)
    ]
    assert build.scalar("select count(*) from main_ses_staging.stg_ses__events") == len(EVENTS)

    # a run that loads no unknown value does not warn about the old ones
    again = build_events(tmp_path)
    assert_built(again)
    assert "warn_on_unknown_ses_values" not in again.output.split("Completed")[-1]
    assert len(again.query("select * from main_ses_marts.ses_unknown_values")) == len(UNKNOWN_VALUES)
