"""The masking of plugins/ses_personal_data.py, value by value: what each kind
keeps and what it masks, on hand-written values. Hashes are checked against
HMAC-SHA256 computed here, with the standard library."""

from __future__ import annotations

import hashlib
import hmac
import sys

import pytest

from conftest import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "plugins"))
from ses_personal_data import Masker, mask_personal_data  # noqa: E402

KEY = "test-key"
HASHED = Masker("hashed", KEY)
REDACTED = Masker("redacted", None)


def digest(text: str) -> str:
    return hmac.new(KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:16]


def test_an_address_is_the_keyed_hash_of_its_lower_case_at_its_domain() -> None:
    assert HASHED.address("Dave@Example.COM") == digest("dave@example.com") + "@example.com"
    assert HASHED.address(" dave@example.com ") == HASHED.address("DAVE@example.com")
    assert REDACTED.address("dave@example.com") == "redacted@example.com"


@pytest.mark.parametrize("address, domain", [
    ("josé.garcía@exämple.com", "exämple.com"),
    ('"john smith"@example.com', "example.com"),
    ("rootuser@localhost", "localhost"),
    ("pat+promo@corp.example", "corp.example"),
    ("bounces+user=example.com@bounce.example.net", "bounce.example.net"),
])
def test_every_form_of_address_is_masked_whole(address: str, domain: str) -> None:
    assert HASHED.address(address) == digest(address.lower()) + "@" + domain
    assert REDACTED.address(address) == "redacted@" + domain


def test_composed_and_decomposed_unicode_are_one_address() -> None:
    assert HASHED.address("jose\u0301@example.com") == HASHED.address("jos\u00e9@example.com")


def test_a_header_keeps_its_addresses_only() -> None:
    assert HASHED.header('"Ann Leeworthy" <ann@corp.example>, Bob <bob@x.org>') == (
        f"{digest('ann@corp.example')}@corp.example, {digest('bob@x.org')}@x.org"
    )
    assert REDACTED.address('"Ann Leeworthy" <ann@corp.example>') == "redacted@corp.example"
    # a header that names no address is masked whole
    assert HASHED.header("undisclosed-recipients:;") == digest("undisclosed-recipients:;")


def test_text_keeps_its_words_and_masks_addresses_and_ip_addresses() -> None:
    assert HASHED.text("smtp; 550 5.1.1 mailbox unavailable:\nnina@corp.example.") == (
        f"smtp; 550 5.1.1 mailbox unavailable:\n{digest('nina@corp.example')}@corp.example."
    )
    assert REDACTED.text("421 4.4.1 [203.0.113.5] deferred for <a@x.org>") == (
        "421 4.4.1 [redacted] deferred for <redacted@x.org>"
    )
    assert HASHED.text("Spring sale") == "Spring sale"


def test_a_link_keeps_its_shape_and_masks_addresses_in_every_part() -> None:
    link = "https://shop.example/u/jo.doe@corp.example/p?email=jo.doe%40corp.example&utm_source=news#jo.doe@corp.example"
    masked = digest("jo.doe@corp.example") + "@corp.example"
    assert HASHED.link(link) == f"https://shop.example/u/{masked}/p?email={masked}&utm_source=news#{masked}"
    assert REDACTED.link("https://ann:secret@shop.example/p?q=1") == "https://redacted@shop.example/p?q=1"
    untouched = "https://shop.example/p?utm_source=news&id=42"
    assert HASHED.link(untouched) == untouched


def test_tags_mask_identities_and_addresses_in_values() -> None:
    tags = '{"ses:source-ip":["192.0.2.1"],"ses:caller-identity":["ann"],"campaign":["spring"],"owner":["a@x.org"]}'
    assert REDACTED.tags(tags) == (
        '{"ses:source-ip":["redacted"],"ses:caller-identity":["redacted"],"campaign":["spring"],'
        '"owner":["redacted@x.org"]}'
    )


def test_the_database_function_keeps_nulls_and_needs_the_key(monkeypatch) -> None:
    monkeypatch.setenv("SES_PII_HASH_KEY", KEY)
    assert mask_personal_data(None, "address", "hashed") is None
    assert mask_personal_data("Mozilla/5.0 (Jo's iPhone)", "value", "hashed") == digest("Mozilla/5.0 (Jo's iPhone)")
    monkeypatch.setenv("SES_PII_HASH_KEY", "")
    with pytest.raises(ValueError, match="set the environment variable SES_PII_HASH_KEY"):
        mask_personal_data("a@x.org", "address", "hashed")
    assert mask_personal_data("a@x.org", "address", "redacted") == "redacted@x.org"
