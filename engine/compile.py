"""Card -> an immutable index of plain dicts and tuples, so a quote is a few lookups.

For each tool: the keys it accepts and its models by name and alias. For each
model: its parameters in order (with what the model offers), and a table from
the tuple of the values its rules depend on to the entries that price it. The
index's classes live in engine.index (light to import, re-exported here).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from types import MappingProxyType

from engine import ast, cells
from engine.boxes import dimensions, effective_box, offered
from engine.diagnostics import NOWHERE
from engine.domain import UNSET, Domain, ValueType, unset_value
from engine.formula import compile_expr, with_rounding
from engine.formula_box import in_minor_units
from engine.index import Entry, Index, ModelIndex, Slot, ToolIndex
from engine.model import Card, Model, NotTaken, Param, PricedRule
from engine.plans import PLAN
from engine.results import MAX_CREDITS, Quote

__all__ = ["Entry", "Index", "ModelIndex", "Slot", "ToolIndex", "compile_card", "fill", "make_entry", "plan_param",
           "priced"]


def compile_card(card: Card, memo: dict | None = None) -> Index:
    """The index of an undated card (engine.versions compiles a dated one, a slice at a time). `memo`,
    shared between calls, lets the slices of a dated card share the models whose rules they share."""
    tools = {}
    for tool in card.tools.values():
        models = {}
        canonical = []
        has_models = (tool.name, None) not in card.models
        for model in card.models_of(tool.name):
            rules = card.rules_of(model.tool, model.name)
            key = None if memo is None else (model.tool, model.name, tuple(r.index for r in rules))
            index = None if key is None else memo.get(key)
            if index is None:
                index = _model_index(card, model, rules)
                if key is not None:
                    memo[key] = index
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
                 plan_details=MappingProxyType(dict(card.plans)), money=card.money)


def fill(param: Param, offer: Domain | NotTaken, model: Model) -> object | None:
    """What a request that leaves the parameter out is read as; None when it must be given.

    The model's own default, else `unset` where the model offers it, else the tool's
    default (if the model offers it), else the one value the model offers.
    """
    if isinstance(offer, NotTaken):
        return None
    own = model.defaults.get(param.name)
    if own is not None:
        return own
    if offer.has_unset:
        return unset_value(offer.type)
    if param.default is not None and param.default in offer:
        return param.default
    return offer.single()


def plan_param(card: Card) -> Param:
    """The customer's plan as a parameter: a text, one of the card's plans or unset."""
    return Param(name=PLAN, domain=Domain(ValueType.TEXT, values=(*card.plans, UNSET)), span=NOWHERE)


def _model_index(card: Card, model: Model, rules: Sequence[PricedRule]) -> ModelIndex:
    tool = card.tools[model.tool]
    slots = tuple(Slot(param=p, offer=model.offers[p.name], fill=fill(p, model.offers[p.name], model))
                  for p in tool.params)
    finite, wide = dimensions(rules, model)
    dims = tuple(p for p in finite + wide if offered(model, p) is not None)  # not `none` ones: no rule
    plan = Slot(param=plan_param(card), offer=model.offers[PLAN], fill=UNSET) if PLAN in dims else None
    offers = [offered(model, p) for p in dims]                                 # on those ever applies
    boxes = []
    for rule in rules:
        box = effective_box(rule, model)
        if not any(d.is_empty for d in box.values()):
            boxes.append((rule, [box.get(p) or o for p, o in zip(dims, offers)]))
    cuts = [None if cells.by_value(o) else cells.cut_points(o, [a[j] for _, a in boxes])
            for j, o in enumerate(offers)]
    limit = cells.budget(len(rules), cuts)
    dropped: set[int] = set()
    table = _cells(boxes, dims, cuts, dropped, limit)
    if table is None:  # keying every dimension would not fit: a mask of rules per piece, if that fits
        width = sum(o.size if c is None else len(c) + 1 for c, o in zip(cuts, offers))
        if width * len(boxes) <= cells.BITS_BUDGET:
            entries = tuple(make_entry(rule, ()) for rule, _ in boxes)
            masks = tuple(cells.bit_masks(c, [axes[j] for _, axes in boxes]) for j, c in enumerate(cuts))
            return ModelIndex(tool=model.tool, name=model.name, slots=slots, keys=dims, ranged=(),
                              table=cells.BitTable(entries, tuple(cuts), masks), plan=plan)
        dropped = cells.scanned(_counts(boxes, cuts), limit)  # else leave some out, checked by range
        table = _cells(boxes, dims, cuts, dropped, None)
    keyed = [j for j in range(len(dims)) if j not in dropped]
    keys = tuple(dims[j] for j in keyed)
    ranged = tuple(dims[j] for j in sorted(dropped))
    frozen = {key: tuple(entries) for key, entries in table.items()}
    key_cuts = tuple(cuts[j] for j in keyed)
    if any(c is not None for c in key_cuts):
        lookup = cells.CutTable(frozen, key_cuts)
    else:
        lookup = MappingProxyType(frozen)
    return ModelIndex(tool=model.tool, name=model.name, slots=slots, keys=keys, ranged=ranged, table=lookup,
                      plan=plan)


def _cells(boxes: list, dims: tuple, cuts: list, dropped: set[int], limit: int | None) -> dict | None:
    """cell -> the entries of the rules that price it, keyed on the dimensions not dropped;
    None as soon as the entries would pass `limit`."""
    keyed = [j for j in range(len(dims)) if j not in dropped]
    scanned = sorted(dropped)
    table: dict[tuple, list[Entry]] = {}
    total = 0
    for rule, axes in boxes:
        keys_of = [list(axes[j]) if cuts[j] is None else list(cells.pieces(cuts[j], axes[j])) for j in keyed]
        total += math.prod(len(k) for k in keys_of)
        if limit is not None and total > limit:
            return None
        entry = make_entry(rule, tuple(axes[j] for j in scanned))
        for key in itertools.product(*keys_of):
            table.setdefault(key, []).append(entry)
    return table


def _counts(boxes: list, cuts: list) -> list[list[int]]:
    """How many keys each rule takes on each dimension."""
    known: list[dict[int, int]] = [{} for _ in cuts]  # rules share their Domains: count each once
    counts = []
    for _, axes in boxes:
        row = []
        for j, a in enumerate(axes):
            n = known[j].get(id(a))
            if n is None:
                n = known[j][id(a)] = cells.count(cuts[j], a)
            row.append(n)
        counts.append(row)
    return counts


def make_entry(rule: PricedRule, ranges: tuple[Domain, ...]) -> Entry:
    if isinstance(rule.outcome, ast.Reject):
        return Entry(ranges=ranges, rule=rule, quote=None, formula=None, expr=None, reason=rule.outcome.reason)
    expr = with_rounding(rule.outcome.expr, rule.rounding)
    formula = compile_expr(in_minor_units(expr, rule.final))
    quote = None
    try:
        value = formula({})
    except KeyError:
        pass
    else:
        if abs(int(value)) <= MAX_CREDITS:  # a constant past it is refused by check; else priced as a formula
            quote = priced(int(value), rule)
    return Entry(ranges=ranges, rule=rule, quote=quote, formula=formula, expr=expr, reason=None)


def priced(minor: int, rule: PricedRule) -> Quote:
    """The Quote of a price in minor units: whole credits, or the amount the card prices in."""
    if rule.final is None or rule.final.money.credits:
        return Quote(credits=minor, rule=rule.label)
    money = rule.final.money
    return Quote(minor, rule.label, amount=money.amount(minor), unit=money.unit)
