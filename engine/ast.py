"""The syntax tree of a .rules file: frozen attrs nodes, one class per construct.

Every node carries a `span` that equality ignores, so tests can compare trees
built by hand with trees read from text.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Union

import attrs

from engine.counting import Uncounted
from engine.diagnostics import NOWHERE, Span
from engine.plans import Period


def _span():
    return attrs.field(default=NOWHERE, eq=False, repr=False)


node = attrs.frozen(kw_only=True)

# ---------------------------------------------------------------- enums


class Rounding(enum.Enum):
    UP = "up"
    DOWN = "down"


class Op(enum.Enum):
    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"


class Extremum(enum.Enum):
    MIN = "min"
    MAX = "max"


class Cmp(enum.Enum):
    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"


# ---------------------------------------------------------------- names and values


@node
class Name:
    """An identifier as written: a tool, group or parameter name."""

    text: str
    span: Span = _span()


@node
class Literal:
    """A value as written: a whole number, a quoted text, yes/no, or a decimal (`2.5`, for a
    measured parameter)."""

    value: int | str | bool | Decimal
    span: Span = _span()


@node
class Range:
    """`lo..hi`, both ends included."""

    lo: int | Decimal
    hi: int | Decimal
    span: Span = _span()


@node
class Bound:
    """`>= n`, `> n`, `<= n` or `< n`."""

    cmp: Cmp
    limit: int | Decimal
    span: Span = _span()


@node
class Unset:
    """`unset`: the request leaves the parameter out (`dur >= 1 | unset`, `dur unset -> 200`).

    Not `none`, which says a model does not take the parameter at all.
    """

    span: Span = _span()


DomainItem = Union[Literal, Range, Bound, Unset]


@node
class Domain:
    """Alternatives separated by `|`: `720 | 1080`, `1..3`, `>= 1`."""

    items: tuple[DomainItem, ...]
    span: Span = _span()


# ---------------------------------------------------------------- price formulas


@node
class Number:
    value: int
    span: Span = _span()


@node
class DecimalNumber:
    """A decimal constant in a price, as written (`0.000225`): exact, never a float."""

    value: Decimal
    span: Span = _span()


@node
class ParamRef:
    name: str
    span: Span = _span()


@node
class Binary:
    op: Op
    left: Expr
    right: Expr
    span: Span = _span()


@node
class Rounded:
    """`ceil(...)` or `floor(...)`: names the rounding of the divisions inside."""

    mode: Rounding
    expr: Expr
    span: Span = _span()


@node
class MinMax:
    """`min(a, b, ...)` or `max(a, b, ...)`: the least or greatest of two or more formulas."""

    fn: Extremum
    args: tuple[Expr, ...]
    span: Span = _span()


Expr = Union[Number, DecimalNumber, ParamRef, Binary, Rounded, MinMax]


# ---------------------------------------------------------------- declarations


@node
class RoundingDecl:
    mode: Rounding
    span: Span = _span()


@node
class PricesDecl:
    """`prices in credits` (`unit` None) or `prices in USD to 6 places`.

    `places` is None when not written; the resolver says what is missing.
    """

    unit: str | None
    places: int | None = None
    span: Span = _span()


@node
class NotCounted:
    """One thing `from text not counting ...` leaves out of the count: `whitespace` or `tags`."""

    what: Uncounted
    span: Span = _span()


@node
class ParamDecl:
    name: Name
    domain: Domain
    unit: str | None = None
    default: Literal | None = None
    unpriced: bool = False
    counted_from: Name | None = None
    step: int | Decimal | None = None      # `billed per 0.5`: a measured parameter, rounded up to a step
    minimum: int | Decimal | None = None   # `minimum 5`: the least amount billed
    span: Span = _span()
    not_counting: tuple[NotCounted, ...] = ()  # as written after `from NAME not counting`


@node
class ToolDecl:
    tools: tuple[Name, ...]
    params: tuple[ParamDecl, ...] = ()
    span: Span = _span()


@node
class GroupDecl:
    name: Name
    tools: tuple[Name, ...]
    span: Span = _span()


@node
class Offer:
    """One line of a model block: what the model offers for one parameter.

    `domain` is None for `none` (the parameter is not taken at all), unless the
    line gives only a `default`: `quality default "auto"` keeps the tool's
    values and says what a request that leaves the parameter out gets.
    """

    param: Name
    domain: Domain | None
    reason: str | None = None
    tools: tuple[Name, ...] = ()
    default: Literal | None = None
    span: Span = _span()

    @property
    def not_taken(self) -> bool:
        return self.domain is None and self.default is None


@node
class ModelDecl:
    subject: Name
    name: str
    aliases: tuple[str, ...] = ()
    offers: tuple[Offer, ...] = ()
    name_span: Span = _span()
    span: Span = _span()


@node
class BillingDecl:
    """`billed monthly` or `billed yearly`, in a plan's block."""

    period: Period
    span: Span = _span()


