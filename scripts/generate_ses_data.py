#!/usr/bin/env python3
"""Generate realistic Amazon SES event data, deterministically, with exact ground truth.

Writes into --out:
  ses_events/YYYY/MM/DD/HH/<stream>-1-YYYY-MM-DD-HH-MM-SS-<uuid>[.gz]
      raw records in the Kinesis Firehose S3 layout (UTC; the hour folder is the
      Firehose arrival time). Objects are newline-delimited JSON, or plain
      concatenated JSON ({...}{...}); gzip objects end in .gz, uncompressed
      objects have no extension.
  ses_requests.csv | ses_requests.parquet
      the company's send log: message_id, recipient, request_time (ISO-8601 UTC),
      region (NA, EU, APAC, LATAM; one per message), campaign.
  ground_truth.json, ground_truth_events.csv, ground_truth_messages.csv
      what a correct pipeline must report. ground_truth_events.csv has one row
      per distinct event: message_id, event_class, event_at (UTC, ms), recipients
      (';'-joined recipient array of Delivery, Bounce, Complaint, DeliveryDelay),
      envelope, detail (bounce Type/SubType, complaint feedback type, open user
      agent, click link, delay type), ip_address and user_agent (Open, Click),
      link_tags (a Click's linkTags as compact JSON, empty if absent), engagement
      (Open: human|machine|proxy; Click: human|bot), engagement_rule (empty for
      a person), on_account_suppression_list (true|false: bounce or complaint
      subtype OnAccountSuppressionList), subscription_change (opt_out_all|
      opt_out_topic|opt_in). ground_truth_messages.csv has one row per message
      with an event or a send-log row: message_id, sent_at (mail.timestamp),
      configuration_set, sending_domain, campaign (empty without a campaign tag),
      recipients and mailbox_providers (';'-joined, aligned), tracks_opens,
      tracks_clicks, requested (true|false).

Definitions behind the ground truth:
  raw record      one NDJSON line or one object of a concatenation (malformed too)
  rejected        invalid_json | not_an_ses_event (no eventType/notificationType
                  after unwrapping SNS/EventBridge, SNS Message not JSON, or
                  AmazonSnsSubscriptionSucceeded) | unknown_event_type |
                  missing_message_id, checked in that order
  duplicate       a valid event whose unwrapped SES record repeats one already
                  counted; raw_records = distinct_events + duplicate_records + rejected
  envelope        per distinct event: legacy (notificationType), else exported (type
                  object is a JSON string, or mail.timestamp lacks 'Z'), else sns,
                  eventbridge or firehose (bare) by the wrapper
  event time      the type object's timestamp, else mail.timestamp (UTC; zone-less
                  means UTC)
  first delivery  the earliest Delivery event time of the message
  engagement      opens: machine/apple_privacy (agent exactly 'Mozilla/5.0', IP in
                  17.0.0.0/8, >= 5 s after the first delivery), machine/
                  opened_right_after_delivery (0.1-1.8 s after it), proxy/image_proxy
                  (GoogleImageProxy or YahooMailProxy agent, >= 5 s), human (any other
                  agent and IP, >= 5 s). clicks: bot/scanner_user_agent (Barracuda,
                  Mimecast, Proofpoint, python-requests, Go-http-client, curl/; >= 15 s),
                  bot/clicked_right_after_delivery (0.5-9 s), bot/link_burst (3-4 clicks
                  on different links within 1 s, >= 15 s), human (>= 15 s, > 2 s apart
                  from any other click of the message). Without a delivery, no floor.
  mailbox provider
                  by recipient domain (gmail, outlook, yahoo, icloud, gmx, comcast, qq,
                  netease, yandex, mail_ru, orange, web_de); other domains: other;
                  @simulator.amazonses.com: mailbox_simulator
  transactional   a configuration set without open and click tracking: no Open or
                  Click events

Same arguments => identical bytes in every file. Rates of messages, events and
records are exact quotas, not coin flips: any positive rate yields at least one
occurrence. The machine-open and bot-click rates are the odds of each open or
click draw (a message without a delivery or without 3 links cannot have some
kinds), so their counts are close to, not exactly, the rate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ses_generator import GeneratorConfig, generate
from ses_generator.config import (
    CLICK_RATES,
    COMPRESSIONS,
    ENVELOPE_RATES,
    JOURNEY_RATES,
    OPEN_RATES,
    REQUEST_FORMATS,
    RateOption,
)

DEFAULTS = GeneratorConfig(out_dir=Path("."))


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the description's layout and shows each option's default, if it has one."""

    def _get_help_string(self, action: argparse.Action) -> str:
        help_text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and "%(default)" not in help_text:
            help_text += " (default: %(default)s)"
        return help_text


