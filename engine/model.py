"""The meaning of a rate card, after names are resolved: tools, models, priced rules.

Built by engine.resolve from the AST; read by checks, compile and the review tools.
"""

from __future__ import annotations

import itertools
import operator
from typing import TYPE_CHECKING

import attrs

from engine import ast
from engine.diagnostics import Span
from engine.domain import Domain
from engine.money import CREDITS, Money
from engine.params import Measure, NotTaken, Param
from engine.plans import Period, Plan, Tier

if TYPE_CHECKING:
    from engine.timeline import Timeline


__all__ = ["Card", "Final", "Measure", "Model", "NotTaken", "Param", "Period", "Plan", "PricedRule", "Tier",
           "Tool"]


@attrs.frozen(kw_only=True)
class Tool:
    name: str
    params: tuple[Param, ...]
    span: Span = attrs.field(eq=False, repr=False)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@attrs.frozen(kw_only=True)
class Model:
    """One model of one tool; `name` is None for a tool priced without models (voiceover).

    `offers` holds, beside the tool's parameters, the plans a request may name when the
    card declares plans (key engine.plans.PLAN: those allowing the tool, and `unset`).
    `defaults` are the model's own defaults (`quality "auto" | "hd" default "auto"`),
    which a request that leaves the parameter out gets instead of the tool's.
    """

    tool: str
    name: str | None
    aliases: tuple[str, ...]
    offers: dict[str, Domain | NotTaken] = attrs.field(eq=False)
    span: Span = attrs.field(eq=False, repr=False)
    defaults: dict[str, object] = attrs.field(factory=dict, eq=False)

    @property
    def title(self) -> str:
        return self.name if self.name is not None else self.tool


@attrs.frozen
class Final:
    """How a rule's exact value becomes the amount quoted, when it is not already a whole number of
    credits: counted in the card's minor units (engine.money), rounded as the file's `round` says
    (None: it must come out whole, as engine.checks.formulas makes sure)."""

    money: Money
    rounding: ast.Rounding | None


@attrs.frozen
class PricedRule:
    """A rule made concrete for one tool and model: a box of conditions and an outcome.

    Not keyword-only, unlike the other classes here: lowering builds one per line of
    a card, positionally, with engine.frozen.positional (in half the time of
    attrs' own __init__).
    """

    tool: str
    model: str | None
    box: dict[str, Domain] = attrs.field(eq=False)  # conditioned parameters only
    outcome: ast.Outcome
    rounding: ast.Rounding | None                   # the file's `round` declaration
    span: Span = attrs.field(eq=False, repr=False)
    index: int = 0                                  # declaration order, for stable reports
    final: Final | None = None                      # None: the value is whole credits as it stands

    @property
    def label(self) -> str:
        return f"{self.span.file}:{self.span.line}"


@attrs.frozen(kw_only=True)
class Card:
    tools: dict[str, Tool] = attrs.field(eq=False)
    groups: dict[str, tuple[str, ...]] = attrs.field(eq=False)
    models: dict[tuple[str, str | None], Model] = attrs.field(eq=False)
    rules: tuple[PricedRule, ...]
    plans: dict[str, Plan] = attrs.field(eq=False)
    sources: dict[str, str] = attrs.field(eq=False, repr=False)
    money: Money = CREDITS                          # `prices in ...`: what the prices are in
    # when each dated rule is in effect (engine.timeline); None for a card without dates
    timeline: Timeline | None = attrs.field(default=None, eq=False, repr=False)

    # Every model's rules in declaration order, gathered once: compile, the checks,
    # the price sheet and explain all ask for one model's rules at a time.
    _by_model: dict[tuple[str, str | None], tuple[PricedRule, ...]] = attrs.field(
        init=False, eq=False, repr=False,
        default=attrs.Factory(lambda self: _group(self.rules), takes_self=True))

    def models_of(self, tool: str) -> list[Model]:
        return [m for (t, _), m in self.models.items() if t == tool]

    def rules_of(self, tool: str, model: str | None) -> tuple[PricedRule, ...]:
        return self._by_model.get((tool, model), ())


def _group(rules: tuple[PricedRule, ...]) -> dict[tuple[str, str | None], tuple[PricedRule, ...]]:
    out: dict[tuple[str, str | None], list[PricedRule]] = {}
    # a model's rules mostly come in runs: one step per run, not per rule
    for key, run in itertools.groupby(rules, key=operator.attrgetter("tool", "model")):
        out.setdefault(key, []).extend(run)
    return {key: tuple(group) for key, group in out.items()}
