"""Journeys: the sequence of SES events each message goes through.

A journey is a short function over the steps of `Journey` (send, deliver,
bounce, open, ...). Steps advance one clock per message, so the events of a
message have strictly increasing times (only Send and Rendering Failure share
`mail.timestamp`), and no two distinct events ever have identical content.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tqdm import tqdm

from .config import GeneratorConfig
from .model import Event, Message, new_message
from .pools import ValuePools
from .sampling import Weighted, pick, shuffled_labels
from .timestamps import DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, parse_utc
from .vocabulary import (
    BOUNCE,
    BOUNCE_CHOICES,
    CLICK,
    COMPLAINT,
    COMPLAINT_FEEDBACK_TYPES,
    COMPLAINT_FEEDBACK_WEIGHTS,
    DELAY_TYPES,
    DELAY_WEIGHTS,
    DELIVERY,
    DELIVERY_DELAY,
    OPEN,
    REGION_WEIGHTS,
    REGIONS,
    REJECT,
    RENDERING_FAILURE,
    SEND,
    SIMULATOR_BOUNCE,
    SIMULATOR_COMPLAINT,
    SIMULATOR_OOTO,
    SIMULATOR_SUCCESS,
    SIMULATOR_SUPPRESSION,
    SUBSCRIPTION,
    SUPPRESSION_SUBTYPES,
)

OPENS_KEEP_ARRIVING_MS = 60 * DAY_MS
_BOUNCE_DETAILS = tuple(f"{kind}/{subtype}" for kind, subtype, *_ in BOUNCE_CHOICES)
_BOUNCES = Weighted(_BOUNCE_DETAILS, tuple(weight for _, _, weight, *_ in BOUNCE_CHOICES))
# After delivery delays SES gives up with a soft or plain hard bounce, never a suppression.
_BOUNCES_AFTER_DELAYS = Weighted(
    _BOUNCE_DETAILS,
    tuple(0.0 if subtype in SUPPRESSION_SUBTYPES else weight for _, subtype, weight, *_ in BOUNCE_CHOICES),
)
_DELAY_TYPES = Weighted(DELAY_TYPES, DELAY_WEIGHTS)
_FEEDBACK_TYPES = Weighted(COMPLAINT_FEEDBACK_TYPES, COMPLAINT_FEEDBACK_WEIGHTS)
_REGIONS = Weighted(REGIONS, REGION_WEIGHTS)
_SIMULATOR_BOUNCES = {
    SIMULATOR_BOUNCE: "Permanent/General",
    SIMULATOR_SUPPRESSION: "Permanent/OnAccountSuppressionList",
}


class Journey:
    """The steps one message can go through; each step appends events."""

    def __init__(self, rng: random.Random, pools: ValuePools, message: Message, events: list[Event]):
        self.rng = rng
        self.message = message
        self.recipients = message.recipients
        self._pools = pools
        self._events = events
        self._clock = message.mail_ms
        self._links: tuple[str, ...] = ()

    # --- steps -----------------------------------------------------------
    def send(self) -> None:
        self._emit(SEND, self.message.mail_ms)

    def reject(self) -> None:
        self._emit(REJECT, self.message.mail_ms)

    def rendering_failure(self) -> None:
        self._emit(RENDERING_FAILURE, self.message.mail_ms)

    def deliver(self, recipients: tuple[str, ...]) -> None:
        for group in self._recipient_groups(recipients):
            self._emit(DELIVERY, self._advance(self.rng.lognormvariate(7.0, 0.7)), group)

    def bounce(self, recipients: tuple[str, ...], *, after_delays: bool = False) -> None:
        bounces = _BOUNCES_AFTER_DELAYS if after_delays else _BOUNCES
        for group in self._recipient_groups(recipients):
            detail = _SIMULATOR_BOUNCES.get(group[0]) or bounces.draw(self.rng)
            self._emit(BOUNCE, self._advance(self.rng.uniform(0.5, 90) * SECOND_MS), group, detail)

    def delay(self, recipients: tuple[str, ...]) -> None:
        for _ in range(self.rng.randint(1, 3)):
            for group in self._recipient_groups(recipients):
                delay_type = _DELAY_TYPES.draw(self.rng)
                at = self._advance(self.rng.uniform(10, 90) * MINUTE_MS)
                self._emit(DELIVERY_DELAY, at, group, delay_type)

    def complain(self) -> None:
        recipient = (self.rng.choice(self.recipients),)
        feedback = _FEEDBACK_TYPES.draw(self.rng)
        detail = feedback if self.rng.random() < 0.8 else ""  # some reports carry no feedback type
        at = self._advance(30 * SECOND_MS + self.rng.expovariate(1 / (8 * HOUR_MS)))
        self._emit(COMPLAINT, at, recipient, detail)

    def open(self) -> None:
        """A first open: a privacy proxy pre-fetching the pixel, or a person hours later."""
        if self.rng.random() < 0.2:
            user_agent = self.rng.choice(self._pools.machine_user_agents)
            self._open_after(self.rng.uniform(1, 90) * SECOND_MS, user_agent)
        else:
            user_agent = self.rng.choice(self._pools.user_agents)
            self._open_after(self.rng.expovariate(1 / (3 * HOUR_MS)), user_agent)

    def repeat_opens(self) -> None:
        """Zero or more later opens by the same reader."""
        user_agent = self.rng.choice(self._pools.user_agents)
        for _ in range(self._repeats(0.35, limit=5)):
            self._open_after(self.rng.expovariate(1 / (18 * HOUR_MS)), user_agent)

    def clicks(self) -> None:
        for _ in range(1 + self._repeats(0.3, limit=3)):
            at = self._advance(2 * SECOND_MS + self.rng.expovariate(1 / (2 * MINUTE_MS)))
            self._emit(CLICK, at, (), self.rng.choice(self._message_links()))

    def unsubscribe(self) -> None:
        self._emit(SUBSCRIPTION, self._advance(MINUTE_MS + self.rng.expovariate(1 / (6 * HOUR_MS))))

    def split_recipients(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(affected, others): at least one recipient affected, the rest not."""
        affected = self.rng.randint(1, len(self.recipients))
        return self.recipients[:affected], self.recipients[affected:]

    # --- helpers ---------------------------------------------------------
    def _emit(self, event_class: str, at_ms: int, recipients: tuple[str, ...] = (), detail: str = "") -> None:
        self._events.append(
            Event(self.message, event_class, at_ms, recipients, detail, self.rng.getrandbits(63))
        )

    def _advance(self, delay_ms: float) -> int:
        self._clock += max(1, int(delay_ms))
        return self._clock

    def _open_after(self, delay_ms: float, user_agent: str) -> None:
        remaining = self.message.mail_ms + OPENS_KEEP_ARRIVING_MS - self._clock
        self._emit(OPEN, self._advance(min(delay_ms, max(1, remaining))), (), user_agent)

    def _message_links(self) -> tuple[str, ...]:
        """The 1-4 tracked links in the message body (drawn when first clicked)."""
        if not self._links:
            message = self.message
            self._links = tuple(
                f"https://{message.sender.domain}/{self.rng.choice(self._pools.link_paths)}"
                f"?utm_source=ses&utm_campaign={message.campaign}"
                for _ in range(self.rng.randint(1, 4))
            )
        return self._links

    def _recipient_groups(self, recipients: tuple[str, ...]) -> list[tuple[str, ...]]:
        if not recipients:
            return []
        if self.message.split_recipient_events:
            return [(recipient,) for recipient in recipients]
        return [recipients]

    def _repeats(self, probability: float, limit: int) -> int:
        """How many times something happens again, each time with `probability`."""
        count = 0
        while count < limit and self.rng.random() < probability:
            count += 1
        return count


