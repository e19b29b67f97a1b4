"""Price formulas: every division names its rounding and divides by a positive number;
no price is zero or negative anywhere in its rule's box, unless it is written `free`.

"Anywhere" is decided exactly, not by sampling: interval arithmetic gives the
least value of the formula over the box (the rule's conditions cut to what the
model offers; a parameter the rule does not condition ranges over the whole
offer). When each parameter appears once in the formula, that least value is
reached at a corner of the box (see engine.formula_box._bounds), and a corner
or a far point past an open end is shown as the example. When a parameter
appears twice the interval is only an outer bound: a box of at most 4096
points is then tried point by point (exact); a larger or open one without an
example found gives a warning, not an error.

The same least value says when a price is always past the most a quote may be
(engine.results.MAX_CREDITS). A formula may not use a parameter its model
declares `none` (no request has a value for it). A rule whose conditions miss
what its model offers never applies: its price is not checked (the dead-rule
check reports it), so a grid cell that can never apply may hold any price.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine import ast
from engine.boxes import offered
from engine.diagnostics import Code, Diagnostic, error, warning
from engine.domain import Domain, ValueType
from engine.formula import constant, divisions, with_rounding
from engine.formula_box import Low, always_above, least
from engine.lower import param_refs
from engine.model import Card, Model, NotTaken, PricedRule
from engine.results import MAX_CREDITS, show_number

_HINT = ("a generation costs at least 1 credit: write `max(1, ...)` around the formula to keep it there, "
         "`-> free` for a price of nothing on purpose, or `reject \"...\"` to refuse it")
_ZERO_HINT = "a price of nothing is written `-> free`, so that it is not taken for a mistake; " \
             "use `reject \"...\"` to refuse such requests"
_TOO_LARGE = f"more than {MAX_CREDITS} credits, the most one quote may be"
_TOO_LARGE_HINT = "credits are kept as 64-bit integers; a request priced this high is refused"


def check_formulas(card: Card) -> Iterator[Diagnostic]:
    seen: set = set()  # a rule of a group is lowered once per tool (one outcome); report it once
    for rule in card.rules:
        outcome = rule.outcome
        if not isinstance(outcome, ast.Price) or isinstance(outcome, ast.Free):
            continue  # a reject, or a price of nothing written as such
        expr = outcome.expr
        where = id(outcome)
        if type(expr) is ast.Number:  # the usual price: nothing to divide, one value
            value = expr.value
            if (value < 1 or value > MAX_CREDITS) and where not in seen and _applies(card, rule):
                seen.add(where)
                if value < 1:
                    yield error(Code.NON_POSITIVE, f"this price is {show_number(value)} credits", outcome.span,
                                hint=_ZERO_HINT if value == 0 else _HINT)
                else:
                    yield error(Code.BAD_DECLARATION, f"this price is {_TOO_LARGE}", outcome.span,
                                hint=_TOO_LARGE_HINT)
            continue
        if where not in seen:
            seen.add(where)
            yield from _divisions(rule)
        if any(not rounded and rule.rounding is None for _, rounded in divisions(rule.outcome.expr)):
            continue  # its value is not yet a price; the rounding error above says so
        model = card.models.get((rule.tool, rule.model))
        if model is None or not _applies(card, rule):
            continue  # a rule that never applies has no price to check; the dead-rule check says so
        missing = list(_not_taken(model, rule, seen)) or list(_maybe_unset(model, rule, seen))
        if missing:
            yield from missing
            continue
        if (where, "price") not in seen:
            found = _price_range(card, model, rule)
            if found is not None:
                seen.add((where, "price"))
                yield found


def _applies(card: Card, rule: PricedRule) -> bool:
    """Can the rule price anything? Not when a condition asks for what its model does not offer
    (a value it lacks, a parameter it does not take): then any price it names is never quoted."""
    model = card.models.get((rule.tool, rule.model))
    if model is None:
        return False
    for param, domain in rule.box.items():
        offer = model.offers.get(param)
        if offer is None or isinstance(offer, NotTaken):
            return False
        if offer is not domain and domain.intersect(offer).is_empty:
            return False
    return True


def _divisions(rule: PricedRule) -> Iterator[Diagnostic]:
    for div, rounded in divisions(rule.outcome.expr):
        # the divisor as quoting computes it: the file's rounding applies inside it too
        divisor = constant(with_rounding(div.right, rule.rounding))
        if divisor is None or divisor <= 0:
            written = constant(div.right)
            hint = (f"the file's `round {rule.rounding.value}` makes it {divisor}; write the divisor "
                    "as a whole number" if written is not None and written > 0 else
                    "write the divisor as a number, such as `chars / 10`")
            yield error(Code.BAD_DECLARATION, "a price may only divide by a positive number",
                        div.right.span, hint=hint)
        if not rounded and rule.rounding is None:
            yield error(Code.ROUNDING, "this division does not say how it rounds", div.span,
                        hint="write ceil(...) or floor(...) around it, or put `round up` "
                             "(or `round down`) at the top of the file")


def _not_taken(model: Model, rule: PricedRule, seen: set) -> Iterator[Diagnostic]:
    """A formula that uses a parameter its model declares `none`: no request has a value for it."""
    for ref in param_refs(rule.outcome.expr):
        if isinstance(model.offers.get(ref.name), NotTaken) and (id(ref), "none") not in seen:
            seen.add((id(ref), "none"))
            for_tool = f" for {model.tool}" if model.name is not None else ""
            yield error(Code.BAD_DECLARATION, f"{model.title} takes no `{ref.name}`{for_tool}, so this price "
                        f"has no value for it", ref.span,
                        hint=f"price {model.title} without `{ref.name}`, or offer `{ref.name}` in its model")


def _maybe_unset(model: Model, rule: PricedRule, seen: set) -> Iterator[Diagnostic]:
    """A formula that uses a parameter a request may leave out (`unset`) where its rule applies:
    such a request has no value to put in it."""
    for ref in param_refs(rule.outcome.expr):
        offer = offered(model, ref.name)
        if offer is None or (id(ref), "unset") in seen:
            continue
        held = rule.box[ref.name].intersect(offer) if ref.name in rule.box else offer
        if held.has_unset:
            seen.add((id(ref), "unset"))
            given = held.without_unset()
            where = f"`{ref.name} {given.source()}`" if not given.is_empty else "no value"
            yield error(Code.BAD_DECLARATION, f"this price uses `{ref.name}`, which a request for {model.title} "
                        f"may leave unset", ref.span,
                        hint=f"give this rule {where} and price `{ref.name} unset` on a line of its own")


def _price_range(card: Card, model: Model, rule: PricedRule) -> Diagnostic | None:
    ranges: dict[str, Domain] = {}
    for param in card.tools[rule.tool].params:
        offer = offered(model, param.name)
        if offer is None or offer.type is not ValueType.INT:
            continue
        held = rule.box[param.name].intersect(offer) if param.name in rule.box else offer
        ranges[param.name] = held.without_unset()  # a formula never sees unset (see _maybe_unset)
    if always_above(rule, ranges, MAX_CREDITS):
        return error(Code.BAD_DECLARATION, f"this price is always {_TOO_LARGE}", rule.outcome.span,
                     hint=_TOO_LARGE_HINT)
    low, point, value = least(rule, ranges)
    hint = _HINT
    if low is Low.SHOWN:
        at = " for " + ", ".join(f"{p} {show_number(v)}" for p, v in point.items()) if point else ""
        return error(Code.NON_POSITIVE, f"this price is {show_number(value)} credits{at}", rule.outcome.span,
                     hint=hint)
    if low is Low.CERTAIN:
        return error(Code.NON_POSITIVE, "this price falls to 0 credits or less for large values",
                     rule.outcome.span, hint=hint)
    if low is Low.POSSIBLE:
        return warning(Code.NON_POSITIVE, "cannot show this price is always at least 1 credit",
                       rule.outcome.span, hint=hint)
    return None