def add_rate_options(group: argparse._ArgumentGroup, options: tuple[RateOption, ...], dest_prefix: str) -> None:
    """One --<name>-rate option per scenario rate, stored as <dest_prefix>_<name>."""
    for option in options:
        group.add_argument(
            option.flag,
            dest=f"{dest_prefix}_{option.name}",
            type=float,
            default=option.default,
            metavar="RATE",
            help=option.help,
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate_ses_data.py", description=__doc__, formatter_class=_HelpFormatter
    )
    run = parser.add_argument_group("run")
    run.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="output directory (created if missing)"
    )
    run.add_argument(
        "--messages",
        type=int,
        default=DEFAULTS.messages,
        metavar="N",
        help="messages to plan; about 2.5 events each at the default rates",
    )
    run.add_argument(
        "--seed",
        type=int,
        default=DEFAULTS.seed,
        metavar="S",
        help="seed of every random choice, Faker's value pools included",
    )
    run.add_argument(
        "--start",
        default=DEFAULTS.start,
        metavar="ISO",
        help="start of the send window (UTC unless an offset is given)",
    )
    run.add_argument(
        "--days",
        type=float,
        default=DEFAULTS.days,
        help="length of the send window; opens and late arrivals run past it",
    )
    run.add_argument(
        "--overwrite",
        action="store_true",
        help="remove an earlier run's output in --out first (otherwise refuse)",
    )
    run.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bars (they only show on a terminal anyway); the speed line is always printed",
    )

    layout = parser.add_argument_group("Firehose layout")
    layout.add_argument("--stream", default=DEFAULTS.stream, help="delivery stream name used in object keys")
    layout.add_argument(
        "--compression",
        choices=COMPRESSIONS,
        default=DEFAULTS.compression,
        help="gzip: every object .gz; none: uncompressed, no extension; mixed: half of each",
    )
    layout.add_argument(
        "--concatenated-rate",
        type=float,
        default=DEFAULTS.concatenated_rate,
        metavar="RATE",
        help="share of objects whose records have no delimiter between them ({...}{...})",
    )
    layout.add_argument(
        "--buffer-seconds",
        type=int,
        default=DEFAULTS.buffer_seconds,
        metavar="SECONDS",
        help="Firehose buffer interval: records arriving in one interval share objects",
    )
    layout.add_argument(
        "--buffer-records",
        type=int,
        default=DEFAULTS.buffer_records,
        metavar="N",
        help="most records per object (stands in for the buffer size)",
    )
    layout.add_argument(
        "--requests-format",
        choices=REQUEST_FORMATS,
        default=DEFAULTS.requests_format,
        help="file format of the send log (parquet is written by DuckDB)",
    )

    journeys = parser.add_argument_group(
        "journeys", "shares of messages; the rest are sent and delivered only (Send -> Delivery)"
    )
    add_rate_options(journeys, JOURNEY_RATES, dest_prefix="journey")
    journeys.add_argument(
        "--orphan-unrequested-share",
        type=float,
        default=DEFAULTS.orphan_unrequested_share,
        metavar="SHARE",
        help="share of orphan messages with no row in the send log",
    )
    journeys.add_argument(
        "--multi-recipient-rate",
        type=float,
        default=DEFAULTS.multi_recipient_rate,
        metavar="RATE",
        help="share of messages with 2-4 recipients",
    )
    journeys.add_argument(
        "--simulator-rate",
        type=float,
        default=DEFAULTS.simulator_rate,
        metavar="RATE",
        help="share of (single-recipient) messages sent to the SES mailbox simulator",
    )
    journeys.add_argument(
        "--untagged-rate",
        type=float,
        default=DEFAULTS.untagged_rate,
        metavar="RATE",
        help="share of messages without a campaign tag",
    )

    opens = parser.add_argument_group(
        "machine opens", "shares of open events; the rest are people (human), at least 5 s after delivery"
    )
    add_rate_options(opens, OPEN_RATES, dest_prefix="open")
    clicks = parser.add_argument_group(
        "bot clicks",
        "shares of click draws; the rest are people (human), at least 15 s after delivery and more "
        "than 2 s apart",
    )
    add_rate_options(clicks, CLICK_RATES, dest_prefix="click")

    envelopes = parser.add_argument_group(
        "envelopes", "shares of distinct events; the rest are bare records written by Firehose"
    )
    add_rate_options(envelopes, ENVELOPE_RATES, dest_prefix="envelope")

    noise = parser.add_argument_group("delivery noise")
    noise.add_argument(
        "--duplicate-rate",
        type=float,
        default=DEFAULTS.duplicate_rate,
        metavar="RATE",
        help="share of events written a second time, byte-identical (includes SNS retries)",
    )
    noise.add_argument(
        "--late-rate",
        type=float,
        default=DEFAULTS.late_rate,
        metavar="RATE",
        help="share of events arriving hours to days after their event time",
    )
    noise.add_argument(
        "--malformed-rate",
        type=float,
        default=DEFAULTS.malformed_rate,
        metavar="RATE",
        help="share of records, per kind, that are malformed: truncated JSON, non-JSON text, "
        "unknown eventType, no mail.messageId (newline-delimited objects only)",
    )
    noise.add_argument(
        "--non-event-rate",
        type=float,
        default=DEFAULTS.non_event_rate,
        metavar="RATE",
        help="share of records, per kind, of valid JSON that is no SES event: the SNS topic "
        "validation message, AmazonSnsSubscriptionSucceeded, a Firehose test record",
    )
    return parser


