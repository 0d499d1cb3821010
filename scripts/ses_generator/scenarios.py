"""Journeys: the sequence of SES events each message goes through.

A journey is a short function over the steps of `Journey` (send, deliver,
bounce, open, ...). Steps advance one clock per message, so the events of a
message have increasing times (only Send and Rendering Failure share
`mail.timestamp`); the two events timed from the first delivery (a gateway's
open, a click right after delivery) may fall before the clock, but never on
another event of their class. No two distinct events have identical content.

Every label the ground truth reports (who opened or clicked, by which rule,
complaint subtypes, subscription changes) is decided here, and opens and
clicks are timed with margins around the rules that recognise machines, so
that no event matches a rule by accident.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from .config import GeneratorConfig
from .model import Event, Message, new_message
from .pools import ValuePools
from .sampling import Weighted, pick, shuffled_labels
from .timestamps import DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, parse_utc
from .vocabulary import (
    APPLE_PRIVACY,
    APPLE_PRIVACY_USER_AGENT,
    BOUNCE,
    BOUNCE_CHOICES,
    CLICK,
    CLICKED_RIGHT_AFTER_DELIVERY,
    COMPLAINT,
    COMPLAINT_FEEDBACK_TYPES,
    COMPLAINT_FEEDBACK_WEIGHTS,
    DELAY_TYPES,
    DELAY_WEIGHTS,
    DELIVERY,
    DELIVERY_DELAY,
    HUMAN,
    IMAGE_PROXY,
    IMAGE_PROXY_USER_AGENTS,
    LINK_BURST,
    LINK_SCANNER_USER_AGENTS,
    OPEN,
    OPENED_RIGHT_AFTER_DELIVERY,
    OPT_IN,
    OPT_OUT_ALL,
    OPT_OUT_TOPIC,
    REGION_WEIGHTS,
    REGIONS,
    REJECT,
    RENDERING_FAILURE,
    RULE_ENGAGEMENTS,
    SCANNER_USER_AGENT,
    SEND,
    SIMULATOR_BOUNCE,
    SIMULATOR_COMPLAINT,
    SIMULATOR_OOTO,
    SIMULATOR_SUCCESS,
    SIMULATOR_SUPPRESSION,
    SUBSCRIPTION,
    SUPPRESSION_SUBTYPES,
    TOPICS,
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
SUPPRESSION_LIST_BOUNCE = "Permanent/OnAccountSuppressionList"
_SOFT_BOUNCES = Weighted(
    _BOUNCE_DETAILS, tuple(weight if kind == "Transient" else 0.0 for kind, _, weight, *_ in BOUNCE_CHOICES)
)
_SIMULATOR_BOUNCES = {
    SIMULATOR_BOUNCE: "Permanent/General",
    SIMULATOR_SUPPRESSION: SUPPRESSION_LIST_BOUNCE,
}
# Complaints without a feedback type: this share has complaintSubType OnAccountSuppressionList.
_SUPPRESSION_LIST_COMPLAINT_SHARE = 0.3
# A contact's first change of preferences; after a topic opt-out some come back (re-subscribe).
_SUBSCRIPTION_CHANGES = Weighted((OPT_OUT_ALL, OPT_OUT_TOPIC, OPT_IN), (0.45, 0.47, 0.08))
_RESUBSCRIBE_SHARE = 0.25

# Opens and clicks are timed from the message's first delivery, with margins around
# the detection rules (gateway opens within 2 s, early clicks within 10 s, bursts of
# 3 links within 1 s) so that no event matches a rule it is not labelled with.
GATEWAY_OPEN_WINDOW_MS = (100, 1_800)  # opened_right_after_delivery
OPEN_FLOOR_MS = 5 * SECOND_MS  # every other open is at least this long after delivery
EARLY_CLICK_WINDOW_MS = (500, 9_000)  # clicked_right_after_delivery
CLICK_FLOOR_MS = 15 * SECOND_MS  # every other click is at least this long after delivery
CLICK_GAP_MS = 2 * SECOND_MS  # clicks and bursts of a message are more than this apart
BURST_SPACING_MS = (100, 300)  # between the clicks of a burst: 3-4 clicks span under 1 s
BURST_CLICKS = (3, 4)
SOFT_BOUNCE_RUN = "soft_bounce_run"


@dataclass(frozen=True)
class EngagementMix:
    """How opens and clicks split between people and machines: weighted engagement
    rules, "" standing for a person."""

    first_opens: Weighted[str]  # a delivered message's first open: a gateway can fetch it
    later_opens: Weighted[str]  # every other open: the gateway's share goes to people
    clicks: Weighted[str]  # a link burst is one draw

    @classmethod
    def from_config(cls, config: GeneratorConfig) -> EngagementMix:
        return cls(
            first_opens=_rules(config.open_rates),
            later_opens=_rules(config.open_rates, without=OPENED_RIGHT_AFTER_DELIVERY),
            clicks=_rules(config.click_rates),
        )


def _rules(rates: Mapping[str, float], without: str = "") -> Weighted[str]:
    """The rules at their rates (less `without`), and people ("") with what is left."""
    weights = {rule: rate for rule, rate in rates.items() if rule != without}
    weights[""] = max(0.0, 1.0 - sum(weights.values()))
    return Weighted(tuple(weights), tuple(weights.values()))


class Journey:
    """The steps one message can go through; each step appends events."""

    def __init__(
        self,
        rng: random.Random,
        pools: ValuePools,
        message: Message,
        events: list[Event],
        mix: EngagementMix,
    ):
        self.rng = rng
        self.message = message
        self.recipients = message.recipients
        self._pools = pools
        self._events = events
        self._mix = mix
        self._clock = message.mail_ms
        self._links: tuple[str, ...] = ()
        self._first_delivery_ms: int | None = None
        self._reader_agent = ""  # the person's mail client, drawn at their first open or click
        self._clicked_at_delivery = False

    # --- steps -----------------------------------------------------------
    def send(self) -> None:
        self._emit(SEND, self.message.mail_ms)

    def reject(self) -> None:
        self._emit(REJECT, self.message.mail_ms)

    def rendering_failure(self) -> None:
        self._emit(RENDERING_FAILURE, self.message.mail_ms)

    def deliver(self, recipients: tuple[str, ...]) -> None:
        for group in self._recipient_groups(recipients):
            at = self._advance(self.rng.lognormvariate(7.0, 0.7))
            if self._first_delivery_ms is None:
                self._first_delivery_ms = at
            self._emit(DELIVERY, at, group)

    def bounce(self, recipients: tuple[str, ...], *, after_delays: bool = False) -> None:
        self._bounce(recipients, _BOUNCES_AFTER_DELAYS if after_delays else _BOUNCES)

    def soft_bounce(self) -> None:
        """A Transient bounce for every recipient."""
        self._bounce(self.recipients, _SOFT_BOUNCES)

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
        on_list = not detail and self.rng.random() < _SUPPRESSION_LIST_COMPLAINT_SHARE
        at = self._advance(30 * SECOND_MS + self.rng.expovariate(1 / (8 * HOUR_MS)))
        self._emit(COMPLAINT, at, recipient, detail, on_account_suppression_list=on_list)

    def open(self) -> None:
        """A first open: a person hours later, a machine fetching the pixel for them, or a
        security gateway fetching images right at delivery."""
        delivered = self._first_delivery_ms is not None
        rules = self._mix.first_opens if delivered else self._mix.later_opens
        self._open(rules.draw(self.rng), self.rng.expovariate(1 / (3 * HOUR_MS)))

    def repeat_opens(self) -> None:
        """Zero or more later opens: by the same reader, or machines on their behalf."""
        for _ in range(self._repeats(0.35, limit=5)):
            self._open(self._mix.later_opens.draw(self.rng), self.rng.expovariate(1 / (18 * HOUR_MS)))

    def clicks(self) -> None:
        """One or more clicks: the reader's, a link scanner's, one right at delivery, or a
        burst over several links. Any two are more than CLICK_GAP_MS apart (a burst counts
        as one), so only a burst ever puts 3 links inside one second."""
        if not self.message.tracks_clicks:
            return
        for _ in range(1 + self._repeats(0.3, limit=3)):
            rule = self._mix.clicks.draw(self.rng)
            if rule == LINK_BURST and len(self._message_links()) >= BURST_CLICKS[0]:
                self._link_burst()
                continue
            if rule == CLICKED_RIGHT_AFTER_DELIVERY and self._can_click_at_delivery():
                self._clicked_at_delivery = True
                at = self._from_first_delivery(EARLY_CLICK_WINDOW_MS)
            else:  # a scanner, or a person (also when the rule drawn cannot apply)
                rule = SCANNER_USER_AGENT if rule == SCANNER_USER_AGENT else ""
                at = self._advance_past(self._after_delivery(CLICK_FLOOR_MS), self._click_gap())
            self._click(at, self.rng.choice(self._message_links()), rule, self._source(rule))

    def unsubscribe(self) -> None:
        """A change of topic preferences; after a topic opt-out, sometimes a later opt-in
        of the same topic (the contact re-subscribed)."""
        change = _SUBSCRIPTION_CHANGES.draw(self.rng)
        topic = self.rng.choice(TOPICS)
        self._subscription(change, topic, MINUTE_MS + self.rng.expovariate(1 / (6 * HOUR_MS)))
        if change == OPT_OUT_TOPIC and self.rng.random() < _RESUBSCRIBE_SHARE:
            self._subscription(OPT_IN, topic, HOUR_MS + self.rng.expovariate(1 / DAY_MS))

    def split_recipients(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(affected, others): at least one recipient affected, the rest not."""
        affected = self.rng.randint(1, len(self.recipients))
        return self.recipients[:affected], self.recipients[affected:]

    # --- helpers ---------------------------------------------------------
    def _emit(
        self,
        event_class: str,
        at_ms: int,
        recipients: tuple[str, ...] = (),
        detail: str = "",
        **labels: Any,
    ) -> None:
        seed = self.rng.getrandbits(63)
        self._events.append(Event(self.message, event_class, at_ms, recipients, detail, seed, **labels))

    def _advance(self, delay_ms: float) -> int:
        self._clock += max(1, int(delay_ms))
        return self._clock

    def _advance_past(self, floor_ms: int, delay_ms: float) -> int:
        """`delay_ms` after the clock or `floor_ms`, whichever is later."""
        self._clock = max(self._clock, floor_ms)
        return self._advance(delay_ms)

    def _after_delivery(self, margin_ms: int) -> int:
        """`margin_ms` after the first delivery; the send time when nothing was delivered."""
        if self._first_delivery_ms is None:
            return self.message.mail_ms
        return self._first_delivery_ms + margin_ms

    def _from_first_delivery(self, window_ms: tuple[int, int]) -> int:
        """A time inside `window_ms` after the first delivery; the clock follows if it is behind."""
        assert self._first_delivery_ms is not None
        at = self._first_delivery_ms + self.rng.randint(*window_ms)
        self._clock = max(self._clock, at)
        return at

    def _bounce(self, recipients: tuple[str, ...], bounces: Weighted[str]) -> None:
        for group in self._recipient_groups(recipients):
            detail = _SIMULATOR_BOUNCES.get(group[0]) or bounces.draw(self.rng)
            at = self._advance(self.rng.uniform(0.5, 90) * SECOND_MS)
            on_list = detail == SUPPRESSION_LIST_BOUNCE
            self._emit(BOUNCE, at, group, detail, on_account_suppression_list=on_list)

    def _open(self, rule: str, delay_ms: float) -> None:
        if not self.message.tracks_opens:
            return
        if rule == OPENED_RIGHT_AFTER_DELIVERY:
            at = self._from_first_delivery(GATEWAY_OPEN_WINDOW_MS)
        else:
            if rule == APPLE_PRIVACY:  # Apple fetches soon after delivery, not when read
                delay_ms = self.rng.uniform(1, 120) * SECOND_MS
            floor = self._after_delivery(OPEN_FLOOR_MS)
            remaining = self.message.mail_ms + OPENS_KEEP_ARRIVING_MS - max(self._clock, floor)
            at = self._advance_past(floor, min(delay_ms, max(1, remaining)))
        ip_address, user_agent = self._source(rule)
        self._emit(OPEN, at, (), user_agent, **_engagement_labels(rule, ip_address, user_agent))

    def _click(self, at_ms: int, link: str, rule: str, source: tuple[str, str]) -> None:
        ip_address, user_agent = source
        labels = _engagement_labels(rule, ip_address, user_agent)
        self._emit(CLICK, at_ms, (), link, link_tags=self._link_tags(), **labels)

    def _link_burst(self) -> None:
        """3-4 clicks on different links, 100-300 ms apart, from one client."""
        links = self._message_links()
        size = self.rng.randint(BURST_CLICKS[0], min(BURST_CLICKS[1], len(links)))
        source = self._source(LINK_BURST)
        at = self._advance_past(self._after_delivery(CLICK_FLOOR_MS), self._click_gap())
        for index, link in enumerate(self.rng.sample(links, size)):
            if index:
                at = self._advance(self.rng.randint(*BURST_SPACING_MS))
            self._click(at, link, LINK_BURST, source)

    def _click_gap(self) -> float:
        """Time to the next click: always more than CLICK_GAP_MS."""
        return CLICK_GAP_MS + 1 + self.rng.expovariate(1 / (2 * MINUTE_MS))

    def _can_click_at_delivery(self) -> bool:
        return self._first_delivery_ms is not None and not self._clicked_at_delivery

    def _source(self, rule: str) -> tuple[str, str]:
        """(IP address, user agent) of an open or click by `rule`; "" is the reader."""
        pools, rng = self._pools, self.rng
        if rule == APPLE_PRIVACY:
            return rng.choice(pools.apple_ips), APPLE_PRIVACY_USER_AGENT
        if rule == IMAGE_PROXY:
            return rng.choice(pools.image_proxy_ips), rng.choice(IMAGE_PROXY_USER_AGENTS)
        if rule == SCANNER_USER_AGENT:
            return rng.choice(pools.client_ips), rng.choice(LINK_SCANNER_USER_AGENTS)
        if rule:  # a gateway or bot with an ordinary agent of its own
            return rng.choice(pools.client_ips), rng.choice(pools.user_agents)
        if not self._reader_agent:
            self._reader_agent = rng.choice(pools.user_agents)
        return rng.choice(pools.client_ips), self._reader_agent

    def _subscription(self, change: str, topic: str, delay_ms: float) -> None:
        self._emit(SUBSCRIPTION, self._advance(delay_ms), subscription_change=change, topic=topic)

    def _message_links(self) -> tuple[str, ...]:
        """The 1-5 distinct tracked links in the message body (drawn when first clicked)."""
        if not self._links:
            message = self.message
            query = f"utm_source=ses&utm_campaign={message.campaign or 'none'}"
            self._links = tuple(
                f"https://{message.sender.domain}/{path}?{query}"
                for path in self.rng.sample(self._pools.link_paths, self.rng.randint(1, 5))
            )
        return self._links

    def _link_tags(self) -> dict[str, list[str]] | None:
        """The click's linkTags: most messages tag their links, with the campaign if any."""
        if self.rng.random() >= 0.7:
            return None
        tags = {"campaign": [self.message.campaign]} if self.message.campaign else {}
        return {**tags, "source": ["ses"]}

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


