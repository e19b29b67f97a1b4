"""What the accounts need from a rate card: plans, tiers, periods, the digest and pricing."""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from decimal import Decimal

import attrs

from engine.ratecard import RateCard
from engine.results import Quote, Rejection

try:  # the card's plan tiers (branch `plans`); until they land, a card without tiers
    from engine.model import Period
except ImportError:  # pragma: no cover - removed once the card declares periods
    class Period(enum.Enum):
        MONTHLY = "monthly"
        YEARLY = "yearly"


@attrs.frozen
class TierInfo:
    credits: int
    price: Decimal | None = None
    currency: str | None = None


@attrs.frozen
class PlanInfo:
    name: str
    tools: frozenset[str]
    period: Period
    tiers: tuple[TierInfo, ...]   # empty: the card declares none, any positive allowance goes

    @property
    def yearly(self) -> bool:
        return self.period is Period.YEARLY

    def tier(self, credits: int) -> TierInfo | None:
        if not self.tiers:
            return TierInfo(credits)
        return next((t for t in self.tiers if t.credits == credits), None)


class CardPlans:
    """A card's plans as the accounts see them, read once; pricing with the account's plan."""

    def __init__(self, card: RateCard):
        self.card = card
        self.digest = card.digest

    @functools.cached_property
    def plans(self) -> dict[str, PlanInfo]:
        """Read on first need (a subscription, a plan change, a renewal): a cached card is
        only parsed then, so a process that only charges never parses it."""
        return {name: _plan_info(plan) for name, plan in self.card.card.plans.items()}

    def price(self, request: object, plan: str) -> Quote | Rejection:
        """The card's own answer, gated by the plan when the card declares plans."""
        if isinstance(request, Mapping) and self.card.index.plans:
            request = {**request, "plan": plan}
        return self.card.quote(request)


def _plan_info(plan) -> PlanInfo:
    tiers = tuple(TierInfo(t.credits, getattr(t, "price", None), getattr(t, "currency", None))
                  for t in getattr(plan, "tiers", ()))
    return PlanInfo(plan.name, frozenset(plan.tools), getattr(plan, "period", Period.MONTHLY), tiers)

