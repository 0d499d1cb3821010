"""The exact answers a correct pipeline must report, from the plan itself.

Definitions (also in `scripts/generate_ses_data.py --help`):
- raw record: one stored record (an NDJSON line or one object of a concatenation);
- duplicate: a valid event record whose unwrapped SES record repeats one already
  counted; raw_records = distinct_events + duplicate_records + sum(rejected_records);
- envelopes: distinct events per envelope (they sum to distinct_events);
- event time: the type object's timestamp, else mail.timestamp.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

from .arrivals import DUPLICATE, Placement
from .defects import DEFECT_KINDS, REJECTION_REASONS
from .model import ENVELOPES, Event, Message
from .timestamps import iso_utc
from .vocabulary import CLICK, EVENT_CLASSES, OPEN, REGIONS
from .writer import FirehoseObject

EVENT_COLUMNS = ("message_id", "event_class", "event_at", "recipients", "envelope", "detail")


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
    }


def write_ground_truth(out_dir: Path, summary: dict[str, Any], events: list[Event]) -> None:
    (out_dir / "ground_truth.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    with (out_dir / "ground_truth_events.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(EVENT_COLUMNS)
        writer.writerows(
            (
                event.message.message_id,
                event.event_class,
                iso_utc(event.event_ms),
                ";".join(event.recipients),
                event.envelope,
                event.detail,
            )
            for event in events
        )


def _tally(labels: tuple[str, ...], counts: Counter[str]) -> dict[str, int]:
    """Counts for every label, zeros included, in the labels' order."""
    return {label: counts[label] for label in labels}
