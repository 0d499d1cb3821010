"""The SES vocabulary: event classes, their wire names, and the enumerations
the records draw from (see SES_EVENTS.md, section 2)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventKind:
    """How one event class is spelled on each delivery path."""

    event_class: str  # ground-truth name, e.g. "rendering_failure"
    event_type: str  # `eventType` of event publishing, e.g. "Rendering Failure"
    type_key: str  # key of the type object, e.g. "failure"
    detail_type: str  # EventBridge `detail-type`
    recipients_field: str | None  # where the type object lists recipients
    legacy: bool = False  # also published as a legacy identity notification
    delivery_attempted: bool = True  # mail tags carry `ses:outgoing-ip`


SEND = "send"
REJECT = "reject"
DELIVERY = "delivery"
BOUNCE = "bounce"
COMPLAINT = "complaint"
OPEN = "open"
CLICK = "click"
RENDERING_FAILURE = "rendering_failure"
DELIVERY_DELAY = "delivery_delay"
SUBSCRIPTION = "subscription"

EVENT_KINDS: dict[str, EventKind] = {
    kind.event_class: kind
    for kind in (
        EventKind(SEND, "Send", "send", "Email Sent", None, delivery_attempted=False),
        EventKind(REJECT, "Reject", "reject", "Email Rejected", None, delivery_attempted=False),
        EventKind(DELIVERY, "Delivery", "delivery", "Email Delivered", "recipients", legacy=True),
        EventKind(BOUNCE, "Bounce", "bounce", "Email Bounced", "bouncedRecipients", legacy=True),
        EventKind(
            COMPLAINT,
            "Complaint",
            "complaint",
            "Email Complaint Received",
            "complainedRecipients",
            legacy=True,
        ),
        EventKind(OPEN, "Open", "open", "Email Opened", None),
        EventKind(CLICK, "Click", "click", "Email Clicked", None),
        EventKind(
            RENDERING_FAILURE,
            "Rendering Failure",
            "failure",
            "Email Rendering Failed",
            None,
            delivery_attempted=False,
        ),
        EventKind(
            DELIVERY_DELAY,
            "DeliveryDelay",
            "deliveryDelay",
            "Email Delivery Delayed",
            "delayedRecipients",
        ),
        EventKind(SUBSCRIPTION, "Subscription", "subscription", "Email Subscribed", None),
    )
}
EVENT_CLASSES: tuple[str, ...] = tuple(EVENT_KINDS)

REGIONS: tuple[str, ...] = ("NA", "EU", "APAC", "LATAM")
REGION_WEIGHTS: tuple[float, ...] = (0.45, 0.30, 0.15, 0.10)
AWS_REGIONS: dict[str, tuple[str, ...]] = {
    "NA": ("us-east-1", "us-west-2"),
    "EU": ("eu-west-1", "eu-central-1"),
    "APAC": ("ap-southeast-2", "ap-northeast-1"),
    "LATAM": ("sa-east-1",),
}

# (bounceType, bounceSubType, weight, SMTP status, diagnostic code)
BOUNCE_CHOICES: tuple[tuple[str, str, float, str, str], ...] = (
    ("Permanent", "General", 0.42, "5.1.1", "smtp; 550 5.1.1 user unknown"),
    ("Permanent", "NoEmail", 0.08, "5.1.1", "smtp; 550 5.1.1 The email account does not exist"),
    (
        "Permanent",
        "Suppressed",
        0.12,
        "5.1.1",
        "Amazon SES has suppressed sending to this address because it has a recent history of "
        "bouncing as an invalid address.",
    ),
    (
        "Permanent",
        "OnAccountSuppressionList",
        0.06,
        "5.1.1",
        "Amazon SES did not send the message to this address because it is on the suppression "
        "list for your account.",
    ),
    ("Transient", "General", 0.10, "4.0.0", "smtp; 451 4.0.0 Temporary local problem"),
    ("Transient", "MailboxFull", 0.08, "5.2.2", "smtp; 552 5.2.2 Mailbox full"),
    ("Transient", "MessageTooLarge", 0.04, "5.3.4", "smtp; 552 5.3.4 Message size exceeds limit"),
    ("Transient", "ContentRejected", 0.04, "5.7.1", "smtp; 554 5.7.1 Message rejected as spam"),
    (
        "Transient",
        "AttachmentRejected",
        0.02,
        "5.7.1",
        "smtp; 554 5.7.1 Attachment type not allowed",
    ),
    ("Undetermined", "Undetermined", 0.04, "5.0.0", "smtp; 550 5.0.0 Undetermined error"),
)
SUPPRESSION_SUBTYPES = frozenset({"Suppressed", "OnAccountSuppressionList"})

COMPLAINT_FEEDBACK_TYPES: tuple[str, ...] = ("abuse", "auth-failure", "fraud", "not-spam", "other", "virus")
COMPLAINT_FEEDBACK_WEIGHTS: tuple[float, ...] = (0.80, 0.03, 0.04, 0.03, 0.08, 0.02)
COMPLAINT_USER_AGENTS: tuple[str, ...] = (
    "Yahoo!-Mail-Feedback/2.0",
    "Mail.ru Feedback Loop",
    "AOL SComp",
    "Microsoft JMRP",
    "Comcast Feedback Loop (V0.01)",
)

DELAY_TYPES: tuple[str, ...] = (
    "InternalFailure",
    "General",
    "MailboxFull",
    "SpamDetected",
    "RecipientServerError",
    "IPFailure",
    "TransientCommunicationFailure",
    "BYOIPHostNameLookupUnavailable",
    "Undetermined",
    "SendingDeferral",
)
DELAY_WEIGHTS: tuple[float, ...] = (0.03, 0.15, 0.12, 0.08, 0.15, 0.07, 0.30, 0.01, 0.05, 0.04)
DELAY_DIAGNOSTICS: tuple[tuple[str, str], ...] = (
    ("4.4.1", "smtp; 421 4.4.1 Unable to connect to remote host"),
    ("4.2.2", "smtp; 452 4.2.2 Mailbox full"),
    ("4.7.0", "smtp; 421 4.7.0 Temporary System Problem. Try again later"),
    ("4.4.2", "smtp; 421 4.4.2 Connection dropped"),
)

SMTP_DELIVERY_RESPONSES: tuple[str, ...] = (
    "250 2.0.0 OK  1709546400 d4-20020a05620a.123 - gsmtp",
    "250 2.6.0 Queued mail for delivery "
    "[InternalId=2783138824, Hostname=DM6PR05MB4477.namprd05.prod.outlook.com]",
    "250 ok dirdel",
    "250 2.0.0 Ok: queued as 4TpQ7Z3vKdz1",
    "250 Great success",
)

REJECT_REASONS: tuple[str, ...] = ("Bad content",)

RENDERING_ERRORS: tuple[str, ...] = (
    "Attribute 'firstName' is not present in the rendering data.",
    "Attribute 'orderNumber' is not present in the rendering data.",
    "Template 'items' expected an array but got a string.",
)

SUBSCRIPTION_SOURCES: tuple[str, ...] = ("UnsubscribeHeader", "UnsubscribeLink")
CONTACT_LISTS: tuple[str, ...] = ("Newsletter", "ProductUpdates")
TOPICS: tuple[str, ...] = ("weekly-digest", "offers", "product-news")

SES_OPERATIONS_PLAIN: tuple[str, ...] = ("SendEmail", "SendRawEmail")
SES_OPERATIONS_TEMPLATED: tuple[str, ...] = ("SendTemplatedEmail", "SendBulkTemplatedEmail")

MAILBOX_SIMULATOR_DOMAIN = "simulator.amazonses.com"
SIMULATOR_SUCCESS = f"success@{MAILBOX_SIMULATOR_DOMAIN}"
SIMULATOR_BOUNCE = f"bounce@{MAILBOX_SIMULATOR_DOMAIN}"
SIMULATOR_COMPLAINT = f"complaint@{MAILBOX_SIMULATOR_DOMAIN}"
SIMULATOR_OOTO = f"ooto@{MAILBOX_SIMULATOR_DOMAIN}"
SIMULATOR_SUPPRESSION = f"suppressionlist@{MAILBOX_SIMULATOR_DOMAIN}"

# Mailbox providers of free-mail recipients: provider id -> its domains, and
# how often a free-mail recipient is at each (relative weights).
MAILBOX_PROVIDERS: dict[str, tuple[str, ...]] = {
    "gmail": ("gmail.com", "googlemail.com"),
    "outlook": ("outlook.com", "hotmail.com", "live.com", "msn.com"),
    "yahoo": ("yahoo.com", "ymail.com", "aol.com"),
    "icloud": ("icloud.com", "me.com", "mac.com"),
    "gmx": ("gmx.de", "gmx.net", "gmx.com"),
    "comcast": ("comcast.net",),
    "qq": ("qq.com",),
    "netease": ("163.com", "126.com"),
    "yandex": ("yandex.ru", "yandex.com"),
    "mail_ru": ("mail.ru",),
    "orange": ("orange.fr",),
    "web_de": ("web.de",),
}
MAILBOX_PROVIDER_WEIGHTS: dict[str, float] = {
    "gmail": 35,
    "outlook": 15,
    "yahoo": 12,
    "icloud": 8,
    "gmx": 3,
    "comcast": 2,
    "qq": 2,
    "netease": 2,
    "yandex": 2,
    "mail_ru": 2,
    "orange": 2,
    "web_de": 2,
}
OTHER_PROVIDER = "other"  # a company's own mail domain
SIMULATOR_PROVIDER = "mailbox_simulator"
PROVIDERS: tuple[str, ...] = (*MAILBOX_PROVIDERS, OTHER_PROVIDER, SIMULATOR_PROVIDER)
_PROVIDER_OF_DOMAIN = {
    domain: provider for provider, domains in MAILBOX_PROVIDERS.items() for domain in domains
}


def mailbox_provider(address: str) -> str:
    """The provider id of a recipient address: by its domain, `other` for any domain
    outside the table, `mailbox_simulator` for the SES mailbox simulator."""
    domain = address.rsplit("@", 1)[-1].lower()
    if domain == MAILBOX_SIMULATOR_DOMAIN:
        return SIMULATOR_PROVIDER
    return _PROVIDER_OF_DOMAIN.get(domain, OTHER_PROVIDER)


def is_reserved_domain(domain: str) -> bool:
    """True for a domain a company recipient must not use: a table or simulator domain."""
    return domain.lower() in _PROVIDER_OF_DOMAIN or domain.lower() == MAILBOX_SIMULATOR_DOMAIN


@dataclass(frozen=True)
class Tracking:
    """What a configuration set's event destination tracks."""

    opens: bool
    clicks: bool


