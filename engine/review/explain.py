"""`ratecard quote --explain`: which rule priced a request and how, or why no rule did.

Read-only over the compiled index (engine.compile) and the semantic model
(engine.model); the quote itself always comes from RateCard.quote, so the
explanation can never disagree with the price.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine import ast
from engine.boxes import effective_box, offered
from engine.boxes import source as box_source
from engine.compile import ModelIndex
from engine.diagnostics import source_lines
from engine.domain import Domain, show_value
from engine.formula import explain as explain_formula
from engine.interpreter import find
from engine.model import NotTaken, PricedRule
from engine.names import listing
from engine.ratecard import RateCard
from engine.results import Code, Quote, Rejection
from engine.values import Invalid, coerce, show

_MISSING = object()
MAX_NEAREST = 5


def _credits(n: int) -> str:
    return "1 credit" if n == 1 else f"{n} credits"


def explain(card: RateCard, request: Mapping, result: Quote | Rejection) -> str:
    head = _credits(result.credits) if result.ok else f"rejected [{result.code}]: {result.message}"
    model = _model_index(card, request)
    if model is None:
        return head
    values = given_values(model, request)
    lines = [head, f"request: {_subject(model)}" + (f" {_values(model, values)}" if values else "")]
    lines += _plan(card, request, model.tool)
    entry = find(model, values) if all(k in values for k in model.keys + model.ranged) else None
    if entry is not None and (result.ok or result.code == "rejected" and result.param is None
                              and entry.reason is not None):
        lines += _matched(card, entry.rule)
        if result.ok and entry.expr is not None and not isinstance(entry.expr, ast.Number):
            lines.append(f"price: {explain_formula(entry.expr, values)}")
        elif result.ok:
            lines.append(f"price: {result.credits}")
        return "\n".join(lines)
    if result.ok:  # cannot happen while find() is what the interpreter uses; say so rather than guess
        return "\n".join(lines)
    if entry is not None and entry.expr is not None and result.code == Code.UNSUPPORTED and result.param is None:
        lines += _matched(card, entry.rule)  # it matched, and its price is past what a quote may be
        try:
            lines.append(f"price: {explain_formula(entry.expr, values)}")
        except Exception:  # the card could not price it: the rejection above says so
            pass
        return "\n".join(lines)
    if entry is not None:  # refused for something else (a plan, a parameter the model does not take)
        lines.append(f"otherwise these values match {entry.rule.label}")
        lines += _excerpt(card, entry.rule)
        return "\n".join(lines)
    lines += _why_not(card, model, values, request)
    return "\n".join(lines)


def _model_index(card: RateCard, request: Mapping) -> ModelIndex | None:
    if not isinstance(request, Mapping):
        return None
    tool = card.index.tools.get(request.get("tool")) if isinstance(request.get("tool"), str) else None
    if tool is None:
        return None
    if not tool.has_models:
        return tool.models.get(None)
    name = request.get("model")
    return tool.models.get(name) if isinstance(name, str) else None


def given_values(model: ModelIndex, request: Mapping) -> dict[str, object]:
    """The request's values as the interpreter reads them, keeping those the model does not offer
    (they are what the explanation is about) and dropping those that cannot be read."""
    values: dict[str, object] = {}
    for slot in model.slots:
        param = slot.param
        raw = request.get(param.name, _MISSING)
        source = param.counted_from
        if raw is _MISSING and source is not None and isinstance(request.get(source), str):
            raw = len(request[source])
        if raw is _MISSING:
            if slot.fill is not None and not isinstance(slot.offer, NotTaken):
                values[param.name] = slot.fill
            continue
        if isinstance(slot.offer, NotTaken):
            continue
        try:
            values[param.name] = coerce(param, raw)
        except Invalid:
            continue
    return values


def _subject(model: ModelIndex) -> str:
    return model.tool if model.name is None else f'{model.tool} "{model.name}"'


def _values(model: ModelIndex, values: Mapping[str, object], skip: str | None = None) -> str:
    return ", ".join(f"{s.name} {show_value(values[s.name])}" for s in model.slots
                     if s.name in values and s.name != skip)


def _excerpt(card: RateCard, rule: PricedRule, carets: bool = True) -> list[str]:
    """The rule's source line; with carets under the cell when the rule is one cell of a grid row."""
    span = rule.span
    lines = source_lines(card.card.sources.get(span.file, ""))
    if not 1 <= span.line <= len(lines):
        return []
    text = lines[span.line - 1]
    out = [f"  {span.line} | {text}"]
    end = span.end_column if span.end_line == span.line else len(text) + 1
    if carets and end - span.column < len(text.split("#")[0].strip()):
        gutter = " " * len(str(span.line))
        out.append(f"  {gutter} | {' ' * (span.column - 1)}{'^' * max(1, end - span.column)}")
    return out


