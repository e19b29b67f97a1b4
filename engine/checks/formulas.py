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
(engine.results.MAX_CREDITS). A card that prices in an amount (`prices in USD
to 6 places`) is checked in its minor units (engine.money): a price is at least
one of them (0.000001 USD), and at most MAX_CREDITS of them. A price that can
fall between two minor units (`0.3 * chars` in credits, `0.0000225 * dur` to 6
places: engine.formula_exact) needs its file to say how it rounds. A formula may not use a parameter its model
declares `none` (no request has a value for it). A rule whose conditions miss
what its model offers never applies: its price is not checked (the dead-rule
check reports it), so a grid cell that can never apply may hold any price.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from engine import ast
from engine.boxes import offered
from engine.diagnostics import Code, Diagnostic, error, warning
from engine.domain import Domain, ValueType
from engine.formula import constant, divisions, evaluate, with_rounding
from engine.formula_box import Low, always_above, least, points
from engine.formula_exact import always_whole, grain
from engine.lower import param_refs
from engine.model import Card, Model, NotTaken, PricedRule
from engine.money import decimal_text
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
        if type(expr) is ast.Number and rule.final is not None:  # a whole number of an amount (`-> 2` USD)
            if where not in seen and _applies(card, rule):
                seen.add(where)
                yield from _constant(rule, expr.value * rule.final.money.scale)
            continue
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
        if any(not rounded and _whole_divisions(rule) for _, rounded in divisions(rule.outcome.expr)):
            continue  # its value is not yet a price; the rounding error above says so
        model = card.models.get((rule.tool, rule.model))
        if model is None or not _applies(card, rule):
            continue  # a rule that never applies has no price to check; the dead-rule check says so
        missing = list(_not_taken(model, rule, seen)) or list(_maybe_unset(model, rule, seen))
        if missing:
            yield from missing
            continue
        if (where, "whole") not in seen:
            between = _between_units(card, model, rule)
            if between is not None:
                seen.add((where, "whole"))
                yield between
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


def _whole_divisions(rule: PricedRule) -> bool:
    """Must each division name its rounding? In a card priced in credits, yes (each rounds to a
    whole number); in one priced in an amount, divisions are exact and the amount is rounded once."""
    return rule.rounding is None and (rule.final is None or rule.final.money.credits)


def _money_words(rule: PricedRule, minor: int) -> str:
    if rule.final is None:
        return f"{show_number(minor)} credits"
    return rule.final.money.show(minor) if rule.final.money.unit else f"{show_number(minor)} credits"


def _constant(rule: PricedRule, minor: int) -> Iterator[Diagnostic]:
    """A whole-number price in a card that prices in an amount: at least one minor unit, at most MAX_CREDITS."""
    money = rule.final.money
    if minor < 1:
        yield error(Code.NON_POSITIVE, f"this price is {decimal_text(minor // money.scale)} {money.unit}",
                    rule.outcome.span, hint=_hint(rule))
    elif minor > MAX_CREDITS:
        yield error(Code.BAD_DECLARATION, f"this price is {_too_large(rule)}", rule.outcome.span,
                    hint=_TOO_LARGE_HINT)


def _hint(rule: PricedRule) -> str:
    money = rule.final.money if rule.final is not None else None
    if money is None or money.credits:
        return _HINT
    least = money.amount(1)
    return f"a generation costs at least {least} {money.unit}; use `reject \"...\"` to refuse it"


def _too_large(rule: PricedRule) -> str:
    money = rule.final.money if rule.final is not None else None
    if money is None or money.credits:
        return _TOO_LARGE
    return f"more than {money.amount(MAX_CREDITS)} {money.unit}, the most one quote may be"


def _between_units(card: Card, model: Model, rule: PricedRule) -> Diagnostic | None:
    """A price that can fall between two minor units, in a file that does not say how it rounds."""
    if rule.final is None or rule.final.rounding is not None:
        return None
    money = rule.final.money
    tool = card.tools[rule.tool]
    steps = {p.name: p.measure.step for p in tool.params if p.measure is not None}
    expr = with_rounding(rule.outcome.expr, rule.rounding)
    if grain(expr, steps) is None or always_whole(expr, steps, money.scale):
        return None  # (no grain: a division by something not a number, which is an error of its own)
    what = "a fraction of a credit" if money.credits else f"more than {money.places} decimal places"
    at = ""
    ranges = _ranges(card, model, rule)
    box = {n: ranges[n] for n in dict.fromkeys(r.name for r in param_refs(expr)) if n in ranges}
    for point in points(box):  # one place where it does, to show
        try:
            value = Fraction(evaluate(expr, point))
        except (KeyError, ZeroDivisionError):
            continue
        if (value * money.scale).denominator != 1:
            shown = decimal_text(value) + ("" if money.credits else f" {money.unit}")
            where = ", ".join(f"{p} {decimal_text(v)}" for p, v in point.items())
            at = f" ({shown}{' for ' + where if where else ''})"
            break
    verb = "can come to" if money.credits else "may need"
    return error(Code.ROUNDING, f"this price {verb} {what}{at}", rule.outcome.span,
                 hint="put `round up` (or `round down`) at the top of the file to say how it rounds"
                 + ("" if money.credits else f" to {money.places} places"))


def _ranges(card: Card, model: Model, rule: PricedRule) -> dict[str, Domain]:
    ranges: dict[str, Domain] = {}
    for param in card.tools[rule.tool].params:
        offer = offered(model, param.name)
        if offer is None or offer.type is not ValueType.INT:
            continue
        held = rule.box[param.name].intersect(offer) if param.name in rule.box else offer
        ranges[param.name] = held.without_unset()  # a formula never sees unset (see _maybe_unset)
    return ranges


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
        if not rounded and _whole_divisions(rule):
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
    ranges = _ranges(card, model, rule)
    if always_above(rule, ranges, MAX_CREDITS):
        return error(Code.BAD_DECLARATION, f"this price is always {_too_large(rule)}", rule.outcome.span,
                     hint=_TOO_LARGE_HINT)
    low, point, value = least(rule, ranges)
    hint = _hint(rule)
    money = rule.final.money if rule.final is not None and not rule.final.money.credits else None
    if low is Low.SHOWN:
        at = " for " + ", ".join(f"{p} {_shown(v)}" for p, v in point.items()) if point else ""
        return error(Code.NON_POSITIVE, f"this price is {_money_words(rule, value)}{at}", rule.outcome.span,
                     hint=hint)
    if low is Low.CERTAIN:
        zero = "0 credits" if money is None else f"0 {money.unit}"
        return error(Code.NON_POSITIVE, f"this price falls to {zero} or less for large values",
                     rule.outcome.span, hint=hint)
    if low is Low.POSSIBLE:
        least_one = "1 credit" if money is None else f"{money.amount(1)} {money.unit}"
        return warning(Code.NON_POSITIVE, f"cannot show this price is always at least {least_one}",
                       rule.outcome.span, hint=hint)
    return None


def _shown(value: object) -> str:
    return show_number(value) if type(value) is int else decimal_text(value)
