"""The compiled index a quote reads: tools, models, slots and entries, as plain frozen values.

engine.compile builds it from a card; engine.index_json reads it back from the
compiled-card cache. Both make the same values (engine.plain classes, light to
import), so quoting from the cache loads neither the parser nor the AST. An
entry read from the cache makes its rule and formula tree (AST values) only when
something asks for them (`explain`, the price sheet); a quote needs only its
prebuilt quote, its compiled formula and its rule's label.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from engine.money import CREDITS
from engine.plain import Frozen, init

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from engine import ast
    from engine.domain import Domain
    from engine.formula import Evaluator
    from engine.model import NotTaken, Param, PricedRule
    from engine.money import Money
    from engine.results import Quote
    from engine.versions import Versions


class Slot(Frozen, fields=("param", "offer", "fill")):
    """One parameter of one model: how to read it from a request and what is allowed."""

    __slots__ = ("param", "offer", "fill")

    param: Param
    offer: Domain | NotTaken
    fill: object | None  # the value used when the request leaves it out, if any

    def __init__(self, param: Param, offer: Domain | NotTaken, fill: object | None) -> None:
        init(self, "param", param)
        init(self, "offer", offer)
        init(self, "fill", fill)

    @property
    def name(self) -> str:
        return self.param.name


class Entry(Frozen, fields=("ranges", "rule", "quote", "formula", "expr", "reason")):
    """What prices one cell of the table, within optional ranges of unbounded parameters.

    `label` is the rule's `file:line`, the Quote's `rule`; `money` what its formula's price is in
    when the card prices in an amount (the rule's `final.money`), None for whole credits. An entry read from the
    cache is made by `Entry.deferred`: its `rule` and `expr` are built from the
    cache's (already checked) data the first time they are read.
    """

    __slots__ = ("ranges", "quote", "formula", "reason", "label", "money", "_rule", "_expr", "_make")

    ranges: tuple[Domain, ...]
    quote: Quote | None          # prebuilt when the price is a constant
    formula: Evaluator | None     # the price in minor units (credits, or the amount's smallest part)
    reason: str | None           # for reject rules
    label: str
    money: Money | None          # an amount's unit and places; None: whole credits
    _make: tuple | None  # (function, arguments) that make (rule, expr), until they are made

    def __init__(self, ranges: tuple[Domain, ...], rule: PricedRule, quote: Quote | None,
                 formula: Evaluator | None, expr: ast.Expr | None, reason: str | None) -> None:
        init(self, "ranges", ranges)
        init(self, "quote", quote)
        init(self, "formula", formula)
        init(self, "reason", reason)
        init(self, "label", rule.label)
        final = rule.final
        init(self, "money", final.money if final is not None and not final.money.credits else None)
        init(self, "_rule", rule)
        init(self, "_expr", expr)
        init(self, "_make", None)

    @classmethod
    def deferred(cls, ranges: tuple[Domain, ...], label: str, quote: Quote | None, formula: Evaluator | None,
                 reason: str | None, make: Callable[..., tuple[PricedRule, ast.Expr | None]], args: tuple,
                 money: Money | None = None) -> Entry:
        """An entry whose rule and formula tree `make(*args)` builds when first asked for."""
        entry = object.__new__(cls)  # _rule and _expr stay unset until made: a large card has 100,000s
        init(entry, "ranges", ranges)
        init(entry, "quote", quote)
        init(entry, "formula", formula)
        init(entry, "reason", reason)
        init(entry, "label", label)
        init(entry, "money", money)
        init(entry, "_make", (make, args))
        return entry

    def _made(self) -> None:
        make = self._make
        if make is not None:  # two threads may both make them: equal values, either is kept
            rule, expr = make[0](*make[1])
            init(self, "_rule", rule)
            init(self, "_expr", expr)
            init(self, "_make", None)

    def __reduce__(self) -> tuple:
        self._made()  # a deferred entry's rule and formula tree are made first, so copies have them
        return super().__reduce__()

    @property
    def rule(self) -> PricedRule:
        if self._make is not None:
            self._made()
        return self._rule  # type: ignore[return-value]

    @property
    def expr(self) -> ast.Expr | None:
        """The rule's formula with the file's rounding applied; None for a reject rule."""
        if self._make is not None:
            self._made()
        return self._expr


class ModelIndex(Frozen, fields=("tool", "name", "slots", "keys", "ranged", "table", "plan")):
    __slots__ = ("tool", "name", "slots", "keys", "ranged", "table", "plan")

    tool: str
    name: str | None
    slots: tuple[Slot, ...]
    keys: tuple[str, ...]
    ranged: tuple[str, ...]
    table: Mapping  # the tuple of values on `keys` -> entries (an engine.cells.CutTable when some are cut)
    # When some rule depends on the customer's plan: the plan as one more slot (engine.plans.PLAN),
    # read after the plan gate (interpreter.plan_rejection), `unset` when the request names none.
    plan: Slot | None

    def __init__(self, tool: str, name: str | None, slots: tuple[Slot, ...], keys: tuple[str, ...],
                 ranged: tuple[str, ...], table: Mapping, plan: Slot | None = None) -> None:
        init(self, "tool", tool)
        init(self, "name", name)
        init(self, "slots", slots)
        init(self, "keys", keys)
        init(self, "ranged", ranged)
        init(self, "table", table)
        init(self, "plan", plan)

    @property
    def title(self) -> str:
        return self.name if self.name is not None else self.tool


class ToolIndex(Frozen, fields=("name", "accepts", "has_models", "models", "canonical")):
    __slots__ = ("name", "accepts", "has_models", "models", "canonical")

    name: str
    accepts: frozenset[str]     # every key a request for this tool may carry
    has_models: bool
    models: MappingProxyType    # name or alias -> ModelIndex
    canonical: tuple[str, ...]  # model names as declared, for messages

    def __init__(self, name: str, accepts: frozenset[str], has_models: bool, models: MappingProxyType,
                 canonical: tuple[str, ...]) -> None:
        init(self, "name", name)
        init(self, "accepts", accepts)
        init(self, "has_models", has_models)
        init(self, "models", models)
        init(self, "canonical", canonical)


class Index(Frozen, fields=("tools", "plans", "plan_details", "money", "versions")):
    __slots__ = ("tools", "plans", "plan_details", "money", "versions")

    tools: MappingProxyType
    plans: MappingProxyType         # plan name -> frozenset of tools
    plan_details: MappingProxyType  # plan name -> engine.plans.Plan (period, tiers)
    money: Money                    # what the card prices in (engine.money)
    # a dated card's index per slice of time (engine.versions), on the index of its last slice; None without dates
    versions: Versions | None

    def __init__(self, tools: MappingProxyType, plans: MappingProxyType,
                 plan_details: MappingProxyType = MappingProxyType({}), money: Money = CREDITS,
                 versions: Versions | None = None) -> None:
        init(self, "tools", tools)
        init(self, "plans", plans)
        init(self, "plan_details", plan_details)
        init(self, "money", money)
        init(self, "versions", versions)
