"""The two planned things: messages (what all events of one send share) and
events (one SES event each, with the few values the ground truth reports)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .draws import RandomSource
from .pools import Sender, ValuePools
from .sampling import Weighted, random_uuid
from .timestamps import SECOND_MS, rfc5322
from .vocabulary import (
    AWS_REGIONS,
    CONFIGURATION_SETS,
    SES_OPERATIONS_PLAIN,
    SES_OPERATIONS_TEMPLATED,
    mailbox_provider,
)

# SES message ids start with a per-region marker and the send time in hex milliseconds.
_MESSAGE_ID_MARKERS = {
    "us-east-1": "0100",
    "us-west-2": "0101",
    "eu-west-1": "0102",
    "eu-central-1": "0107",
    "ap-southeast-2": "0108",
    "ap-northeast-1": "0106",
    "sa-east-1": "0103",
}
HEADERS_FULL, HEADERS_EMPTY, HEADERS_ABSENT = "full", "empty", "absent"
_HEADERS_MODES = Weighted((HEADERS_FULL, HEADERS_EMPTY, HEADERS_ABSENT), (0.8, 0.1, 0.1))

FIREHOSE, SNS, EVENTBRIDGE, LEGACY, EXPORTED = "firehose", "sns", "eventbridge", "legacy", "exported"
ENVELOPES: tuple[str, ...] = (FIREHOSE, SNS, EVENTBRIDGE, LEGACY, EXPORTED)


@dataclass(slots=True)
class Message:
    message_id: str
    mail_ms: int
    date_header: str  # RFC 5322 `Date` header, set by the caller just before sending
    region: str  # the company's region (NA, EU, APAC, LATAM)
    aws_region: str
    account_id: str
    sender: Sender
    recipients: tuple[str, ...]
    campaign: str  # the `campaign` tag; "" when the message carries none
    configuration_set: str
    operation: str
    templated: bool
    template_name: str
    subject: str
    header_message_id: str  # the original Message-ID header, not SES's id
    headers_mode: str  # HEADERS_FULL, HEADERS_EMPTY or HEADERS_ABSENT
    to_joined: bool  # commonHeaders.to holds one comma-joined element
    has_source_arn: bool
    source_ip: str
    caller_identity: str
    outgoing_ip: str
    split_recipient_events: bool  # one Delivery/Bounce/... per recipient, not one listing all
    requested: bool  # has rows in the company's send log
    request_ms: int

    @property
    def tracks_opens(self) -> bool:
        return CONFIGURATION_SETS[self.configuration_set].opens

    @property
    def tracks_clicks(self) -> bool:
        return CONFIGURATION_SETS[self.configuration_set].clicks

    @property
    def mailbox_providers(self) -> tuple[str, ...]:
        """The provider of each recipient, in the order of `recipients`."""
        return tuple(mailbox_provider(recipient) for recipient in self.recipients)


def ses_style_id(rng: RandomSource, aws_region: str, ms: int) -> str:
    """An id shaped like SES's: `0100018e07c4a1f2-6f0f3c1e-...-000000`."""
    marker = _MESSAGE_ID_MARKERS.get(aws_region, "0100")
    return f"{marker}{ms:012x}-{random_uuid(rng)}-000000"


def new_message(
    rng: random.Random,
    pools: ValuePools,
    *,
    mail_ms: int,
    region: str,
    recipients: tuple[str, ...],
    templated: bool,
    requested: bool,
    tagged: bool,
    tracked: bool,
) -> Message:
    """A message with every shared attribute drawn from the pools; `tagged`: it carries
    a campaign tag; `tracked`: its configuration set tracks opens and clicks."""
    aws_region = rng.choice(AWS_REGIONS[region])
    sender = rng.choice(pools.senders)
    campaign = rng.choice(pools.campaigns) if tagged else ""
    configuration_sets = pools.tracked_configuration_sets if tracked else pools.configuration_sets
    return Message(
        message_id=ses_style_id(rng, aws_region, mail_ms),
        mail_ms=mail_ms,
        date_header=rfc5322(mail_ms - rng.randint(0, 2 * SECOND_MS)),
        region=region,
        aws_region=aws_region,
        account_id=rng.choice(pools.accounts),
        sender=sender,
        recipients=recipients,
        campaign=campaign,
        configuration_set=rng.choice(configuration_sets),
        operation=rng.choice(SES_OPERATIONS_TEMPLATED if templated else SES_OPERATIONS_PLAIN),
        templated=templated,
        template_name=rng.choice(pools.template_names),
        subject=rng.choice(pools.subjects),
        header_message_id=f"<{random_uuid(rng)}@{sender.domain}>",
        headers_mode=_HEADERS_MODES.draw(rng),
        to_joined=len(recipients) > 1 and rng.random() < 0.3,
        has_source_arn=rng.random() < 0.95,
        source_ip=rng.choice(pools.caller_ips),
        caller_identity=rng.choice(pools.caller_identities),
        outgoing_ip=rng.choice(pools.outgoing_ips),
        split_recipient_events=rng.random() < 0.5,
        requested=requested,
        request_ms=mail_ms - rng.randint(40, 4 * SECOND_MS),
    )


@dataclass(slots=True)
class Event:
    """One distinct SES event. Its record is rebuilt from `seed` whenever it is
    written, so a redelivery is byte-identical to the first copy."""

    message: Message
    event_class: str
    event_ms: int  # the event time the ground truth reports
    recipients: tuple[str, ...]  # the type object's recipient array, () if it has none
    detail: str  # the ground-truth `detail`: bounce type/subtype, feedback type, link, ...
    seed: int
    envelope: str = FIREHOSE
    envelope_form: int = 0  # which form of its envelope: an exported style, legacy bare or via SNS
    arrival_ms: int = 0  # when Firehose received it
    # Labels decided when planning, so the record and the ground truth agree:
    ip_address: str = ""  # Open, Click
    user_agent: str = ""  # Open, Click
    engagement: str = ""  # Open, Click: HUMAN, MACHINE, PROXY or BOT
    engagement_rule: str = ""  # the rule that tells a non-human Open or Click; "" for a person
    link_tags: dict[str, list[str]] | None = None  # Click: its linkTags, None when absent
    on_account_suppression_list: bool = False  # Bounce or Complaint subtype OnAccountSuppressionList
    subscription_change: str = ""  # Subscription: OPT_OUT_ALL, OPT_OUT_TOPIC or OPT_IN
    topic: str = ""  # Subscription: the topic whose status changed
