"""Millisecond epoch times rendered in the formats SES data arrives in.

Every time in the generator is an `int` of milliseconds since the Unix epoch,
UTC; these functions only render them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

SECOND_MS = 1_000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS


def to_datetime(ms: int) -> datetime:
    """The UTC datetime of an epoch-milliseconds time."""
    return _EPOCH + timedelta(milliseconds=ms)


def iso_utc(ms: int) -> str:
    """SES's own format: `2024-03-04T10:15:30.123Z`."""
    minute, ms_in_minute = divmod(ms, MINUTE_MS)
    second, millisecond = divmod(ms_in_minute, SECOND_MS)
    return f"{_minute_prefix(minute)}:{second:02d}.{millisecond:03d}Z"


@lru_cache(maxsize=1 << 16)
def _minute_prefix(minute: int) -> str:
    """`2024-03-04T10:15` for minutes since the epoch (cached: formatting is the slow part)."""
    return f"{to_datetime(minute * MINUTE_MS):%Y-%m-%dT%H:%M}"


def iso_utc_seconds(ms: int) -> str:
    """EventBridge `time`: `2024-03-04T10:15:30Z` (no milliseconds)."""
    return f"{to_datetime(ms):%Y-%m-%dT%H:%M:%S}Z"


def naive_utc(ms: int) -> str:
    """An exported zone-less UTC time, trailing zeros of the fraction dropped as
    Spark/Hive print them: `2021-08-23 06:56:30.37`, `2021-08-23 06:56:30`."""
    fraction = f"{ms % 1000:03d}".rstrip("0")
    return f"{to_datetime(ms):%Y-%m-%d %H:%M:%S}" + (f".{fraction}" if fraction else "")


def with_offset(ms: int, offset_minutes: int) -> str:
    """The same instant as local time with a UTC offset: `2024-03-04T05:15:30.123-05:00`."""
    local = to_datetime(ms + offset_minutes * MINUTE_MS)
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{local:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}{sign}{hours:02d}:{minutes:02d}"


def rfc5322(ms: int) -> str:
    """An e-mail `Date` header: `Mon, 04 Mar 2024 10:15:30 +0000`."""
    minute, ms_in_minute = divmod(ms, MINUTE_MS)
    return f"{_rfc5322_minute(minute)}:{ms_in_minute // SECOND_MS:02d} +0000"


@lru_cache(maxsize=1 << 16)
def _rfc5322_minute(minute: int) -> str:
    moment = to_datetime(minute * MINUTE_MS)
    return f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} {moment:%Y %H:%M}"


def firehose_key_parts(ms: int) -> tuple[str, str]:
    """The hour folder `2024/03/04/10` and key stamp `2024-03-04-10-15-30` of a Firehose object."""
    moment = to_datetime(ms)
    return f"{moment:%Y/%m/%d/%H}", f"{moment:%Y-%m-%d-%H-%M-%S}"


def parse_utc(text: str) -> int:
    """Epoch milliseconds of an ISO-8601 date or date-time; no zone means UTC."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round((moment - _EPOCH).total_seconds() * 1000)
