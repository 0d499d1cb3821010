"""The exact answers a correct pipeline must report, from the plan itself.

Definitions (also in `scripts/generate_ses_data.py --help`):
- raw record: one stored record (an NDJSON line or one object of a concatenation);
- duplicate: a valid event record whose unwrapped SES record repeats one already
  counted; raw_records = distinct_events + duplicate_records + sum(rejected_records);
- envelopes: distinct events per envelope (they sum to distinct_events);
- event time: the type object's timestamp, else mail.timestamp;
- engagement: who made an open or click (human, machine, proxy, bot) and the
  rule that recognises a non-human one, as planned (see scenarios.py).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .arrivals import DUPLICATE, Placement
from .defects import DEFECT_KINDS, REJECTION_REASONS
from .model import ENVELOPES, Event, Message
from .records import dumps
from .timestamps import iso_utc
from .vocabulary import (
    CLICK,
    CLICK_ENGAGEMENTS,
    CLICK_RULES,
    EVENT_CLASSES,
    OPEN,
    OPEN_ENGAGEMENTS,
    OPEN_RULES,
    PROVIDERS,
    REGIONS,
    SUBSCRIPTION_CHANGES,
)
from .writer import FirehoseObject

EVENT_COLUMNS = (
    "message_id",
    "event_class",
    "event_at",
    "recipients",
    "envelope",
    "detail",
    "ip_address",
    "user_agent",
    "link_tags",
    "engagement",
    "engagement_rule",
    "on_account_suppression_list",
    "subscription_change",
)
MESSAGE_COLUMNS = (
    "message_id",
    "sent_at",
    "configuration_set",
    "sending_domain",
    "campaign",
    "recipients",
    "mailbox_providers",
    "tracks_opens",
    "tracks_clicks",
    "requested",
)
# (event class, its engagements, its rules) in the `engagement` figures
_ENGAGEMENT_TALLIES = ((OPEN, OPEN_ENGAGEMENTS, OPEN_RULES), (CLICK, CLICK_ENGAGEMENTS, CLICK_RULES))


def summarize(
    seed: int,
    messages: list[Message],
    events: list[Event],
    placements: list[Placement],
    objects: list[FirehoseObject],
) -> dict[str, Any]:
    requested = [message for message in messages if message.requested]
    requested_ids = {message.message_id for message in requested}
    event_message_ids: set[str] = set()
    opened: set[str] = set()
    clicked: set[str] = set()
    multi_recipient: set[str] = set()
    per_region: dict[str, Counter[str]] = {region: Counter() for region in REGIONS}
    for event in events:
        message = event.message
        event_message_ids.add(message.message_id)
        if event.event_class == OPEN:
            opened.add(message.message_id)
        elif event.event_class == CLICK:
            clicked.add(message.message_id)
        if len(message.recipients) > 1:
            multi_recipient.add(message.message_id)
        if message.requested:
            per_region[message.region][event.event_class] += 1
    kinds = Counter(placement.kind for placement in placements)
    rejected: Counter[str] = Counter()
    for kind, reason in DEFECT_KINDS.items():
        rejected[reason] += kinds[kind]
    return {
        "seed": seed,
        "messages_requested": len(requested_ids),
        "request_rows": sum(len(message.recipients) for message in requested),
        "raw_records": len(placements),
        "files": len(objects),
        "distinct_events": len(events),
        "duplicate_records": kinds[DUPLICATE],
        "rejected_records": _tally(REJECTION_REASONS, rejected),
        "events_per_class": _tally(EVENT_CLASSES, Counter(event.event_class for event in events)),
        "messages": len(event_message_ids),
        "messages_per_region": _tally(REGIONS, Counter(message.region for message in requested)),
        "events_per_class_per_region": {
            region: _tally(EVENT_CLASSES, per_region[region]) for region in REGIONS
        },
        "messages_without_request": len(event_message_ids - requested_ids),
        "requests_without_events": len(requested_ids - event_message_ids),
        "opened_not_clicked_messages": len(opened - clicked),
        "multi_recipient_messages": len(multi_recipient),
        "envelopes": _tally(ENVELOPES, Counter(event.envelope for event in events)),
        "engagement": _engagement(events),
        "subscription_changes": _tally(
            SUBSCRIPTION_CHANGES, Counter(event.subscription_change for event in events)
        ),
        "recipients_per_provider": _recipients_per_provider(reported_messages(messages, events)),
    }


def reported_messages(messages: list[Message], events: list[Event]) -> list[Message]:
    """The messages a pipeline can know of: those with an event or a send-log row, in send order."""
    with_events = {id(event.message) for event in events}
    return [message for message in messages if message.requested or id(message) in with_events]


def write_ground_truth(
    out_dir: Path, summary: dict[str, Any], messages: list[Message], events: list[Event]
) -> None:
    (out_dir / "ground_truth.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    _write_csv(out_dir / "ground_truth_events.csv", EVENT_COLUMNS, map(_event_row, events))
    _write_csv(
        out_dir / "ground_truth_messages.csv",
        MESSAGE_COLUMNS,
        map(_message_row, reported_messages(messages, events)),
    )


def _write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


def _event_row(event: Event) -> tuple[str, ...]:
    return (
        event.message.message_id,
        event.event_class,
        iso_utc(event.event_ms),
        ";".join(event.recipients),
        event.envelope,
        event.detail,
        event.ip_address,
        event.user_agent,
        "" if event.link_tags is None else dumps(event.link_tags),
        event.engagement,
        event.engagement_rule,
        _flag(event.on_account_suppression_list),
        event.subscription_change,
    )


def _message_row(message: Message) -> tuple[str, ...]:
    return (
        message.message_id,
        iso_utc(message.mail_ms),
        message.configuration_set,
        message.sender.domain,
        message.campaign,
        ";".join(recipient.lower() for recipient in message.recipients),
        ";".join(message.mailbox_providers),
        _flag(message.tracks_opens),
        _flag(message.tracks_clicks),
        _flag(message.requested),
    )


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _engagement(events: list[Event]) -> dict[str, dict[str, dict[str, int]]]:
    """Open and click events per engagement and per engagement rule."""
    figures = {}
    for event_class, engagements, rules in _ENGAGEMENT_TALLIES:
        members = [event for event in events if event.event_class == event_class]
        figures[event_class] = {
            "per_engagement": _tally(engagements, Counter(event.engagement for event in members)),
            "per_rule": _tally(rules, Counter(event.engagement_rule for event in members)),
        }
    return figures


def _recipients_per_provider(messages: list[Message]) -> dict[str, int]:
    """Distinct addressed recipients (lower-cased) per mailbox provider."""
    providers = dict(_addressed(messages))
    return _tally(PROVIDERS, Counter(providers.values()))


def _addressed(messages: list[Message]) -> Iterator[tuple[str, str]]:
    for message in messages:
        for recipient, provider in zip(message.recipients, message.mailbox_providers, strict=True):
            yield recipient.lower(), provider


def _tally(labels: tuple[str, ...], counts: Counter[str]) -> dict[str, int]:
    """Counts for every label, zeros included, in the labels' order."""
    return {label: counts[label] for label in labels}
