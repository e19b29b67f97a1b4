"""`ratecard quote --explain`: which rule priced a request and how, or why no rule did.

`explanation(card, request)` (also `RateCard.explain`) returns an `Explanation`, plain data
(the matched rule, the arithmetic, the near misses) with `to_json()`; `render` writes it as
`--explain` shows it, and `explain` is the two together.
Read-only over the compiled index (engine.compile) and the semantic model
(engine.model); the quote itself always comes from RateCard.quote, so the
explanation can never disagree with the price.
"""

from __future__ import annotations

from collections.abc import Mapping

from fractions import Fraction

import attrs

from engine import ast
from engine.boxes import effective_box, offered
from engine.boxes import source as box_source
from engine.compile import ModelIndex
from engine.counting import Uncounted, count
from engine.diagnostics import source_lines
from engine.domain import UNSET, Domain, is_unset, show_value
from engine.formula import evaluate
from engine.formula import explain as explain_formula
from engine.interpreter import find
from engine.model import NotTaken, PricedRule
from engine.money import decimal_text
from engine.names import credits_words, listing
from engine.plans import PLAN
from engine.ratecard import RateCard
from engine.results import Code, Quote, Rejection
from engine.values import Invalid, coerce, measured, show

_MISSING = object()
MAX_NEAREST = 5


@attrs.frozen
class SourceLine:
    """One line of the card, with the columns [start, end) of a grid cell to underline, if any."""

    file: str
    line: int
    text: str
    underline: tuple[int, int] | None = None


@attrs.frozen
class PlanNote:
    """The plan the request named: whether it allows the tool, and where the card declares it."""

    name: str
    allows: bool
    tools: tuple[str, ...]  # the tools it allows
    where: str              # file:line
    source: SourceLine | None


@attrs.frozen
class Match:
    """The rule whose conditions the request's values meet. `applied` is False when the request
    was refused before pricing (a plan, a parameter the model does not take)."""

    rule: str               # file:line, as Quote.rule
    conditions: str         # the rule's conditions as written (`res 1080, dur 12`), "" for none
    source: SourceLine | None
    applied: bool = True


@attrs.frozen
class Offer:
    """What the model offers for one parameter at the request's other values, and what was asked."""

    param: str
    offered: str            # `4, 8 or 12`
    got: str
    at: str                 # the other values (`res 1080`), "" for none


@attrs.frozen
class Need:
    param: str
    wants: str              # what the rule's condition accepts
    got: str | None         # the request's value as shown (`6`, `"maybe"`); None when not given


@attrs.frozen
class NearMiss:
    """A rule that fails the fewest of its conditions (the rules of one grid row are one miss)."""

    rule: str
    needs: tuple[Need, ...]
    source: SourceLine | None


@attrs.frozen
class Billed:
    """A measured amount as given and as billed: `dur 20.4s billed as 21s (per 1s, minimum 5s)`."""

    param: str
    given: str              # the amount as read, exactly: `20.4`
    billed: str             # the amount priced: `21`
    rule: str               # how it is billed: `per 1s, minimum 5s`


@attrs.frozen
class TextCount:
    """A parameter counted from a text that leaves something out (`not counting whitespace, tags`):
    how many characters the text has and how many of them count."""

    param: str
    source: str              # the request's key holding the text
    length: int              # its characters, every one
    counted: int             # those that count: the parameter's value
    not_counting: tuple[str, ...]  # what is left out: "whitespace", "tags"


@attrs.frozen
class Filled:
    """A parameter the request left out that a model's own default or `unset` stands in for."""

    param: str
    value: str              # as shown: `"auto"`, `unset`
    why: str                # `GPT Image 1's own default, images.rules:7`, `Vidu prices a request that leaves it out`


