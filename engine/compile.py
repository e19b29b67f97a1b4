"""Card -> an immutable index of plain dicts and tuples, so a quote is a few lookups.

For each tool: the keys it accepts and its models by name and alias. For each
model: its parameters in order (with what the model offers), and a table from
the tuple of the values its rules depend on to the entries that price it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import attrs

from engine import ast, cells
from engine.boxes import dimensions, effective_box, offered
from engine.domain import Domain
from engine.formula import Evaluator, compile_expr, with_rounding
from engine.model import Card, Model, NotTaken, Param, PricedRule
from engine.results import Quote


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
    table: Mapping  # the tuple of values on `keys` -> entries (an engine.cells.CutTable when some are cut)

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
    return Index(tools=MappingProxyType(tools), plans=MappingProxyType(plans))


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
    finite, wide = dimensions(rules, model)
    dims = tuple(p for p in finite + wide if offered(model, p) is not None)  # not `none` ones: no rule
    offers = [offered(model, p) for p in dims]                                 # on those ever applies
    boxes = []
    for rule in rules:
        box = effective_box(rule, model)
        if not any(d.is_empty for d in box.values()):
            boxes.append((rule, [box.get(p) or o for p, o in zip(dims, offers)]))
    cuts = [None if cells.by_value(o) else cells.cut_points(o, [a[j] for _, a in boxes])
            for j, o in enumerate(offers)]
    counts = [[cells.count(c, a) for c, a in zip(cuts, axes)] for _, axes in boxes]
    dropped = cells.scanned(counts, cells.budget(len(rules), cuts))
    keyed = [j for j in range(len(dims)) if j not in dropped]
    keys = tuple(dims[j] for j in keyed)
    ranged = tuple(dims[j] for j in sorted(dropped))
    table: dict[tuple, list[Entry]] = {}
    for rule, axes in boxes:
        entry = make_entry(rule, tuple(axes[dims.index(p)] for p in ranged))
        keys_of = [axes[j] if cuts[j] is None else cells.pieces(cuts[j], axes[j]) for j in keyed]
        for key in itertools.product(*keys_of):
            table.setdefault(key, []).append(entry)
    frozen = {key: tuple(entries) for key, entries in table.items()}
    key_cuts = tuple(cuts[j] for j in keyed)
    if any(c is not None for c in key_cuts):
        lookup = cells.CutTable(frozen, key_cuts)
    else:
        lookup = MappingProxyType(frozen)
    return ModelIndex(tool=model.tool, name=model.name, slots=slots, keys=keys, ranged=ranged, table=lookup)


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
        quote = Quote(credits=int(value), rule=rule.label)
    return Entry(ranges=ranges, rule=rule, quote=quote, formula=formula, expr=expr, reason=None)
