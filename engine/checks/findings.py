"""The sweep run over a whole card, as values: per model, its overlaps, gaps and dead rules.

The overlap, gap and dead-rule checks turn these into words; the property tests
compare them with brute force. A rule of a group is lowered once per tool, so
one source line can appear in the findings of several models: the checks join
those into one report.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence

import attrs

from engine.boxes import offered
from engine.domain import Domain, ValueType
from engine.formula import source
from engine.formula_box import Point, differ, priced_expr, refs
from engine.model import Card, Model, PricedRule
from engine.sweep import Analysis, Cell, analyse


@attrs.frozen
class Overlap:
    first: PricedRule       # declared first: the one the interpreter uses
    second: PricedRule
    common: Cell            # the combinations both price (a box over the analysis' dims)
    differ: bool
    witness: Point | None   # values of the formulas' parameters where the outcomes differ


@attrs.frozen
class ModelFindings:
    model: Model
    rules: tuple[PricedRule, ...]
    analysis: Analysis
    overlaps: tuple[Overlap, ...]

    @property
    def dead(self) -> tuple[PricedRule, ...]:
        return tuple(self.rules[i] for i in self.analysis.dead)

    @property
    def gaps(self) -> tuple[Cell, ...]:
        return self.analysis.gaps

    def shadowing(self, rule: PricedRule) -> list[PricedRule]:
        """The earlier rules that meet `rule`."""
        return [o.first for o in self.overlaps if o.second is rule]

    def duplicated(self, rule: PricedRule) -> bool:
        """Is `rule` dead because one earlier rule that agrees with it covers all of it?

        Then the `redundant` warning for that pair says everything; a rule that
        takes several earlier rules to cover gets one `dead-rule` warning instead.
        """
        pos = self.rules.index(rule)
        if pos not in self.analysis.dead or pos not in self.analysis.boxes:
            return False
        box = self.analysis.boxes[pos]
        return any(o.second is rule and not o.differ and o.common == box for o in self.overlaps)


def find(card: Card) -> list[ModelFindings]:
    return [model_findings(card, model, card.rules_of(model.tool, model.name))
            for model in card.models.values()]


def model_findings(card: Card, model: Model, rules: Sequence[PricedRule]) -> ModelFindings:
    rules = tuple(sorted(rules, key=_index))
    analysis = analyse(model, rules)
    whole = _numeric_offers(card, model)
    overlaps = []
    for a, b in analysis.overlaps:
        common = tuple(x.intersect(y) for x, y in zip(analysis.boxes[a], analysis.boxes[b]))
        ranges = {**whole, **{p: d for p, d in zip(analysis.dims, common) if d.type is ValueType.INT}}
        disagree, witness = _differ(rules[a], rules[b], ranges)
        overlaps.append(Overlap(first=rules[a], second=rules[b], common=common, differ=disagree,
                                witness=witness))
    return ModelFindings(model=model, rules=rules, analysis=analysis, overlaps=tuple(overlaps))


_index = operator.attrgetter("index")


def _differ(a: PricedRule, b: PricedRule, ranges: dict[str, Domain]) -> tuple[bool, Point | None]:
    """formula_box.differ over the values a request can give; where a parameter a formula uses may
    be unset, that formula has no value, so two different formulas cannot be shown to agree there
    (the formula check reports such a price)."""
    unset = {p for p, d in ranges.items() if d.has_unset}
    disagree, witness = differ(a, b, {p: d.without_unset() for p, d in ranges.items()})
    if not disagree and unset:
        ea, eb = priced_expr(a), priced_expr(b)
        used = set(refs(ea) if ea is not None else ()) | set(refs(eb) if eb is not None else ())
        if used & unset and (ea is None or eb is None or source(ea) != source(eb)):
            return True, None
    return disagree, witness


def _numeric_offers(card: Card, model: Model) -> dict[str, Domain]:
    out = {}
    for param in card.tools[model.tool].params:
        offer = offered(model, param.name)
        if offer is not None and offer.type is ValueType.INT:
            out[param.name] = offer
    return out


# ---------------------------------------------------------------- words shared by the checks


def units(card: Card, tool: str) -> dict[str, str | None]:
    return {p.name: p.unit for p in card.tools[tool].params}


def cell_words(dims: Sequence[str], cell: Cell, offer: Cell, unit: dict[str, str | None]) -> str:
    """`audio yes, dur 6`: the dimensions the cell narrows; `every combination` when none."""
    parts = [f"{p} {d.describe(unit.get(p))}" for p, d, o in zip(dims, cell, offer) if d != o]
    return ", ".join(parts) if parts else "every combination"


def cell_source(dims: Sequence[str], cell: Cell, offer: Cell) -> str:
    """The same cell as conditions in the card's syntax: `audio yes dur 6`."""
    return " ".join(f"{p} {d.source()}" for p, d, o in zip(dims, cell, offer) if d != o)


def titled(models: Iterable[Model]) -> str:
    """`Veo 3 (text-to-video and image-to-video)`, `voiceover`."""
    models = list(models)
    tools = list(dict.fromkeys(m.tool for m in models))
    name = models[0].name
    if name is None:
        return " and ".join(tools)
    return f"{name} ({' and '.join(tools)})"


def subject(card: Card, models: Iterable[Model]) -> str:
    """How a rule for these models starts: `video "Veo 3"`, `voiceover`."""
    models = list(models)
    tools = tuple(dict.fromkeys(m.tool for m in models))
    head = tools[0]
    if len(tools) > 1:
        head = next((g for g, members in card.groups.items() if set(members) == set(tools)), " / ".join(tools))
    name = models[0].name
    return head if name is None else f'{head} "{name}"'