def _engagement_labels(rule: str, ip_address: str, user_agent: str) -> dict[str, str]:
    """The Event fields of an open or click by `rule` ("" = a person)."""
    return {
        "ip_address": ip_address,
        "user_agent": user_agent,
        "engagement": RULE_ENGAGEMENTS.get(rule, HUMAN),
        "engagement_rule": rule,
    }


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


def _soft_bounced(j: Journey) -> None:
    j.send()
    j.soft_bounce()


@dataclass(frozen=True)
class JourneySpec:
    name: str
    rate_option: str | None  # the JOURNEY_RATES option it takes its share from; None = the rest
    share: float  # its fraction of that option's rate
    run: Callable[[Journey], None]
    simulator_addresses: tuple[str, ...] = (SIMULATOR_SUCCESS,)
    always_templated: bool = False
    orphan: bool = False
    tracked: bool = False  # needs a configuration set that tracks opens and clicks


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
        JourneySpec("orphan_open", "orphan", 1 / 3, _orphan_opens, orphan=True, tracked=True),
        JourneySpec("orphan_click", "orphan", 1 / 3, _orphan_clicks, orphan=True, tracked=True),
        JourneySpec("orphan_bounce", "orphan", 1 / 3, _orphan_bounce, (SIMULATOR_BOUNCE,), orphan=True),
        JourneySpec("no_events", "no_events", 1, _no_events),
        JourneySpec(SOFT_BOUNCE_RUN, SOFT_BOUNCE_RUN, 1, _soft_bounced),
    )
}


