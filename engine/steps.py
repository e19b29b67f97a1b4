"""Where a price formula steps along one parameter, inside one rule's range: for the price sheet.

A rule priced `chars / 50` (rounded up) changes price between 50 and 51, and
`max(50, 10 * dur)` between 5 and 6, where the minimum stops applying. The
sheet shows each such step, found from the formula itself rather than from a
fixed list of sample points: starting at each lower end of the rule's range, the
first value where the price differs from the price at the start (and, for a
min or max, the first value where another of its arguments wins), by doubling
the distance until the price differs, then halving the gap. The value found is
always a real step: the price (or the winning argument) at it differs from the
one just before it, which is the same as at the start. For a formula that only
grows or only falls, that is the first step; for any other it is a step.

Exact and deterministic: whole numbers and Fractions (engine.formula.evaluate),
never floats. The other parameters of the formula stand at their least value in
the rule's range.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from engine import ast
from engine.domain import Domain
from engine.formula import evaluate, nodes
from engine.lower import param_refs
from engine.results import MAX_REQUEST_NUMBER

Env = Mapping[str, int]


def uses(expr: ast.Expr, param: str) -> bool:
    return any(ref.name == param for ref in param_refs(expr))


def divides(expr: ast.Expr, param: str) -> bool:
    """Does a division of something that uses `param` stand in the formula?"""
    return any(isinstance(n, ast.Binary) and n.op is ast.Op.DIV and uses(n.left, param) for n in nodes(expr))


def bends(expr: ast.Expr, param: str) -> list[ast.MinMax]:
    """The min and max of the formula whose arguments use `param`."""
    return [n for n in nodes(expr) if isinstance(n, ast.MinMax) and uses(n, param)]


def _winner(node: ast.MinMax, env: Env) -> int:
    """Which argument a min or max takes (the first of equal ones)."""
    values = [evaluate(a, env) for a in node.args]
    best = min(values) if node.fn is ast.Extremum.MIN else max(values)
    return values.index(best)


def first_change(at: Callable[[int], object], start: int, end: int | None) -> int | None:
    """The least x in (start, end] found to change: at(x) != at(start) while at(x - 1) == at(start).

    The distance doubles until the value differs (or the range ends), then the gap halves.
    None when no value up to `end` (or the largest a request may carry) differs.
    """
    last = min(end if end is not None else MAX_REQUEST_NUMBER, MAX_REQUEST_NUMBER)
    if last <= start:
        return None
    base = at(start)
    same, step = start, 1
    while True:
        probe = min(start + step, last)
        if at(probe) != base:
            break
        if probe == last:
            return None
        same, step = probe, step * 2
    differs = probe
    while differs - same > 1:
        mid = (same + differs) // 2
        if at(mid) == base:
            same = mid
        else:
            differs = mid
    return differs


def changes(expr: ast.Expr, param: str, span: Domain, env: Env) -> set[int]:
    """Around each step of `expr` along `param` in `span`: the value before it and the value at it.

    From each interval's lower end: where the price first differs, and where each min or max
    using the parameter first takes another argument.
    """
    found: set[int] = set()
    nodes = bends(expr, param)

    def price(x: int) -> object:
        try:
            return evaluate(expr, {**env, param: x})
        except (KeyError, ZeroDivisionError):
            return None

    for iv in span.intervals:
        step = first_change(price, iv.lo, iv.hi)
        if step is not None:
            found.update((step - 1, step))
        for node in nodes:
            def winner(x: int, node: ast.MinMax = node) -> object:
                try:
                    return _winner(node, {**env, param: x})
                except (KeyError, ZeroDivisionError):
                    return None
            turn = first_change(winner, iv.lo, iv.hi)
            if turn is not None:
                found.update((turn - 1, turn))
    return found


def period(expr: ast.Expr, param: str, span: Domain, env: Env) -> int | None:
    """The distance between the first two steps from the span's lower end, when there are two."""
    if span.is_empty:
        return None

    def price(x: int) -> object:
        try:
            return evaluate(expr, {**env, param: x})
        except (KeyError, ZeroDivisionError):
            return None

    iv = span.intervals[0]
    first = first_change(price, iv.lo, iv.hi)
    if first is None:
        return None
    second = first_change(price, first, iv.hi)
    return None if second is None else second - first
