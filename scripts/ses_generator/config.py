"""The generator's settings: one frozen dataclass, plus the tables of rates the
command line exposes as options."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from .timestamps import parse_utc
from .vocabulary import (
    APPLE_PRIVACY,
    CLICKED_RIGHT_AFTER_DELIVERY,
    IMAGE_PROXY,
    LINK_BURST,
    OPENED_RIGHT_AFTER_DELIVERY,
    SCANNER_USER_AGENT,
)


@dataclass(frozen=True)
class RateOption:
    """A rate settable from the command line as `--<name>-rate`."""

    name: str
    default: float
    help: str

    @property
    def flag(self) -> str:
        return f"--{self.name.replace('_', '-')}-rate"


# Shares of messages; messages left over are sent and delivered only.
JOURNEY_RATES: tuple[RateOption, ...] = (
    RateOption("reject", 0.02, "rejected by SES (Reject only)"),
    RateOption("bounce", 0.04, "Send -> Bounce (other recipients of the message delivered)"),
    RateOption("complaint", 0.01, "Send -> Delivery -> Complaint"),
    RateOption("open", 0.25, "Send -> Delivery -> Open (1 or more opens, no click)"),
    RateOption("click", 0.08, "Send -> Delivery -> Open -> Click (repeat opens and clicks)"),
    RateOption("rendering_failure", 0.01, "templated Send -> Rendering Failure"),
    RateOption("delay", 0.03, "Send -> DeliveryDelay(s) -> Delivery (2/3) or Bounce (1/3)"),
    RateOption("unsubscribe", 0.01, "Send -> Delivery -> (Open) -> Subscription"),
    RateOption("orphan", 0.02, "only Open, Click or Bounce events: no Send was published"),
    RateOption("no_events", 0.02, "in the send log but no SES event at all"),
    RateOption(
        "soft_bounce_run",
        0.01,
        "messages in runs of soft bounces: one recipient (who gets no other mail) sent 2-4 messages "
        "hours to days apart, each ending in a Transient bounce (30%% of runs: a delivered message "
        "between two of them)",
    ),
)

# Shares of open events that are not a person reading; the rest are `human`.
OPEN_RATES: tuple[RateOption, ...] = (
    RateOption(
        APPLE_PRIVACY,
        0.15,
        "opens by Apple Mail Privacy Protection (machine): user agent exactly 'Mozilla/5.0', "
        "an IP in 17.0.0.0/8, 5 s or more after the message's first delivery",
    ),
    RateOption(
        OPENED_RIGHT_AFTER_DELIVERY,
        0.10,
        "first opens by a security gateway fetching images (machine): an ordinary agent "
        "0.1-1.8 s after the message's first delivery (delivered messages only)",
    ),
    RateOption(
        IMAGE_PROXY,
        0.15,
        "opens through Google's or Yahoo's image proxy (proxy: a person opened), 5 s or more "
        "after the first delivery",
    ),
)

# Shares of click draws made by bots; the rest are `human` (a link burst is one draw).
CLICK_RATES: tuple[RateOption, ...] = (
    RateOption(
        SCANNER_USER_AGENT,
        0.12,
        "clicks by a link scanner (Barracuda, Mimecast, Proofpoint, python-requests, "
        "Go-http-client, curl user agents), 15 s or more after the first delivery",
    ),
    RateOption(
        CLICKED_RIGHT_AFTER_DELIVERY,
        0.15,
        "clicks by an ordinary agent 0.5-9 s after the message's first delivery "
        "(at most one per message, delivered messages only)",
    ),
    RateOption(
        LINK_BURST,
        0.15,
        "link bursts: 3-4 clicks on different links within one second, 15 s or more after the "
        "first delivery (messages with 3 or more links)",
    ),
)

# Shares of distinct events; the rest are bare records written by Firehose.
ENVELOPE_RATES: tuple[RateOption, ...] = (
    RateOption("sns", 0.05, "wrapped in an SNS Notification"),
    RateOption("eventbridge", 0.04, "wrapped in an EventBridge event"),
    RateOption(
        "legacy",
        0.02,
        "legacy identity notifications (notificationType; Bounce, Complaint, Delivery only)",
    ),
    RateOption(
        "exported",
        0.02,
        "exported: type object as a JSON string and/or timestamps without zone or with offset",
    ),
)

COMPRESSIONS = ("gzip", "none", "mixed")
REQUEST_FORMATS = ("csv", "parquet")


def _defaults(options: tuple[RateOption, ...]) -> Mapping[str, float]:
    return MappingProxyType({option.name: option.default for option in options})


@dataclass(frozen=True)
class GeneratorConfig:
    out_dir: Path
    messages: int = 1_000
    seed: int = 42
    start: str = "2024-03-04T00:00:00Z"
    days: float = 3.0
    stream: str = "ses-events-stream"
    compression: str = "gzip"
    concatenated_rate: float = 0.1
    buffer_seconds: int = 900
    buffer_records: int = 1_000
    requests_format: str = "csv"
    journey_rates: Mapping[str, float] = field(default_factory=lambda: _defaults(JOURNEY_RATES))
    envelope_rates: Mapping[str, float] = field(default_factory=lambda: _defaults(ENVELOPE_RATES))
    open_rates: Mapping[str, float] = field(default_factory=lambda: _defaults(OPEN_RATES))
    click_rates: Mapping[str, float] = field(default_factory=lambda: _defaults(CLICK_RATES))
    untagged_rate: float = 0.05
    multi_recipient_rate: float = 0.10
    simulator_rate: float = 0.02
    orphan_unrequested_share: float = 0.5
    duplicate_rate: float = 0.02
    late_rate: float = 0.03
    malformed_rate: float = 0.002
    non_event_rate: float = 0.001
    quiet: bool = False
    overwrite: bool = False

    @property
    def show_progress(self) -> bool:
        """Progress bars go to stderr, and only to a terminal."""
        return not self.quiet and sys.stderr.isatty()

    def validate(self) -> None:
        """Raise ValueError on settings that cannot produce a data set."""
        if self.messages < 1:
            raise ValueError("--messages must be at least 1")
        if self.days <= 0:
            raise ValueError("--days must be positive")
        try:
            parse_utc(self.start)
        except ValueError as error:
            raise ValueError(
                f"--start must be an ISO-8601 date or date-time, not {self.start!r} ({error})"
            ) from None
        if self.buffer_seconds < 1 or self.buffer_records < 1:
            raise ValueError("--buffer-seconds and --buffer-records must be at least 1")
        if self.compression not in COMPRESSIONS:
            raise ValueError(f"--compression must be one of {COMPRESSIONS}")
        if self.requests_format not in REQUEST_FORMATS:
            raise ValueError(f"--requests-format must be one of {REQUEST_FORMATS}")
        if not self.stream or "/" in self.stream:
            raise ValueError("--stream must be a non-empty name without '/'")
        rates = {
            "concatenated": self.concatenated_rate,
            "multi-recipient": self.multi_recipient_rate,
            "simulator": self.simulator_rate,
            "untagged": self.untagged_rate,
            "orphan-unrequested": self.orphan_unrequested_share,
            "duplicate": self.duplicate_rate,
            "late": self.late_rate,
            "malformed": self.malformed_rate,
            "non-event": self.non_event_rate,
            **self.journey_rates,
            **self.envelope_rates,
            **self.open_rates,
            **self.click_rates,
        }
        for name, rate in rates.items():
            if not 0 <= rate <= 1:
                raise ValueError(f"the {name} rate must be between 0 and 1, got {rate}")
        tables = (
            (self.journey_rates, "journey"),
            (self.envelope_rates, "envelope"),
            (self.open_rates, "open engagement"),
            (self.click_rates, "click engagement"),
        )
        for table, what in tables:
            if sum(table.values()) > 1:
                raise ValueError(f"the {what} rates add up to more than 1")
