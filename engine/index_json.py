"""A compiled Index as plain JSON data and back, so a cached card loads without the parser.

Only data goes out: names, domains, spans, formulas as trees of numbers, names
and operators. Reading checks every type it meets and raises `Corrupt` on the
first surprise, so a damaged or hand-edited file is refused rather than
half-trusted. Formulas are compiled again from their trees on the way in,
exactly as engine.compile does, so cached entries are the same values.
"""

from __future__ import annotations

from types import MappingProxyType

from engine import ast
from engine.compile import Entry, Index, ModelIndex, Slot, ToolIndex, make_entry
from engine.diagnostics import NOWHERE, Span
from engine.domain import Domain, Interval, ValueType
from engine.model import NotTaken, Param, PricedRule


class Corrupt(ValueError):
    """The data is not an index this version wrote."""


# ---------------------------------------------------------------- out


def encode(index: Index) -> dict:
    return {"tools": [_tool(t) for t in index.tools.values()],
            "plans": [[name, sorted(tools)] for name, tools in index.plans.items()]}


def _tool(tool: ToolIndex) -> dict:
    models: list[ModelIndex] = []
    for m in tool.models.values():
        if not any(m is seen for seen in models):
            models.append(m)
    names = [[name, next(i for i, m in enumerate(models) if m is model)] for name, model in tool.models.items()]
    return {"name": tool.name, "accepts": sorted(tool.accepts), "has_models": tool.has_models,
            "canonical": list(tool.canonical), "models": [_model(m) for m in models], "names": names}


def _model(model: ModelIndex) -> dict:
    entries: list[Entry] = []
    position: dict[int, int] = {}
    table = []
    for key, found in model.table.items():
        refs = []
        for entry in found:
            if id(entry) not in position:
                position[id(entry)] = len(entries)
                entries.append(entry)
            refs.append(position[id(entry)])
        table.append([list(key), refs])
    return {"tool": model.tool, "name": model.name, "slots": [_slot(s) for s in model.slots],
            "keys": list(model.keys), "ranged": list(model.ranged), "table": table,
            "entries": [{"ranges": [_domain(d) for d in e.ranges], "rule": _rule(e.rule)} for e in entries]}


def _slot(slot: Slot) -> dict:
    offer = slot.offer
    p = slot.param
    return {"param": {"name": p.name, "domain": _domain(p.domain), "unit": p.unit, "default": p.default,
                      "unpriced": p.unpriced, "counted_from": p.counted_from, "span": _span(p.span)},
            "offer": {"not_taken": offer.reason} if isinstance(offer, NotTaken) else _domain(offer),
            "fill": slot.fill}


def _domain(domain: Domain) -> dict:
    return {"type": domain.type.name, "intervals": [[iv.lo, iv.hi] for iv in domain.intervals],
            "values": list(domain.values)}


def _rule(rule: PricedRule) -> dict:
    outcome = rule.outcome
    if isinstance(outcome, ast.Reject):
        out = {"reject": outcome.reason, "span": _span(outcome.span)}
    else:
        out = {"price": _expr(outcome.expr), "span": _span(outcome.span)}
    return {"tool": rule.tool, "model": rule.model, "box": [[p, _domain(d)] for p, d in rule.box.items()],
            "outcome": out, "rounding": rule.rounding.name if rule.rounding else None,
            "span": _span(rule.span), "index": rule.index}


def _expr(expr: ast.Expr) -> list:
    if isinstance(expr, ast.Number):
        return ["n", expr.value]
    if isinstance(expr, ast.ParamRef):
        return ["p", expr.name]
    if isinstance(expr, ast.Binary):
        return ["op", expr.op.name, _expr(expr.left), _expr(expr.right)]
    return ["round", expr.mode.name, _expr(expr.expr)]


def _span(span: Span) -> list:
    return [span.file, span.line, span.column, span.end_line, span.end_column]


# ---------------------------------------------------------------- in


def decode(data: object) -> Index:
    data = _obj(data, "tools", "plans")
    tools = {}
    for t in _list(data["tools"]):
        tool = _decode_tool(t)
        tools[tool.name] = tool
    plans = {}
    for pair in _list(data["plans"]):
        name, members = _pair(pair)
        plans[_str(name)] = frozenset(_str(m) for m in _list(members))
    return Index(tools=MappingProxyType(tools), plans=MappingProxyType(plans))


def _decode_tool(data: object) -> ToolIndex:
    data = _obj(data, "name", "accepts", "has_models", "canonical", "models", "names")
    models = [_decode_model(m) for m in _list(data["models"])]
    by_name = {}
    for pair in _list(data["names"]):
        name, at = _pair(pair)
        at = _int(at)
        if not 0 <= at < len(models):
            raise Corrupt("a model name points nowhere")
        by_name[_opt(name, _str)] = models[at]
    return ToolIndex(name=_str(data["name"]), accepts=frozenset(_str(k) for k in _list(data["accepts"])),
                     has_models=_bool(data["has_models"]), models=MappingProxyType(by_name),
                     canonical=tuple(_str(c) for c in _list(data["canonical"])))