@attrs.frozen
class Explanation:
    """Why a request got its result. `arithmetic` is the formula with the request's values in it
    (`ceil(123 / 10) = 13`, or `free`); `near_misses` lists the rules failing fewest conditions (`unmet`
    of them), at most MAX_NEAREST, `more_near_misses` counting the rest; `text_counts` says how a text
    was counted when its count leaves something out."""

    result: Quote | Rejection
    tool: str | None = None
    model: str | None = None
    values: tuple[tuple[str, object], ...] = ()  # as the interpreter read them, in the model's order
    plan: PlanNote | None = None
    match: Match | None = None
    arithmetic: str | None = None
    offers: tuple[Offer, ...] = ()
    near_misses: tuple[NearMiss, ...] = ()
    unmet: int = 0
    more_near_misses: int = 0
    text_counts: tuple[TextCount, ...] = ()
    filled: tuple[Filled, ...] = ()  # values left out, read as the model's default or as unset
    by_plan: str | None = None       # the plans the matched rule holds for, when it depends on the plan
    billed: tuple[Billed, ...] = ()  # measured amounts, as given and as billed (engine.model.Measure)
    version: str | None = None       # a dated card: the slice of time whose prices applied, in words

    def to_json(self) -> dict[str, object]:
        """JSON-ready: the result's own object under `result`, then the explanation. A measured
        amount that is not whole is written as its exact decimal, as a string ("20.5")."""
        out = attrs.asdict(self, filter=lambda a, v: a.name != "result" and (a.name != "version" or v is not None))
        out["values"] = {name: None if is_unset(value) else show_value(value) if type(value) is Fraction else value
                         for name, value in self.values}  # null: left out; a measured amount as an exact string
        if not self.billed:  # only a request with a measured amount has it
            del out["billed"]
        return {"result": self.result.to_json(), **out}


def explain(card: RateCard, request: Mapping, result: Quote | Rejection) -> str:
    """The text `ratecard quote --explain` prints for `result`, which `card.quote(request)` gave."""
    return render(explanation(card, request, result))


def explanation(card: RateCard, request: Mapping, result: Quote | Rejection | None = None) -> Explanation:
    """Why `card.quote(request)` gives what it gives, as data (pass `result` if already quoted)."""
    card = card.at()  # a dated card: the slice in effect now (a slice, or a card without dates, is itself)
    if result is None:
        result = card.quote(request)
    version = None if card.period is None else card.period.words()
    model = _model_index(card, request)
    if model is None:
        return Explanation(result, version=version)
    values = given_values(model, request)
    shown = [s.name for s in (model.plan, *model.slots) if s is not None and s.name in values]
    base = Explanation(result, model.tool, model.name, tuple((name, values[name]) for name in shown),
                       _plan(card, request, model.tool), text_counts=_text_counts(model, request),
                       filled=_filled(card, model, request, values), billed=_billed(model, request),
                       version=version)
    entry = find(model, values) if all(k in values for k in model.keys + model.ranged) else None
    if entry is not None and (result.ok or result.code == "rejected" and result.param is None
                              and entry.reason is not None):
        arithmetic = None
        if result.ok and isinstance(entry.rule.outcome, ast.Free):
            arithmetic = "free"
        elif result.ok and entry.expr is not None and not isinstance(entry.expr, ast.Number):
            arithmetic = explain_formula(entry.expr, values) + _final(entry.rule, entry.expr, values, result)
        elif result.ok:
            arithmetic = str(result.credits) if result.amount is None else f"{entry.expr.value} {result.unit}"
        by_plan = entry.rule.box[PLAN].source() if PLAN in entry.rule.box else None
        return attrs.evolve(base, match=_match(card, entry.rule), arithmetic=arithmetic, by_plan=by_plan)
    if result.ok:  # cannot happen while find() is what the interpreter uses; say so rather than guess
        return base
    if entry is not None and entry.expr is not None and result.code == Code.UNSUPPORTED and result.param is None:
        try:  # it matched, and its price is past what a quote may be
            arithmetic = explain_formula(entry.expr, values)
        except Exception:  # the card could not price it: the rejection says so
            arithmetic = None
        return attrs.evolve(base, match=_match(card, entry.rule), arithmetic=arithmetic)
    if entry is not None:  # refused for something else (a plan, a parameter the model does not take)
        return attrs.evolve(base, match=attrs.evolve(_match(card, entry.rule), applied=False))
    return _why_not(card, model, values, request, base)


