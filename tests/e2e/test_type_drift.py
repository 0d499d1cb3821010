"""A field SES always writes, written with another JSON type, is never nulled
silently: one string for a list (or one object for a list of objects) is read
as a list of one; anything else stays null; every case is counted per field
and JSON type in main_ses_marts.ses_unfit_values and warned about. Hand-counted on six
records."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import assert_built, build_events, write_objects

RECIPIENT = "reader@example.org"


def mail(message_id: str, destination=(RECIPIENT,), configuration_set=("marketing",)) -> dict:
    return {"timestamp": "2026-03-01T10:00:00.000Z", "messageId": message_id,
            "destination": list(destination) if isinstance(destination, tuple) else destination,
            "tags": {"ses:configuration-set": list(configuration_set) if isinstance(configuration_set, tuple)
                     else configuration_set}}


DELIVERED = {"timestamp": "2026-03-01T10:01:00.000Z", "smtpResponse": "250 ok"}
RECORDS = [
    # mail.destination as one string: read
    {"eventType": "Send", "mail": mail("drift-1", destination=RECIPIENT), "send": {}},
    # recipients as one string: read; processingTimeMillis too large: null
    {"eventType": "Delivery", "mail": mail("drift-1"),
     "delivery": {**DELIVERED, "recipients": RECIPIENT, "processingTimeMillis": 1e30}},
    # bouncedRecipients as one object: read
    {"eventType": "Bounce", "mail": mail("drift-2"), "bounce": {
        "bounceType": "Permanent", "bounceSubType": "General", "timestamp": "2026-03-01T10:01:00.000Z",
        "bouncedRecipients": {"emailAddress": RECIPIENT, "status": "5.1.1"}, "feedbackId": "feedback-2"}},
    # the configuration-set tag as a string: read
    {"eventType": "Send", "mail": mail("drift-3", configuration_set="transactional"), "send": {}},
    # everything as SES writes it (a number as a string fits a number)
    {"eventType": "Delivery", "mail": mail("drift-3"),
     "delivery": {**DELIVERED, "recipients": [RECIPIENT], "processingTimeMillis": "812"}},
    # mail.destination as a number: no reading, null
    {"eventType": "Delivery", "mail": mail("drift-4", destination=42),
     "delivery": {**DELIVERED, "recipients": [RECIPIENT], "processingTimeMillis": 5}},
]
UNFIT = [
    ("bounce.bouncedRecipients", "OBJECT", True, 1),
    ("delivery.processingTimeMillis", "DOUBLE", False, 1),
    ("delivery.recipients", "VARCHAR", True, 1),
    ("mail.destination", "UBIGINT", False, 1),
    ("mail.destination", "VARCHAR", True, 1),
    ("mail.tags.ses:configuration-set", "VARCHAR", True, 1),
]


def test_unfit_values_are_read_or_counted(tmp_path: Path) -> None:
    write_objects(tmp_path, {"ses-1-2026-03-01-10-00-00-drift": "".join(json.dumps(r) + "\n" for r in RECORDS).encode()})
    build = build_events(tmp_path)
    assert_built(build)
    assert "Warning in test warn_on_unfit_ses_values" in build.output
    assert "Got 6 results, configured to warn" in build.output
    assert build.query(
        "select field_path, json_type, is_read, count_records from main_ses_marts.ses_unfit_values order by all"
    ) == UNFIT

    assert build.query(
        "select message_id, destination, configuration_set from main_ses_staging.stg_ses__sends order by 1"
    ) == [("drift-1", [RECIPIENT], "marketing"), ("drift-3", [RECIPIENT], "transactional")]
    assert build.query(
        "select message_id, delivered_recipients, processing_time_millis, destination"
        " from main_ses_staging.stg_ses__deliveries order by 1"
    ) == [("drift-1", [RECIPIENT], None, [RECIPIENT]), ("drift-3", [RECIPIENT], 812, [RECIPIENT]),
          ("drift-4", [RECIPIENT], 5, None)]
    assert build.query("select message_id, bounced_recipients[1].email_address from main_ses_staging.stg_ses__bounces") == [
        ("drift-2", RECIPIENT)
    ]
    # the recipient read from one string is attributed its delivery
    assert build.query(
        "select message_id, recipient, was_delivered from main_ses_marts.fct_ses_message_recipients"
        " where message_id = 'drift-1'"
    ) == [("drift-1", RECIPIENT, True)]
    assert build.scalar("select count(*) from main_ses_staging.stg_ses__events") == len(RECORDS)