def _plan(card: RateCard, request: Mapping, tool: str) -> list[str]:
    """Which plan allowed or refused the tool, and where the card declares it."""
    plan = card.plans.get(request.get("plan")) if isinstance(request.get("plan"), str) else None
    if plan is None:  # no plan named, or none of that name (the rejection says which there are)
        return []
    if tool in plan.tools:
        verdict = f"allows {tool}"
    else:
        allowed = [t for t in card.index.tools if t in plan.tools]
        verdict = f"does not allow {tool}, only {listing(allowed) or 'nothing'}"
    lines = source_lines(card.card.sources.get(plan.span.file, ""))
    out = [f'plan "{plan.name}" {verdict} ({plan.span.label()})']
    if 1 <= plan.span.line <= len(lines):
        out.append(f"  {plan.span.line} | {lines[plan.span.line - 1]}")
    return out


def _matched(card: RateCard, rule: PricedRule) -> list[str]:
    conditions = box_source(rule.box)
    return [f"matched {rule.label}" + (f" ({conditions})" if conditions else "")] + _excerpt(card, rule)


# ---------------------------------------------------------------- rejections


def _got(param: str, values: Mapping, request: Mapping) -> str:
    if param in values:
        return f"got {show_value(values[param])}"
    if param in request:
        return f"got {show(request[param])}"
    return "not given"


def _misses(rule: PricedRule, card: RateCard, model: ModelIndex, values) -> dict[str, Domain]:
    """The conditions of a rule the request's values do not meet."""
    box = effective_box(rule, card.card.models[(model.tool, model.name)])
    return {p: d for p, d in box.items() if values.get(p, _MISSING) not in d}


def _why_not(card: RateCard, model: ModelIndex, values, request: Mapping) -> list[str]:
    semantic = card.card.models[(model.tool, model.name)]
    rules = card.card.rules_of(model.tool, model.name)
    misses = [(rule, _misses(rule, card, model, values)) for rule in rules]
    lines = []
    for param in model.keys + model.ranged:
        if param not in values:
            continue
        near = [(r, m) for r, m in misses if set(m) <= {param}]
        allowed = None
        for rule, _ in near:
            domain = rule.box.get(param) or offered(semantic, param)
            allowed = domain if allowed is None else allowed.union(domain)
        offer = offered(semantic, param)
        if allowed is None or offer is None:
            continue
        allowed = allowed.intersect(offer)
        if values[param] in allowed or allowed.is_empty:
            continue
        at = _values(model, {k: v for k, v in values.items() if k in model.keys + model.ranged}, skip=param)
        unit = next(s.param.unit for s in model.slots if s.name == param)
        lines.append(f"why: {model.title}{' at ' + at if at else ''} offers {param} {allowed.describe(unit)}; "
                     f"got {show_value(values[param])}")
    missed = [(r, m) for r, m in misses if m]
    if not missed:
        return lines
    fewest = min(len(m) for _, m in missed)
    by_line: dict[tuple[str, int], list[tuple[PricedRule, dict]]] = {}
    for rule, m in missed:
        if len(m) == fewest:
            by_line.setdefault((rule.span.file, rule.span.line), []).append((rule, m))
    off = "condition" if fewest == 1 else "conditions"
    lines.append(f"nearest rules ({fewest} {off} not met):")
    for (_, _), group in list(by_line.items())[:MAX_NEAREST]:
        wants: dict[str, Domain] = {}
        for _, m in group:
            for p, d in m.items():
                wants[p] = wants[p].union(d) if p in wants else d
        reasons = "; ".join(f"{p} {d.describe()} ({_got(p, values, request)})" for p, d in wants.items())
        lines.append(f"  {group[0][0].label}: needs {reasons}")
        lines += ["  " + x for x in _excerpt(card, group[0][0], carets=False)]
    if len(by_line) > MAX_NEAREST:
        lines.append(f"  and {len(by_line) - MAX_NEAREST} more")
    return lines
