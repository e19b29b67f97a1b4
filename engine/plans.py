"""Subscription plans as a card declares them: the tools allowed, the billing period, the credit tiers.

Plain data, light to import: a card loaded from the compiled-card cache carries
its plans too (engine.index_json), without the parser.
"""

from __future__ import annotations

import enum

from engine.plain import Frozen, init
from engine.results import MAX_CREDITS  # also the most a credit account can hold
from engine.span import NOWHERE, Span

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from decimal import Decimal

PLAN = "plan"  # the request key naming the customer's plan; no parameter may take it (engine.resolve)


class Period(enum.Enum):
    """How often a plan is billed. Credits are granted monthly either way (the FAQ:
    "Yearly plans still get a monthly allowance")."""

    MONTHLY = "monthly"
    YEARLY = "yearly"


class Tier(Frozen, fields=("credits", "price", "currency", "span"), hidden=("span",),
           keyword=("credits", "price", "currency", "span")):
    """One monthly credit allowance a plan is sold in, and its price per billing period if the card says."""

    __slots__ = ("credits", "price", "currency", "span")

    credits: int
    price: Decimal | None     # exact; None when the card gives no price
    currency: str | None      # ISO 4217 code ("USD"), set exactly when price is
    span: Span

    def __init__(self, *, credits: int, price: Decimal | None = None, currency: str | None = None,
                 span: Span = NOWHERE) -> None:
        init(self, "credits", credits)
        init(self, "price", price)
        init(self, "currency", currency)
        init(self, "span", span)


class Plan(Frozen, fields=("name", "tools", "period", "tiers", "span"), hidden=("span",),
           keyword=("name", "tools", "period", "tiers", "span")):
    """A plan: the `tools` its credits may be spent on; its `period`, monthly unless the card says
    `billed yearly`; its `tiers`, ascending by credits. A plan without tiers gates quotes, but no
    subscription can be sold in it (`tier(credits)` is None for every figure)."""

    __slots__ = ("name", "tools", "period", "tiers", "span")

    name: str
    tools: frozenset[str]
    period: Period
    tiers: tuple[Tier, ...]
    span: Span

    def __init__(self, *, name: str, tools: frozenset[str], period: Period = Period.MONTHLY,
                 tiers: tuple[Tier, ...] = (), span: Span = NOWHERE) -> None:
        init(self, "name", name)
        init(self, "tools", tools)
        init(self, "period", period)
        init(self, "tiers", tiers)
        init(self, "span", span)

    def tier(self, credits: int) -> Tier | None:
        """The tier of exactly this many credits, if the plan is sold in one."""
        return next((t for t in self.tiers if t.credits == credits), None)

