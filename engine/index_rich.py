"""Checks of a cached rule that needs more than plain trees: a measured parameter, a decimal constant,
a price in an amount (`prices in USD to 6 places`).

engine.index_json checks the usual rule (whole numbers, whole credits) on its plain data, without the
AST; a rule with any of these is checked here as engine.checks.formulas checks it, on the rule's AST
values, so a card that needs them imports the AST and the formula analysis, and a card in credits
without them does not. What fails is Corrupt, and the cache builds the card again.
"""

from __future__ import annotations

from engine import ast
from engine.domain import Domain, ValueType
from engine.formula import constant, divisions, evaluate, with_rounding
from engine.formula_box import Low, in_minor_units, least
from engine.formula_exact import always_whole
from engine.index import Slot
from engine.index_json import Corrupt
from engine.model import PricedRule
from engine.params import NotTaken


def check_rule(rule: PricedRule, expr: ast.Expr | None, slots: dict[str, Slot]) -> None:
    """The rule's price checked as a card read from text is: its formula, and no price below 1 in its box."""
    outcome = rule.outcome
    if isinstance(outcome, ast.Price) and not isinstance(outcome, ast.Free):
        _check_formula(outcome.expr, rule, slots)
    _check_positive(rule, slots)


def _check_formula(expr: ast.Expr, rule: PricedRule, slots: dict[str, Slot]) -> None:
    """What engine.checks.formulas asks of a price, as far as it is cheap to ask again.

    A formula may name only a number the model takes and prices: a parameter
    declared `unpriced`, or one the model takes `none` of, is never in the
    request's values, so such a card is built from text again, never trusted here.
    """
    rounding, final = rule.rounding, rule.final
    numbers: list = []
    names: list[str] = []
    _leaves(expr, numbers, names)
    if any(n < 0 for n in numbers):
        raise Corrupt("a negative number in a formula")  # the grammar has none
    for name in names:
        slot = slots.get(name)
        if (slot is None or slot.param.domain.type is not ValueType.INT or slot.param.unpriced
                or isinstance(slot.offer, NotTaken)):
            raise Corrupt("a formula that uses a parameter the model has no number for")
    exact = final is not None and not final.money.credits  # divisions are exact, the amount rounds once
    if any(not rounded and rounding is None and not exact for _, rounded in divisions(expr)):
        raise Corrupt("a division that does not say how it rounds")
    priced = with_rounding(expr, rounding)  # what is evaluated: `round down` makes 10 / (1 / 2) divide by 0
    for div, _ in divisions(priced):
        divisor = constant(div.right)
        if divisor is None or divisor <= 0:
            raise Corrupt("a division that is not by a positive number")
    steps = {name: slot.param.measure.step for name, slot in slots.items() if slot.param.measure is not None}
    scale = final.money.scale if final is not None else 1
    if final is None and not always_whole(priced, steps) or (
            final is not None and final.rounding is None and not always_whole(priced, steps, scale)):
        raise Corrupt("a price that can fall between two of its unit's smallest parts")
    if not names and int(evaluate(in_minor_units(priced, final), {})) < 1:  # every divisor is known positive
        raise Corrupt("a price below 1 credit")


def _check_positive(rule: PricedRule, slots: dict[str, Slot]) -> None:
    """No price below 1 credit anywhere in the rule's box, decided as engine.checks.formulas decides it.

    A price it can only call possibly below 1 is refused too: that is a warning,
    and a card with warnings is never cached.
    """
    if not isinstance(rule.outcome, ast.Price) or type(rule.outcome.expr) is ast.Number:
        return  # a reject, or a constant (checked with the formula)
    ranges = {}
    for name, slot in slots.items():
        if isinstance(slot.offer, Domain) and slot.offer.type is ValueType.INT:
            ranges[name] = rule.box[name].intersect(slot.offer) if name in rule.box else slot.offer
    names: list[str] = []
    _leaves(rule.outcome.expr, [], names)
    if any(ranges[n].has_unset for n in names if n in ranges):
        raise Corrupt("a price that uses a value a request may leave unset")  # engine.checks.formulas
    if least(rule, ranges)[0] is not Low.NEVER:
        raise Corrupt("a price that falls below 1 credit")


def _leaves(expr: ast.Expr, numbers: list, names: list) -> None:
    if isinstance(expr, (ast.Number, ast.DecimalNumber)):
        numbers.append(expr.value)
    elif isinstance(expr, ast.ParamRef):
        names.append(expr.name)
    elif isinstance(expr, ast.Binary):
        _leaves(expr.left, numbers, names)
        _leaves(expr.right, numbers, names)
    elif isinstance(expr, ast.MinMax):
        for arg in expr.args:
            _leaves(arg, numbers, names)
    else:
        _leaves(expr.expr, numbers, names)
