"""Plan changes: a larger allowance now (pro rata), a smaller one at the next renewal."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from engine.accounts import cycles
from engine.accounts.machine import Outcome, Step, _plan, _tier
from engine.accounts.pricing import CardPlans, yearly
from engine.plans import Tier
from engine.accounts.state import AccountState
from engine.accounts.values import EntryKind, PlanChange

MIN_PLACES = 2  # pro-rata amounts are rounded half up to the cent, or finer if the prices are


def change_plan(plans: CardPlans, state: AccountState, holds, plan: str, credits: int, at: datetime,
                op: str) -> Outcome:
    step = Step(plans, state, holds, at)
    info = _plan(plans, plan)
    new = _tier(info, credits)
    s = step.state
    old_info = plans.plans.get(s.plan)
    old = old_info.tier(s.credits) if old_info else None
    begin, end = cycles.period_bounds(s.start, s.cycle, s.yearly)
    left = cycles.fraction_left(begin, end, step.at)
    if credits >= s.credits:  # an upgrade (or a new name for the same allowance): now
        added = credits - s.credits
        step.entry(EntryKind.PLAN_CHANGE, added, op, plan=plan, tier=credits)
        step.set(plan=plan, credits=credits, yearly=yearly(info), granted=s.granted + added,
                 next_plan=None, next_credits=None, next_cycle=None)
        price, currency = prorata(old, new, left) if added else (None, None)
        return step.outcome(PlanChange(account=s.id, plan=plan, credits=credits, effective=step.at,
                                       immediate=True, added=added, fraction_left=left, prorata=price,
                                       currency=currency))
    renewal = cycles.next_renewal_cycle(s.cycle, s.yearly)
    step.entry(EntryKind.PLAN_CHANGE, 0, op, plan=plan, tier=credits, cycle=renewal)
    step.set(next_plan=plan, next_credits=credits, next_cycle=renewal)
    return step.outcome(PlanChange(account=s.id, plan=plan, credits=credits,
                                   effective=cycles.add_months(s.start, renewal), immediate=False, added=0,
                                   fraction_left=left))


def prorata(old: Tier | None, new: Tier, left: Fraction) -> tuple[Decimal | None, str | None]:
    """(new price - old price) x the share of the billing period left, when the card prices both.

    Exact until the last step, which rounds half up to the finest unit either price is
    written in, at least the cent: 10.00 -> 30.00 with 1/3 left is 6.67.
    """
    if old is None or old.price is None or new.price is None or old.currency != new.currency:
        return None, None
    places = max(MIN_PLACES, -old.price.as_tuple().exponent, -new.price.as_tuple().exponent)
    exact = (Fraction(new.price) - Fraction(old.price)) * left * 10 ** places
    units = math.floor(exact + Fraction(1, 2))
    return Decimal(units).scaleb(-places), new.currency
