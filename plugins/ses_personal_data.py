"""Personal data as ses_pii_mode keeps it, one parsed value at a time.

The models call `ses_mask_personal_data(value, kind, mode)` (registered by
the ses_objects plugin) on the fields the parse has already typed, never on a
record's text: a value is masked after JSON has unescaped it, so an address
written `jos\\u00e9@...` or `a\\u0040b.example` is the address it stands for,
and no escape sequence can be cut in half.

mode is `hashed` (each personal value replaced by 16 hex digits of its
HMAC-SHA256 under the secret in SES_PII_HASH_KEY; an address keeps its
domain, so per-domain figures still work, and is hashed in lower case, so
one address written in two cases is one recipient) or `redacted` (addresses
become `redacted@<domain>`, other values `redacted`).

kind says what the value is:
- address: one e-mail address (a display name around it is dropped);
- header: an address header (From, To, Reply-To): each address it names,
  display names dropped, joined by ", ";
- text: free text (a subject, a diagnostic code, an SMTP reply): each
  address in it (also written with %40) and each IPv4 address is masked, the
  rest kept;
- link: a URL: each address in its user info, path segments, query values
  and fragment, percent-decoded first, is masked; the rest is kept byte for
  byte, so query keys (utm_*) and the host still work;
- value: the whole value (an IP address, a user agent, an identity);
- tags: mail.tags as JSON text: the source IP and caller identity masked as
  values, every other value as text.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import re
import unicodedata
from urllib.parse import quote, unquote, unquote_plus

PII_KEY_VARIABLE = "SES_PII_HASH_KEY"
MODES = ("hashed", "redacted")
KINDS = ("address", "header", "text", "link", "value", "tags")

# An address as it appears in free text: a quoted local part or a run of the
# characters a local part may hold (any letter, so josé is one), @ or its
# percent-encoding, and a domain with or without a dot (rootuser@localhost).
# Brackets, quotes, white space, commas and semicolons end it.
ADDRESS = re.compile(
    r'(?P<local>"[^"\r\n]+"|[^\s"<>()\[\]{},;:@\\/]+)'
    r"(?P<at>@|%40)"
    r"(?P<domain>[^\s\"'<>()\[\]{},;:@\\/?#&=%]+)",
    re.IGNORECASE,
)
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
# the tags whose values are a person's or a machine's identity, not a label
IDENTITY_TAGS = ("ses:source-ip", "ses:caller-identity")


def pii_key() -> str:
    """The secret that keys the hash, from the environment, so that it
    appears in no SQL, log or artifact."""
    key = os.environ.get(PII_KEY_VARIABLE, "")
    if not key:
        raise ValueError(f"ses_pii_mode hashed needs a secret key: set the environment variable {PII_KEY_VARIABLE}")
    return key


def pii_key_is_set() -> bool:
    return bool(os.environ.get(PII_KEY_VARIABLE, ""))


def keyed_hash(text: str, key: str) -> str:
    """16 hex digits (64 bits) of HMAC-SHA256: short enough to read, far from
    colliding at any mailing list's size."""
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()[:16]


def normalized(text: str) -> str:
    """One spelling per address: composed Unicode (é as one character), no
    surrounding space, lower case."""
    return unicodedata.normalize("NFC", text.strip()).lower()


class Masker:
    """Masks values for one mode (and, when hashed, one key)."""

    def __init__(self, mode: str, key: str | None) -> None:
        self.mode = mode
        self.key = key

    def value(self, text: str) -> str:
        if self.mode == "redacted":
            return "redacted"
        return keyed_hash(text, self.key)

    def one_address(self, local: str, at: str, domain: str) -> str:
        domain = normalized(domain.rstrip("."))
        if self.mode == "redacted":
            return f"redacted{at}{domain}"
        return f"{keyed_hash(normalized(unquote(local)) + '@' + domain, self.key)}{at}{domain}"

    def _masked_match(self, match: re.Match) -> str:
        domain = match.group("domain")
        # a sentence's full stop is not part of the domain
        trailing = domain[len(domain.rstrip(".")):]
        return self.one_address(match.group("local"), match.group("at"), domain) + trailing

    def addresses_in(self, text: str) -> list[str]:
        masked = [self.one_address(m.group("local"), "@", m.group("domain")) for m in ADDRESS.finditer(text)]
        return list(dict.fromkeys(masked))

    def address(self, text: str) -> str:
        found = self.addresses_in(text)
        return found[0] if len(found) == 1 else self.header(text)

    def header(self, text: str) -> str:
        found = self.addresses_in(text)
        return ", ".join(found) if found else self.value(text)

    def text(self, text: str) -> str:
        masked = ADDRESS.sub(self._masked_match, text)
        return IPV4.sub(lambda match: self.value(match.group()), masked)

    def _url_part(self, part: str, decode=unquote) -> str:
        """A path segment, query value or fragment: masked, and encoded again,
        only when its decoded text names an address."""
        decoded = decode(part)
        if not ADDRESS.search(decoded):
            return part
        return quote(self.text(decoded), safe="@")

    def link(self, text: str) -> str:
        fragment_start = text.find("#")
        fragment = text[fragment_start + 1:] if fragment_start >= 0 else None
        rest = text[:fragment_start] if fragment_start >= 0 else text
        query_start = rest.find("?")
        query = rest[query_start + 1:] if query_start >= 0 else None
        rest = rest[:query_start] if query_start >= 0 else rest
        scheme_end = rest.find("://")
        prefix, path = (rest[:scheme_end + 3], rest[scheme_end + 3:]) if scheme_end >= 0 else ("", rest)
        if scheme_end >= 0:
            authority, slash, path = path.partition("/")
            # user info before the host (https://ann:secret@host/) is a person's
            user_info, at, host = authority.rpartition("@")
            prefix += (self.value(unquote(user_info)) + at if at else "") + host + slash
        masked = prefix + "/".join(self._url_part(segment) for segment in path.split("/"))
        if query is not None:
            pairs = []
            for pair in query.split("&"):
                name, equals, value = pair.partition("=")
                pairs.append(name + equals + self._url_part(value, unquote_plus) if equals else self._url_part(pair))
            masked += "?" + "&".join(pairs)
        if fragment is not None:
            masked += "#" + self._url_part(fragment)
        return masked

    def tags(self, text: str) -> str:
        try:
            tags = json.loads(text)
        except ValueError:
            return self.text(text)
        if not isinstance(tags, dict):
            return self.text(text)

        def masked(name: str, value):
            if isinstance(value, list):
                return [masked(name, element) for element in value]
            if not isinstance(value, str):
                return value
            return self.value(value) if name in IDENTITY_TAGS else self.text(value)

        return json.dumps({name: masked(name, value) for name, value in tags.items()}, ensure_ascii=False,
                          separators=(",", ":"))


@functools.lru_cache(maxsize=1 << 16)
def masked_value(value: str, kind: str, mode: str, key: str | None) -> str:
    return getattr(Masker(mode, key), kind)(value)


def mask_personal_data(value: str | None, kind: str, mode: str) -> str | None:
    """The DuckDB function: `value` masked as `kind` in `mode` (null stays
    null). Values repeat (a subject on every event of a campaign, an address
    on every event of its message), so masked values are cached."""
    if value is None:
        return None
    if mode not in MODES or kind not in KINDS:
        raise ValueError(f"ses_mask_personal_data: unknown mode or kind ({mode}, {kind})")
    return masked_value(value, kind, mode, pii_key() if mode == "hashed" else None)
