"""Pools of realistic values, built once per run with a seeded Faker.

Faker costs tens of microseconds a call; the generator draws from these
pools with its own `random.Random` instead.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from faker import Faker

from .sampling import Weighted
from .vocabulary import (
    APPLE_NETWORK_PREFIX,
    CONFIGURATION_SETS,
    MAIL_CLIENT_USER_AGENTS,
    MAILBOX_PROVIDER_WEIGHTS,
    MAILBOX_PROVIDERS,
    is_ordinary_user_agent,
    is_reserved_domain,
)

FORBIDDEN = "}{"  # the reader splits concatenated JSON objects on it
# Only Faker methods that do not depend on today's date are used: output must not change over time.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_FREE_MAIL_SHARE = 0.6  # of recipients; the rest are at company domains (provider `other`)
_FREE_MAIL_PROVIDERS = Weighted(tuple(MAILBOX_PROVIDER_WEIGHTS), tuple(MAILBOX_PROVIDER_WEIGHTS.values()))
_SENDER_SUFFIXES = {
    "news": " News",
    "hello": "",
    "orders": " Orders",
    "no-reply": "",
    "updates": " Updates",
    "team": " Team",
}


@dataclass(frozen=True)
class Sender:
    """A verified sending identity."""

    name: str  # display name, e.g. "Patel PLC News"
    address: str  # e.g. news@patel.com
    domain: str
    named_source: bool  # `mail.source` carries the display name too

    @property
    def from_header(self) -> str:
        return f'"{self.name}" <{self.address}>'

    @property
    def source(self) -> str:
        return self.from_header if self.named_source else self.address


@dataclass(frozen=True)
class ValuePools:
    recipients: tuple[str, ...]
    senders: tuple[Sender, ...]
    subjects: tuple[str, ...]
    campaigns: tuple[str, ...]
    link_paths: tuple[str, ...]
    user_agents: tuple[str, ...]  # people's browsers and mail clients: no proxy or scanner marker
    client_ips: tuple[str, ...]  # openers and clickers: never in Apple's 17.0.0.0/8
    apple_ips: tuple[str, ...]  # Apple Mail Privacy Protection's fetchers, in 17.0.0.0/8
    image_proxy_ips: tuple[str, ...]  # Google's and Yahoo's image proxies
    mta_ips: tuple[str, ...]  # receiving mail servers
    caller_ips: tuple[str, ...]  # applications calling the SES API
    outgoing_ips: tuple[str, ...]  # SES's sending IPs
    accounts: tuple[str, ...]  # AWS account ids
    caller_identities: tuple[str, ...]
    configuration_sets: tuple[str, ...]
    tracked_configuration_sets: tuple[str, ...]  # those that track opens and clicks
    template_names: tuple[str, ...]


def build_pools(seed: int, messages: int) -> ValuePools:
    """Pools sized for `messages` messages, identical for the same seed."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(f"{seed}:pools")
    first_names = _distinct(fake.first_name() for _ in range(400))
    last_names = _distinct(fake.last_name() for _ in range(400))
    company_domains = _distinct(
        domain for domain in (fake.domain_name() for _ in range(120)) if not is_reserved_domain(domain)
    )
    senders = _senders(fake, rng, count=12)
    recipient_count = min(50_000, max(300, messages * 2))
    return ValuePools(
        recipients=_recipients(rng, first_names, last_names, company_domains, recipient_count),
        senders=senders,
        subjects=_checked(_subject(fake, rng) for _ in range(min(2_000, 50 + messages // 10))),
        campaigns=_distinct(f"{fake.word()}-{fake.word()}" for _ in range(30)),
        link_paths=_distinct(fake.uri_path(deep=rng.randint(1, 3)) for _ in range(300)),
        user_agents=_ordinary_user_agents(fake, rng),
        client_ips=_distinct(
            ip for ip in (fake.ipv4_public() for _ in range(3_000)) if not ip.startswith(APPLE_NETWORK_PREFIX)
        ),
        apple_ips=_distinct(f"{APPLE_NETWORK_PREFIX}{_host_part(rng, 3)}" for _ in range(200)),
        image_proxy_ips=_distinct(
            f"{rng.choice(('66.249.', '74.125.', '98.137.'))}{_host_part(rng, 2)}" for _ in range(200)
        ),
        mta_ips=_distinct(fake.ipv4_public() for _ in range(400)),
        caller_ips=_distinct(fake.ipv4_public() for _ in range(12)),
        outgoing_ips=tuple(f"54.240.{rng.randint(0, 63)}.{rng.randint(1, 254)}" for _ in range(16)),
        accounts=tuple(f"{rng.randrange(10**11, 10**12):012d}" for _ in range(3)),
        caller_identities=("ses-marketing-sender", "orders-service", "root", "newsletter-app"),
        configuration_sets=tuple(CONFIGURATION_SETS),
        tracked_configuration_sets=tuple(
            name for name, tracking in CONFIGURATION_SETS.items() if tracking.opens and tracking.clicks
        ),
        template_names=_checked(f"{fake.word().title()}{fake.word().title()}Template" for _ in range(12)),
    )


def _senders(fake: Faker, rng: random.Random, count: int) -> tuple[Sender, ...]:
    senders = []
    for _ in range(count):
        company = fake.company()
        domain = fake.domain_name()
        local = rng.choice(tuple(_SENDER_SUFFIXES))
        name = company + _SENDER_SUFFIXES[local]
        senders.append(Sender(name, f"{local}@{domain}", domain, named_source=rng.random() < 0.3))
    _checked(value for sender in senders for value in (sender.name, sender.address))
    return tuple(senders)


def _ordinary_user_agents(fake: Faker, rng: random.Random) -> tuple[str, ...]:
    """Mail clients (most opens) and browsers; checked free of anything a detection
    rule looks for, so a person's open or click never looks like a machine's."""
    browsers = [rng.choice((fake.chrome, fake.safari))() for _ in range(80)]
    agents = list(MAIL_CLIENT_USER_AGENTS) * 20 + browsers
    unfit = [agent for agent in agents if not is_ordinary_user_agent(agent)]
    if unfit:
        raise ValueError(f"a person's user agent looks like a machine's: {unfit[0]!r}")
    return _checked(agents)


def _host_part(rng: random.Random, octets: int) -> str:
    """The last `octets` octets of an IPv4 address, the final one never 0 or 255."""
    return ".".join([*(str(rng.randint(0, 255)) for _ in range(octets - 1)), str(rng.randint(1, 254))])


def _recipients(
    rng: random.Random,
    first_names: tuple[str, ...],
    last_names: tuple[str, ...],
    company_domains: tuple[str, ...],
    count: int,
) -> tuple[str, ...]:
    """`count` distinct addresses; 60% at free mailbox providers (by their weights),
    the rest at companies."""
    patterns = (
        lambda first, last: f"{first}.{last}",
        lambda first, last: f"{first[0]}{last}{rng.randint(1, 99)}",
        lambda first, last: f"{last}.{first}{rng.randint(60, 99)}",
        lambda first, last: f"{first}{rng.randint(1000, 9999)}",
    )
    addresses: dict[str, None] = {}
    while len(addresses) < count:
        local = rng.choice(patterns)(rng.choice(first_names), rng.choice(last_names)).lower().replace("'", "")
        if rng.random() < _FREE_MAIL_SHARE:
            domain = rng.choice(MAILBOX_PROVIDERS[_FREE_MAIL_PROVIDERS.draw(rng)])
        else:
            domain = rng.choice(company_domains)
        addresses[f"{local}@{domain}"] = None
    return tuple(addresses)


def _subject(fake: Faker, rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return fake.sentence(nb_words=rng.randint(3, 8)).rstrip(".")
    if style == 1:
        return f"{fake.catch_phrase()}: {rng.choice(_MONTHS)} edition"
    if style == 2:
        return f"Your order #{rng.randint(100000, 999999)} has shipped"
    return f"{fake.first_name()}, {fake.bs()} today"


def _distinct(values: Iterable[str]) -> tuple[str, ...]:
    """Unique values, first occurrence first."""
    return _checked(dict.fromkeys(values))


def _checked(values: Iterable[str]) -> tuple[str, ...]:
    result = tuple(values)
    bad = [value for value in result if FORBIDDEN in value]
    if bad:
        raise ValueError(f"pool value contains {FORBIDDEN!r}: {bad[0]!r}")
    return result