def rates_from_args(
    args: argparse.Namespace, options: tuple[RateOption, ...], dest_prefix: str
) -> dict[str, float]:
    """The rates of one table, as `add_rate_options` stored them."""
    return {option.name: getattr(args, f"{dest_prefix}_{option.name}") for option in options}


def config_from_args(args: argparse.Namespace) -> GeneratorConfig:
    return GeneratorConfig(
        out_dir=args.out,
        messages=args.messages,
        seed=args.seed,
        start=args.start,
        days=args.days,
        stream=args.stream,
        compression=args.compression,
        concatenated_rate=args.concatenated_rate,
        buffer_seconds=args.buffer_seconds,
        buffer_records=args.buffer_records,
        requests_format=args.requests_format,
        journey_rates=rates_from_args(args, JOURNEY_RATES, "journey"),
        envelope_rates=rates_from_args(args, ENVELOPE_RATES, "envelope"),
        open_rates=rates_from_args(args, OPEN_RATES, "open"),
        click_rates=rates_from_args(args, CLICK_RATES, "click"),
        untagged_rate=args.untagged_rate,
        multi_recipient_rate=args.multi_recipient_rate,
        simulator_rate=args.simulator_rate,
        orphan_unrequested_share=args.orphan_unrequested_share,
        duplicate_rate=args.duplicate_rate,
        late_rate=args.late_rate,
        malformed_rate=args.malformed_rate,
        non_event_rate=args.non_event_rate,
        quiet=args.quiet,
        overwrite=args.overwrite,
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    config = config_from_args(parser.parse_args(argv))
    try:
        summary = generate(config)
    except (ValueError, FileExistsError) as error:
        parser.error(str(error))
    print(summary.speed_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
