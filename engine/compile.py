"""Card -> an immutable index of plain dicts and tuples, so a quote is a few lookups.

For each tool: the keys it accepts and its models by name and alias. For each
model: its parameters in order (with what the model offers), and a table from
the tuple of the values its rules depend on to the entries that price it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from types import MappingProxyType

import attrs

from engine import ast
from engine.boxes import dimensions, effective_box, offered
from engine.domain import Domain
from engine.formula import Evaluator, compile_expr, with_rounding
from engine.model import Card, Model, NotTaken, Param, PricedRule
from engine.results import MAX_CREDITS, Quote


@attrs.frozen
class Slot:
    """One parameter of one model: how to read it from a request and what is allowed."""

    param: Param
    offer: Domain | NotTaken
    fill: object | None  # the value used when the request leaves it out, if any

    @property
    def name(self) -> str:
        return self.param.name


@attrs.frozen
class Entry:
    """What prices one cell of the table, within optional ranges of unbounded parameters."""

    ranges: tuple[Domain, ...]
    rule: PricedRule
    quote: Quote | None          # prebuilt when the price is a constant
    formula: Evaluator | None
    expr: ast.Expr | None         # with the file's rounding applied
    reason: str | None           # for reject rules


@attrs.frozen
class ModelIndex:
    tool: str
    name: str | None
    slots: tuple[Slot, ...]
    keys: tuple[str, ...]
    ranged: tuple[str, ...]
    table: MappingProxyType

    @property
    def title(self) -> str:
        return self.name if self.name is not None else self.tool


@attrs.frozen
class ToolIndex:
    name: str
    accepts: frozenset[str]     # every key a request for this tool may carry
    has_models: bool
    models: MappingProxyType    # name or alias -> ModelIndex
    canonical: tuple[str, ...]  # model names as declared, for messages


@attrs.frozen
class Index:
    tools: MappingProxyType
    plans: MappingProxyType     # plan name -> frozenset of tools
    plan_details: MappingProxyType = MappingProxyType({})  # plan name -> engine.plans.Plan (period, tiers)


def compile_card(card: Card) -> Index:
    tools = {}
    for tool in card.tools.values():
        models = {}
        canonical = []
        has_models = (tool.name, None) not in card.models
        for model in card.models_of(tool.name):
            index = _model_index(card, model, card.rules_of(model.tool, model.name))
            models[model.name] = index
            for alias in model.aliases:
                models[alias] = index
            if model.name is not None:
                canonical.append(model.name)
        accepts = {"tool", *(p.name for p in tool.params), *(p.counted_from for p in tool.params if p.counted_from)}
        if has_models:
            accepts.add("model")
        if card.plans:
            accepts.add("plan")
        tools[tool.name] = ToolIndex(name=tool.name, accepts=frozenset(accepts), has_models=has_models,
                                     models=MappingProxyType(models), canonical=tuple(canonical))
    plans = {name: plan.tools for name, plan in card.plans.items()}
    return Index(tools=MappingProxyType(tools), plans=MappingProxyType(plans),
                 plan_details=MappingProxyType(dict(card.plans)))


def _fill(param: Param, offer: Domain | NotTaken):
    if isinstance(offer, NotTaken):
        return None
    if param.default is not None and param.default in offer:
        return param.default
    return offer.single()


def _model_index(card: Card, model: Model, rules: Sequence[PricedRule]) -> ModelIndex:
    tool = card.tools[model.tool]
    slots = tuple(Slot(param=p, offer=model.offers[p.name], fill=_fill(p, model.offers[p.name]))
                  for p in tool.params)
    keys, ranged = dimensions(rules, model)
    table: dict[tuple, list[Entry]] = {}
    for rule in rules:
        box = effective_box(rule, model)
        if any(d.is_empty for d in box.values()):
            continue  # it never applies (a value or a parameter this model does not offer)
        axes = [box.get(p) or offered(model, p) for p in keys]
        if any(a is None or a.is_empty for a in axes):
            continue
        ranges = tuple(box.get(p) or offered(model, p) for p in ranged)
        entry = make_entry(rule, ranges)
        for key in itertools.product(*axes):
            table.setdefault(key, []).append(entry)
    frozen = {key: tuple(entries) for key, entries in table.items()}
    return ModelIndex(tool=model.tool, name=model.name, slots=slots, keys=keys, ranged=ranged,
                      table=MappingProxyType(frozen))


def make_entry(rule: PricedRule, ranges: tuple[Domain, ...]) -> Entry:
    if isinstance(rule.outcome, ast.Reject):
        return Entry(ranges=ranges, rule=rule, quote=None, formula=None, expr=None, reason=rule.outcome.reason)
    expr = with_rounding(rule.outcome.expr, rule.rounding)
    formula = compile_expr(expr)
    quote = None
    try:
        value = formula({})
    except KeyError:
        pass
    else:
        if abs(int(value)) <= MAX_CREDITS:  # a constant past it is refused by check; else priced as a formula
            quote = Quote(credits=int(value), rule=rule.label)
    return Entry(ranges=ranges, rule=rule, quote=quote, formula=formula, expr=expr, reason=None)
