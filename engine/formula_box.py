"""Price formulas over a box of parameter values: their least value, and where two outcomes differ.

Credits are what the interpreter returns: the formula with the file's rounding
applied, evaluated exactly, then made whole by int(). So a price is "zero or
less" exactly when the value is below 1. A rule whose value is not whole
credits as it stands (engine.model.Final: a decimal rate, a card priced in USD
to 6 places) is priced here as it is quoted, in the card's minor units (credits,
or millionths of a dollar), rounded as its file says: `priced_expr` writes that
into the formula, so "below 1" still means "below the least amount a quote can be".
"""

from __future__ import annotations

import enum
import itertools
import math
from collections.abc import Iterator, Mapping
from fractions import Fraction

from engine import ast
from engine.domain import Domain
from engine.formula import evaluate, source, with_rounding
from engine.model import Final, PricedRule

Point = dict[str, int]
ENUMERATE_LIMIT = 4096            # boxes with at most this many points are checked point by point
_FAR = (1, 2, 10, 100, 10**3, 10**4, 10**6, 10**9, 10**12, 10**18, 10**30)


class _Endless:
    """An open end of a range, +infinity or -infinity, in exact arithmetic with ints and Fractions.

    Not math.inf: a float end turns `n + 10**310` into an OverflowError (and would
    round a large int on its way), and money is never a float. Adding a number
    keeps the end; times 0 is 0 (a box end times nothing); times a number or an
    end takes the sign of the product; it compares above (or below) every number.
    """

    __slots__ = ("sign",)

    def __init__(self, sign: int) -> None:
        self.sign = sign

    def __repr__(self) -> str:
        return "INF" if self.sign > 0 else "-INF"

    def __neg__(self) -> _Endless:
        return NEG_INF if self.sign > 0 else INF

    def __add__(self, other: object) -> _Endless:
        if isinstance(other, _Endless) and other.sign != self.sign:
            raise ArithmeticError("no value for INF - INF")
        return self

    __radd__ = __add__

    def __sub__(self, other: object) -> _Endless:
        return self + (-other)

    def __rsub__(self, other: object) -> _Endless:
        return -self

    def __mul__(self, other: object) -> _Endless | int:
        sign = other.sign if isinstance(other, _Endless) else (other > 0) - (other < 0)
        if sign == 0:
            return 0
        return self if sign > 0 else -self

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> _Endless:  # only by a number other than 0
        return self if other > 0 else -self

    def __lt__(self, other: object) -> bool:
        return self.sign < 0 and other is not self

    def __gt__(self, other: object) -> bool:
        return self.sign > 0 and other is not self

    def __le__(self, other: object) -> bool:
        return self.sign < 0 or other is self

    def __ge__(self, other: object) -> bool:
        return self.sign > 0 or other is self


INF = _Endless(1)      # only ever an end of a range, never a price: see _bounds
NEG_INF = _Endless(-1)


def priced_expr(rule: PricedRule) -> ast.Expr | None:
    """The rule's formula with its file's rounding applied, in the card's minor units (see
    `in_minor_units`); None for a reject."""
    if not isinstance(rule.outcome, ast.Price):
        return None
    return in_minor_units(with_rounding(rule.outcome.expr, rule.rounding), rule.final)


def in_minor_units(expr: ast.Expr, final: Final | None) -> ast.Expr:
    """The formula whose value, made whole by int(), is the quote in minor units: as it stands
    when `final` is None; else times the unit's scale, then rounded as the file says (with no
    rounding declared, the checks make sure it is whole already)."""
    if final is None:
        return expr
    if final.money.scale != 1:
        expr = ast.Binary(op=ast.Op.MUL, left=expr, right=ast.Number(value=final.money.scale, span=expr.span),
                          span=expr.span)
    if final.rounding is not None:
        expr = ast.Rounded(mode=final.rounding, expr=expr, span=expr.span)
    return expr


def credits(expr: ast.Expr, point: Mapping[str, int]) -> int | None:
    """The credits the interpreter would quote; None when the formula cannot be evaluated."""
    try:
        return int(evaluate(expr, point))
    except (KeyError, ZeroDivisionError):
        return None


def refs(expr: ast.Expr) -> list[str]:
    """Parameter names, once per use."""
    if isinstance(expr, ast.ParamRef):
        return [expr.name]
    if isinstance(expr, ast.Binary):
        return refs(expr.left) + refs(expr.right)
    if isinstance(expr, ast.Rounded):
        return refs(expr.expr)
    if isinstance(expr, ast.MinMax):
        return [name for arg in expr.args for name in refs(arg)]
    return []


# ---------------------------------------------------------------- points to try


def _size(ranges: Mapping[str, Domain]) -> int | None:
    total = 1
    for domain in ranges.values():
        size = domain.size
        if size is None:
            return None
        total *= size
    return total


def _samples(domain: Domain) -> list[int]:
    """The ends of each interval, and far points past an open end."""
    out = []
    for iv in domain.intervals:
        out.append(iv.lo)
        if iv.hi is not None:
            out.append(iv.hi)
        else:
            out += [iv.lo + far * domain.step for far in _FAR]  # multiples of a measured step stay so
    return list(dict.fromkeys(out))


def points(ranges: Mapping[str, Domain]) -> Iterator[Point]:
    """Every point of a small box; otherwise its corners and far points past open ends."""
    names = list(ranges)
    size = _size(ranges)
    axes = [list(ranges[n]) if size is not None and size <= ENUMERATE_LIMIT else _samples(ranges[n])
            for n in names]
    for values in itertools.islice(itertools.product(*axes), ENUMERATE_LIMIT):
        yield dict(zip(names, values))


# ---------------------------------------------------------------- least value


