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
import math
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from engine import ast
from engine.boxes import offered
from engine.domain import Domain, is_unset, show_value
from engine.model import Model
from engine.plans import PLAN
from engine.ratecard import RateCard
from engine.samples import listed, param_names, points



@attrs.frozen
class Row:
    tool: str
    model: str | None
    params: tuple[tuple[str, object], ...]
    credits: int | None
    reason: str | None
    rule: str | None
    amount: Decimal | None = None   # the price, on a card that prices in an amount (credits: its minor units)
    unit: str | None = None

    @property
    def price(self) -> str | None:
        """The price as the sheet shows it: `11400`, `0.004725`; None when refused."""
        if self.credits is None:
            return None
        return str(self.credits) if self.amount is None else str(self.amount)

    @property
    def request(self) -> dict:
        request = {"tool": self.tool}
        if self.model is not None:
            request["model"] = self.model
        request.update(given(self.params))
        return request


def given(params: Iterable[tuple[str, object]]) -> dict:
    """A row's values as a request gives them: an unset one (or no plan) is left out."""
    return {k: v for k, v in params if not is_unset(v)}


def json_params(params: Iterable[tuple[str, object]]) -> dict:
    """A row's values for JSON: an unset one (left out of the request) is null; a measured amount that
    is not whole, its exact decimal as a string ("20.5")."""
    return {k: None if is_unset(v) else show_value(v) if type(v) is Fraction else v for k, v in params}


ROWS_BASE = 10_000   # a model's sheet is every combination of its axes' values up to this many rows,
ROWS_PER_RULE = 64   # or this many per rule when that is more; past that, see `combos`

# Extra sample points for unbounded parameters, keyed by (tool, model, param):
# how `ratecard diff` samples two cards at the union of both cards' boundaries.
Samples = Mapping[tuple[str, str | None, str], Iterable[int]]


def price_sheet(card: RateCard, tool: str | None = None, model: str | None = None,
                extra: Samples | None = None, shown: Mapping | None = None) -> list[Row]:
    return list(iter_sheet(card, tool, model, extra, shown))


def iter_sheet(card: RateCard, tool: str | None = None, model: str | None = None,
               extra: Samples | None = None, shown: Mapping | None = None) -> Iterator[Row]:
    """The rows of each model; `shown` maps (tool, model) to the combinations to show instead of the
    model's own (see `shared`)."""
    for m in models(card, tool, model):
        yield from model_rows(card, m, extra, (shown or {}).get((m.tool, m.name)))


def shared(old: RateCard, new: RateCard, extra: Samples | None = None) -> dict:
    """(tool, model) -> the combinations both cards are quoted at in a diff, for each model that
    either card shows only in part (see `combos`): those of either card, so a change is seen where
    either card draws a line. Each card is quoted at those whose values its own axes list."""
    out = {}
    for m in old.card.models.values():
        other = new.card.models.get((m.tool, m.name))
        if other is None:
            continue
        names, _, mine, full = _combos(old, m, extra)
        names_there, _, theirs, full_there = _combos(new, other, extra)
        if names == names_there and not (full and full_there):
            out[(m.tool, m.name)] = (names, _in_order(mine + theirs))
    return out


def _in_order(found: list[tuple]) -> list[tuple]:
    """Distinct combinations in product order: whole numbers by size, other values as first seen."""
    found = list(dict.fromkeys(found))
    order = []
    for j in range(len(found[0]) if found else 0):
        seen = list(dict.fromkeys(c[j] for c in found))
        if all(type(v) is int or type(v) is Fraction for v in seen):
            seen.sort()
        order.append({v: i for i, v in enumerate(seen)})
    return sorted(found, key=lambda combo: [at[v] for at, v in zip(order, combo)])


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
    """The parameters of a model's sheet and the values listed for each; first the plan, when the
    model's prices depend on it (or, in a diff, the other card's do): each plan that allows the
    tool, and unset, a request naming none."""
    out = []
    plans = offered(model, PLAN)
    more = (extra or {}).get((model.tool, model.name, PLAN), ())
    if plans is not None and (by_plan(card, model) or more):
        out.append((PLAN, list(plans) + [p for p in more if p not in plans]))
    for param in card.card.tools[model.tool].params:
        domain = offered(model, param.name)
        if param.unpriced or domain is None or domain.is_empty:
            continue
        more = (extra or {}).get((model.tool, model.name, param.name), ())
        out.append((param.name, _values(card, model, param.name, domain, more)))
    return out