# Transactional mail is sent without the open pixel and without wrapped links.
CONFIGURATION_SETS: dict[str, Tracking] = {
    "marketing": Tracking(opens=True, clicks=True),
    "transactional": Tracking(opens=False, clicks=False),
    "newsletters": Tracking(opens=True, clicks=True),
}

# Who produced an open or a click (the ground truth's `engagement`) ...
HUMAN, MACHINE, PROXY, BOT = "human", "machine", "proxy", "bot"
OPEN_ENGAGEMENTS: tuple[str, ...] = (HUMAN, MACHINE, PROXY)
CLICK_ENGAGEMENTS: tuple[str, ...] = (HUMAN, BOT)
# ... and the rule that recognises a non-human one (`engagement_rule`; "" for a person).
APPLE_PRIVACY = "apple_privacy"
OPENED_RIGHT_AFTER_DELIVERY = "opened_right_after_delivery"
IMAGE_PROXY = "image_proxy"
SCANNER_USER_AGENT = "scanner_user_agent"
CLICKED_RIGHT_AFTER_DELIVERY = "clicked_right_after_delivery"
LINK_BURST = "link_burst"
OPEN_RULES: tuple[str, ...] = (APPLE_PRIVACY, OPENED_RIGHT_AFTER_DELIVERY, IMAGE_PROXY)
CLICK_RULES: tuple[str, ...] = (SCANNER_USER_AGENT, CLICKED_RIGHT_AFTER_DELIVERY, LINK_BURST)
RULE_ENGAGEMENTS: dict[str, str] = {
    APPLE_PRIVACY: MACHINE,
    OPENED_RIGHT_AFTER_DELIVERY: MACHINE,
    IMAGE_PROXY: PROXY,
    SCANNER_USER_AGENT: BOT,
    CLICKED_RIGHT_AFTER_DELIVERY: BOT,
    LINK_BURST: BOT,
}

