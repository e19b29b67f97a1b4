"""The accounts' state machine: (stored state, operation, time) -> (entries to append, result).

Pure: no I/O and no clock. Every operation first brings the account up to `at`
(holds that lapsed, a cycle that ended: its unused credits expire and the new
cycle's allowance is granted), then applies itself. The store appends what
comes out and keeps the derived rows; it decides nothing.
"""

from __future__ import annotations

import json
from datetime import datetime

import attrs

from engine.accounts import cycles
from engine.accounts.errors import AccountError, ErrorCode
from engine.accounts.pricing import CardPlans, yearly
from engine.accounts.state import AccountState, HoldState, HoldStatus
from engine.accounts.values import (
    Adjustment, Balance, Charge, Entry, EntryKind, Hold, Release, Subscription)
from engine.results import Code, Rejection


@attrs.frozen
class Outcome:
    """What an operation does: the result, and what the store must write (nothing for a Rejection)."""

    result: object
    account: AccountState | None = None
    entries: tuple[Entry, ...] = ()
    holds: tuple[HoldState, ...] = ()      # holds made or changed
    created: bool = False                   # the account row is new


def unknown_account(account: str) -> Rejection:
    return Rejection(Code.UNKNOWN_ACCOUNT, f"there is no account {account!r}; subscribe it to a plan first",
                     "account")


class Step:
    """One operation in progress on one account: the state brought up to `at`, entries so far."""

    def __init__(self, plans: CardPlans, state: AccountState, holds, at: datetime):
        self.plans = plans
        self.state = state
        self.holds = {h.id: h for h in holds}
        self.changed: dict[str, HoldState] = {}
        self.entries: list[Entry] = []
        self.at = max(at, state.clock)   # an account's clock never goes back
        self._advance()

    def entry(self, kind: EntryKind, credits: int, op: str, at: datetime | None = None, **fields) -> Entry:
        seq = self.state.seq + 1
        self.state = attrs.evolve(self.state, seq=seq)
        made = Entry(id=f"{self.state.id}#{seq}", account=self.state.id, seq=seq, kind=kind, op=op,
                     at=at or self.at, credits=credits, cycle=fields.pop("cycle", self.state.cycle), **fields)
        self.entries.append(made)
        return made

    def set(self, **changes) -> None:
        self.state = attrs.evolve(self.state, **changes)

    def set_hold(self, hold: HoldState, status: HoldStatus) -> None:
        hold = attrs.evolve(hold, status=status)
        self.holds[hold.id] = self.changed[hold.id] = hold

    def cycle_end(self) -> datetime:
        return cycles.cycle_bounds(self.state.start, self.state.cycle)[1]

    def outcome(self, result) -> Outcome:
        return Outcome(result, self.state, tuple(self.entries), tuple(self.changed.values()))

    def _advance(self) -> None:
        while True:
            end = self.cycle_end()
            due = sorted((h for h in self.holds.values()
                          if h.status is HoldStatus.OPEN and h.expires <= min(self.at, end)),
                         key=lambda h: (h.expires, h.id))
            for hold in due:
                self.entry(EntryKind.HOLD_EXPIRY, hold.credits, f"hold-expiry:{hold.id}", hold.expires,
                           hold=hold.id, cycle=hold.cycle)
                self.set(held=self.state.held - hold.credits)
                self.set_hold(hold, HoldStatus.EXPIRED)
            if self.at < end:
                break
            self._renew(end)
        self.set(clock=self.at)

    def _renew(self, end: datetime) -> None:
        s = self.state
        self.entry(EntryKind.EXPIRY, s.available, f"expiry:{s.id}:{s.cycle}", end)
        n = cycles.cycle_of(s.start, self.at)
        plan, credits, by_year, pending = s.plan, s.credits, s.yearly, {}
        if s.next_cycle is not None and n >= s.next_cycle:
            plan, credits = s.next_plan, s.next_credits
            info = self.plans.plans.get(plan)
            by_year = yearly(info) if info else by_year
            pending = {"next_plan": None, "next_credits": None, "next_cycle": None}
        self.set(expired=s.expired + s.available, cycle=n, plan=plan, credits=credits, yearly=by_year,
                 granted=credits, spent=0, held=0, **pending)
        self.entry(EntryKind.GRANT, credits, f"grant:{s.id}:{n}", cycles.add_months(s.start, n),
                   plan=plan, tier=credits)


