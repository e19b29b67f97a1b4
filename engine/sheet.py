"""The price sheet: every combination a card declares, quoted.

Finite parameters are listed in full; an unbounded one (voiceover's chars,
text-to-image's images) at a handful of values that include every boundary
the rules draw. Unpriced parameters (aspect) are left out: they never change
a price. The rows come from RateCard.quote itself, so the sheet is what a
service would be told.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import attrs

from engine.boxes import offered
from engine.domain import Domain
from engine.model import Model
from engine.ratecard import RateCard

_SAMPLES = (10, 11, 100, 1000)
_MAX_SAMPLES = 10


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


def price_sheet(card: RateCard, tool: str | None = None, model: str | None = None) -> list[Row]:
    return list(iter_sheet(card, tool, model))


def iter_sheet(card: RateCard, tool: str | None = None, model: str | None = None) -> Iterator[Row]:
    for tool_name in card.card.tools:
        if tool is not None and tool_name != tool:
            continue
        for m in card.card.models_of(tool_name):
            if model is not None and m.name != model and model not in m.aliases:
                continue
            yield from _rows(card, m)


def axes(card: RateCard, model: Model) -> list[tuple[str, list]]:
    """The parameters of a model's sheet and the values listed for each."""
    out = []
    for param in card.card.tools[model.tool].params:
        domain = offered(model, param.name)
        if param.unpriced or domain is None or domain.is_empty:
            continue
        out.append((param.name, _values(card, model, param.name, domain)))
    return out


def _values(card: RateCard, model: Model, param: str, domain: Domain) -> list:
    if domain.is_finite():
        return list(domain)
    points = set()
    for iv in domain.intervals:
        points.update((iv.lo, iv.lo + 1))
    for rule in card.card.rules_of(model.tool, model.name):
        cut = rule.box.get(param)
        if cut is None:
            continue
        for iv in cut.intervals:
            points.update((iv.lo - 1, iv.lo))
            if iv.hi is not None:
                points.update((iv.hi, iv.hi + 1))
    points.update(_SAMPLES)
    return sorted(p for p in points if p in domain)[:_MAX_SAMPLES]


def _rows(card: RateCard, model: Model) -> Iterator[Row]:
    named = axes(card, model)
    names = [n for n, _ in named]
    for combo in itertools.product(*(values for _, values in named)):
        params = tuple(zip(names, combo))
        request = {"tool": model.tool, **({"model": model.name} if model.name is not None else {}), **dict(params)}
        result = card.quote(request)
        if result.ok:
            yield Row(model.tool, model.name, params, result.credits, None, result.rule)
        else:
            yield Row(model.tool, model.name, params, None, f"{result.code}: {result.message}", None)
