"""A tool's parameter, and a model that does not take one: the parts of the card model a quote reads.

Frozen values (engine.plain), light to import, so a card read from the
compiled-card cache is quoted without the AST; engine.model re-exports both.
"""

from __future__ import annotations

from engine.domain import Domain
from engine.plain import Frozen, init
from engine.span import Span

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from fractions import Fraction

    from engine.counting import Uncounted


class Measure(Frozen, fields=("step", "minimum")):
    """A measured parameter (`billed per 0.5  minimum 5`): a request gives any amount of 0 or more,
    which is rounded up to a whole number of `step`s, and up to `minimum`, before it is priced.
    The prices, the checks and the price sheet see only amounts so billed."""

    __slots__ = ("step", "minimum")

    step: int | Fraction
    minimum: int | Fraction | None

    def __init__(self, step: int | Fraction, minimum: int | Fraction | None = None) -> None:
        init(self, "step", step)
        init(self, "minimum", minimum)

    def billed(self, amount: int | Fraction) -> int | Fraction:
        """The amount a request is billed for: 20.4 -> 21 by the second, 3 -> 5 with a minimum of 5."""
        import math  # a measured card's quotes only
        from fractions import Fraction

        from engine.money import exact

        steps = math.ceil(Fraction(amount) / self.step)
        value = exact(steps * Fraction(self.step))
        if self.minimum is not None and value < self.minimum:
            value = self.minimum
        return value


_PARAM_FIELDS = ("name", "domain", "unit", "default", "unpriced", "counted_from", "measure", "span", "not_counting")


class Param(Frozen, fields=_PARAM_FIELDS, hidden=("span",), keyword=_PARAM_FIELDS):
    """One parameter of a tool: its values, its unit (`"s"`), its default, whether it changes the
    price, the text it is counted from (`chars` from `text`) and what that count leaves out."""

    __slots__ = _PARAM_FIELDS

    name: str
    domain: Domain
    unit: str | None
    default: object | None
    unpriced: bool
    counted_from: str | None
    measure: Measure | None  # a measured parameter: decimals, rounded up before pricing
    span: Span
    not_counting: frozenset[Uncounted]  # what counting `counted_from` leaves out

    def __init__(self, *, name: str, domain: Domain, unit: str | None = None, default: object | None = None,
                 unpriced: bool = False, counted_from: str | None = None, measure: Measure | None = None, span: Span,
                 not_counting: frozenset[Uncounted] = frozenset()) -> None:
        init(self, "name", name)
        init(self, "domain", domain)
        init(self, "unit", unit)
        init(self, "default", default)
        init(self, "unpriced", unpriced)
        init(self, "counted_from", counted_from)
        init(self, "measure", measure)
        init(self, "span", span)
        init(self, "not_counting", not_counting)


class NotTaken(Frozen, fields=("reason",), keyword=("reason",)):
    """A parameter a model does not take at all (`aspect none "taken from the image"`)."""

    __slots__ = ("reason",)

    reason: str | None

    def __init__(self, *, reason: str | None) -> None:
        init(self, "reason", reason)
