"""Overlaps: two rules that both price some combination.

An error when their outcomes can differ there (which one did the product
manager mean?), a `redundant` warning when they agree everywhere they meet.
The pairs come from the sweep (engine.sweep), never from comparing all pairs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from engine import ast
from engine.checks.findings import ModelFindings, Overlap, cell_words, titled, units
from engine.diagnostics import Code, Diagnostic, Related, error, warning
from engine.names import credits_words
from engine.domain import show_value
from engine.formula import source
from engine.formula_box import Point, credits, priced_expr
from engine.model import Card, Model, PricedRule


def overlap_diagnostics(card: Card, found: Sequence[ModelFindings]) -> Iterator[Diagnostic]:
    joined: dict[tuple, list[tuple[ModelFindings, Overlap]]] = {}
    for f in found:
        dead = {id(r) for r in f.dead}
        for o in f.overlaps:
            if not o.differ and id(o.second) in dead and not f.duplicated(o.second):
                continue  # the dead-rule warning on that line names every rule that covers it
            joined.setdefault((o.first.span, o.second.span), []).append((f, o))
    for pairs in joined.values():
        yield _diagnostic(card, pairs)


def _diagnostic(card: Card, pairs: list[tuple[ModelFindings, Overlap]]) -> Diagnostic:
    models: list[Model] = [f.model for f, _ in pairs]
    f, o = next(((f, o) for f, o in pairs if o.differ), pairs[0])
    combos = cell_words(f.analysis.dims, o.common, f.analysis.offer, units(card, f.model.tool))
    text = f"this rule and the one at {o.first.label} both price {titled(models)} for {combos}"
    related = [Related(o.first.span, "the other rule")]
    if not o.differ:
        if f.duplicated(o.second):
            return warning(Code.REDUNDANT, text + ", with the same outcome: this rule never applies",
                           o.second.span, related=related, hint="remove this rule")
        return warning(Code.REDUNDANT, text + ", with the same outcome", o.second.span, related=related,
                       hint="narrow one of the two so they do not meet")
    here, there = _outcome(o.second, o.witness), _outcome(o.first, o.witness)
    at = f" at {_point_words(o.witness)}" if o.witness else ""
    return error(Code.OVERLAP, f"{text}, with different outcomes ({here} here, {there} there{at})",
                 o.second.span, related=related,
                 hint="narrow one rule's conditions so each combination has one price")


def _outcome(rule: PricedRule, witness: Point | None) -> str:
    if isinstance(rule.outcome, ast.Reject):
        return f'reject "{rule.outcome.reason}"'
    expr = priced_expr(rule)
    value = credits(expr, witness) if witness is not None else None
    if value is not None and rule.final is not None and not rule.final.money.credits:
        return rule.final.money.show(value)  # in the card's unit: 0.004500 USD
    return credits_words(value) if value is not None else source(rule.outcome.expr)


def _point_words(point: Point) -> str:  # show_value writes a measured amount as a decimal
    return ", ".join(f"{p} {show_value(v)}" for p, v in point.items())
