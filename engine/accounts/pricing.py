"""What the accounts need from a rate card: its plans, its digest, and prices gated by a plan."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from engine.plans import Period, Plan
from engine.ratecard import RateCard
from engine.results import Quote, Rejection


def yearly(plan: Plan) -> bool:
    return plan.period is Period.YEARLY


class CardPlans:
    """A card as the accounts see it; pure functions of the card, shared by every operation."""

    def __init__(self, card: RateCard):
        self.card = card
        self.digest = card.digest
        self.plans: Mapping[str, Plan] = card.plans

    def price(self, request: object, plan: str, at: datetime | None = None) -> Quote | Rejection:
        """The card's own answer, gated by the plan when the card declares plans; at `at`, for a card
        whose prices have dates (the operation's time: the clock is never read here)."""
        if isinstance(request, Mapping) and self.plans:
            request = {**request, "plan": plan}
        return self.card.quote(request, at=at)
