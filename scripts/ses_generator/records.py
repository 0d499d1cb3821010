"""SES records as dicts: the `mail` object and the ten type objects.

Builders are deterministic in (event, rng): the caller draws from
`Draws(event.seed)`, so rebuilding an event gives the same record.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from .draws import RandomSource
from .model import HEADERS_EMPTY, HEADERS_FULL, Event, Message, ses_style_id
from .pools import ValuePools
from .sampling import Weighted
from .timestamps import HOUR_MS, SECOND_MS, iso_utc, naive_utc, with_offset
from .vocabulary import (
    BOUNCE,
    BOUNCE_CHOICES,
    CLICK,
    COMPLAINT,
    COMPLAINT_USER_AGENTS,
    CONTACT_LISTS,
    DELAY_DIAGNOSTICS,
    DELIVERY,
    DELIVERY_DELAY,
    EVENT_KINDS,
    OPEN,
    OPT_IN,
    OPT_OUT_ALL,
    REJECT,
    REJECT_REASONS,
    RENDERING_ERRORS,
    RENDERING_FAILURE,
    SEND,
    SMTP_DELIVERY_RESPONSES,
    SUBSCRIPTION,
    SUBSCRIPTION_SOURCES,
    SUPPRESSION_SUBTYPES,
)

Record = dict[str, Any]
Stamp = Callable[[int], str]  # renders an epoch-ms time

COMPACT = (",", ":")
UTC_OFFSETS_MINUTES = (-300, -240, -420, 60, 120, 330, 540)
SES_RETRY_WINDOW_MS = 14 * HOUR_MS
# The forms of exported records: (type object as a JSON string?, timestamp zone: "Z", "none" or "offset")
EXPORT_STYLES = ((True, "Z"), (False, "none"), (False, "offset"), (True, "none"))
_SUBSCRIPTION_SOURCES = Weighted(SUBSCRIPTION_SOURCES, (0.7, 0.3))
# complaintSubType when not OnAccountSuppressionList (planned): an explicit null is the
# common case; "absent" leaves the key out
_COMPLAINT_SUBTYPES = Weighted((None, "absent"), (0.8, 0.2))
_BOUNCES_BY_DETAIL = {f"{kind}/{subtype}": rest for kind, subtype, *rest in BOUNCE_CHOICES}


_ENCODER = json.JSONEncoder(separators=COMPACT, check_circular=False)  # records have no cycles


def dumps(value: object) -> str:
    """Compact JSON, as SES writes it."""
    return _ENCODER.encode(value)


class RecordBuilder:
    """Builds the SES record of an event in its event-publishing, legacy or exported form."""

    def __init__(self, pools: ValuePools):
        self._pools = pools
        self._type_objects: dict[str, Callable[[Event, RandomSource, Stamp], Record]] = {
            SEND: self._send,
            REJECT: self._reject,
            DELIVERY: self._delivery,
            BOUNCE: self._bounce,
            COMPLAINT: self._complaint,
            OPEN: self._open,
            CLICK: self._click,
            RENDERING_FAILURE: self._failure,
            DELIVERY_DELAY: self._delivery_delay,
            SUBSCRIPTION: self._subscription,
        }

    # --- whole records ---------------------------------------------------------
    def ses_record(self, event: Event, rng: RandomSource, stamp: Stamp = iso_utc) -> Record:
        """The event-publishing record: eventType, mail, type object."""
        kind = EVENT_KINDS[event.event_class]
        return {
            "eventType": kind.event_type,
            "mail": self._mail(event, stamp, legacy=False),
            kind.type_key: self._type_objects[event.event_class](event, rng, stamp),
        }

    def legacy_record(self, event: Event, rng: RandomSource) -> Record:
        """A legacy identity notification: notificationType, type object, mail without tags."""
        kind = EVENT_KINDS[event.event_class]
        if not kind.legacy:
            raise ValueError(f"{event.event_class} has no legacy notification")
        return {
            "notificationType": kind.event_type,
            kind.type_key: self._type_objects[event.event_class](event, rng, iso_utc),
            "mail": self._mail(event, iso_utc, legacy=True),
        }

    def exported_record(self, event: Event, rng: RandomSource) -> Record:
        """An exported copy: the type object as a JSON string, and/or every timestamp
        without a zone (UTC) or with a UTC offset. Either way it is recognisable:
        the type object is a string or `mail.timestamp` does not end in `Z`."""
        string_type_object, zone = EXPORT_STYLES[event.envelope_form]
        stamp: Stamp = iso_utc
        if zone == "none":
            stamp = naive_utc
        elif zone == "offset":
            stamp = partial(with_offset, offset_minutes=rng.choice(UTC_OFFSETS_MINUTES))
        record = self.ses_record(event, rng, stamp)
        if string_type_object:
            type_key = EVENT_KINDS[event.event_class].type_key
            record[type_key] = dumps(record[type_key])
        return record

    # --- mail ------------------------------------------------------------------
    def _mail(self, event: Event, stamp: Stamp, *, legacy: bool) -> Record:
        message = event.message
        mail: Record = {
            "timestamp": stamp(message.mail_ms),
            "source": message.sender.source,
        }
        if message.has_source_arn:
            mail["sourceArn"] = (
                f"arn:aws:ses:{message.aws_region}:{message.account_id}:identity/{message.sender.domain}"
            )
        if legacy:
            mail["sourceIp"] = message.source_ip
            mail["callerIdentity"] = message.caller_identity
        mail["sendingAccountId"] = message.account_id
        mail["messageId"] = message.message_id
        mail["destination"] = list(message.recipients)
        mail["headersTruncated"] = False
        if event.event_class != RENDERING_FAILURE:  # a rendering failure's mail is minimal
            subject = None if event.event_class == SEND and message.templated else message.subject
            mail.update(_header_fields(message, subject, legacy=legacy))
        if not legacy:
            mail["tags"] = _tags(message, EVENT_KINDS[event.event_class].delivery_attempted)
        return mail

    # --- type objects ------------------------------------------------------------
    def _send(self, event: Event, rng: RandomSource, stamp: Stamp) -> Record:
        return {}

    def _reject(self, event: Event, rng: RandomSource, stamp: Stamp) -> Record:
        return {"reason": rng.choice(REJECT_REASONS)}

    def _failure(self, event: Event, rng: RandomSource, stamp: Stamp) -> Record:
        return {"errorMessage": rng.choice(RENDERING_ERRORS), "templateName": event.message.template_name}

    def _delivery(self, event: Event, rng: RandomSource, stamp: Stamp) -> Record:
        delivery: Record = {
            "timestamp": stamp(event.event_ms),
            "processingTimeMillis": event.event_ms - event.message.mail_ms,
            "recipients": list(event.recipients),
            "smtpResponse": rng.choice(SMTP_DELIVERY_RESPONSES),
            "reportingMTA": _reporting_mta(rng, event.message),
        }
        if rng.random() < 0.9:
            delivery["remoteMtaIp"] = rng.choice(self._pools.mta_ips)
        return delivery

    def _bounce(self, event: Event, rng: RandomSource, stamp: Stamp) -> Record:
        bounce_type, bounce_subtype = event.detail.split("/")
        _, status, diagnostic = _BOUNCES_BY_DETAIL[event.detail]
        if rng.random() < 0.1 and bounce_type != "Permanent":
            recipients: list[Record] = [{"emailAddress": address} for address in event.recipients]
        else:
            recipients = [
                {"emailAddress": address, "action": "failed", "status": status, "diagnosticCode": diagnostic}
                for address in event.recipients
            ]
        bounce: Record = {
            "feedbackId": ses_style_id(rng, event.message.aws_region, event.event_ms),
            "bounceType": bounce_type,
            "bounceSubType": bounce_subtype,
            "bouncedRecipients": recipients,
            "timestamp": stamp(event.event_ms),
        }
        if bounce_subtype in SUPPRESSION_SUBTYPES:
            bounce["reportingMTA"] = "dns; amazonses.com"
        else:
            bounce["remoteMtaIp"] = rng.choice(self._pools.mta_ips)
            bounce["reportingMTA"] = f"dsn; {_reporting_mta(rng, event.message)}"
        return bounce

    def _complaint(self, event: Event, rng: RandomSource, stamp: Stamp) -> Record:
        complaint: Record = {"feedbackId": ses_style_id(rng, event.message.aws_region, event.event_ms)}
        on_list = event.on_account_suppression_list
        subtype = "OnAccountSuppressionList" if on_list else _COMPLAINT_SUBTYPES.draw(rng)
        if subtype != "absent":
            complaint["complaintSubType"] = subtype
        complaint["complainedRecipients"] = [{"emailAddress": address} for address in event.recipients]
        complaint["timestamp"] = stamp(event.event_ms)
        if event.detail:
            arrived_ms = event.event_ms - rng.randint(SECOND_MS, 120 * SECOND_MS)
            complaint["userAgent"] = rng.choice(COMPLAINT_USER_AGENTS)
            complaint["complaintFeedbackType"] = event.detail
            complaint["arrivalDate"] = (
                with_offset(arrived_ms, rng.choice(UTC_OFFSETS_MINUTES))
                if stamp is iso_utc and rng.random() < 0.4
                else stamp(arrived_ms)
            )
        return complaint

    def _open(self, event: Event, rng: RandomSource, stamp: Stamp) -> Record:
        return {
            "ipAddress": event.ip_address,
            "timestamp": stamp(event.event_ms),
            "userAgent": event.user_agent,
        }

    def _click(self, event: Event, rng: RandomSource, stamp: Stamp) -> Record:
        click: Record = {
            "ipAddress": event.ip_address,
            "timestamp": stamp(event.event_ms),
            "userAgent": event.user_agent,
            "link": event.detail,
        }
        if event.link_tags is not None:
            click["linkTags"] = event.link_tags
        return click

    def _delivery_delay(self, event: Event, rng: RandomSource, stamp: Stamp) -> Record:
        status, diagnostic = rng.choice(DELAY_DIAGNOSTICS)
        delay: Record = {
            "timestamp": stamp(event.event_ms),
            "delayType": event.detail,
            "expirationTime": stamp(event.message.mail_ms + SES_RETRY_WINDOW_MS),
            "delayedRecipients": [
                {"emailAddress": address, "status": status, "diagnosticCode": diagnostic}
                for address in event.recipients
            ],
        }
        if rng.random() < 0.8:
            delay["reportingMTA"] = _reporting_mta(rng, event.message)
        return delay

    def _subscription(self, event: Event, rng: RandomSource, stamp: Stamp) -> Record:
        """The planned change: an opt-in turns the topic OptOut -> OptIn, an opt-out
        OptIn -> OptOut; only an opt-out of everything sets unsubscribeAll."""
        opt_in = event.subscription_change == OPT_IN
        old_status, new_status = ("OptOut", "OptIn") if opt_in else ("OptIn", "OptOut")
        old = {
            "unsubscribeAll": False,
            "topicSubscriptionStatus": [{"topicName": event.topic, "subscriptionStatus": old_status}],
        }
        new = {
            "unsubscribeAll": event.subscription_change == OPT_OUT_ALL,
            "topicSubscriptionStatus": [{"topicName": event.topic, "subscriptionStatus": new_status}],
        }
        if rng.random() < 0.3:
            old["topicDefaultSubscriptionStatus"] = new["topicDefaultSubscriptionStatus"] = "OptIn"
        return {
            "contactList": rng.choice(CONTACT_LISTS),
            "timestamp": stamp(event.event_ms),
            "source": _SUBSCRIPTION_SOURCES.draw(rng),
            "newTopicPreferences": new,
            "oldTopicPreferences": old,
        }


def _header_fields(message: Message, subject: str | None, *, legacy: bool) -> Record:
    """`headers` and `commonHeaders`. Event publishing always has commonHeaders, with
    headers in full, `[]` or absent; legacy notifications have both only when enabled."""
    if message.headers_mode == HEADERS_FULL:
        return {"headers": _headers(message, subject), "commonHeaders": _common_headers(message, subject)}
    if legacy:
        return {}
    fields: Record = {"headers": []} if message.headers_mode == HEADERS_EMPTY else {}
    fields["commonHeaders"] = _common_headers(message, subject)
    return fields


def _headers(message: Message, subject: str | None) -> list[Record]:
    headers = [
        {"name": "From", "value": message.sender.from_header},
        {"name": "To", "value": ", ".join(message.recipients)},
    ]
    if subject is not None:
        headers.append({"name": "Subject", "value": subject})
    headers += [
        {"name": "MIME-Version", "value": "1.0"},
        {"name": "Content-Type", "value": f'multipart/alternative; boundary="{_mime_boundary(message)}"'},
        {"name": "Message-ID", "value": message.header_message_id},
        {"name": "Date", "value": message.date_header},
    ]
    if message.configuration_set != "transactional":
        headers.append(
            {
                "name": "List-Unsubscribe",
                "value": f"<https://{message.sender.domain}/unsubscribe?c={message.campaign or 'none'}>",
            }
        )
    return headers


def _common_headers(message: Message, subject: str | None) -> Record:
    common: Record = {
        "from": [message.sender.from_header],
        "date": message.date_header,
        "to": [", ".join(message.recipients)] if message.to_joined else list(message.recipients),
        "messageId": message.header_message_id,
    }
    if subject is not None:
        common["subject"] = subject
    return common


def _tags(message: Message, delivery_attempted: bool) -> dict[str, list[str]]:
    tags = {
        "ses:operation": [message.operation],
        "ses:configuration-set": [message.configuration_set],
        "ses:source-ip": [message.source_ip],
        "ses:from-domain": [message.sender.domain],
        "ses:caller-identity": [message.caller_identity],
    }
    if delivery_attempted:
        tags["ses:outgoing-ip"] = [message.outgoing_ip]
    if message.campaign:
        tags["campaign"] = [message.campaign]
    return tags


def _mime_boundary(message: Message) -> str:
    return f"----=_Part_{message.header_message_id[1:9]}.{message.mail_ms}"


def _reporting_mta(rng: RandomSource, message: Message) -> str:
    """An SES sending host, e.g. `a48-108.smtp-out.us-east-1.amazonses.com`."""
    host = f"{rng.choice('abe')}{rng.randint(1, 250)}-{rng.randint(1, 250)}"
    return f"{host}.smtp-out.{message.aws_region}.amazonses.com"