def boundaries(card: RateCard) -> dict[tuple[str, str | None, str], set]:
    """The points each wide or unbounded parameter of each model is sampled at (see `points`)."""
    out: dict[tuple[str, str | None, str], set] = {}
    for m in card.card.models.values():
        if by_plan(card, m):  # the plans, so the other card of a diff lists them too
            out[(m.tool, m.name, PLAN)] = set(offered(m, PLAN))
        for param in card.card.tools[m.tool].params:
            domain = offered(m, param.name)
            if param.unpriced or domain is None or domain.is_empty or listed(domain):
                continue
            out[(m.tool, m.name, param.name)] = points(card, m, param.name, domain)
    return out


def by_plan(card: RateCard, model: Model) -> bool:
    """Does some price of the model depend on the customer's plan?"""
    return any(PLAN in rule.box for rule in card.card.rules_of(model.tool, model.name))


def _values(card: RateCard, model: Model, param: str, domain: Domain, extra: Iterable[int] = ()) -> list:
    """A parameter offering few values in full; a wide or unbounded one at its `points`
    and at `extra` (the other card's points, for a diff)."""
    if listed(domain):
        return list(domain)
    return sorted(points(card, model, param, domain) | {p for p in extra if p in domain})


Combos = tuple[tuple[str, ...], list[tuple]]  # the axes' names, and the combinations of their values


def combos(card: RateCard, model: Model, extra: Samples | None = None) -> Combos:
    """The combinations a model's sheet shows, in the order of itertools.product over its axes.

    Every combination of the axes' values while there are not too many of them (every card whose
    sheet is a set of grids, like the bundled one). Past that, many axes each cut at many points
    would multiply: then each rule contributes the combinations of the values on and just beside
    its own conditions, the values its formula steps at, and one value of every other axis, so the
    sheet grows with the rules and what they name, not with the product of every axis.
    """
    names, _, found, _ = _combos(card, model, extra)
    return names, found


def _combos(card: RateCard, model: Model, extra: Samples | None) -> tuple:
    """(names, each axis's values, the combinations shown, whether that is every combination)."""
    named = axes(card, model, extra)
    names = tuple(n for n, _ in named)
    values = [v for _, v in named]
    rules = card.card.rules_of(model.tool, model.name)
    if math.prod(len(v) for v in values) <= max(ROWS_BASE, ROWS_PER_RULE * len(rules)):
        return names, values, list(itertools.product(*values)), True
    found: set[tuple] = set()
    for rule in rules:
        used = param_names(rule.outcome.expr) if isinstance(rule.outcome, ast.Price) else set()
        options = []
        for name, vs in zip(names, values):
            condition = rule.box.get(name)
            if condition is not None:
                options.append([v for v in vs if _beside(v, condition)])
            else:
                options.append(vs if name in used else vs[:1])
        found.update(itertools.product(*options))
    order = [{v: i for i, v in enumerate(vs)} for vs in values]
    return names, values, sorted(found, key=lambda combo: [at[v] for at, v in zip(order, combo)]), False


def _beside(value: object, condition: Domain) -> bool:
    """On the condition, or a whole number just beside it (where another rule, or none, takes over)."""
    if value in condition:
        return True
    step = condition.step if type(value) is int or type(value) is Fraction else None
    return step is not None and (value - step in condition or value + step in condition)


def model_rows(card: RateCard, model: Model, extra: Samples | None = None,
               shown: Combos | None = None) -> Iterator[Row]:
    """One model's rows: at its own `combos`, or at those of `shown` (see `shared`) that its axes list."""
    names, values, found, _ = _combos(card, model, extra)
    if shown is not None and shown[0] == names:
        listed_here = [set(vs) for vs in values]
        found = [c for c in shown[1] if all(v in here for v, here in zip(c, listed_here))]
    for combo in found:
        params = tuple(zip(names, combo))
        request = {"tool": model.tool, **({"model": model.name} if model.name is not None else {}), **given(params)}
        result = card.quote(request)
        if result.ok:
            yield Row(model.tool, model.name, params, result.credits, None, result.rule, result.amount, result.unit)
        else:
            yield Row(model.tool, model.name, params, None, f"{result.code}: {result.message}", None)
