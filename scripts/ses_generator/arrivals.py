"""When each stored record reaches Firehose: on time, late, again (duplicates),
plus the defects mixed in. The result is the list of placements, one per raw
record."""

from __future__ import annotations

import random
from typing import NamedTuple

from .config import GeneratorConfig
from .defects import MALFORMED_KINDS, NON_EVENT_KINDS
from .model import SNS, Event
from .sampling import pick, rate_count
from .timestamps import DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS

ORIGINAL = "original"
DUPLICATE = "duplicate"


class Placement(NamedTuple):
    """One raw record: an event (first copy or redelivery) or a defect kind."""

    arrival_ms: int
    kind: str  # ORIGINAL, DUPLICATE or a defect kind
    event: Event  # the event written, or the one a defect derives from
    seed: int  # seeds a defect's own randomness (0 for events)


def schedule(config: GeneratorConfig, events: list[Event]) -> list[Placement]:
    """Arrival times for every event, their redeliveries, and the defects."""
    rng = random.Random(f"{config.seed}:arrivals")
    late = set(pick(rng, range(len(events)), config.late_rate))
    placements = []
    for index, event in enumerate(events):
        event.arrival_ms = event.event_ms + (_late_lag(rng) if index in late else _on_time_lag(rng))
        placements.append(Placement(event.arrival_ms, ORIGINAL, event, 0))
    placements += _duplicates(rng, config, events)
    placements += _defects(rng, config, events, len(placements))
    return placements


def _on_time_lag(rng: random.Random) -> int:
    return min(int(rng.lognormvariate(7.5, 1.0)), 90 * SECOND_MS)


def _late_lag(rng: random.Random) -> int:
    """Hours late mostly, sometimes days (a stuck delivery stream or a backfill)."""
    if rng.random() < 0.7:
        return rng.randint(HOUR_MS, 30 * HOUR_MS)
    return rng.randint(2 * DAY_MS, 7 * DAY_MS)


def _duplicates(rng: random.Random, config: GeneratorConfig, events: list[Event]) -> list[Placement]:
    """Redeliveries: the same record again, moments later (often the same object)
    or minutes to hours later. At least one is an SNS retry when there are SNS events."""
    chosen = pick(rng, events, config.duplicate_rate)
    sns_events = [event for event in events if event.envelope == SNS]
    if chosen and sns_events and not any(event.envelope == SNS for event in chosen):
        chosen[0] = rng.choice(sns_events)
    duplicates = []
    for event in chosen:
        lag = rng.randint(1, 3 * SECOND_MS) if rng.random() < 0.5 else rng.randint(MINUTE_MS, 12 * HOUR_MS)
        duplicates.append(Placement(event.arrival_ms + lag, DUPLICATE, event, 0))
    return duplicates


def _defects(
    rng: random.Random, config: GeneratorConfig, events: list[Event], records: int
) -> list[Placement]:
    """Each defect kind at its rate (per kind, of the records so far), near a random event."""
    if not events:
        return []
    defects = []
    for kinds, rate in ((MALFORMED_KINDS, config.malformed_rate), (NON_EVENT_KINDS, config.non_event_rate)):
        for kind in kinds:
            for _ in range(rate_count(rate, records)):
                event = rng.choice(events)
                arrival = event.arrival_ms + rng.randint(0, 5 * SECOND_MS)
                defects.append(Placement(arrival, kind, event, rng.getrandbits(63)))
    return defects
