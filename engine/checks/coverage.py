"""Overlaps and gaps: does every combination a model offers have exactly one price?

Each rule is a box over the parameters its model's rules depend on. Gaps are
what is left of the model's whole box after cutting out every rule's box;
overlaps are pairs of rules whose boxes meet.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine import ast
from engine.boxes import Box, describe, dimensions, effective_box, intersect, offered, source, subtract
from engine.diagnostics import Code, Diagnostic, Related, error, warning
from engine.formula import source as formula_source
from engine.model import Card, Model, PricedRule


def check_coverage(card: Card) -> Iterator[Diagnostic]:
    overlaps: dict[tuple, list] = {}
    for model in card.models.values():
        rules = card.rules_of(model.tool, model.name)
        finite, ranged = dimensions(rules, model)
        params = finite + ranged
        boxes = []
        for rule in rules:
            box = effective_box(rule, model)
            full = {p: box.get(p, offered(model, p)) for p in params}
            if all(not d.is_empty for d in full.values()):
                boxes.append((rule, full))
        yield from _gaps(card, model, params, boxes)
        for i, (a, box_a) in enumerate(boxes):
            for b, box_b in boxes[i + 1:]:
                common = intersect(box_a, box_b)
                if common is not None:
                    overlaps.setdefault((a.span, b.span), []).append((model, a, b, common))
    for found in overlaps.values():
        yield _overlap(card, found)


def _title(model: Model) -> str:
    return model.tool if model.name is None else f"{model.name} ({model.tool})"


def _units(card: Card, tool: str) -> dict[str, str | None]:
    return {p.name: p.unit for p in card.tools[tool].params}


def _gaps(card: Card, model: Model, params, boxes) -> Iterator[Diagnostic]:
    if not boxes and not card.rules_of(model.tool, model.name):
        yield error(Code.GAP, f"{_title(model)} has no price at all", model.span,
                    hint=f"add a line such as `{_subject(model)} -> ...`")
        return
    region: list[Box] = [{p: offered(model, p) for p in params}]
    for _, box in boxes:
        region = [piece for r in region for piece in subtract(r, box)]
        if not region:
            return
    for piece in region:
        yield error(Code.GAP, f"{_title(model)} has no price for {describe(piece, _units(card, model.tool))}",
                    model.span, hint=f"add `{_subject(model)} {source(piece)} -> ...`")


def _subject(model: Model) -> str:
    return model.tool if model.name is None else f'{model.tool} "{model.name}"'


def _same(a: PricedRule, b: PricedRule) -> bool:
    if isinstance(a.outcome, ast.Reject) or isinstance(b.outcome, ast.Reject):
        return a.outcome == b.outcome
    return formula_source(a.outcome.expr) == formula_source(b.outcome.expr)


def _overlap(card: Card, found: list) -> Diagnostic:
    model, a, b, common = found[0]
    where = " and ".join(dict.fromkeys(_title(m) for m, *_ in found))
    text = f"this rule and the one at {a.label} both price {where} for {describe(common, _units(card, model.tool))}"
    related = [Related(a.span, "the other rule")]
    if _same(a, b):
        return warning(Code.REDUNDANT, text + ", at the same price", b.span, related=related,
                       hint="remove one of the two")
    return error(Code.OVERLAP, text + ", at different prices", b.span, related=related,
                 hint="narrow one rule's conditions so each combination has one price")