def _bounds(expr: ast.Expr, ranges: Mapping[str, Domain]):
    """(least, greatest) of expr over the box by interval arithmetic; INF stands for no end.

    Exact (both ends are reached, or approached) when each parameter appears once in
    expr: every operation is monotone in each argument over the box (min and max are
    non-decreasing in each of theirs: the least of min(a, b) is the lesser of their
    least values, since a and b share no parameter and reach their least together),
    so the extremes lie at corners of the box, which are whole numbers inside the
    parameters' domains. With a parameter used twice it is a safe outer bound.
    """
    if isinstance(expr, ast.Number):
        return expr.value, expr.value
    if isinstance(expr, ast.DecimalNumber):
        value = Fraction(expr.value)
        return value, value
    if isinstance(expr, ast.ParamRef):
        domain = ranges[expr.name]
        if not domain.intervals:
            return NEG_INF, INF
        hi = domain.intervals[-1].hi
        return domain.intervals[0].lo, INF if hi is None else hi
    if isinstance(expr, ast.Rounded):
        lo, hi = _bounds(expr.expr, ranges)
        fn = math.ceil if expr.mode is ast.Rounding.UP else math.floor
        return (lo if type(lo) is _Endless else fn(lo)), (hi if type(hi) is _Endless else fn(hi))
    if isinstance(expr, ast.MinMax):  # non-decreasing in every argument: the ends are the arguments' ends
        ends = [_bounds(arg, ranges) for arg in expr.args]
        pick = min if expr.fn is ast.Extremum.MIN else max
        return pick(lo for lo, _ in ends), pick(hi for _, hi in ends)
    (a, b), (c, d) = _bounds(expr.left, ranges), _bounds(expr.right, ranges)
    if expr.op is ast.Op.ADD:
        return a + c, b + d
    if expr.op is ast.Op.SUB:
        return a - d, b - c
    if expr.op is ast.Op.MUL:
        corners = [x * y for x in (a, b) for y in (c, d)]  # 0 times an open end is 0
        return min(corners), max(corners)
    if type(c) is not _Endless and c == d and c != 0:  # division by a constant
        ends = [x / c if type(x) is _Endless else Fraction(x) / c for x in (a, b)]
        return min(ends), max(ends)
    return NEG_INF, INF


def always_above(rule: PricedRule, ranges: Mapping[str, Domain], limit: int) -> bool:
    """Is the rule's price more than `limit` credits everywhere in `ranges`?

    Sound with any formula: the interval's least value is at most the formula's least
    value (equal when each parameter appears once), so it being past `limit` means every
    price is; credits are int() of the value, so past means at least limit + 1.
    """
    expr = priced_expr(rule)
    if expr is None:
        return False
    used = list(dict.fromkeys(refs(expr)))
    if any(name not in ranges or ranges[name].is_empty for name in used):
        return False
    try:
        low, _ = _bounds(expr, {name: ranges[name] for name in used})
    except ArithmeticError:  # no bound found (never expected: see _Endless.__add__)
        return False
    return low >= limit + 1


class Low(enum.Enum):
    """Whether a price can be 0 credits or less somewhere in a box."""

    NEVER = "never"        # its least value is at least 1
    SHOWN = "shown"        # here is a point where it is
    CERTAIN = "certain"    # exact bound below 1, no point found (an open end far out)
    POSSIBLE = "possible"  # only an outer bound is below 1 (a parameter used twice), no point found


def least(rule: PricedRule, ranges: Mapping[str, Domain]) -> tuple[Low, Point | None, int | None]:
    """Can the rule's price be 0 or less in `ranges`? (verdict, a point where it is, its credits)."""
    expr = priced_expr(rule)
    if expr is None:
        return Low.NEVER, None, None
    used = refs(expr)
    if any(name not in ranges or ranges[name].is_empty for name in used):
        return Low.NEVER, None, None  # a rule that cannot apply; the dead-rule check says so
    box = {name: ranges[name] for name in dict.fromkeys(used)}
    try:
        low, _ = _bounds(expr, box)
    except ArithmeticError:  # no bound found (never expected: see _Endless.__add__): try the points
        low = NEG_INF
    if low >= 1:
        return Low.NEVER, None, None
    for point in points(box):
        value = credits(expr, point)
        if value is not None and value <= 0:
            return Low.SHOWN, point, value
    size = _size(box)
    if size is not None and size <= ENUMERATE_LIMIT:
        return Low.NEVER, None, None  # every point was tried
    exact = len(used) == len(set(used))
    return (Low.CERTAIN if exact else Low.POSSIBLE), None, None


# ---------------------------------------------------------------- two outcomes


def differ(a: PricedRule, b: PricedRule, ranges: Mapping[str, Domain]) -> tuple[bool, Point | None]:
    """Can the two rules' outcomes differ in `ranges`? (differ, a point where they do).

    Rejects agree when their reasons do. Formulas agree when they are the same
    formula, or when they give the same credits at every point of a small box.
    Over a large or unbounded box, different formulas count as differing even if
    no point is found where they do (a warning would hide a real disagreement).
    """
    ea, eb = priced_expr(a), priced_expr(b)
    if ea is None or eb is None:
        same = ea is None and eb is None and a.outcome.reason == b.outcome.reason
        return (False, None) if same else (True, None)
    if source(ea) == source(eb):
        return False, None
    used = list(dict.fromkeys(refs(ea) + refs(eb)))
    if any(name not in ranges for name in used):
        return True, None
    box = {name: ranges[name] for name in used}
    for point in points(box):
        if credits(ea, point) != credits(eb, point):
            return True, point
    size = _size(box)
    return (size is None or size > ENUMERATE_LIMIT), None
