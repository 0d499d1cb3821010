"""A field written with another JSON type is never nulled silently: one
string for a list (or one object for a list of objects) is read as a list of
one, also inside a map (linkTags) and for a tag written without its list;
anything else stays null; every case is counted per field and JSON type in
main_ses_marts.ses_unfit_values and warned about. Hand-counted on twelve
records."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import assert_built, build_events, write_objects

RECIPIENT = "reader@example.org"


SENDER = "sender@example.org"


def mail(message_id: str, destination=(RECIPIENT,), configuration_set=("marketing",), **extra) -> dict:
    return {"timestamp": "2026-03-01T10:00:00.000Z", "messageId": message_id,
            "destination": list(destination) if isinstance(destination, tuple) else destination,
            "tags": {"ses:configuration-set": list(configuration_set) if isinstance(configuration_set, tuple)
                     else configuration_set}, **extra}


def click(message_id: str, link_tags: dict) -> dict:
    return {"eventType": "Click", "mail": mail(message_id), "click": {
        "timestamp": "2026-03-01T10:05:00.000Z", "ipAddress": "192.0.2.1", "userAgent": "UA",
        "link": "https://example.org/", "linkTags": link_tags}}


DELIVERED = {"timestamp": "2026-03-01T10:01:00.000Z", "smtpResponse": "250 ok"}
TOPIC = {"topicName": "news", "subscriptionStatus": "OptOut"}
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
    # recipients as one string, every other field as SES writes it: read
    {"eventType": "Delivery", "mail": mail("drift-5"),
     "delivery": {**DELIVERED, "recipients": RECIPIENT, "processingTimeMillis": 7}},
    # the campaign tag as a string: read
    {"eventType": "Send", "mail": mail("drift-6", tags={"ses:configuration-set": ["marketing"], "campaign": "spring"}),
     "send": {}},
    # a link tag as a string: read; a link tag as a number: null
    click("drift-7", {"k": "v", "list": ["a"]}),
    click("drift-8", {"n": 5}),
    # the from and to headers as strings: read
    {"eventType": "Send", "mail": mail("drift-9", commonHeaders={"from": SENDER, "to": RECIPIENT, "subject": "Hi"}),
     "send": {}},
    # a topic subscription status as one object: read
    {"eventType": "Subscription", "mail": mail("drift-10"), "subscription": {
        "contactList": "list", "timestamp": "2026-03-01T10:06:00.000Z", "source": "UnsubscribeHeader",
        "newTopicPreferences": {"unsubscribeAll": False, "topicSubscriptionStatus": TOPIC},
        "oldTopicPreferences": {"unsubscribeAll": False, "topicSubscriptionStatus": [{**TOPIC, "subscriptionStatus": "OptIn"}]}}},
]
UNFIT = [
    ("bounce.bouncedRecipients", "OBJECT", True, 1),
    ("click.linkTags", "UBIGINT", False, 1),
    ("click.linkTags", "VARCHAR", True, 1),
    ("delivery.processingTimeMillis", "DOUBLE", False, 1),
    ("delivery.recipients", "VARCHAR", True, 2),
    ("mail.commonHeaders.from", "VARCHAR", True, 1),
    ("mail.commonHeaders.to", "VARCHAR", True, 1),
    ("mail.destination", "UBIGINT", False, 1),
    ("mail.destination", "VARCHAR", True, 1),
    ("mail.tags.campaign", "VARCHAR", True, 1),
    ("mail.tags.ses:configuration-set", "VARCHAR", True, 1),
    ("subscription.newTopicPreferences.topicSubscriptionStatus", "OBJECT", True, 1),
]


def test_unfit_values_are_read_or_counted(tmp_path: Path) -> None:
    write_objects(tmp_path, {"ses-1-2026-03-01-10-00-00-drift": "".join(json.dumps(r) + "\n" for r in RECORDS).encode()})
    build = build_events(tmp_path)
    assert_built(build)
    assert "Warning in test warn_on_unfit_ses_values" in build.output
    assert "Got 12 results, configured to warn" in build.output
    assert build.query(
        "select field_path, json_type, is_read, count_records from main_ses_marts.ses_unfit_values order by all"
    ) == UNFIT

    assert build.query(
        "select message_id, destination, configuration_set, from_addresses, to_addresses"
        " from main_ses_staging.stg_ses__sends order by 1"
    ) == [("drift-1", [RECIPIENT], "marketing", None, None), ("drift-3", [RECIPIENT], "transactional", None, None),
          ("drift-6", [RECIPIENT], "marketing", None, None), ("drift-9", [RECIPIENT], "marketing", [SENDER], [RECIPIENT])]
    assert build.query(
        "select message_id, delivered_recipients, processing_time_millis, destination"
        " from main_ses_staging.stg_ses__deliveries order by 1"
    ) == [("drift-1", [RECIPIENT], None, [RECIPIENT]), ("drift-3", [RECIPIENT], 812, [RECIPIENT]),
          ("drift-4", [RECIPIENT], 5, None), ("drift-5", [RECIPIENT], 7, [RECIPIENT])]
    assert build.query("select message_id, link_tags from main_ses_staging.stg_ses__clicks order by 1") == [
        ("drift-7", {"k": ["v"], "list": ["a"]}), ("drift-8", {"n": None})
    ]
    assert build.query(
        "select new_topic_subscriptions, old_topic_subscriptions from main_ses_staging.stg_ses__subscriptions"
    ) == [([{"topic_name": "news", "subscription_status": "OptOut"}], [{"topic_name": "news", "subscription_status": "OptIn"}])]
    assert build.scalar("select campaign from main_ses_marts.fct_ses_messages where message_id = 'drift-6'") == "spring"
    assert build.query("select message_id, bounced_recipients[1].email_address from main_ses_staging.stg_ses__bounces") == [
        ("drift-2", RECIPIENT)
    ]
    # the recipient read from one string is attributed its delivery
    assert build.query(
        "select message_id, recipient, was_delivered from main_ses_marts.fct_ses_message_recipients"
        " where message_id in ('drift-1', 'drift-5') order by 1"
    ) == [("drift-1", RECIPIENT, True), ("drift-5", RECIPIENT, True)]
    assert build.scalar("select count(*) from main_ses_staging.stg_ses__events") == len(RECORDS)
