"""The accounts' results as text for a person (the CLI's output without --json)."""

from __future__ import annotations

from engine.accounts.values import Adjustment, Balance, Charge, Hold, PlanChange, Release, Subscription


def _when(t) -> str:
    return t.isoformat(sep=" ", timespec="seconds")


def render(result, command: str = "") -> str:
    if isinstance(result, list):
        if command == "verify":
            if not result:
                return "verified: every balance equals the replay of its entries"
            return "\n".join(f"{d.account}: {d.field}: stored {d.stored}, replayed {d.replayed}" for d in result)
        return "\n".join(_entry(e) for e in result)
    if isinstance(result, Subscription):
        return (f"{result.account}: {result.plan}, {result.credits:,} credits a month; this cycle "
                f"{_when(result.cycle_start)} to {_when(result.cycle_end)}")
    if isinstance(result, Hold):
        return (f"held {result.credits:,} credits as {result.id} ({result.rule}) until {_when(result.expires)}")
    if isinstance(result, Charge):
        back = f", released {result.released:,}" if result.released else ""
        return f"spent {result.credits:,} credits as {result.id} ({result.rule}){back}"
    if isinstance(result, Release):
        return f"released {result.credits:,} credits of {result.id}"
    if isinstance(result, Adjustment):
        return f"adjusted {result.account} by {result.credits:+,} credits: {result.reason}"
    if isinstance(result, PlanChange):
        return _change(result)
    if isinstance(result, Balance):
        return _balance(result)
    return str(result)


def _change(c: PlanChange) -> str:
    left = f"{c.fraction_left} of the billing period left"
    if not c.immediate:
        return f"{c.account}: {c.plan}, {c.credits:,} credits a month from {_when(c.effective)} (the renewal)"
    price = f"; pro rata {c.prorata} {c.currency}" if c.prorata is not None else ""
    return f"{c.account}: {c.plan}, {c.credits:,} credits a month now, {c.added:+,} this cycle; {left}{price}"


def _balance(b: Balance) -> str:
    lines = [f"{b.account}: {b.plan}, {b.credits:,} credits a month",
             f"  cycle      {_when(b.cycle_start)} to {_when(b.cycle_end)}",
             f"  granted    {b.granted:>12,}", f"  spent      {b.spent:>12,}",
             f"  held       {b.held:>12,}", f"  available  {b.available:>12,}"]
    if b.next_plan is not None:
        lines.append(f"  from {_when(b.next_change)}: {b.next_plan}, {b.next_credits:,} credits a month")
    return "\n".join(lines)


def _entry(e) -> str:
    extra = " ".join(x for x in (e.hold and f"hold={e.hold}", e.plan and f"plan={e.plan!r}",
                                 e.tier and f"tier={e.tier}", e.rule and f"rule={e.rule}",
                                 e.reason and f"reason={e.reason!r}") if x)
    return f"{e.seq:>4} {_when(e.at)} {e.kind.value:<12} {e.credits:>9,} op={e.op} {extra}".rstrip()
