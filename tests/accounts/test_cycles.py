"""Cycle arithmetic and pro-rata amounts, against brute-force oracles."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.accounts import cycles
from engine.plans import Tier
from engine.accounts.upgrades import prorata

UTC = timezone.utc
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1),
                       timezones=st.just(UTC))


def _renewals(start: datetime, count: int) -> list[datetime]:
    """The oracle: walk month by month, the start's day or the month's last."""
    out, year, month = [], start.year, start.month
    for _ in range(count):
        day = min(start.day, calendar.monthrange(year, month)[1])
        out.append(start.replace(year=year, month=month, day=day))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def test_a_start_on_the_31st():
    start = datetime(2027, 12, 31, 9, tzinfo=UTC)
    got = [cycles.add_months(start, n).date().isoformat() for n in range(4)]
    assert got == ["2027-12-31", "2028-01-31", "2028-02-29", "2028-03-31"]


@settings(deadline=None)  # a loaded machine is no failure
@given(moments, st.integers(0, 400))
def test_cycle_of_finds_the_cycle_that_holds_the_moment(start, minutes_later_k):
    at = start + timedelta(minutes=minutes_later_k * 997 * 11)
    n = cycles.cycle_of(start, at)
    renewals = _renewals(start, n + 2)
    assert renewals[n] <= at < renewals[n + 1]
    assert cycles.cycle_bounds(start, n) == (renewals[n], renewals[n + 1])


@settings(deadline=None)
@given(moments, st.integers(0, 60))
def test_a_yearly_period_holds_its_twelve_cycles(start, n):
    begin, end = cycles.period_bounds(start, n, yearly=True)
    assert (begin, end) == (cycles.add_months(start, n // 12 * 12), cycles.add_months(start, n // 12 * 12 + 12))
    assert begin <= cycles.add_months(start, n) < end
    assert cycles.next_renewal_cycle(n, yearly=True) == (n // 12 + 1) * 12
    assert cycles.period_bounds(start, n, yearly=False) == cycles.cycle_bounds(start, n)


def test_the_fraction_left_is_exact():
    begin = datetime(2026, 2, 1, tzinfo=UTC)
    end = datetime(2026, 3, 1, tzinfo=UTC)
    assert cycles.fraction_left(begin, end, begin + timedelta(days=7)) == Fraction(3, 4)
    assert cycles.fraction_left(begin, end, begin + timedelta(microseconds=1)) == \
        Fraction(28 * 86400 * 10**6 - 1, 28 * 86400 * 10**6)


def test_prorata_is_the_price_difference_for_the_time_left_rounded_half_up_to_the_cent():
    cheap, dear = Tier(credits=40000, price=Decimal("10.00"), currency="USD"), Tier(credits=240000, price=Decimal("30.00"), currency="USD")
    assert prorata(cheap, dear, Fraction(1, 3)) == (Decimal("6.67"), "USD")
    assert prorata(cheap, dear, Fraction(1, 8)) == (Decimal("2.50"), "USD")
    assert prorata(cheap, dear, Fraction(0)) == (Decimal("0.00"), "USD")
    assert prorata(Tier(credits=1, price=Decimal("0"), currency="USD"), Tier(credits=2, price=Decimal("0.05"), currency="USD"), Fraction(1, 2)) \
        == (Decimal("0.03"), "USD")   # 0.025 rounds half up
    fine = prorata(Tier(credits=1, price=Decimal("1.000"), currency="BHD"), Tier(credits=2, price=Decimal("2.000"), currency="BHD"), Fraction(1, 3))
    assert fine == (Decimal("0.333"), "BHD")


def test_no_prorata_without_both_prices_in_one_currency():
    priced = Tier(credits=240000, price=Decimal("30.00"), currency="USD")
    assert prorata(Tier(credits=40000), priced, Fraction(1, 2)) == (None, None)
    assert prorata(Tier(credits=40000, price=Decimal("10"), currency="EUR"), priced, Fraction(1, 2)) == (None, None)
    assert prorata(None, priced, Fraction(1, 2)) == (None, None)
