"""Instants as a rate card and its callers write them: whole microseconds since 1970, in UTC.

A card writes a date (`2026-12-01`: midnight UTC at its start) or a UTC time
(`2026-12-01T09:30:00Z`). A caller gives the time of a quote, `at`, as an aware
datetime or as text: a date, or an RFC 3339 time with its offset
(`2026-12-01T10:00:00Z`, `2026-12-01T11:00:00+01:00`). A time without a zone is
refused, never guessed: a price must not depend on the zone of the machine
that asks. Periods are half-open, [start, end): a price `until 2026-12-01` is in
effect up to, not including, midnight UTC on 1 December.

Small and light on purpose: the quote path of a dated card uses it.
"""

from __future__ import annotations

import functools
import re
import time
from datetime import UTC, date, datetime, timedelta

import attrs

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_DAY = 86_400_000_000
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CARD_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?Z)?")
EXAMPLE = "2026-12-01T10:00:00Z"


def card_time(text: str) -> datetime | None:
    """The instant a card's date or time names (aware, UTC); None when the calendar has no such day or time."""
    m = _CARD_TIME.fullmatch(text)
    if m is None:
        return None
    day, hour, minute, second = m.groups()
    try:
        when = datetime.fromisoformat(day).replace(tzinfo=UTC)
        if hour is not None:
            when = when.replace(hour=int(hour), minute=int(minute), second=int(second or 0))
    except ValueError:
        return None
    return when


def micros(when: datetime) -> int:
    """An aware datetime as microseconds since 1970-01-01T00:00:00Z."""
    return (when - EPOCH) // _MICROSECOND


def instant(n: int) -> datetime:
    return EPOCH + n * _MICROSECOND


def now() -> int:
    return time.time_ns() // 1000


def show(n: int) -> str:
    """As a card writes it: `2026-12-01` for midnight UTC, else `2026-12-01T09:30:00Z`."""
    if n % _DAY == 0:
        return instant(n).date().isoformat()
    return rfc3339(n)


def rfc3339(n: int) -> str:
    """`2026-12-01T00:00:00Z` (with microseconds only when there are any)."""
    when = instant(n)
    spec = "microseconds" if when.microsecond else "seconds"
    return when.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


@attrs.frozen
class Period:
    """[start, end) in microseconds; None for an open end (since always, or for ever)."""

    start: int | None = None
    end: int | None = None

    def __contains__(self, n: int) -> bool:
        return (self.start is None or self.start <= n) and (self.end is None or n < self.end)

    @property
    def is_empty(self) -> bool:
        return self.start is not None and self.end is not None and self.start >= self.end

    @property
    def always(self) -> bool:
        return self.start is None and self.end is None

    def meet(self, other: Period) -> Period:
        """Where both are in effect."""
        starts = [s for s in (self.start, other.start) if s is not None]
        ends = [e for e in (self.end, other.end) if e is not None]
        return Period(max(starts) if starts else None, min(ends) if ends else None)

    def words(self) -> str:
        """`from 2026-12-01 until 2027-01-01`, `until 2026-12-01`, `from 2027-01-01`, or `always`."""
        parts = []
        if self.start is not None:
            parts.append(f"from {show(self.start)}")
        if self.end is not None:
            parts.append(f"until {show(self.end)}")
        return " ".join(parts) or "always"

    def iso(self) -> str:
        """ISO 8601 interval, `..` for an open end: `2026-12-01T00:00:00Z/..` (what Quote.effective says)."""
        start = ".." if self.start is None else rfc3339(self.start)
        end = ".." if self.end is None else rfc3339(self.end)
        return f"{start}/{end}"


def read_at(value: object) -> int | str:
    """The time a caller asks a price for, in microseconds; or, for a value that is no such time,
    a sentence saying why (the message of an `invalid-request` rejection)."""
    if type(value) is datetime and value.tzinfo is UTC:  # the usual one, first
        d = value - EPOCH
        return (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return (f"`at` has no time zone ({value.isoformat()}): give an aware datetime, or a time with "
                    f"its offset such as {EXAMPLE}")
        try:
            return micros(value)
        except OverflowError:
            return f"`at` is out of range: {value.isoformat()}"
    if isinstance(value, date):  # a day: midnight UTC at its start, as in a card
        return micros(datetime(value.year, value.month, value.day, tzinfo=UTC))
    if isinstance(value, str):
        return _read_text(value)
    return f"`at` is a time (a datetime or a text such as {EXAMPLE}), not {type(value).__name__}"


@functools.lru_cache(maxsize=256)  # a service is mostly asked for the same few times
def _read_text(text: str) -> int | str:
    shown = text if len(text) <= 40 else text[:40] + "..."
    stripped = text.strip()
    try:
        when = datetime.fromisoformat(stripped)
    except ValueError:
        return f"`at` is not a time: {shown!r}; give a date (2026-12-01) or a UTC time ({EXAMPLE})"
    if when.tzinfo is None:
        if _DATE.fullmatch(stripped):
            return micros(when.replace(tzinfo=UTC))
        return f"`at` has no time zone: {shown!r}; add one, as in {stripped}Z for UTC"
    return read_at(when)
