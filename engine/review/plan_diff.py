"""What a change to the rules does to plans: plans added or removed, tiers added, removed or repriced,
a billing period or the tools allowed changed. `ratecard diff` reports these after the price changes."""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs

from engine.plans import Plan, Tier


class PlanKind(enum.Enum):
    PLAN_ADDED = "plan-added"
    PLAN_REMOVED = "plan-removed"
    TIER_ADDED = "tier-added"
    TIER_REMOVED = "tier-removed"
    TIER_REPRICED = "tier-repriced"
    PERIOD_CHANGED = "period-changed"
    TOOLS_CHANGED = "tools-changed"


@attrs.frozen
class PlanChange:
    """One change to one plan; `old` and `new` are what changed: a Plan, a Tier, a Period or a set of tools."""

    kind: PlanKind
    plan: str
    credits: int | None = None     # the tier, for the tier kinds
    old: object = None
    new: object = None


def compare_plans(old: Mapping[str, Plan], new: Mapping[str, Plan]) -> tuple[PlanChange, ...]:
    changes: list[PlanChange] = []
    for name in list(new) + [n for n in old if n not in new]:
        before, after = old.get(name), new.get(name)
        if before is None:
            changes.append(PlanChange(PlanKind.PLAN_ADDED, name, new=after))
        elif after is None:
            changes.append(PlanChange(PlanKind.PLAN_REMOVED, name, old=before))
        else:
            changes += _plan(before, after)
    return tuple(changes)


def _plan(old: Plan, new: Plan) -> list[PlanChange]:
    out = []
    if old.period is not new.period:
        out.append(PlanChange(PlanKind.PERIOD_CHANGED, new.name, old=old.period, new=new.period))
    if old.tools != new.tools:
        out.append(PlanChange(PlanKind.TOOLS_CHANGED, new.name, old=old.tools, new=new.tools))
    before = {t.credits: t for t in old.tiers}
    after = {t.credits: t for t in new.tiers}
    for credits in sorted(before.keys() | after.keys()):
        a, b = before.get(credits), after.get(credits)
        if a is None:
            out.append(PlanChange(PlanKind.TIER_ADDED, new.name, credits, new=b))
        elif b is None:
            out.append(PlanChange(PlanKind.TIER_REMOVED, new.name, credits, old=a))
        elif (a.price, a.currency) != (b.price, b.currency):
            out.append(PlanChange(PlanKind.TIER_REPRICED, new.name, credits, old=a, new=b))
    return out


# ---------------------------------------------------------------- words


def _price(tier: Tier) -> str:
    return "no price" if tier.price is None else f"{tier.price} {tier.currency}"


def _tools(tools) -> str:
    return ", ".join(sorted(tools)) or "no tools"


def _plan_words(plan: Plan) -> str:
    tiers = "credits " + " | ".join(str(t.credits) for t in plan.tiers) if plan.tiers else "no tiers"
    return f"billed {plan.period.value}, {tiers}, allows {_tools(plan.tools)}"


def _difference(old: Tier, new: Tier) -> str:
    if old.price is None or new.price is None or old.currency != new.currency:
        return ""
    return f" ({new.price - old.price:+} {new.currency})"


def describe(change: PlanChange) -> str:
    """One line for a person: `tier 240000 repriced: 149.99 USD -> 139.99 USD (-10.00 USD)`."""
    k, old, new = change.kind, change.old, change.new
    if k is PlanKind.PLAN_ADDED:
        return f"added: {_plan_words(new)}"
    if k is PlanKind.PLAN_REMOVED:
        return f"removed (was {_plan_words(old)})"
    if k is PlanKind.TIER_ADDED:
        return f"tier {change.credits} added" + (f" at {_price(new)}" if new.price is not None else "")
    if k is PlanKind.TIER_REMOVED:
        return f"tier {change.credits} removed" + (f" (was {_price(old)})" if old.price is not None else "")
    if k is PlanKind.TIER_REPRICED:
        return f"tier {change.credits} repriced: {_price(old)} -> {_price(new)}{_difference(old, new)}"
    if k is PlanKind.PERIOD_CHANGED:
        return f"billed {old.value} -> {new.value}"
    added, removed = sorted(new - old), sorted(old - new)
    return "; ".join(([f"now allows {', '.join(added)}"] if added else [])
                     + ([f"no longer allows {', '.join(removed)}"] if removed else []))


def lines(changes: tuple[PlanChange, ...]) -> list[str]:
    """The changes grouped by plan: `plan "AI Suite"`, then one indented line per change."""
    out: list[str] = []
    for c in changes:
        head = f'plan "{c.plan}"'
        if head not in out:
            if out:
                out.append("")
            out.append(head)
        out.append(f"  {describe(c)}")
    return out


def summary(changes: tuple[PlanChange, ...]) -> str:
    plans = len({c.plan for c in changes})
    return f"{plans} plan{'s' if plans != 1 else ''} changed"


# ---------------------------------------------------------------- data


def _data(value: object) -> object:
    if isinstance(value, Plan):
        return {"period": value.period.value, "tools": sorted(value.tools), "tiers": [_data(t) for t in value.tiers]}
    if isinstance(value, Tier):
        return {"credits": value.credits, "price": None if value.price is None else str(value.price),
                "currency": value.currency}
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def to_json(change: PlanChange) -> dict:
    """Prices as exact decimal texts ("29.99"), never floats."""
    return {"kind": change.kind.value, "plan": change.plan, "credits": change.credits,
            "old": _data(change.old), "new": _data(change.new)}