# --- the journeys ----------------------------------------------------------
def _delivered(j: Journey) -> None:
    j.send()
    j.deliver(j.recipients)


def _rejected(j: Journey) -> None:
    j.reject()


def _bounced(j: Journey) -> None:
    j.send()
    bounced, delivered = j.split_recipients()
    j.bounce(bounced)
    j.deliver(delivered)


def _complained(j: Journey) -> None:
    _delivered(j)
    j.complain()


def _opened(j: Journey) -> None:
    _delivered(j)
    j.open()
    j.repeat_opens()


def _clicked(j: Journey) -> None:
    _delivered(j)
    if j.rng.random() < 0.9:  # images blocked: a click without an open
        j.open()
    j.clicks()
    j.repeat_opens()


def _render_failed(j: Journey) -> None:
    j.send()
    j.rendering_failure()


def _delayed_then_delivered(j: Journey) -> None:
    j.send()
    delayed, prompt = j.split_recipients()
    j.deliver(prompt)
    j.delay(delayed)
    j.deliver(delayed)


def _delayed_then_bounced(j: Journey) -> None:
    j.send()
    delayed, prompt = j.split_recipients()
    j.deliver(prompt)
    j.delay(delayed)
    j.bounce(delayed, after_delays=True)


def _unsubscribed(j: Journey) -> None:
    _delivered(j)
    if j.rng.random() < 0.6:
        j.open()
    j.unsubscribe()


