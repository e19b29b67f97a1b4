"""Whether a price formula always comes to a whole number of the card's minor units.

Every value a formula takes is a whole multiple of a "grain" read off the
formula itself: a constant is its own grain, a parameter's is 1 (or its
measured step: engine.model.Measure), a sum's (and a min's or max's) is the
greatest common grain of its terms, a product's the product of its factors', a division by a constant
c divides the grain by c, and a ceil or floor is whole. When grain times the
unit's scale (1 for credits, 10**6 for `to 6 places`) is whole, so is every
price: no rounding needs declaring. Otherwise a price may fall between two
minor units (`0.3 * chars`, `0.0000225 * dur` to 6 places) and the file must
say how it rounds. Sound, not complete: a formula whose grain is not whole may
still never land between two units (`0.5 * 2 * n`), and is then asked to
declare a rounding it never uses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

from engine import ast
from engine.formula import constant


def grain(expr: ast.Expr, steps: Mapping[str, int | Fraction]) -> Fraction | None:
    """A g of 0 or more such that every value of expr is a whole multiple of g (0: always 0);
    None when it cannot be told (a division by something not constant)."""
    if isinstance(expr, ast.Number):
        return Fraction(abs(expr.value))
    if isinstance(expr, ast.DecimalNumber):
        return abs(Fraction(expr.value))
    if isinstance(expr, ast.ParamRef):
        return Fraction(steps.get(expr.name, 1))
    if isinstance(expr, ast.Rounded):
        return Fraction(1)
    if isinstance(expr, ast.MinMax):  # one of its arguments: a multiple of the grain they share
        grains = [grain(arg, steps) for arg in expr.args]
        if any(g is None for g in grains):
            return None
        out = grains[0]
        for g in grains[1:]:
            out = _gcd(out, g)
        return out
    left = grain(expr.left, steps)
    if expr.op is ast.Op.DIV:
        divisor = constant(expr.right)
        if left is None or divisor is None or divisor == 0:
            return None
        return left / abs(Fraction(divisor))
    right = grain(expr.right, steps)
    if left is None or right is None:
        return None
    if expr.op is ast.Op.MUL:
        return left * right
    return _gcd(left, right)


def _gcd(a: Fraction, b: Fraction) -> Fraction:
    """The greatest g that a and b are whole multiples of (gcd of 0 and x is x)."""
    den = a.denominator * b.denominator // math.gcd(a.denominator, b.denominator)
    return Fraction(math.gcd(int(a * den), int(b * den)), den)


def always_whole(expr: ast.Expr, steps: Mapping[str, int | Fraction], scale: int = 1) -> bool:
    """Is expr times `scale` a whole number for every value of its parameters?"""
    g = grain(expr, steps)
    return g is not None and (g * scale).denominator == 1
