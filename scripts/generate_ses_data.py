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
  ground_truth.json, ground_truth_events.csv
      what a correct pipeline must report; ground_truth_events.csv has one row
      per distinct event: message_id, event_class, event_at (UTC, ms), recipients
      (';'-joined recipient array of Delivery, Bounce, Complaint, DeliveryDelay),
      envelope, detail (bounce Type/SubType, complaint feedback type, open user
      agent, click link, delay type).

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

Same arguments => identical bytes in every file. Rates are exact quotas, not
coin flips: any positive rate yields at least one occurrence.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ses_generator import GeneratorConfig, generate
from ses_generator.config import COMPRESSIONS, ENVELOPE_RATES, JOURNEY_RATES, REQUEST_FORMATS, RateOption

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
        help="messages to plan; about 2.7 events each at the default rates",
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
        journey_rates={option.name: getattr(args, f"journey_{option.name}") for option in JOURNEY_RATES},
        envelope_rates={option.name: getattr(args, f"envelope_{option.name}") for option in ENVELOPE_RATES},
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
