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
    from engine.counting import Uncounted


class Param(Frozen, fields=("name", "domain", "unit", "default", "unpriced", "counted_from", "span", "not_counting"),
            hidden=("span",),
            keyword=("name", "domain", "unit", "default", "unpriced", "counted_from", "span", "not_counting")):
    """One parameter of a tool: its values, its unit (`"s"`), its default, whether it changes the
    price, the text it is counted from (`chars` from `text`) and what that count leaves out."""

    __slots__ = ("name", "domain", "unit", "default", "unpriced", "counted_from", "span", "not_counting")

    name: str
    domain: Domain
    unit: str | None
    default: object | None
    unpriced: bool
    counted_from: str | None
    span: Span
    not_counting: frozenset[Uncounted]  # what counting `counted_from` leaves out

    def __init__(self, *, name: str, domain: Domain, unit: str | None = None, default: object | None = None,
                 unpriced: bool = False, counted_from: str | None = None, span: Span,
                 not_counting: frozenset[Uncounted] = frozenset()) -> None:
        init(self, "name", name)
        init(self, "domain", domain)
        init(self, "unit", unit)
        init(self, "default", default)
        init(self, "unpriced", unpriced)
        init(self, "counted_from", counted_from)
        init(self, "span", span)
        init(self, "not_counting", not_counting)


class NotTaken(Frozen, fields=("reason",), keyword=("reason",)):
    """A parameter a model does not take at all (`aspect none "taken from the image"`)."""

    __slots__ = ("reason",)

    reason: str | None

    def __init__(self, *, reason: str | None) -> None:
        init(self, "reason", reason)