def _decode_model(data: object) -> ModelIndex:
    data = _obj(data, "tool", "name", "slots", "keys", "ranged", "table", "entries")
    entries = []
    for e in _list(data["entries"]):
        e = _obj(e, "ranges", "rule")
        entries.append(make_entry(_decode_rule(e["rule"]), tuple(_decode_domain(d) for d in _list(e["ranges"]))))
    keys = tuple(_str(k) for k in _list(data["keys"]))
    table = {}
    for row in _list(data["table"]):
        key, refs = _pair(row)
        key = tuple(_scalar(v) for v in _list(key))
        if len(key) != len(keys):
            raise Corrupt("a table key of the wrong length")
        found = []
        for at in _list(refs):
            at = _int(at)
            if not 0 <= at < len(entries):
                raise Corrupt("a table entry points nowhere")
            found.append(entries[at])
        table[key] = tuple(found)
    return ModelIndex(tool=_str(data["tool"]), name=_opt(data["name"], _str),
                      slots=tuple(_decode_slot(s) for s in _list(data["slots"])), keys=keys,
                      ranged=tuple(_str(k) for k in _list(data["ranged"])), table=MappingProxyType(table))


def _decode_slot(data: object) -> Slot:
    data = _obj(data, "param", "offer", "fill")
    p = _obj(data["param"], "name", "domain", "unit", "default", "unpriced", "counted_from", "span")
    param = Param(name=_str(p["name"]), domain=_decode_domain(p["domain"]), unit=_opt(p["unit"], _str),
                  default=_opt(p["default"], _scalar), unpriced=_bool(p["unpriced"]),
                  counted_from=_opt(p["counted_from"], _str), span=_decode_span(p["span"]))
    offer = data["offer"]
    if isinstance(offer, dict) and "not_taken" in offer:
        offer = NotTaken(reason=_opt(_obj(offer, "not_taken")["not_taken"], _str))
    else:
        offer = _decode_domain(offer)
    return Slot(param=param, offer=offer, fill=_opt(data["fill"], _scalar))


def _decode_domain(data: object) -> Domain:
    data = _obj(data, "type", "intervals", "values")
    kind = _enum(ValueType, data["type"])
    intervals = []
    for pair in _list(data["intervals"]):
        lo, hi = _pair(pair)
        intervals.append(Interval(_int(lo), _opt(hi, _int)))
    values = tuple(_scalar(v) for v in _list(data["values"]))
    return Domain(kind, intervals=tuple(intervals), values=values)


def _decode_rule(data: object) -> PricedRule:
    data = _obj(data, "tool", "model", "box", "outcome", "rounding", "span", "index")
    out = _obj(data["outcome"], "span")
    span = _decode_span(out["span"])
    if "reject" in out:
        outcome = ast.Reject(reason=_str(out["reject"]), span=span)
    elif "price" in out:
        outcome = ast.Price(expr=_decode_expr(out["price"]), span=span)
    else:
        raise Corrupt("an outcome that is neither a price nor a reject")
    box = {}
    for pair in _list(data["box"]):
        param, domain = _pair(pair)
        box[_str(param)] = _decode_domain(domain)
    return PricedRule(tool=_str(data["tool"]), model=_opt(data["model"], _str), box=box, outcome=outcome,
                      rounding=_opt(data["rounding"], lambda r: _enum(ast.Rounding, r)),
                      span=_decode_span(data["span"]), index=_int(data["index"]))


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
    if tag == "round" and len(data) == 3:
        return ast.Rounded(mode=_enum(ast.Rounding, data[1]), expr=_decode_expr(data[2], depth + 1), span=NOWHERE)
    raise Corrupt("not a formula")


def _decode_span(data: object) -> Span:
    data = _list(data)
    if len(data) != 5:
        raise Corrupt("not a span")
    return Span(_str(data[0]), *(_int(v) for v in data[1:]))


# ---------------------------------------------------------------- checked reading


def _obj(data: object, *keys: str) -> dict:
    if type(data) is not dict or any(k not in data for k in keys):
        raise Corrupt(f"expected an object with {', '.join(keys)}")
    return data


def _list(data: object) -> list:
    if type(data) is not list:
        raise Corrupt("expected a list")
    return data


def _pair(data: object) -> list:
    data = _list(data)
    if len(data) != 2:
        raise Corrupt("expected a pair")
    return data


def _str(data: object) -> str:
    if type(data) is not str:
        raise Corrupt("expected a text")
    return data


def _int(data: object) -> int:
    if type(data) is not int:
        raise Corrupt("expected a whole number")
    return data


def _bool(data: object) -> bool:
    if type(data) is not bool:
        raise Corrupt("expected true or false")
    return data


def _scalar(data: object) -> int | bool | str:
    if type(data) not in (int, bool, str):
        raise Corrupt("expected a value")
    return data


def _opt(data: object, read):
    return None if data is None else read(data)


def _enum(kind, name: object):
    try:
        return kind[_str(name)]
    except KeyError:
        raise Corrupt(f"not a {kind.__name__}") from None