@node
class TierDecl:
    """One credit tier of a plan: `credits 40000`, or `credits 40000 price 29.99 USD`.

    `credits 40000 | 240000` is two of them. `currency` may be missing (a
    mistake the resolver reports); there is none without a price.
    """

    credits: int
    price: Decimal | None = None
    currency: str | None = None
    price_span: Span | None = attrs.field(default=None, eq=False, repr=False)
    span: Span = _span()


@node
class PlanDecl:
    """`plan "AI Suite" allows all { billed monthly  credits 40000 | 240000 }`.

    `tools` is None for `allows all`; the block is optional, and everything
    in it is kept as written (order, repeats) for the resolver to judge.
    """

    name: str
    tools: tuple[Name, ...] | None
    billing: tuple[BillingDecl, ...] = ()
    tiers: tuple[TierDecl, ...] = ()
    name_span: Span = _span()
    span: Span = _span()


# ---------------------------------------------------------------- prices


@node
class PlanKey:
    """The keyword `plan` where a parameter's name stands (a condition, a grid's header):
    the customer's plan as a dimension of the price, `plan "AI Suite" | "Max Pro"`.

    Its `text` is the request key it reads, as a Name's is: no parameter may be
    called `plan` (engine.resolve says so), so the two never meet.
    """

    span: Span = _span()

    @property
    def text(self) -> str:
        return "plan"


@node
class Condition:
    param: Name | PlanKey
    domain: Domain
    span: Span = _span()


@node
class Price:
    expr: Expr
    span: Span = _span()


@node
class Free(Price):
    """`-> free`: a price of nothing, written as such. A Price of 0 credits to everything
    that quotes; the checks tell it from a formula that reaches 0 by accident."""

    expr: Expr = attrs.field(factory=lambda: Number(value=0))
    span: Span = _span()


@node
class Reject:
    reason: str
    span: Span = _span()


Outcome = Union[Price, Reject]  # a Free is a Price


@node
class Rule:
    subject: Name
    model: str | None
    conditions: tuple[Condition, ...]
    outcome: Outcome
    model_span: Span | None = attrs.field(default=None, eq=False, repr=False)
    span: Span = _span()


@node
class GridRow:
    conditions: tuple[Condition, ...]
    cells: tuple[Outcome, ...]
    span: Span = _span()


@node
class Grid:
    subject: Name
    model: str | None
    conditions: tuple[Condition, ...]
    column: Name | PlanKey
    columns: tuple[Literal | Unset, ...]
    rows: tuple[GridRow, ...]
    model_span: Span | None = attrs.field(default=None, eq=False, repr=False)
    span: Span = _span()


# ---------------------------------------------------------------- dates


@node
class Moment:
    """A date or a UTC time as written (`2026-12-01`, `2026-12-01T09:30:00Z`).

    `at` is the instant it names, aware and in UTC (a date alone is midnight UTC
    at its start); None when the text is no date of the calendar (`2026-02-30`),
    which engine.timeline reports.
    """

    at: datetime | None
    text: str
    span: Span = _span()


@node
class Dates:
    """`from A until B`, `from A` or `until B`: in effect from A (included) until B (not included)."""

    start: Moment | None
    end: Moment | None
    span: Span = _span()


@node
class Dated:
    """Prices in effect between two dates: a block `from A until B { ... }`, or one rule with
    dates after its price (`block` False, one statement). A block holds any statement: a
    declaration in it is a mistake engine.timeline reports."""

    dates: Dates
    statements: tuple[Statement, ...]
    block: bool = True
    span: Span = _span()


Statement = Union[RoundingDecl, PricesDecl, ToolDecl, GroupDecl, ModelDecl, PlanDecl, Rule, Grid, Dated]


@node
class File:
    path: str
    statements: tuple[Statement, ...]
    span: Span = _span()