@dataclass(frozen=True)
class RunMessage:
    """One message of a run of soft bounces: who gets it, when, and what happens."""

    recipient: str
    mail_ms: int
    run: Callable[[Journey], None]


def plan_soft_bounce_runs(
    rng: random.Random, recipients: tuple[str, ...], slots: list[int], send_times: list[int]
) -> dict[int, RunMessage]:
    """Group the message slots of the soft-bounce journey into runs. A run sends one
    recipient 2-4 messages, hours to days apart, each ending in a Transient bounce; in
    30% of runs a delivered message comes between two of them. A run starts at its
    first slot's send time; the last run may be cut short by the slots left."""
    planned: dict[int, RunMessage] = {}
    remaining = sorted(slots)
    run_recipients = rng.sample(recipients, len(slots)) if slots else []
    while remaining:
        journeys: list[Callable[[Journey], None]] = [_soft_bounced] * rng.randint(2, 4)
        if rng.random() < 0.3:
            journeys.insert(rng.randint(1, len(journeys) - 1), _delivered)
        taken, remaining = remaining[: len(journeys)], remaining[len(journeys) :]
        recipient = run_recipients.pop()
        mail_ms = send_times[taken[0]]
        for slot, journey in zip(taken, journeys, strict=False):
            planned[slot] = RunMessage(recipient, mail_ms, journey)
            mail_ms += rng.randint(HOUR_MS, 2 * DAY_MS)
    return planned


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
    run_slots = [i for i in range(count) if journeys[i] == SOFT_BOUNCE_RUN]
    others = [i for i in range(count) if journeys[i] != SOFT_BOUNCE_RUN]
    multi = set(pick(rng, others, config.multi_recipient_rate))
    simulated = set(pick(rng, [i for i in others if i not in multi], config.simulator_rate))
    orphans = [i for i in range(count) if JOURNEYS[journeys[i]].orphan]
    unrequested = set(pick(rng, orphans, config.orphan_unrequested_share))
    untagged = set(pick(rng, range(count), config.untagged_rate))
    runs = plan_soft_bounce_runs(rng, pools.recipients, run_slots, send_times)
    # A run's recipient gets no other mail, so its bounces follow each other as planned.
    run_recipients = {run.recipient for run in runs.values()}
    addressable = tuple(r for r in pools.recipients if r not in run_recipients) if runs else pools.recipients
    mix = EngagementMix.from_config(config)

    messages: list[Message] = []
    events: list[Event] = []
    for i in tqdm(range(count), desc="planning", unit="msg", disable=not config.show_progress, leave=False):
        spec = JOURNEYS[journeys[i]]
        run, mail_ms = spec.run, send_times[i]
        if i in runs:
            recipients: tuple[str, ...] = (runs[i].recipient,)
            run, mail_ms = runs[i].run, runs[i].mail_ms
        elif i in simulated:
            recipients = (rng.choice(spec.simulator_addresses),)
        else:
            recipients = tuple(rng.sample(addressable, rng.randint(2, 4) if i in multi else 1))
        message = new_message(
            rng,
            pools,
            mail_ms=mail_ms,
            region=_REGIONS.draw(rng),
            recipients=recipients,
            templated=spec.always_templated or rng.random() < 0.25,
            requested=i not in unrequested,
            tagged=i not in untagged,
            tracked=spec.tracked,
        )
        messages.append(message)
        run(Journey(rng, pools, message, events, mix))
    messages.sort(key=lambda message: message.mail_ms)  # runs put later sends in earlier slots
    return messages, events