def subscribe(plans: CardPlans, existing: AccountState | None, account: str, plan: str, credits: int,
              start: datetime, at: datetime) -> Outcome:
    if existing is not None:
        raise AccountError(ErrorCode.ACCOUNT_EXISTS, f"{account!r} is already subscribed "
                           f"({existing.plan}, {existing.credits:,} credits); use change_plan")
    info = _plan(plans, plan)
    _tier(info, credits)
    if start > at:
        raise AccountError(ErrorCode.BAD_TIME, f"start {start.isoformat()} is after now ({at.isoformat()})")
    n = cycles.cycle_of(start, at)
    state = AccountState(id=account, plan=plan, credits=credits, yearly=yearly(info), start=start, cycle=n,
                         granted=0, spent=0, held=0, expired=0, clock=at, seq=0)
    step = Step(plans, state, (), at)
    op = f"subscribe:{account}"
    step.entry(EntryKind.SUBSCRIBE, 0, op, plan=plan, tier=credits)
    step.entry(EntryKind.GRANT, credits, f"grant:{account}:{n}", plan=plan, tier=credits)
    step.set(granted=credits)
    begin, end = cycles.cycle_bounds(start, n)
    result = Subscription(account=account, plan=plan, credits=credits, start=start, cycle_start=begin,
                          cycle_end=end)
    return attrs.evolve(step.outcome(result), created=True)


def spend(plans: CardPlans, state: AccountState, holds, request, at: datetime, op: str,
          expires: datetime | None) -> Outcome:
    """A hold (expires given) or a charge (expires None) of the request's price."""
    step = Step(plans, state, holds, at)
    price = plans.price(request, step.state.plan, step.at)  # a dated card: its price at the operation's time
    if not price.ok:
        return Outcome(price)
    s, cost = step.state, price.credits
    if cost > s.available:
        return Outcome(Rejection(Code.INSUFFICIENT_CREDITS, (
            f"this costs {cost:,} credits and {s.available:,} of this cycle's {s.granted:,} are available "
            f"until {step.cycle_end().isoformat()} (the renewal); upgrading the plan adds credits at once"),
            "credits"))
    text = json.dumps(request, sort_keys=True, ensure_ascii=False, default=str)
    priced = {"rule": price.rule, "digest": plans.digest}
    if expires is None:
        made = step.entry(EntryKind.CHARGE, cost, op, request=text, **priced)
        step.set(spent=s.spent + cost)
        return step.outcome(Charge(id=made.id, account=s.id, credits=cost, at=step.at, **priced))
    if expires <= step.at:
        raise AccountError(ErrorCode.BAD_TIME, f"the hold would expire at {expires.isoformat()}, "
                           f"not after it is made ({step.at.isoformat()})")
    expires = min(expires, step.cycle_end())  # a hold never outlives its cycle's credits
    made = step.entry(EntryKind.HOLD, cost, op, request=text, **priced)
    step.set(held=s.held + cost)
    hold = HoldState(id=made.id, account=s.id, credits=cost, request=text, at=step.at, expires=expires,
                     cycle=s.cycle, status=HoldStatus.OPEN, **priced)
    step.holds[hold.id] = step.changed[hold.id] = hold
    return step.outcome(Hold(id=hold.id, account=s.id, credits=cost, at=step.at, expires=expires, **priced))


