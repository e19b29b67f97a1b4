"""Where the price sheet samples a wide or unbounded parameter: where the rules and formulas draw a line.

Used by engine.sheet for `ratecard table` and, through it, `ratecard diff`.
"""

from __future__ import annotations

from fractions import Fraction

from engine import ast
from engine.domain import Domain
from engine.formula import with_rounding
from engine.model import Model
from engine.ratecard import RateCard

SAMPLES = (10, 11, 100, 1000)  # the decimal scale, for a formula that does not divide the parameter
FULL = 64  # a parameter offering at most this many values is listed in full


def listed(domain: Domain) -> bool:
    """A parameter offering few values is listed in full; a wide or unbounded one is sampled."""
    return domain.is_finite(FULL)


def points(card: RateCard, model: Model, param: str, domain: Domain) -> set[int]:
    """Where a wide or unbounded parameter is sampled: each bound the rules and the offer draw and
    the value either side of it, and for each formula that uses the parameter the points where its
    price steps (see `_formula_points`). A parameter no rule and no formula uses changes no price:
    one value stands for all (its default, else its least)."""
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
            found.update(_formula_points(with_rounding(rule.outcome.expr, rule.rounding), param))
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
    return set()


def _formula_points(expr: ast.Expr, param: str) -> set[int]:
    """For each division by a constant d of something that uses `param`: the step, at d and d + 1
    when it rounds up (`chars / 50`: 50 credits' worth is 1, 51 is 2), at d - 1 and d otherwise,
    and 10d and 100d to show the scale. A formula that uses the parameter without dividing it
    (`400 * images`) is sampled at the decimal scale points 10, 11, 100 and 1000."""
    found: set[int] = set()
    divided = False
    for node, mode in _divisions(expr):
        divisor = node.right.value if isinstance(node.right, ast.Number) else None
        if divisor is None or divisor < 1 or param not in param_names(node.left):
            continue
        divided = True
        step = (divisor, divisor + 1) if mode is ast.Rounding.UP else (divisor - 1, divisor)
        found.update((*step, 10 * divisor, 100 * divisor))
    return found if divided else set(SAMPLES)


def _divisions(expr: ast.Expr, mode: ast.Rounding | None = None):
    """Each division with the rounding right around it (None: none, so truncated like down)."""
    if isinstance(expr, ast.Rounded):
        inner = expr.expr
        if isinstance(inner, ast.Binary) and inner.op is ast.Op.DIV:
            yield inner, expr.mode
            yield from _divisions(inner.left)
            yield from _divisions(inner.right)
        else:
            yield from _divisions(inner)
    elif isinstance(expr, ast.Binary):
        if expr.op is ast.Op.DIV:
            yield expr, None
        yield from _divisions(expr.left)
        yield from _divisions(expr.right)
