"""Envelopes: how one SES record reaches storage (SES_EVENTS.md, section 1).

`EnvelopeRenderer.render(event)` returns the exact text of the stored
record; it depends only on the event, so redeliveries are byte-identical
(SNS retries reuse `MessageId` and `Message`, EventBridge retries reuse `id`).
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable

from .config import GeneratorConfig
from .draws import Draws, RandomSource
from .model import EVENTBRIDGE, EXPORTED, FIREHOSE, LEGACY, SNS, Event, Message
from .records import EXPORT_STYLES, Record, RecordBuilder, dumps
from .sampling import random_uuid, rate_count, shuffled_labels
from .timestamps import iso_utc, iso_utc_seconds
from .vocabulary import EVENT_KINDS, SNS_SUBJECT

_SIGNING_CERT = "SimpleNotificationService-60eadc530605d63b8e62a523676ef735.pem"
LEGACY_BARE, LEGACY_VIA_SNS = 0, 1  # identity notifications arrive through SNS, or bare (raw delivery)
# envelope -> how many forms it comes in (Event.envelope_form)
ENVELOPE_FORMS = {EXPORTED: len(EXPORT_STYLES), LEGACY: len((LEGACY_BARE, LEGACY_VIA_SNS))}


def assign_envelopes(config: GeneratorConfig, events: list[Event]) -> None:
    """Give each event its envelope, in exact shares of all events. Legacy
    notifications exist for Bounce, Complaint and Delivery only."""
    rng = random.Random(f"{config.seed}:envelopes")
    rates = config.envelope_rates
    can_be_legacy = [event for event in events if EVENT_KINDS[event.event_class].legacy]
    legacy = rng.sample(can_be_legacy, min(len(can_be_legacy), rate_count(rates[LEGACY], len(events))))
    for event in legacy:
        event.envelope = LEGACY
    others = [event for event in events if event.envelope != LEGACY]
    weights = {envelope: rate for envelope, rate in rates.items() if envelope != LEGACY}
    weights[FIREHOSE] = max(0.0, 1.0 - sum(rates.values()))
    for event, envelope in zip(others, shuffled_labels(rng, len(others), weights), strict=True):
        event.envelope = envelope
    _assign_forms(rng, events)


def _assign_forms(rng: random.Random, events: list[Event]) -> None:
    """Spread the events of each envelope evenly over its forms, so every form appears."""
    for envelope, form_count in ENVELOPE_FORMS.items():
        members = [event for event in events if event.envelope == envelope]
        forms = shuffled_labels(rng, len(members), {str(form): 1.0 for form in range(form_count)})
        for event, form in zip(members, forms, strict=True):
            event.envelope_form = int(form)


def sns_notification(
    rng: RandomSource, message: Message, *, topic: str, text: str, published_ms: int, subject: str | None
) -> Record:
    """An SNS `Notification` carrying `text` (usually a JSON-encoded SES record) as `Message`."""
    topic_arn = f"arn:aws:sns:{message.aws_region}:{message.account_id}:{topic}"
    notification: Record = {"Type": "Notification", "MessageId": random_uuid(rng), "TopicArn": topic_arn}
    if subject is not None:
        notification["Subject"] = subject
    notification.update(
        {
            "Message": text,
            "Timestamp": iso_utc(published_ms),
            "SignatureVersion": "1",
            "Signature": base64.b64encode(rng.randbytes(256)).decode("ascii"),
            "SigningCertURL": f"https://sns.{message.aws_region}.amazonaws.com/{_SIGNING_CERT}",
            "UnsubscribeURL": (
                f"https://sns.{message.aws_region}.amazonaws.com/?Action=Unsubscribe"
                f"&SubscriptionArn={topic_arn}:{random_uuid(rng)}"
            ),
        }
    )
    return notification


def event_topic(message: Message) -> str:
    return f"ses-{message.configuration_set}-events"


class EnvelopeRenderer:
    """The stored text of an event, in the envelope assigned to it."""

    def __init__(self, builder: RecordBuilder):
        self.builder = builder
        self._renderers: dict[str, Callable[[Event, RandomSource], Record]] = {
            FIREHOSE: self._firehose,
            SNS: self._sns,
            EVENTBRIDGE: self._eventbridge,
            LEGACY: self._legacy,
            EXPORTED: self._exported,
        }

    def render(self, event: Event) -> str:
        return dumps(self._renderers[event.envelope](event, Draws(event.seed)))

    def _firehose(self, event: Event, rng: RandomSource) -> Record:
        return self.builder.ses_record(event, rng)

    def _sns(self, event: Event, rng: RandomSource) -> Record:
        text = dumps(self.builder.ses_record(event, rng))
        published_ms = event.event_ms + rng.randint(20, 900)
        return sns_notification(
            rng,
            event.message,
            topic=event_topic(event.message),
            text=text,
            published_ms=published_ms,
            subject=SNS_SUBJECT,
        )

    def _eventbridge(self, event: Event, rng: RandomSource) -> Record:
        message = event.message
        detail = self.builder.ses_record(event, rng)
        return {
            "version": "0",
            "id": random_uuid(rng),
            "detail-type": EVENT_KINDS[event.event_class].detail_type,
            "source": "aws.ses",
            "account": message.account_id,
            "time": iso_utc_seconds(event.event_ms),
            "region": message.aws_region,
            "resources": [
                f"arn:aws:ses:{message.aws_region}:{message.account_id}:configuration-set/{message.configuration_set}"
            ],
            "detail": detail,
        }

    def _legacy(self, event: Event, rng: RandomSource) -> Record:
        """Identity notifications come through SNS; with raw message delivery, bare."""
        record = self.builder.legacy_record(event, rng)
        if event.envelope_form == LEGACY_BARE:
            return record
        topic = f"ses-{EVENT_KINDS[event.event_class].type_key}-notifications"
        published_ms = event.event_ms + rng.randint(20, 900)
        return sns_notification(
            rng, event.message, topic=topic, text=dumps(record), published_ms=published_ms, subject=None
        )

    def _exported(self, event: Event, rng: RandomSource) -> Record:
        return self.builder.exported_record(event, rng)
