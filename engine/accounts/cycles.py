"""Billing-cycle arithmetic: pure functions of a subscription's start and a moment (UTC)."""

from __future__ import annotations

import calendar
from datetime import datetime
from fractions import Fraction

MONTHS_PER_YEAR = 12


def add_months(start: datetime, months: int) -> datetime:
    """The same day and time `months` later; a day the month lacks becomes its last day.

    Counted from the start each time, so a start on the 31st comes back to the 31st
    after a short month: Jan 31 -> Feb 28 -> Mar 31.
    """
    index = start.month - 1 + months
    year, month = start.year + index // MONTHS_PER_YEAR, index % MONTHS_PER_YEAR + 1
    return start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))


def cycle_of(start: datetime, at: datetime) -> int:
    """The number of the monthly cycle holding `at` (0 from `start`); at must not precede start."""
    n = (at.year - start.year) * MONTHS_PER_YEAR + at.month - start.month
    while n > 0 and add_months(start, n) > at:
        n -= 1
    while add_months(start, n + 1) <= at:
        n += 1
    return n


def cycle_bounds(start: datetime, n: int) -> tuple[datetime, datetime]:
    """Cycle n is [start + n months, start + n + 1 months)."""
    return add_months(start, n), add_months(start, n + 1)


def months_per_period(yearly: bool) -> int:
    return MONTHS_PER_YEAR if yearly else 1


def period_bounds(start: datetime, n: int, yearly: bool) -> tuple[datetime, datetime]:
    """The billing period that holds cycle n: the cycle itself, or its subscription year."""
    size = months_per_period(yearly)
    first = n // size * size
    return add_months(start, first), add_months(start, first + size)


def next_renewal_cycle(n: int, yearly: bool) -> int:
    """The first cycle of the next billing period (a smaller plan starts there)."""
    size = months_per_period(yearly)
    return (n // size + 1) * size


def fraction_left(begin: datetime, end: datetime, at: datetime) -> Fraction:
    """The exact share of [begin, end) still to come at `at`, counted in microseconds."""
    whole = _micros(end - begin)
    return Fraction(max(0, min(whole, _micros(end - at))), whole)


def _micros(delta) -> int:
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