def render(explanation: Explanation) -> str:
    """The text `ratecard quote --explain` prints."""
    e, result = explanation, explanation.result
    lines = [_shown(result) if result.ok else f"rejected [{result.code}]: {result.message}"]
    dated = [f"version: the prices in effect {e.version}"] if e.version is not None else []
    if e.tool is None:
        return "\n".join(lines + dated)
    subject = e.tool if e.model is None else f'{e.tool} "{e.model}"'
    shown = ", ".join(f"{name} {show_value(value)}" for name, value in e.values)
    lines.append(f"request: {subject}" + (f" {shown}" if shown else ""))
    lines += dated
    for b in e.billed:
        lines.append(f"billed: {b.param} {b.given} -> {b.billed} ({b.rule})")
    for c in e.text_counts:
        lines.append(f"counted: {c.param} {c.counted} of the {c.length} characters of `{c.source}` "
                     f"(not counting {' and '.join(c.not_counting)})")
    if e.plan is not None:
        verdict = f"allows {e.tool}" if e.plan.allows else \
            f"does not allow {e.tool}, only {listing(list(e.plan.tools)) or 'nothing'}"
        lines.append(f'plan "{e.plan.name}" {verdict} ({e.plan.where})')
        lines += _show_source(e.plan.source)
    for f in e.filled:
        lines.append(f"not given: {f.param}, read as {f.value} ({f.why})")
    if e.match is not None and not e.match.applied:
        lines.append(f"otherwise these values match {e.match.rule}")
        lines += _show_source(e.match.source)
    elif e.match is not None:
        lines.append(f"matched {e.match.rule}" + (f" ({e.match.conditions})" if e.match.conditions else ""))
        lines += _show_source(e.match.source)
        if e.by_plan is not None:
            named = dict(e.values).get(PLAN, UNSET)
            whose = "the request names no plan" if is_unset(named) else f"the request's plan is {show_value(named)}"
            lines.append(f"by plan: this rule holds for plan {e.by_plan}; {whose}")
        if e.arithmetic is not None:
            lines.append(f"price: {e.arithmetic}")
    for o in e.offers:
        lines.append(f"why: {e.model or e.tool}{' at ' + o.at if o.at else ''} offers {o.param} {o.offered}; "
                     f"got {o.got}")
    if e.near_misses:
        lines.append(f"nearest rules ({e.unmet} {'condition' if e.unmet == 1 else 'conditions'} not met):")
        for miss in e.near_misses:
            reasons = "; ".join(f"{n.param} {n.wants} ({'not given' if n.got is None else 'got ' + n.got})"
                                for n in miss.needs)
            lines.append(f"  {miss.rule}: needs {reasons}")
            lines += ["  " + x for x in _show_source(miss.source)]
        if e.more_near_misses:
            lines.append(f"  and {e.more_near_misses} more")
    return "\n".join(lines)


def _shown(result: Quote) -> str:
    return credits_words(result.credits) if result.amount is None else f"{result.amount} {result.unit}"


def _final(rule: PricedRule, expr, values: Mapping, result: Quote | Rejection) -> str:
    """After the arithmetic, how its value became the amount quoted: ` -> 4 credits (rounded up)`,
    ` USD`; nothing for whole credits."""
    if rule.final is None or not result.ok:
        return ""
    money = rule.final.money
    try:
        value = Fraction(evaluate(expr, values))
    except Exception:
        return ""
    unit = "credits" if money.credits else money.unit
    if (value * money.scale).denominator == 1 and money.credits:
        return ""
    if (value * money.scale).denominator == 1:
        return f" {unit}"
    how = f"rounded {rule.final.rounding.value}" if rule.final.rounding else "cut to size"
    places = "" if money.credits else f" to {money.places} places"
    return f" -> {_shown(result)} ({how}{places})"


def _billed(model: ModelIndex, request: Mapping) -> tuple[Billed, ...]:
    """The measured amounts the request gives, each as given and as billed."""
    out = []
    if not isinstance(request, Mapping):
        return ()
    for slot in model.slots:
        m = slot.param.measure
        raw = request.get(slot.name, _MISSING)
        if m is None or raw is _MISSING or isinstance(slot.offer, NotTaken):
            continue
        try:
            given = measured(slot.param, raw)
        except Invalid:
            continue
        unit = slot.param.unit or ""
        how = f"per {decimal_text(m.step)}{unit}" + (f", minimum {decimal_text(m.minimum)}{unit}" if m.minimum else "")
        out.append(Billed(slot.name, decimal_text(given) + unit, decimal_text(m.billed(given)) + unit, how))
    return tuple(out)


def _show_source(source: SourceLine | None) -> list[str]:
    if source is None:
        return []
    out = [f"  {source.line} | {source.text}"]
    if source.underline is not None:
        start, end = source.underline
        out.append(f"  {' ' * len(str(source.line))} | {' ' * (start - 1)}{'^' * max(1, end - start)}")
    return out


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
            raw = count(request[source], param.not_counting)
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
    if model.plan is not None:  # the plan, when a price depends on it: one the model offers, or none named
        plan = request.get(PLAN, UNSET)
        if type(plan) is str and plan in model.plan.offer or plan is UNSET:
            values[PLAN] = plan
    return values


def _text_counts(model: ModelIndex, request: Mapping) -> tuple[TextCount, ...]:
    """For each parameter the request gives as a text whose count leaves something out: how it was counted."""
    out = []
    for slot in model.slots:
        param = slot.param
        text = request.get(param.counted_from, _MISSING) if param.counted_from is not None else _MISSING
        if param.not_counting and param.name not in request and isinstance(text, str):
            out.append(TextCount(param.name, param.counted_from, len(text), count(text, param.not_counting),
                                 tuple(u.value for u in Uncounted if u in param.not_counting)))
    return tuple(out)