def _orphan_opens(j: Journey) -> None:
    j.open()
    j.repeat_opens()


def _orphan_clicks(j: Journey) -> None:
    j.clicks()


def _orphan_bounce(j: Journey) -> None:
    j.bounce(j.recipients)


def _no_events(j: Journey) -> None:
    pass


@dataclass(frozen=True)
class JourneySpec:
    name: str
    rate_option: str | None  # the JOURNEY_RATES option it takes its share from; None = the rest
    share: float  # its fraction of that option's rate
    run: Callable[[Journey], None]
    simulator_addresses: tuple[str, ...] = (SIMULATOR_SUCCESS,)
    always_templated: bool = False
    orphan: bool = False


JOURNEYS: dict[str, JourneySpec] = {
    spec.name: spec
    for spec in (
        JourneySpec("delivered", None, 1, _delivered, (SIMULATOR_SUCCESS, SIMULATOR_OOTO)),
        JourneySpec("reject", "reject", 1, _rejected),
        JourneySpec("bounce", "bounce", 1, _bounced, (SIMULATOR_BOUNCE, SIMULATOR_SUPPRESSION)),
        JourneySpec("complaint", "complaint", 1, _complained, (SIMULATOR_COMPLAINT,)),
        JourneySpec("open", "open", 1, _opened),
        JourneySpec("click", "click", 1, _clicked),
        JourneySpec("rendering_failure", "rendering_failure", 1, _render_failed, always_templated=True),
        JourneySpec("delayed_delivery", "delay", 2 / 3, _delayed_then_delivered),
        JourneySpec("delayed_bounce", "delay", 1 / 3, _delayed_then_bounced),
        JourneySpec("unsubscribe", "unsubscribe", 1, _unsubscribed),
        JourneySpec("orphan_open", "orphan", 1 / 3, _orphan_opens, orphan=True),
        JourneySpec("orphan_click", "orphan", 1 / 3, _orphan_clicks, orphan=True),
        JourneySpec("orphan_bounce", "orphan", 1 / 3, _orphan_bounce, (SIMULATOR_BOUNCE,), orphan=True),
        JourneySpec("no_events", "no_events", 1, _no_events),
    )
}


def journey_weights(rates: Mapping[str, float]) -> dict[str, float]:
    """The share of messages each journey gets; `delivered` takes what the options leave."""
    rest = max(0.0, 1.0 - sum(rates.values()))
    return {
        spec.name: rest if spec.rate_option is None else rates[spec.rate_option] * spec.share
        for spec in JOURNEYS.values()
    }


def plan_traffic(config: GeneratorConfig, pools: ValuePools) -> tuple[list[Message], list[Event]]:
    """All messages, in send order, and all their distinct events, message by message."""
    rng = random.Random(f"{config.seed}:messages")
    start_ms = parse_utc(config.start)
    span_ms = int(config.days * DAY_MS)
    count = config.messages
    send_times = sorted(start_ms + rng.randrange(span_ms) for _ in range(count))
    journeys = shuffled_labels(rng, count, journey_weights(config.journey_rates))
    multi = set(pick(rng, range(count), config.multi_recipient_rate))
    simulated = set(pick(rng, [i for i in range(count) if i not in multi], config.simulator_rate))
    orphans = [i for i in range(count) if JOURNEYS[journeys[i]].orphan]
    unrequested = set(pick(rng, orphans, config.orphan_unrequested_share))

    messages: list[Message] = []
    events: list[Event] = []
    for i in tqdm(range(count), desc="planning", unit="msg", disable=not config.show_progress, leave=False):
        spec = JOURNEYS[journeys[i]]
        if i in simulated:
            recipients: tuple[str, ...] = (rng.choice(spec.simulator_addresses),)
        else:
            recipients = tuple(rng.sample(pools.recipients, rng.randint(2, 4) if i in multi else 1))
        message = new_message(
            rng,
            pools,
            mail_ms=send_times[i],
            region=_REGIONS.draw(rng),
            recipients=recipients,
            templated=spec.always_templated or rng.random() < 0.25,
            requested=i not in unrequested,
        )
        messages.append(message)
        spec.run(Journey(rng, pools, message, events))
    return messages, events
