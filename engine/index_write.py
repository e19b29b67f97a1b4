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
from engine.index_json import KEY_TYPES, ROUNDINGS
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
    shared = _Shared()
    lines = [_dump(_model(m, shared)) for m in models]
    yield _dump({"tools": tools, "plans": [[name, sorted(ts)] for name, ts in index.plans.items()],
                 "plan_details": [plan_data(p) for p in index.plan_details.values()], "models": len(models),
                 "money": _money(index.money), "files": list(shared.files)})
    table = [None] * len(shared.domains)
    for domain, at in shared.domains.items():
        table[at] = _domain(domain)
    yield _dump({"domains": table, "boxes": [[list(pair) for pair in box] for box in shared.boxes]})
    yield from lines


class _Shared:
    """What the model lines refer to by number: distinct domains, rule boxes (as (parameter, domain number)
    pairs) and the files rows' spans point into."""

    def __init__(self) -> None:
        self.domains: dict[Domain, int] = {}
        self.boxes: dict[tuple, int] = {}
        self.files: dict[str, int] = {}

    def box(self, box: dict[str, Domain]) -> int:
        pairs = tuple((param, _ref(domain, self.domains)) for param, domain in box.items())
        return self.boxes.setdefault(pairs, len(self.boxes))

    def file(self, name: str) -> int:
        return self.files.setdefault(name, len(self.files))


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


def _model(model: ModelIndex, shared: _Shared) -> dict:
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
        table.append([*(_out(v) for v in key), *refs])  # a cell: its key, then its entries by number
    flat: list = []  # the cells in one list, when each names one entry and no key is unset or a fraction
    if all(len(cell) == len(model.keys) + 1 and all(type(v) in KEY_TYPES for v in cell) for cell in table):
        flat, table = [value for cell in table for value in cell], []
    domains = shared.domains
    rows: list[int] = []  # the usual entries, ROW numbers each (see _row)
    others, at = [], []  # the rest, written out, and their places among the entries
    for place, entry in enumerate(entries):
        row = _row(entry, shared)
        if row is not None:
            rows += row
        else:
            at.append(place)
            others.append([[_ref(d, domains) for d in entry.ranges], _rule(entry.rule, domains)])
    return {"tool": model.tool, "name": model.name, "slots": [_slot(s, domains) for s in model.slots],
            "plan": None if model.plan is None else _slot(model.plan, domains),
            "keys": list(model.keys), "cuts": [_opt_list(c) for c in cuts], "masks": masks,
            "ranged": list(model.ranged),
            "cells": flat, "table": table, "rows": rows, "at": at, "entries": others}


def _row(entry: Entry, shared: _Shared) -> list[int] | None:
    """The usual entry (a price that is one whole number of credits, written in the file of its rule) as
    whole numbers only: its ranges (domain numbers), box (number), price, rounding (ROUNDINGS), index, its
    span (file number, line, column, end line, end column) and its price's span (line, column, end line,
    end column, same file). None for any other entry: it is written out in full."""
    rule = entry.rule
    outcome, span = rule.outcome, rule.span
    if (type(outcome) is not ast.Price or type(outcome.expr) is not ast.Number
            or type(outcome.expr.value) is not int or rule.final is not None or outcome.span.file != span.file):
        return None
    at = outcome.span
    return [*(_ref(d, shared.domains) for d in entry.ranges), shared.box(rule.box), outcome.expr.value,
            ROUNDINGS.index(rule.rounding.name if rule.rounding else None), rule.index,
            shared.file(span.file), span.line, span.column, span.end_line, span.end_column,
            at.line, at.column, at.end_line, at.end_column]


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


def _slot(slot: Slot, domains: dict[Domain, int]) -> dict:
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