def settle(plans: CardPlans, state: AccountState, holds, hold: HoldState, at: datetime, op: str,
           capture: bool, credits: int | None = None) -> Outcome:
    """Capture (all of a hold, or part: the rest is released) or release a hold."""
    step = Step(plans, state, holds, at)
    hold = step.holds.get(hold.id, hold)
    if hold.status is not HoldStatus.OPEN:
        code = {HoldStatus.CAPTURED: ErrorCode.HOLD_CAPTURED, HoldStatus.RELEASED: ErrorCode.HOLD_RELEASED,
                HoldStatus.EXPIRED: ErrorCode.HOLD_EXPIRED}[hold.status]
        when = f" at {hold.expires.isoformat()}" if hold.status is HoldStatus.EXPIRED else ""
        raise AccountError(code, f"hold {hold.id} was already {hold.status}{when}")
    s = step.state
    spent = 0
    if capture:
        spent = hold.credits if credits is None else _whole(credits, "credits")
        if spent > hold.credits:
            raise AccountError(ErrorCode.CAPTURE_EXCEEDS_HOLD,
                               f"hold {hold.id} holds {hold.credits:,} credits; cannot capture {spent:,}")
        if spent < 0:
            raise AccountError(ErrorCode.BAD_CREDITS, f"cannot capture a negative amount ({spent})")
        step.entry(EntryKind.CAPTURE, spent, op, hold=hold.id, request=hold.request, rule=hold.rule,
                   digest=hold.digest)
    if hold.credits - spent or not capture:
        step.entry(EntryKind.RELEASE, hold.credits - spent, op, hold=hold.id)
    step.set(held=s.held - hold.credits, spent=s.spent + spent)
    step.set_hold(hold, HoldStatus.CAPTURED if capture else HoldStatus.RELEASED)
    if capture:
        result = Charge(id=hold.id, account=s.id, credits=spent, rule=hold.rule, digest=hold.digest,
                        at=step.at, released=hold.credits - spent)
    else:
        result = Release(id=hold.id, account=s.id, credits=hold.credits, at=step.at)
    return step.outcome(result)


def adjust(plans: CardPlans, state: AccountState, holds, credits: int, reason: str, at: datetime,
           op: str) -> Outcome:
    step = Step(plans, state, holds, at)
    credits = _whole(credits, "credits")
    if not credits:
        raise AccountError(ErrorCode.BAD_CREDITS, "an adjustment of 0 credits changes nothing")
    if not isinstance(reason, str) or not reason.strip():
        raise AccountError(ErrorCode.BAD_CREDITS, "an adjustment needs a reason, for the history")
    s = step.state
    if s.available + credits < 0:
        raise AccountError(ErrorCode.BAD_CREDITS, f"{credits:,} would leave {s.available + credits:,} "
                           "credits available; an adjustment cannot take back what is spent or held")
    step.entry(EntryKind.ADJUSTMENT, credits, op, reason=reason)
    step.set(granted=s.granted + credits)
    return step.outcome(Adjustment(account=s.id, credits=credits, reason=reason, at=step.at))


def balance(plans: CardPlans, state: AccountState, holds, at: datetime) -> Outcome:
    step = Step(plans, state, holds, at)
    s = step.state
    begin, end = cycles.cycle_bounds(s.start, s.cycle)
    later = cycles.add_months(s.start, s.next_cycle) if s.next_cycle is not None else None
    return step.outcome(Balance(account=s.id, plan=s.plan, credits=s.credits, cycle_start=begin, cycle_end=end,
                                granted=s.granted, spent=s.spent, held=s.held, available=s.available,
                                next_plan=s.next_plan, next_credits=s.next_credits, next_change=later))


def _plan(plans: CardPlans, name):
    info = plans.plans.get(name) if isinstance(name, str) else None
    if info is None:
        raise AccountError(ErrorCode.UNKNOWN_PLAN, f"there is no plan {name!r} on the card "
                           f"(plans: {', '.join(plans.plans) or 'none'})")
    return info


def _tier(info, credits):
    credits = _whole(credits, "credits")
    tier = info.tier(credits) if credits > 0 else None
    if tier is None:
        sold = " or ".join(f"{t.credits:,}" for t in info.tiers)
        if not sold:
            raise AccountError(ErrorCode.BAD_CREDITS, f"the {info.name} plan declares no credit tiers on the "
                               "card, so nobody can subscribe to it yet")
        raise AccountError(ErrorCode.BAD_CREDITS, f"the {info.name} plan is sold with {sold} credits a month, "
                           f"not {credits:,}")
    return tier


def _whole(value, what: str) -> int:
    if type(value) is not int:
        raise AccountError(ErrorCode.BAD_CREDITS, f"{what} are a whole number, not {value!r}")
    return value
