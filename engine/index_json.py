"""A compiled Index as lines of plain JSON data and back, so a cached card loads without the parser.

Only data goes out: names, domains, spans, formulas as trees of numbers, names
and operators. The lines are: the tools and plans; the table of distinct
domains (rules share a few, so they are written once and referred to by
number); then one line per model, so reading a large card never holds more
than one model's raw JSON at a time. Reading checks every type it meets and
raises `Corrupt` on the first surprise, so a damaged or hand-edited file is
refused rather than half-trusted. Formulas are compiled again from their trees
on the way in, exactly as engine.compile does, so cached entries are the same values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Iterator
from decimal import Decimal
from types import MappingProxyType

from engine import ast
from engine.cells import BitTable, CutTable
from engine.compile import Entry, Index, ModelIndex, Slot, ToolIndex, make_entry
from engine.counting import Uncounted
from engine.diagnostics import NOWHERE, Span
from engine.domain import UNSET, UNSET_NUMBER, Domain, Interval, ValueType, is_unset, type_of
from engine.formula import constant, divisions, evaluate, with_rounding
from engine.formula_box import Low, least
from engine.model import NotTaken, Param, PricedRule
from engine.plans import PLAN, Period, Plan, Tier
from engine.results import MAX_CREDITS


class Corrupt(ValueError):
    """The data is not an index this version wrote."""


# ---------------------------------------------------------------- out


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
                 "plan_details": [plan_data(p) for p in index.plan_details.values()], "models": len(models)})
    table = [None] * len(domains)
    for domain, at in domains.items():
        table[at] = _domain(domain)
    yield _dump({"domains": table})
    yield from lines


def _dump(data: object) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


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
    return None if cuts is None else list(cuts)


def _slot(slot: Slot, domains: dict) -> dict:
    offer = slot.offer
    p = slot.param
    return {"param": {"name": p.name, "domain": _ref(p.domain, domains), "unit": p.unit, "default": p.default,
                      "unpriced": p.unpriced, "counted_from": p.counted_from, "span": _span(p.span),
                      "not_counting": sorted(u.name for u in p.not_counting)},
            "offer": {"not_taken": offer.reason} if isinstance(offer, NotTaken) else _ref(offer, domains),
            "fill": _out(slot.fill)}


def _domain(domain: Domain) -> dict:
    return {"type": domain.type.name, "intervals": [[iv.lo, iv.hi] for iv in domain.intervals],
            "values": [_out(v) for v in domain.values]}


_UNSET = {"unset": True}  # engine.domain.UNSET, the value of a text or yes/no left out (-1 for a number)


def _out(value: object) -> object:
    return _UNSET if value is UNSET else value


def _rule(rule: PricedRule, domains: dict) -> list:
    outcome = rule.outcome
    if isinstance(outcome, ast.Reject):
        out = ["reject", outcome.reason, _span(outcome.span)]
    elif isinstance(outcome, ast.Free):
        out = ["free", None, _span(outcome.span)]
    else:
        out = ["price", _expr(outcome.expr), _span(outcome.span)]
    return [rule.tool, rule.model, [[p, _ref(d, domains)] for p, d in rule.box.items()], out,
            rule.rounding.name if rule.rounding else None, _span(rule.span), rule.index]


def _expr(expr: ast.Expr) -> list:
    if isinstance(expr, ast.Number):
        return ["n", expr.value]
    if isinstance(expr, ast.ParamRef):
        return ["p", expr.name]
    if isinstance(expr, ast.Binary):
        return ["op", expr.op.name, _expr(expr.left), _expr(expr.right)]
    if isinstance(expr, ast.MinMax):
        return ["pick", expr.fn.name, [_expr(a) for a in expr.args]]
    return ["round", expr.mode.name, _expr(expr.expr)]


def _span(span: Span) -> list:
    return [span.file, span.line, span.column, span.end_line, span.end_column]


# ---------------------------------------------------------------- in
#
# Each node type has one reader that decodes it and checks that it is a node
# engine.compile could have built from a card the checks pass: types, and the
# links between nodes (a rule's tool and model are its model's, a formula names
# only the model's whole-number parameters and divides only by a positive
# number, a constant price is at least 1, a domain is sorted and merged). What
# fails is Corrupt, and the cache builds the card again.


def decode_lines(lines: Iterable[bytes | str], files: Collection[str] | None = None) -> Index:
    """The index from the lines encode_lines wrote; Corrupt (a ValueError) if they are not such lines.

    `files`, when given, are the card's file names: every span must point into one of them.
    """
    lines = iter(lines)
    try:
        head = _obj(json.loads(next(lines)), "tools", "plans", "plan_details", "models")
        domains = [_decode_domain(d) for d in _list(_obj(json.loads(next(lines)), "domains")["domains"])]
        count = _int(head["models"])
        plan_names = [_str(_pair(pair)[0]) for pair in _list(head["plans"])]
        reader = _Reader(domains, files, plan_names)
        models = [reader.model(json.loads(next(lines))) for _ in range(count)]
    except StopIteration:
        raise Corrupt("the file ends early") from None
    if next(lines, None) is not None:
        raise Corrupt("lines after the last model")
    tools = {}
    for t in _list(head["tools"]):
        tool = _decode_tool(t, models)
        if tool.name in tools:
            raise Corrupt("a tool twice")
        tools[tool.name] = tool
    plans = {}
    for pair in _list(head["plans"]):
        name, members = _pair(pair)
        plans[_str(name)] = frozenset(_str(m) for m in _list(members))
        if not plans[name] <= tools.keys():
            raise Corrupt("a plan for a tool the card does not have")
    if plans and any("plan" not in tool.accepts for tool in tools.values()):
        raise Corrupt("a tool that does not accept the card's plans")
    details = {}
    for data in _list(head["plan_details"]):
        plan = read_plan(data)
        details[plan.name] = plan
    if details.keys() != plans.keys() or any(details[n].tools != plans[n] for n in plans):
        raise Corrupt("plan details that do not match the plans")
    return Index(tools=MappingProxyType(tools), plans=MappingProxyType(plans), plan_details=MappingProxyType(details))


def _decode_tool(data: object, models: list[ModelIndex]) -> ToolIndex:
    data = _obj(data, "name", "accepts", "has_models", "canonical", "names")
    name = _str(data["name"])
    has_models = _bool(data["has_models"])
    by_name = {}
    for pair in _list(data["names"]):
        model_name, at = _pair(pair)
        model = _at(models, at)
        model_name = _opt(model_name, _str)
        if model.tool != name or (model_name is None) == has_models or (model.name is None) == has_models:
            raise Corrupt("a model listed under another tool, or named where the tool has no models")
        by_name[model_name] = model
    if not by_name:
        raise Corrupt("a tool without a model")
    accepts = frozenset(_str(k) for k in _list(data["accepts"]))
    needed = {"tool", *(s.name for m in by_name.values() for s in m.slots)} | ({"model"} if has_models else set())
    if not needed <= accepts:
        raise Corrupt("a tool that does not accept its own parameters")
    canonical = tuple(_str(c) for c in _list(data["canonical"]))
    if any(c not in by_name or by_name[c].name != c for c in canonical):
        raise Corrupt("a model name that names no model")
    return ToolIndex(name=name, accepts=accepts, has_models=has_models, models=MappingProxyType(by_name),
                     canonical=canonical)


class _Reader:
    """Decodes model lines against the shared domain table; repeated texts (file names) share one object."""

    def __init__(self, domains: list[Domain], files: Collection[str] | None = None, plans: list[str] = ()):
        self.domains = domains
        self.files = None if files is None else frozenset(files)
        self.plans = list(plans)  # the card's plans, in order: what a plan slot may hold, with unset
        self.texts: dict[str, str] = {}
        self.spanned: set[str] = set()  # file names already found among `files`

    def domain(self, at: object) -> Domain:
        return _at(self.domains, at)

    def model(self, data: object) -> ModelIndex:
        data = _obj(data, "tool", "name", "slots", "plan", "keys", "cuts", "masks", "ranged", "table", "entries")
        tool, name = _str(data["tool"]), _opt(data["name"], _str)
        slots = tuple(self.slot(s) for s in _list(data["slots"]))
        plan = _opt(data["plan"], self.plan_slot)
        by_name = {s.name: s for s in slots + ((plan,) if plan is not None else ())}
        params = {s.name: s.param for s in by_name.values()}
        if len(params) != len(slots) + (plan is not None):
            raise Corrupt("a parameter twice")
        keys = tuple(_str(k) for k in _list(data["keys"]))
        ranged = tuple(_str(k) for k in _list(data["ranged"]))
        if len(set(keys + ranged)) != len(keys + ranged) or not set(keys + ranged) <= params.keys():
            raise Corrupt("a table keyed by parameters the model does not have")
        if (any(params[k].unpriced for k in keys + ranged)
                or any(params[k].domain.type is not ValueType.INT for k in ranged)):
            raise Corrupt("a table keyed by an unpriced parameter, or ranged over one that is not a number")
        entries = []
        for e in _list(data["entries"]):
            ranges, rule = _pair(e)
            rule = self.rule(rule, tool, name, by_name)
            ranges = tuple(self.domain(d) for d in _list(ranges))
            if len(ranges) != len(ranged) or any(r.type is not ValueType.INT for r in ranges):
                raise Corrupt("an entry whose ranges do not fit the model")
            entries.append(make_entry(rule, ranges))
        cuts = tuple(_opt(c, _cuts) for c in _list(data["cuts"]))
        if len(cuts) != len(keys):
            raise Corrupt("cut points for the wrong number of keys")
        if any(c is not None and params[k].domain.type is not ValueType.INT for k, c in zip(keys, cuts)):
            raise Corrupt("cut points on a parameter that is not a number")
        table = {}
        domains = [params[k].domain for k in keys]
        fits: set = set()  # (position, type, value) already found in its domain: keys repeat values a lot
        for row in _list(data["table"]):
            key, refs = _pair(row)
            key = _list(key)
            if len(key) != len(keys):
                raise Corrupt("a table key of the wrong length")
            key = tuple(_value(v) if c is None else _piece(v, c) for v, c in zip(key, cuts))
            for at, value in enumerate(key):
                if cuts[at] is None and (at, type(value), value) not in fits:
                    if value not in domains[at]:  # Domain's `in` checks the type too
                        raise Corrupt("a table key the model does not offer")
                    fits.add((at, type(value), value))
            if key in table:
                raise Corrupt("a table key twice")
            table[key] = tuple(_at(entries, at) for at in _list(refs))
        lookup = CutTable(table, cuts) if any(c is not None for c in cuts) else MappingProxyType(table)
        if data["masks"] is not None:
            if table or ranged or any(e.ranges for e in entries):
                raise Corrupt("a table of masks with cells or ranges")
            masks = _list(data["masks"])
            if len(masks) != len(keys):
                raise Corrupt("masks for the wrong number of keys")
            lookup = BitTable(tuple(entries), cuts, tuple(_decode_masks(m, c, len(entries))
                                                           for m, c in zip(masks, cuts)))
        if plan is not None and PLAN not in keys + ranged:
            raise Corrupt("a plan read for a model whose prices do not depend on it")
        return ModelIndex(tool=tool, name=name, slots=slots, keys=keys, ranged=ranged, table=lookup, plan=plan)

    def slot(self, data: object) -> Slot:
        data = _obj(data, "param", "offer", "fill")
        p = _obj(data["param"], "name", "domain", "unit", "default", "unpriced", "counted_from", "span",
                 "not_counting")
        left_out = [_enum(Uncounted, u) for u in _list(p["not_counting"])]
        param = Param(name=_str(p["name"]), domain=self.domain(p["domain"]), unit=_opt(p["unit"], _str),
                      default=_opt(p["default"], _scalar), unpriced=_bool(p["unpriced"]),
                      counted_from=_opt(p["counted_from"], _str), span=self.span(p["span"]),
                      not_counting=frozenset(left_out))
        if len(left_out) != len(param.not_counting) or (left_out and param.counted_from is None):
            raise Corrupt("a text count that could not be declared")
        if param.default is not None and param.default not in param.domain:
            raise Corrupt("a parameter that could not be declared")
        offer = data["offer"]
        if type(offer) is dict:
            offer = NotTaken(reason=_opt(_obj(offer, "not_taken")["not_taken"], _str))
        else:
            offer = self.domain(offer)
            if offer.type is not param.domain.type:
                raise Corrupt("an offer of the wrong type")
        fill = _opt(data["fill"], _value)
        if fill is not None and (isinstance(offer, NotTaken) or fill not in offer):
            raise Corrupt("a value filled in that the model does not offer")
        if param.name == PLAN or (param.default is not None and param.domain.has_unset):
            raise Corrupt("a parameter that could not be declared")  # engine.resolve refuses both
        if isinstance(offer, Domain) and offer.has_unset and (fill is None or not is_unset(fill)):
            raise Corrupt("a model that offers unset but fills in another value")
        return Slot(param=param, offer=offer, fill=fill)

    def plan_slot(self, data: object) -> Slot:
        """The customer's plan as a model's slot (engine.compile.plan_param): a text, a plan or unset."""
        data = _obj(data, "param", "offer", "fill")
        p = _obj(data["param"], "name", "domain", "unit", "default", "unpriced", "counted_from", "span")
        domain, offer = self.domain(p["domain"]), self.domain(_int(data["offer"]))
        whole = Domain(ValueType.TEXT, values=(*self.plans, UNSET))
        if (p["name"] != PLAN or domain != whole or any(p[k] is not None for k in ("unit", "default", "counted_from"))
                or p["unpriced"] is not False or not offer.has_unset or not offer.issubset(whole)
                or _value(data["fill"]) is not UNSET):
            raise Corrupt("not the plan as a card reads it")
        return Slot(param=Param(name=PLAN, domain=whole, span=NOWHERE), offer=offer, fill=UNSET)

    def rule(self, data: object, tool: str, model: str | None, slots: dict[str, Slot]) -> PricedRule:
        data = _list(data)
        if len(data) != 7:
            raise Corrupt("not a rule")
        rule_tool, rule_model, box_data, out, rounding, span, index = data
        params = {name: slot.param for name, slot in slots.items()}
        if rule_tool != tool or rule_model != model:
            raise Corrupt("a rule under another model")
        rounding = _opt(rounding, lambda r: _enum(ast.Rounding, r))
        out = _list(out)
        if len(out) != 3 or out[0] not in ("reject", "price", "free"):
            raise Corrupt("an outcome that is neither a price nor a reject")
        if out[0] == "reject":
            outcome = ast.Reject(reason=_str(out[1]), span=self.span(out[2]))
        elif out[0] == "free":
            if out[1] is not None:
                raise Corrupt("a free price with a formula")
            where = self.span(out[2])
            outcome = ast.Free(expr=ast.Number(value=0, span=where), span=where)
        else:
            expr = _decode_expr(out[1])
            _check_formula(expr, rounding, slots)
            outcome = ast.Price(expr=expr, span=self.span(out[2]))
        box = {}
        for pair in _list(box_data):
            param, domain = _pair(pair)
            domain = self.domain(domain)
            if (_str(param) not in params or param in box or domain.type is not params[param].domain.type
                    or params[param].unpriced):  # a condition on an unpriced parameter is an error in text
                raise Corrupt("a condition on a parameter the model does not have")
            box[param] = domain
        index = _int(index)
        if index < 0:
            raise Corrupt("a rule numbered below 0")
        rule = PricedRule(tool=self.text(tool), model=_opt(model, self.text), box=box, outcome=outcome,
                          rounding=rounding, span=self.span(span), index=index)
        _check_positive(rule, slots)
        return rule

    def span(self, data: object) -> Span:
        data = _list(data)
        if len(data) != 5:
            raise Corrupt("not a span")
        file, line, column, end_line, end_column = data
        if type(file) is not str or file not in self.spanned:
            if self.files is not None and _str(file) not in self.files:
                raise Corrupt("a span in a file the card does not have")
            self.spanned.add(_str(file))
        if (type(line) is not int or type(column) is not int or type(end_line) is not int
                or type(end_column) is not int or line < 1 or column < 1 or end_line < 1 or end_column < 1):
            raise Corrupt("not a span")
        return Span(self.text(file), line, column, end_line, end_column)

    def text(self, data: object) -> str:
        data = _str(data)
        return self.texts.setdefault(data, data)


def _decode_domain(data: object) -> Domain:
    data = _obj(data, "type", "intervals", "values")
    kind = _enum(ValueType, data["type"])
    intervals = []
    for pair in _list(data["intervals"]):
        lo, hi = _pair(pair)
        intervals.append(Interval(_int(lo), _opt(hi, _int)))
    values = tuple(_value(v) for v in _list(data["values"]))
    domain = Domain(kind, intervals=tuple(intervals), values=values)
    if kind is ValueType.INT:
        if (values or (intervals and intervals[0].lo < UNSET_NUMBER)
                or Domain.ints(intervals).intervals != domain.intervals):
            raise Corrupt("whole numbers that are not sorted, merged ranges of 0 or more (or -1, unset)")
    elif intervals or len(set(values)) != len(values) or any(type_of(v) is not kind and v is not UNSET
                                                             for v in values):
        raise Corrupt(f"values that are not all {kind.value}")
    return domain


def _decode_expr(data: object, depth: int = 0) -> ast.Expr:
    if depth > 200:
        raise Corrupt("a formula nested too deeply")
    data = _list(data)
    tag = data[0] if data else None
    if tag == "n" and len(data) == 2:
        return ast.Number(value=_int(data[1]), span=NOWHERE)
    if tag == "p" and len(data) == 2:
        return ast.ParamRef(name=_str(data[1]), span=NOWHERE)
    if tag == "op" and len(data) == 4:
        return ast.Binary(op=_enum(ast.Op, data[1]), left=_decode_expr(data[2], depth + 1),
                          right=_decode_expr(data[3], depth + 1), span=NOWHERE)
    if tag == "pick" and len(data) == 3:
        args = _list(data[2])
        if len(args) < 2:
            raise Corrupt("a min or max of fewer than two formulas")
        return ast.MinMax(fn=_enum(ast.Extremum, data[1]), args=tuple(_decode_expr(a, depth + 1) for a in args),
                          span=NOWHERE)
    if tag == "round" and len(data) == 3:
        return ast.Rounded(mode=_enum(ast.Rounding, data[1]), expr=_decode_expr(data[2], depth + 1), span=NOWHERE)
    raise Corrupt("not a formula")


def _check_formula(expr: ast.Expr, rounding: ast.Rounding | None, slots: dict[str, Slot]) -> None:
    """What engine.checks.formulas asks of a price, as far as it is cheap to ask again.

    A formula may name only a number the model takes and prices: a parameter
    declared `unpriced`, or one the model takes `none` of, is never in the
    request's values, so such a card is built from text again, never trusted here.
    """
    numbers, names = [], []
    _leaves(expr, numbers, names)
    if any(n < 0 for n in numbers):
        raise Corrupt("a negative number in a formula")  # the grammar has none
    for name in names:
        slot = slots.get(name)
        if (slot is None or slot.param.domain.type is not ValueType.INT or slot.param.unpriced
                or isinstance(slot.offer, NotTaken)):
            raise Corrupt("a formula that uses a parameter the model has no number for")
    if any(not rounded and rounding is None for _, rounded in divisions(expr)):
        raise Corrupt("a division that does not say how it rounds")
    priced = with_rounding(expr, rounding)  # what is evaluated: `round down` makes 10 / (1 / 2) divide by 0
    for div, _ in divisions(priced):
        divisor = constant(div.right)
        if divisor is None or divisor <= 0:
            raise Corrupt("a division that is not by a positive number")
    if not names and evaluate(priced, {}) < 1:  # every divisor is known positive here
        raise Corrupt("a price below 1 credit")


def _check_positive(rule: PricedRule, slots: dict[str, Slot]) -> None:
    """No price below 1 credit anywhere in the rule's box, decided as engine.checks.formulas decides it.

    A price it can only call possibly below 1 is refused too: that is a warning,
    and a card with warnings is never cached.
    """
    if not isinstance(rule.outcome, ast.Price) or type(rule.outcome.expr) is ast.Number:
        return  # a reject, or a constant (checked with the formula)
    ranges = {}
    for name, slot in slots.items():
        if isinstance(slot.offer, Domain) and slot.offer.type is ValueType.INT:
            ranges[name] = rule.box[name].intersect(slot.offer) if name in rule.box else slot.offer
    names: list[str] = []
    _leaves(rule.outcome.expr, [], names)
    if any(ranges[n].has_unset for n in names if n in ranges):
        raise Corrupt("a price that uses a value a request may leave unset")  # engine.checks.formulas
    if least(rule, ranges)[0] is not Low.NEVER:
        raise Corrupt("a price that falls below 1 credit")


def _leaves(expr: ast.Expr, numbers: list, names: list) -> None:
    if isinstance(expr, ast.Number):
        numbers.append(expr.value)
    elif isinstance(expr, ast.ParamRef):
        names.append(expr.name)
    elif isinstance(expr, ast.Binary):
        _leaves(expr.left, numbers, names)
        _leaves(expr.right, numbers, names)
    elif isinstance(expr, ast.MinMax):
        for arg in expr.args:
            _leaves(arg, numbers, names)
    else:
        _leaves(expr.expr, numbers, names)


# ---------------------------------------------------------------- plans


def plan_data(plan: Plan) -> dict:
    """A plan as plain JSON data; prices as exact decimal texts ("29.99"), never floats."""
    return {"name": plan.name, "tools": sorted(plan.tools), "period": plan.period.value,
            "tiers": [[t.credits, None if t.price is None else str(t.price), t.currency, _span(t.span)]
                      for t in plan.tiers],
            "span": _span(plan.span)}


def read_plan(data: object) -> Plan:
    data = _obj(data, "name", "tools", "period", "tiers", "span")
    reader = _Reader([])
    tiers = []
    for t in _list(data["tiers"]):
        t = _list(t)
        if len(t) != 4:
            raise Corrupt("not a tier")
        credits, price, currency, span = t
        tiers.append(Tier(credits=_int(credits), price=_opt(price, _decimal), currency=_opt(currency, _str),
                          span=reader.span(span)))
    # what the resolver asks of a card read from text (engine.resolve_plans), asked again
    figures = [t.credits for t in tiers]
    if figures != sorted(set(figures)) or any(not 1 <= c <= MAX_CREDITS for c in figures):
        raise Corrupt("tiers that are not positive and ascending")
    if any((t.price is None) != (t.currency is None) or t.price is not None and t.price < 0 for t in tiers):
        raise Corrupt("a price without a currency, a currency without a price, or a negative price")
    if len({t.currency for t in tiers if t.currency is not None}) > 1:
        raise Corrupt("a plan priced in two currencies")
    try:
        period = Period(_str(data["period"]))
    except ValueError:
        raise Corrupt("not a billing period") from None
    return Plan(name=_str(data["name"]), tools=frozenset(_str(t) for t in _list(data["tools"])), period=period,
                tiers=tuple(tiers), span=reader.span(data["span"]))


def _decimal(data: object) -> Decimal:
    try:
        value = Decimal(_str(data))
    except ArithmeticError:
        raise Corrupt("not a decimal amount") from None
    if not value.is_finite():
        raise Corrupt("not a decimal amount")
    return value


# ---------------------------------------------------------------- checked reading


def _obj(data: object, *keys: str) -> dict:
    if type(data) is not dict or any(k not in data for k in keys):
        raise Corrupt(f"expected an object with {', '.join(keys)}")
    return data


def _pair(data: object) -> list:
    data = _list(data)
    if len(data) != 2:
        raise Corrupt("expected a pair")
    return data


def _at(items: list, at: object):
    at = _int(at)
    if not 0 <= at < len(items):
        raise Corrupt("a reference that points nowhere")
    return items[at]


def _exactly(kind: type, what: str):
    """A reader that passes values of exactly `kind` (so True is no int here) and refuses the rest."""
    def read(data: object):
        if type(data) is not kind:
            raise Corrupt(f"expected {what}")
        return data
    return read


_list = _exactly(list, "a list")
_str = _exactly(str, "a text")
_int = _exactly(int, "a whole number")
_bool = _exactly(bool, "true or false")


def _cuts(data: object) -> tuple[int, ...]:
    """Cut points: whole numbers of 0 or more, strictly increasing."""
    cuts = tuple(_int(v) for v in _list(data))
    if not cuts or cuts[0] < UNSET_NUMBER or any(a >= b for a, b in zip(cuts, cuts[1:])):
        raise Corrupt("cut points that are not increasing whole numbers")
    return cuts


def _decode_masks(data: object, cuts: tuple[int, ...] | None, rules: int):
    """One dimension's masks: one per piece (len(cuts) + 1 of them), or by value; each of `rules` bits."""
    def mask(text: object) -> int:
        text = _str(text)
        if not _HEX.fullmatch(text) or len(text) > rules // 4 + 1 or int(text, 16) >> rules:
            raise Corrupt("not a mask of the rules")
        return int(text, 16)

    data = _list(data)
    if cuts is not None:
        if len(data) != len(cuts) + 1:
            raise Corrupt("masks for the wrong number of pieces")
        return tuple(mask(m) for m in data)
    out = {}
    for pair in data:
        value, m = _pair(pair)
        out[_value(value)] = mask(m)
    return out


_HEX = re.compile(r"[0-9a-f]+")


def _piece(data: object, cuts: tuple[int, ...]) -> int:
    """A piece of a cut dimension, by number: 1 to len(cuts) (none lies below the first cut)."""
    if type(data) is not int or not 1 <= data <= len(cuts):
        raise Corrupt("a piece that is not one of the cut points' pieces")
    return data


def _scalar(data: object) -> int | bool | str:
    if type(data) not in (int, bool, str):
        raise Corrupt("expected a value")
    return data


def _value(data: object) -> object:
    """A value of a domain, a table key or a filled-in value: a scalar, or unset."""
    if type(data) is dict:
        if data != _UNSET:
            raise Corrupt("expected a value")
        return UNSET
    return _scalar(data)


def _opt(data: object, read):
    return None if data is None else read(data)


def _enum(kind, name: object):
    try:
        return kind[_str(name)]
    except KeyError:
        raise Corrupt(f"not a {kind.__name__}") from None
