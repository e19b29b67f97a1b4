"""Price formulas: every division names its rounding and divides by a positive number;
no price is zero or negative anywhere in its rule's box.

"Anywhere" is decided exactly, not by sampling: interval arithmetic gives the
least value of the formula over the box (the rule's conditions cut to what the
model offers; a parameter the rule does not condition ranges over the whole
offer). When each parameter appears once in the formula, that least value is
reached at a corner of the box (see engine.formula_box._bounds), and a corner
or a far point past an open end is shown as the example. When a parameter
appears twice the interval is only an outer bound: a box of at most 4096
points is then tried point by point (exact); a larger or open one without an
example found gives a warning, not an error.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine import ast
from engine.boxes import offered
from engine.diagnostics import Code, Diagnostic, error, warning
from engine.domain import Domain, ValueType, show_value
from engine.formula import constant, divisions
from engine.formula_box import Low, least
from engine.model import Card, PricedRule


_HINT = "a generation costs at least 1 credit; use `reject \"...\"` to refuse it"


def check_formulas(card: Card) -> Iterator[Diagnostic]:
    seen: set = set()  # a rule of a group is lowered once per tool (one outcome); report it once
    for rule in card.rules:
        outcome = rule.outcome
        if not isinstance(outcome, ast.Price):
            continue
        expr = outcome.expr
        where = id(outcome)
        if type(expr) is ast.Number:  # the usual price: nothing to divide, one value
            if expr.value < 1 and where not in seen:
                seen.add(where)
                yield error(Code.NON_POSITIVE, f"this price is {expr.value} credits", outcome.span,
                            hint=_HINT)
            continue
        first = where not in seen
        seen.add(where)
        if first:
            yield from _divisions(rule)
        if any(not rounded and rule.rounding is None for _, rounded in divisions(rule.outcome.expr)):
            continue  # its value is not yet a price; the rounding error above says so
        found = _non_positive(card, rule)
        if found is not None and (first or (where, "price") not in seen):
            seen.add((where, "price"))
            yield found


def _divisions(rule: PricedRule) -> Iterator[Diagnostic]:
    for div, rounded in divisions(rule.outcome.expr):
        divisor = constant(div.right)
        if divisor is None or divisor <= 0:
            yield error(Code.BAD_DECLARATION, "a price may only divide by a positive number",
                        div.right.span, hint="write the divisor as a number, such as `chars / 10`")
        if not rounded and rule.rounding is None:
            yield error(Code.ROUNDING, "this division does not say how it rounds", div.span,
                        hint="write ceil(...) or floor(...) around it, or put `round up` "
                             "(or `round down`) at the top of the file")


def _non_positive(card: Card, rule: PricedRule) -> Diagnostic | None:
    model = card.models.get((rule.tool, rule.model))
    if model is None:
        return None
    ranges: dict[str, Domain] = {}
    for param in card.tools[rule.tool].params:
        offer = offered(model, param.name)
        if offer is None or offer.type is not ValueType.INT:
            continue
        ranges[param.name] = rule.box[param.name].intersect(offer) if param.name in rule.box else offer
    low, point, value = least(rule, ranges)
    hint = _HINT
    if low is Low.SHOWN:
        at = " for " + ", ".join(f"{p} {show_value(v)}" for p, v in point.items()) if point else ""
        return error(Code.NON_POSITIVE, f"this price is {value} credits{at}", rule.outcome.span, hint=hint)
    if low is Low.CERTAIN:
        return error(Code.NON_POSITIVE, "this price falls to 0 credits or less for large values",
                     rule.outcome.span, hint=hint)
    if low is Low.POSSIBLE:
        return warning(Code.NON_POSITIVE, "cannot show this price is always at least 1 credit",
                       rule.outcome.span, hint=hint)
    return None