# Apple Mail Privacy Protection fetches the pixel from Apple's 17.0.0.0/8 with this bare agent.
APPLE_PRIVACY_USER_AGENT = "Mozilla/5.0"
APPLE_NETWORK_PREFIX = "17."
# Image proxies fetch the pixel when a person opens the mail: a human open in disguise.
IMAGE_PROXY_MARKERS: tuple[str, ...] = ("GoogleImageProxy", "YahooMailProxy")
IMAGE_PROXY_USER_AGENTS: tuple[str, ...] = (
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
    "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html",
)
# Security gateways and scripts that follow every link.
SCANNER_MARKERS: tuple[str, ...] = (
    "Barracuda",
    "Mimecast",
    "Proofpoint",
    "python-requests",
    "Go-http-client",
    "curl/",
)
LINK_SCANNER_USER_AGENTS: tuple[str, ...] = (
    "Mozilla/5.0 (compatible; Barracuda Sentinel (EE))",
    "Mimecast URL Protect/1.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/87.0.4280.88 Safari/537.36 (Proofpoint URL Defense)",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "curl/8.4.0",
)
MAIL_CLIENT_USER_AGENTS: tuple[str, ...] = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.6261.64 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Thunderbird/115.8.0",
)


def is_ordinary_user_agent(user_agent: str) -> bool:
    """A person's mail client or browser: neither Apple's bare agent nor any proxy or
    scanner marker (compared case-blind, as a detection rule may)."""
    lowered = user_agent.lower()
    markers = (*IMAGE_PROXY_MARKERS, *SCANNER_MARKERS)
    return user_agent.strip() != APPLE_PRIVACY_USER_AGENT and not any(m.lower() in lowered for m in markers)


# Subscription events: what the contact changed (the ground truth's `subscription_change`).
OPT_OUT_ALL, OPT_OUT_TOPIC, OPT_IN = "opt_out_all", "opt_out_topic", "opt_in"
SUBSCRIPTION_CHANGES: tuple[str, ...] = (OPT_OUT_ALL, OPT_OUT_TOPIC, OPT_IN)

SNS_SUBJECT = "Amazon SES Email Event Notification"
SNS_VALIDATION_MESSAGE = "Successfully validated SNS topic for Amazon SES event publishing."
SNS_SUBSCRIPTION_SUCCEEDED = "AmazonSnsSubscriptionSucceeded"
