"""Subscription plans as a card declares them: the tools allowed, the billing period, the credit tiers.

Plain data, light to import: a card loaded from the compiled-card cache carries
its plans too (engine.index_json), without the parser.
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from engine.diagnostics import NOWHERE, Span
from engine.results import MAX_CREDITS  # also the most a credit account can hold

PLAN = "plan"  # the request key naming the customer's plan; no parameter may take it (engine.resolve)


class Period(enum.Enum):
    """How often a plan is billed. Credits are granted monthly either way (the FAQ:
    "Yearly plans still get a monthly allowance")."""

    MONTHLY = "monthly"
    YEARLY = "yearly"


@attrs.frozen(kw_only=True)
class Tier:
    """One monthly credit allowance a plan is sold in, and its price per billing period if the card says."""

    credits: int
    price: Decimal | None = None     # exact; None when the card gives no price
    currency: str | None = None      # ISO 4217 code ("USD"), set exactly when price is
    span: Span = attrs.field(default=NOWHERE, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Plan:
    """A plan: the `tools` its credits may be spent on; its `period`, monthly unless the card says
    `billed yearly`; its `tiers`, ascending by credits. A plan without tiers gates quotes, but no
    subscription can be sold in it (`tier(credits)` is None for every figure)."""

    name: str
    tools: frozenset[str]
    period: Period = Period.MONTHLY
    tiers: tuple[Tier, ...] = ()
    span: Span = attrs.field(default=NOWHERE, eq=False, repr=False)

    def tier(self, credits: int) -> Tier | None:
        """The tier of exactly this many credits, if the plan is sold in one."""
        return next((t for t in self.tiers if t.credits == credits), None)

