"""The price sheet: every combination a card declares, quoted.

Finite parameters are listed in full; an unbounded one (voiceover's chars,
text-to-image's images) at a handful of values that include every boundary
the rules draw. Unpriced parameters (aspect) are left out: they never change
a price. The rows come from RateCard.quote itself, so the sheet is what a
service would be told.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping

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
    """Every boundary point the card draws on each unbounded parameter of each model."""
    out: dict[tuple[str, str | None, str], set[int]] = {}
    for m in card.card.models.values():
        for param in card.card.tools[m.tool].params:
            domain = offered(m, param.name)
            if param.unpriced or domain is None or domain.is_empty or domain.is_finite():
                continue
            out[(m.tool, m.name, param.name)] = _boundaries(card, m, param.name, domain)
    return out


def _boundaries(card: RateCard, model: Model, param: str, domain: Domain) -> set[int]:
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
    return points


def _values(card: RateCard, model: Model, param: str, domain: Domain, extra: Iterable[int] = ()) -> list:
    """A finite domain in full; an unbounded one at every boundary point (its own and `extra`),
    topped up with a few round samples up to _MAX_SAMPLES values."""
    if domain.is_finite():
        return list(domain)
    points = {p for p in _boundaries(card, model, param, domain) | set(extra) if p in domain}
    for sample in _SAMPLES:
        if len(points) >= _MAX_SAMPLES:
            break
        if sample in domain:
            points.add(sample)
    return sorted(points)


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
