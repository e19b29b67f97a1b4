"""Where the price sheet samples a wide or unbounded parameter: where the rules and formulas draw a line.

Used by engine.sheet for `ratecard table` and, through it, `ratecard diff`.
"""

from __future__ import annotations

from fractions import Fraction

from engine import ast, steps
from engine.boxes import offered
from engine.domain import Domain
from engine.formula import with_rounding
from engine.model import Model, PricedRule
from engine.ratecard import RateCard

SAMPLES = (10, 11, 100, 1000)  # the decimal scale, for a formula that does not divide the parameter
FULL = 64  # a parameter offering at most this many values is listed in full


def listed(domain: Domain) -> bool:
    """A parameter offering few values is listed in full; a wide or unbounded one is sampled."""
    return domain.is_finite(FULL)


def points(card: RateCard, model: Model, param: str, domain: Domain) -> set[int]:
    """Where a wide or unbounded parameter is sampled: each bound the rules and the offer draw and
    the value either side of it, and for each formula that uses the parameter the points where its
    price steps inside its own rule's range (see `_formula_points`). A parameter no rule and no
    formula uses changes no price: one value stands for all (its default, else its least)."""
    found: set[int] = set()
    used = False
    for rule in card.card.rules_of(model.tool, model.name):
        cut = rule.box.get(param)
        if cut is not None:
            used = True
            for iv in cut.intervals:  # either side of each bound: a step apart (1, or a measured step)
                found.update((iv.lo - cut.step, iv.lo))
                if iv.hi is not None:
                    found.update((iv.hi, iv.hi + cut.step))
        if isinstance(rule.outcome, ast.Price) and param in param_names(rule.outcome.expr):
            used = True
            found.update(_formula_points(model, rule, param, domain))
    if not used:
        default = card.card.tools[model.tool].param(param).default
        return {default if default in domain else domain.least()}
    for iv in domain.intervals:
        found.update((iv.lo, iv.lo + domain.step))
        if iv.hi is not None:
            found.add(iv.hi)
    return {p.numerator if type(p) is Fraction and p.denominator == 1 else p for p in found if p in domain}


def param_names(expr: ast.Expr) -> set[str]:
    if isinstance(expr, ast.ParamRef):
        return {expr.name}
    if isinstance(expr, ast.Binary):
        return param_names(expr.left) | param_names(expr.right)
    if isinstance(expr, ast.Rounded):
        return param_names(expr.expr)
    if isinstance(expr, ast.MinMax):
        return set().union(*(param_names(a) for a in expr.args))
    return set()


def _formula_points(model: Model, rule: PricedRule, param: str, domain: Domain) -> set[int]:
    """Where the rule's price steps along `param`, inside the rule's own range of it.

    A formula that divides the parameter or takes a min or max of it steps where engine.steps
    finds: the value before and at its first step from each lower end of the range (`chars / 50`
    rounded up: 50 and 51; `max(50, 10 * dur)`: 5 and 6). A division also shows its scale: the
    first multiples of 10 and 100 times the distance between steps in the range (`chars / 10`:
    100 and 1000). A formula that changes at every value (`400 * images`) is shown at the
    decimal scale, 10, 11, 100 and 1000. The formula's other parameters stand at their least
    value in the rule's range.
    """
    expr = with_rounding(rule.outcome.expr, rule.rounding)
    divided, bent = steps.divides(expr, param), bool(steps.bends(expr, param))
    if not divided and not bent:
        return set(SAMPLES)
    span = rule.box[param].intersect(domain) if param in rule.box else domain
    env = {}
    for name in param_names(expr) - {param}:
        offer = offered(model, name)
        where = rule.box[name].intersect(offer) if offer is not None and name in rule.box else offer
        if where is None or where.is_empty:
            return set()  # the rule never applies: nothing of it is shown
        env[name] = where.least()
    found = steps.changes(expr, param, span, env)
    if not divided:
        return found | set(SAMPLES)
    distance = steps.period(expr, param, span, env)
    if distance is not None:
        lo = span.least()
        for scale in (10 * distance, 100 * distance):
            found.add(-(-lo // scale) * scale)  # the first multiple at or past the range's start
    return found
