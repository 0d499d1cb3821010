"""Records a pipeline must reject, and why (the ground truth's four reasons).

Malformed records sit on their own line in newline-delimited objects only.
Non-events are valid JSON that is not an SES event, in any object.
"""

from __future__ import annotations

from collections.abc import Callable

from .draws import Draws, RandomSource
from .envelopes import EnvelopeRenderer, event_topic, sns_notification
from .model import Event
from .records import Record, dumps
from .vocabulary import EVENT_KINDS, SNS_SUBSCRIPTION_SUCCEEDED, SNS_VALIDATION_MESSAGE

INVALID_JSON = "invalid_json"
NOT_AN_SES_EVENT = "not_an_ses_event"
UNKNOWN_EVENT_TYPE = "unknown_event_type"
MISSING_MESSAGE_ID = "missing_message_id"
REJECTION_REASONS: tuple[str, ...] = (INVALID_JSON, NOT_AN_SES_EVENT, UNKNOWN_EVENT_TYPE, MISSING_MESSAGE_ID)

# defect kind -> rejection reason
MALFORMED_KINDS: dict[str, str] = {
    "truncated_json": INVALID_JSON,
    "not_json": INVALID_JSON,
    "unknown_event_type": UNKNOWN_EVENT_TYPE,
    "missing_message_id": MISSING_MESSAGE_ID,
}
NON_EVENT_KINDS: dict[str, str] = {
    "sns_validation": NOT_AN_SES_EVENT,
    "sns_subscription_succeeded": NOT_AN_SES_EVENT,
    "firehose_test_record": NOT_AN_SES_EVENT,
}
DEFECT_KINDS: dict[str, str] = {**MALFORMED_KINDS, **NON_EVENT_KINDS}

NOT_JSON_TEXTS: tuple[str, ...] = (
    "Task timed out after 3.00 seconds",
    "<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>",
    "ERROR Failed to transform record: KeyError('mail')",
    "{'eventType': 'Send', 'mail': {'messageId': None}}",  # a Python repr, not JSON
    "eventType=Delivery status=OK",
)
# (eventType, type object key) of unknown classes; "Received" is an inbound-mail notification.
_UNKNOWN_TYPES: tuple[tuple[str, str], ...] = (
    ("Unsubscribe", "unsubscribe"),
    ("Foo", "foo"),
    ("Received", "receipt"),
)


class DefectRenderer:
    """The stored text of a defect. `event` is the real event it was derived from
    (or, for non-events, whose account and region it borrows)."""

    def __init__(self, envelopes: EnvelopeRenderer):
        self._envelopes = envelopes
        self._renderers: dict[str, Callable[[Event, RandomSource], str]] = {
            "truncated_json": self._truncated_json,
            "not_json": self._not_json,
            "unknown_event_type": self._unknown_event_type,
            "missing_message_id": self._missing_message_id,
            "sns_validation": self._sns_validation,
            "sns_subscription_succeeded": self._sns_subscription_succeeded,
            "firehose_test_record": self._firehose_test_record,
        }

    def render(self, kind: str, event: Event, seed: int) -> str:
        return self._renderers[kind](event, Draws(seed))

    def _truncated_json(self, event: Event, rng: RandomSource) -> str:
        text = self._envelopes.render(event)
        return text[: rng.randint(len(text) // 3, len(text) - 1)]

    def _not_json(self, event: Event, rng: RandomSource) -> str:
        return rng.choice(NOT_JSON_TEXTS)

    def _unknown_event_type(self, event: Event, rng: RandomSource) -> str:
        record = self._bare_record(event)
        type_object = record.pop(EVENT_KINDS[event.event_class].type_key)
        event_type, type_key = rng.choice(_UNKNOWN_TYPES)
        if event_type == "Received":  # legacy style: notificationType, no tags
            record.pop("eventType")
            record["mail"].pop("tags")
            return dumps({"notificationType": event_type, **record, type_key: type_object})
        return dumps({**record, "eventType": event_type, type_key: type_object})

    def _missing_message_id(self, event: Event, rng: RandomSource) -> str:
        record = self._bare_record(event)
        del record["mail"]["messageId"]
        return dumps(record)

    def _sns_validation(self, event: Event, rng: RandomSource) -> str:
        return dumps(
            sns_notification(
                rng,
                event.message,
                topic=event_topic(event.message),
                text=SNS_VALIDATION_MESSAGE,
                published_ms=event.arrival_ms,
                subject=None,
            )
        )

    def _sns_subscription_succeeded(self, event: Event, rng: RandomSource) -> str:
        message = event.message
        topic_arn = f"arn:aws:sns:{message.aws_region}:{message.account_id}:ses-bounce-notifications"
        body = {
            "notificationType": SNS_SUBSCRIPTION_SUCCEEDED,
            "message": (
                f"You have successfully subscribed your Amazon SNS topic '{topic_arn}' to receive "
                f"'Bounce' notifications from Amazon SES for identity '{message.sender.domain}'."
            ),
        }
        if rng.random() < 0.5:
            return dumps(body)
        return dumps(
            sns_notification(
                rng,
                message,
                topic="ses-bounce-notifications",
                text=dumps(body),
                published_ms=event.arrival_ms,
                subject=None,
            )
        )

    def _firehose_test_record(self, event: Event, rng: RandomSource) -> str:
        """What Firehose's "Test with demo data" button sends."""
        return dumps(
            {
                "ticker_symbol": rng.choice(("QXZ", "HJK", "NGC", "WMT")),
                "sector": rng.choice(("HEALTHCARE", "ENERGY", "TECHNOLOGY", "RETAIL")),
                "change": round(rng.uniform(-5, 5), 2),
                "price": round(rng.uniform(10, 200), 2),
            }
        )

    def _bare_record(self, event: Event) -> Record:
        return self._envelopes.builder.ses_record(event, Draws(event.seed))
