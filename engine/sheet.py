"""The price sheet: every combination a card declares, quoted.

Parameters offering few values are listed in full; a wide or unbounded one
(voiceover's chars, text-to-image's images) at the values where a price can
change: every boundary the rules draw and the steps of the formulas that use
it, so the sheet grows with what the rules distinguish, not with the ranges
they span. One that no rule and no formula uses is shown at one value.
Unpriced parameters (aspect) are left out: they never change a price. The rows come from RateCard.quote itself, so the sheet is what a
service would be told.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping

import attrs

from engine import ast
from engine.boxes import offered
from engine.domain import Domain
from engine.formula import with_rounding
from engine.model import Model
from engine.ratecard import RateCard

_SAMPLES = (10, 11, 100, 1000)
FULL = 64  # a parameter offering at most this many values is listed in full


@attrs.frozen
class Row:
    tool: str
    model: str | None
    params: tuple[tuple[str, object], ...]
    credits: int | None
    reason: str | None
    rule: str | None

    @property
    def request(self) -> dict:
        request = {"tool": self.tool}
        if self.model is not None:
            request["model"] = self.model
        request.update(self.params)
        return request


# Extra sample points for unbounded parameters, keyed by (tool, model, param):
# how `ratecard diff` samples two cards at the union of both cards' boundaries.
Samples = Mapping[tuple[str, str | None, str], Iterable[int]]


def price_sheet(card: RateCard, tool: str | None = None, model: str | None = None,
                extra: Samples | None = None) -> list[Row]:
    return list(iter_sheet(card, tool, model, extra))


def iter_sheet(card: RateCard, tool: str | None = None, model: str | None = None,
               extra: Samples | None = None) -> Iterator[Row]:
    for m in models(card, tool, model):
        yield from model_rows(card, m, extra)


def models(card: RateCard, tool: str | None = None, model: str | None = None) -> list[Model]:
    """The models a sheet covers, in declaration order; `model` may be an alias."""
    out = []
    for tool_name in card.card.tools:
        if tool is not None and tool_name != tool:
            continue
        for m in card.card.models_of(tool_name):
            if model is not None and m.name != model and model not in m.aliases:
                continue
            out.append(m)
    return out


def axes(card: RateCard, model: Model, extra: Samples | None = None) -> list[tuple[str, list]]:
    """The parameters of a model's sheet and the values listed for each."""
    out = []
    for param in card.card.tools[model.tool].params:
        domain = offered(model, param.name)
        if param.unpriced or domain is None or domain.is_empty:
            continue
        more = (extra or {}).get((model.tool, model.name, param.name), ())
        out.append((param.name, _values(card, model, param.name, domain, more)))
    return out


def boundaries(card: RateCard) -> dict[tuple[str, str | None, str], set[int]]:
    """The points each wide or unbounded parameter of each model is sampled at (see `points`)."""
    out: dict[tuple[str, str | None, str], set[int]] = {}
    for m in card.card.models.values():
        for param in card.card.tools[m.tool].params:
            domain = offered(m, param.name)
            if param.unpriced or domain is None or domain.is_empty or _listed(domain):
                continue
            out[(m.tool, m.name, param.name)] = points(card, m, param.name, domain)
    return out


def _listed(domain: Domain) -> bool:
    """A parameter offering few values is listed in full; a wide or unbounded one is sampled."""
    return domain.is_finite(FULL)


def points(card: RateCard, model: Model, param: str, domain: Domain) -> set[int]:
    """Where a wide or unbounded parameter is sampled: each bound the rules and the offer draw and
    the value either side of it, and for each formula that uses the parameter the points where its
    price steps (see `_formula_points`). A parameter no rule and no formula uses changes no price:
    one value stands for all (its default, else its least)."""
    found: set[int] = set()
    used = False
    for rule in card.card.rules_of(model.tool, model.name):
        cut = rule.box.get(param)
        if cut is not None:
            used = True
            for iv in cut.intervals:
                found.update((iv.lo - 1, iv.lo))
                if iv.hi is not None:
                    found.update((iv.hi, iv.hi + 1))
        if isinstance(rule.outcome, ast.Price) and param in _names(rule.outcome.expr):
            used = True
            found.update(_formula_points(with_rounding(rule.outcome.expr, rule.rounding), param))
    if not used:
        default = card.card.tools[model.tool].param(param).default
        return {default if default in domain else domain.least()}
    for iv in domain.intervals:
        found.update((iv.lo, iv.lo + 1))
        if iv.hi is not None:
            found.add(iv.hi)
    return {p for p in found if p in domain}


def _names(expr: ast.Expr) -> set[str]:
    if isinstance(expr, ast.ParamRef):
        return {expr.name}
    if isinstance(expr, ast.Binary):
        return _names(expr.left) | _names(expr.right)
    if isinstance(expr, ast.Rounded):
        return _names(expr.expr)
    return set()


def _formula_points(expr: ast.Expr, param: str) -> set[int]:
    """For each division by a constant d of something that uses `param`: the step, at d and d + 1
    when it rounds up (`chars / 50`: 50 credits' worth is 1, 51 is 2), at d - 1 and d otherwise,
    and 10d and 100d to show the scale. A formula that uses the parameter without dividing it
    (`400 * images`) is sampled at the decimal scale points 10, 11, 100 and 1000."""
    found: set[int] = set()
    divided = False
    for node, mode in _divisions(expr):
        divisor = node.right.value if isinstance(node.right, ast.Number) else None
        if divisor is None or divisor < 1 or param not in _names(node.left):
            continue
        divided = True
        step = (divisor, divisor + 1) if mode is ast.Rounding.UP else (divisor - 1, divisor)
        found.update((*step, 10 * divisor, 100 * divisor))
    return found if divided else set(_SAMPLES)


def _divisions(expr: ast.Expr, mode: ast.Rounding | None = None):
    """Each division with the rounding right around it (None: none, so truncated like down)."""
    if isinstance(expr, ast.Rounded):
        inner = expr.expr
        if isinstance(inner, ast.Binary) and inner.op is ast.Op.DIV:
            yield inner, expr.mode
            yield from _divisions(inner.left)
            yield from _divisions(inner.right)
        else:
            yield from _divisions(inner)
    elif isinstance(expr, ast.Binary):
        if expr.op is ast.Op.DIV:
            yield expr, None
        yield from _divisions(expr.left)
        yield from _divisions(expr.right)


def _values(card: RateCard, model: Model, param: str, domain: Domain, extra: Iterable[int] = ()) -> list:
    """A parameter offering few values in full; a wide or unbounded one at its `points`
    and at `extra` (the other card's points, for a diff)."""
    if _listed(domain):
        return list(domain)
    return sorted(points(card, model, param, domain) | {p for p in extra if p in domain})


def model_rows(card: RateCard, model: Model, extra: Samples | None = None) -> Iterator[Row]:
    """One model's rows, in the order of itertools.product over its axes (the last axis fastest)."""
    named = axes(card, model, extra)
    names = [n for n, _ in named]
    for combo in itertools.product(*(values for _, values in named)):
        params = tuple(zip(names, combo))
        request = {"tool": model.tool, **({"model": model.name} if model.name is not None else {}), **dict(params)}
        result = card.quote(request)
        if result.ok:
            yield Row(model.tool, model.name, params, result.credits, None, result.rule)
        else:
            yield Row(model.tool, model.name, params, None, f"{result.code}: {result.message}", None)