def _filled(card: RateCard, model: ModelIndex, request: Mapping, values: Mapping) -> tuple[Filled, ...]:
    """The values left out that the model's own default or `unset` stand in for."""
    semantic = card.card.models.get((model.tool, model.name))
    out = []
    for slot in model.slots:
        name = slot.name
        if name in request or slot.param.counted_from in request or name not in values:
            continue
        value = values[name]
        if is_unset(value):
            out.append(Filled(name, "unset", f"{model.title} prices a request that leaves it out"))
        elif semantic is not None and name in semantic.defaults:
            out.append(Filled(name, show_value(value), f"{model.title}'s own default, {semantic.span.label()}"))
    return tuple(out)


def _values(model: ModelIndex, values: Mapping[str, object], skip: str | None = None) -> str:
    return ", ".join(f"{s.name} {show_value(values[s.name])}" for s in model.slots
                     if s.name in values and s.name != skip)


def _source(card: RateCard, rule: PricedRule, carets: bool = True) -> SourceLine | None:
    """The rule's source line; with the cell to underline when the rule is one cell of a grid row."""
    span = rule.span
    lines = source_lines(card.card.sources.get(span.file, ""))
    if not 1 <= span.line <= len(lines):
        return None
    text = lines[span.line - 1]
    end = span.end_column if span.end_line == span.line else len(text) + 1
    underline = (span.column, end) if carets and end - span.column < len(text.split("#")[0].strip()) else None
    return SourceLine(span.file, span.line, text, underline)


def _plan(card: RateCard, request: Mapping, tool: str) -> PlanNote | None:
    """Which plan allowed or refused the tool, and where the card declares it."""
    plan = card.plans.get(request.get("plan")) if isinstance(request.get("plan"), str) else None
    if plan is None:  # no plan named, or none of that name (the rejection says which there are)
        return None
    lines = source_lines(card.card.sources.get(plan.span.file, ""))
    source = None
    if 1 <= plan.span.line <= len(lines):
        source = SourceLine(plan.span.file, plan.span.line, lines[plan.span.line - 1])
    allowed = tuple(t for t in card.index.tools if t in plan.tools)
    return PlanNote(plan.name, tool in plan.tools, allowed, plan.span.label(), source)


def _match(card: RateCard, rule: PricedRule) -> Match:
    return Match(rule.label, box_source(rule.box) or "", _source(card, rule))


# ---------------------------------------------------------------- rejections


def _got(param: str, values: Mapping, request: Mapping) -> str | None:
    if param in values:
        return show_value(values[param])
    if param in request:
        return show(request[param])
    return None


def _misses(rule: PricedRule, card: RateCard, model: ModelIndex, values) -> dict[str, Domain]:
    """The conditions of a rule the request's values do not meet."""
    box = effective_box(rule, card.card.models[(model.tool, model.name)])
    return {p: d for p, d in box.items() if values.get(p, _MISSING) not in d}


def _why_not(card: RateCard, model: ModelIndex, values, request: Mapping, base: Explanation) -> Explanation:
    semantic = card.card.models[(model.tool, model.name)]
    rules = card.card.rules_of(model.tool, model.name)
    misses = [(rule, _misses(rule, card, model, values)) for rule in rules]
    offers = []
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
        offers.append(Offer(param, allowed.describe(unit), show_value(values[param]), at))
    base = attrs.evolve(base, offers=tuple(offers))
    missed = [(r, m) for r, m in misses if m]
    if not missed:
        return base
    fewest = min(len(m) for _, m in missed)
    by_line: dict[tuple[str, int], list[tuple[PricedRule, dict]]] = {}
    for rule, m in missed:
        if len(m) == fewest:
            by_line.setdefault((rule.span.file, rule.span.line), []).append((rule, m))
    near_misses = []
    for group in list(by_line.values())[:MAX_NEAREST]:
        wants: dict[str, Domain] = {}
        for _, m in group:
            for p, d in m.items():
                wants[p] = wants[p].union(d) if p in wants else d
        needs = tuple(Need(p, d.describe(), _got(p, values, request)) for p, d in wants.items())
        near_misses.append(NearMiss(group[0][0].label, needs, _source(card, group[0][0], carets=False)))
    return attrs.evolve(base, near_misses=tuple(near_misses), unmet=fewest,
                        more_near_misses=max(0, len(by_line) - MAX_NEAREST))
