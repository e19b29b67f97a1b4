"""A compiled Index as lines of plain JSON data: what engine.cache writes.

The format is described, and read back, in engine.index_json. Writing happens
only after a card was built from its text, so this module may import the AST;
reading (on every quote from the cache) must not, which is why the two live apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from fractions import Fraction

from engine import ast
from engine.cells import BitTable, CutTable
from engine.diagnostics import Span
from engine.domain import UNSET, Domain
from engine.formula import tree
from engine.index import Entry, Index, ModelIndex, Slot
from engine.model import NotTaken, PricedRule
from engine.money import Money
from engine.plans import Plan


def encode_lines(index: Index) -> Iterator[str]:
    """The index as JSON lines (no newlines inside)."""
    models: list[ModelIndex] = []
    number: dict[int, int] = {}
    tools = []
    for tool in index.tools.values():
        names = []
        for name, model in tool.models.items():
            if id(model) not in number:
                number[id(model)] = len(models)
                models.append(model)
            names.append([name, number[id(model)]])
        tools.append({"name": tool.name, "accepts": sorted(tool.accepts), "has_models": tool.has_models,
                      "canonical": list(tool.canonical), "names": names})
    domains: dict[Domain, int] = {}
    lines = [_dump(_model(m, domains)) for m in models]
    yield _dump({"tools": tools, "plans": [[name, sorted(ts)] for name, ts in index.plans.items()],
                 "plan_details": [plan_data(p) for p in index.plan_details.values()], "models": len(models),
                 "money": _money(index.money)})
    table = [None] * len(domains)
    for domain, at in domains.items():
        table[at] = _domain(domain)
    yield _dump({"domains": table})
    yield from lines


def _dump(data: object) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _number(value: int | Fraction) -> int | dict:
    """A whole number as itself; another (a measured amount) as its exact fraction, never a float."""
    if type(value) is Fraction:
        return value.numerator if value.denominator == 1 else {"n": value.numerator, "d": value.denominator}
    return value


def _money(money: Money) -> list:
    return [money.unit, money.places]


def _ref(domain: Domain, domains: dict[Domain, int]) -> int:
    return domains.setdefault(domain, len(domains))


def _model(model: ModelIndex, domains: dict) -> dict:
    entries: list[Entry] = []
    position: dict[int, int] = {}
    table = []
    cells, cuts = _cells(model)
    masks = None
    if isinstance(model.table, BitTable):  # no cells: the entries in order, and the masks
        entries = list(model.table.entries)
        masks = [_masks(c, m) for c, m in zip(cuts, model.table.masks)]
    for key, found in cells.items():
        refs = []
        for entry in found:
            if id(entry) not in position:
                position[id(entry)] = len(entries)
                entries.append(entry)
            refs.append(position[id(entry)])
        table.append([[_out(v) for v in key], refs])
    return {"tool": model.tool, "name": model.name, "slots": [_slot(s, domains) for s in model.slots],
            "plan": None if model.plan is None else _slot(model.plan, domains),
            "keys": list(model.keys), "cuts": [_opt_list(c) for c in cuts], "masks": masks,
            "ranged": list(model.ranged),
            "table": table,
            "entries": [[[_ref(d, domains) for d in e.ranges], _rule(e.rule, domains)] for e in entries]}


def _cells(model: ModelIndex) -> tuple:
    """The table's cells, keyed as stored, with each key's cut points (None: keyed by value)."""
    if isinstance(model.table, CutTable):
        return model.table.cells, model.table.cuts
    if isinstance(model.table, BitTable):
        return {}, model.table.cuts
    return model.table, (None,) * len(model.keys)


def _masks(cuts: tuple | None, masks) -> list:
    """A BitTable's masks of one dimension, in hex: by piece, or [value, mask] pairs."""
    if cuts is None:
        return [[_out(value), f"{mask:x}"] for value, mask in masks.items()]
    return [f"{mask:x}" for mask in masks]


def _opt_list(cuts: tuple | None) -> list | None:
    return None if cuts is None else [_number(c) for c in cuts]


def _slot(slot: Slot, domains: dict) -> dict:
    offer = slot.offer
    p = slot.param
    measure = p.measure
    return {"param": {"name": p.name, "domain": _ref(p.domain, domains), "unit": p.unit,
                      "default": _out(p.default), "unpriced": p.unpriced, "counted_from": p.counted_from,
                      "measure": None if measure is None else [_number(measure.step), _out(measure.minimum)],
                      "span": _span(p.span), "not_counting": sorted(u.name for u in p.not_counting)},
            "offer": {"not_taken": offer.reason} if isinstance(offer, NotTaken) else _ref(offer, domains),
            "fill": _out(slot.fill)}


def _domain(domain: Domain) -> dict:
    return {"type": domain.type.name, "intervals": [[_number(iv.lo), _out(iv.hi)] for iv in domain.intervals],
            "values": [_out(v) for v in domain.values], "step": _number(domain.step)}


UNSET_DATA = {"unset": True}  # engine.domain.UNSET, the value of a text or yes/no left out (-1 for a number)


def _out(value: object) -> object:
    """A value as JSON: unset as UNSET_DATA, a measured amount that is not whole as its fraction."""
    if value is UNSET:
        return UNSET_DATA
    return _number(value) if type(value) is Fraction else value


def _rule(rule: PricedRule, domains: dict) -> list:
    outcome = rule.outcome
    if isinstance(outcome, ast.Reject):
        out = ["reject", outcome.reason, _span(outcome.span)]
    elif isinstance(outcome, ast.Free):
        out = ["free", None, _span(outcome.span)]
    else:
        out = ["price", tree(outcome.expr), _span(outcome.span)]
    final = rule.final
    return [rule.tool, rule.model, [[p, _ref(d, domains)] for p, d in rule.box.items()], out,
            rule.rounding.name if rule.rounding else None, _span(rule.span), rule.index,
            None if final is None else [_money(final.money), final.rounding.name if final.rounding else None]]


def _span(span: Span) -> list:
    return [span.file, span.line, span.column, span.end_line, span.end_column]


def plan_data(plan: Plan) -> dict:
    """A plan as plain JSON data; prices as exact decimal texts ("29.99"), never floats."""
    return {"name": plan.name, "tools": sorted(plan.tools), "period": plan.period.value,
            "tiers": [[t.credits, None if t.price is None else str(t.price), t.currency, _span(t.span)]
                      for t in plan.tiers],
            "span": _span(plan.span)}
