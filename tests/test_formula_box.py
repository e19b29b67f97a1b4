"""Least values and disagreements of price formulas over a box, against brute force."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import ast
from engine.diagnostics import NOWHERE
from engine.domain import Domain, Interval
from engine.formula import evaluate
from engine.formula_box import Low, differ, least
from engine.model import PricedRule

leaves = st.one_of(st.integers(0, 12).map(lambda v: ast.Number(value=v)),
                   st.sampled_from(["x", "y"]).map(lambda n: ast.ParamRef(name=n)))


def _combine(children):
    binary = st.builds(lambda op, a, b: ast.Binary(op=op, left=a, right=b),
                       st.sampled_from([ast.Op.ADD, ast.Op.SUB, ast.Op.MUL]), children, children)
    divided = st.builds(lambda mode, a, k: ast.Rounded(mode=mode, expr=ast.Binary(
        op=ast.Op.DIV, left=a, right=ast.Number(value=k))), st.sampled_from(list(ast.Rounding)),
        children, st.integers(1, 4))
    picked = st.builds(lambda fn, args: ast.MinMax(fn=fn, args=tuple(args)), st.sampled_from(list(ast.Extremum)),
                       st.lists(children, min_size=2, max_size=3))
    return binary | divided | picked


formulas = st.recursive(leaves, _combine, max_leaves=5)
ranges = st.tuples(st.integers(0, 4), st.integers(0, 4)).map(
    lambda t: Domain.ints([Interval(min(t), max(t))]))


def rule(expr) -> PricedRule:
    return PricedRule(tool="t", model=None, box={}, outcome=ast.Price(expr=expr), rounding=None, span=NOWHERE)


def every_point(box):
    for values in itertools.product(*(list(d) for d in box.values())):
        yield dict(zip(box, values))


@settings(max_examples=300, deadline=None)
@given(formulas, ranges, ranges)
def test_least_is_exact_on_small_boxes(expr, x, y):
    box = {"x": x, "y": y}
    lowest = min(int(evaluate(expr, p)) for p in every_point(box))
    verdict, point, value = least(rule(expr), box)
    if lowest <= 0:
        assert verdict is Low.SHOWN and value <= 0 and int(evaluate(expr, point)) == value
    else:
        assert verdict is Low.NEVER


@settings(max_examples=200, deadline=None)
@given(formulas, formulas, ranges, ranges)
def test_differ_is_exact_on_small_boxes(a, b, x, y):
    box = {"x": x, "y": y}
    somewhere = any(int(evaluate(a, p)) != int(evaluate(b, p)) for p in every_point(box))
    found, point = differ(rule(a), rule(b), box)
    assert found == somewhere
    if found:
        assert int(evaluate(a, point)) != int(evaluate(b, point))


def test_an_open_range_falls_below_one_far_out():
    expr = ast.Binary(op=ast.Op.SUB, left=ast.Number(value=5000), right=ast.ParamRef(name="chars"))
    verdict, point, value = least(rule(expr), {"chars": Domain.ints([Interval(201, None)])})
    assert verdict is Low.SHOWN and value <= 0 and point["chars"] >= 5000


def test_an_open_range_that_only_grows_is_positive():
    expr = ast.Rounded(mode=ast.Rounding.UP, expr=ast.Binary(
        op=ast.Op.DIV, left=ast.ParamRef(name="chars"), right=ast.Number(value=10)))
    assert least(rule(expr), {"chars": Domain.ints([Interval(1, None)])})[0] is Low.NEVER


def test_a_parameter_used_twice_is_decided_point_by_point_on_a_small_box():
    x = ast.ParamRef(name="x")
    square = ast.Binary(op=ast.Op.MUL, left=x, right=x)
    expr = ast.Binary(op=ast.Op.ADD, left=ast.Binary(op=ast.Op.SUB, left=square, right=x),
                      right=ast.Number(value=1))  # x*x - x + 1 >= 1, though intervals say >= -3
    assert least(rule(expr), {"x": Domain.ints([Interval(0, 4)])})[0] is Low.NEVER
    assert least(rule(expr), {"x": Domain.ints([Interval(0, None)])})[0] is Low.POSSIBLE


def test_open_ends_are_exact_beside_constants_of_hundreds_of_digits():
    from engine.formula_box import _bounds, always_above

    big, n = 10**310, ast.ParamRef(name="n")
    open_box = {"n": Domain.ints([Interval(1, None)])}

    def num(v):
        return ast.Number(value=v)

    def op(o, a, b):
        return ast.Binary(op=o, left=a, right=b)

    plus = op(ast.Op.ADD, n, num(big))
    assert least(rule(plus), open_box)[0] is Low.NEVER
    assert always_above(rule(plus), open_box, 2**63 - 1)
    assert not always_above(rule(op(ast.Op.ADD, n, num(5))), open_box, 2**63 - 1)
    assert least(rule(op(ast.Op.SUB, num(big), n)), open_box)[0] is Low.CERTAIN
    assert least(rule(op(ast.Op.SUB, n, num(big))), open_box) == (Low.SHOWN, {"n": 1}, 1 - big)
    times = op(ast.Op.MUL, n, op(ast.Op.SUB, num(0), num(big)))
    assert least(rule(times), open_box) == (Low.SHOWN, {"n": 1}, -big)
    over = ast.Rounded(mode=ast.Rounding.UP, expr=op(ast.Op.DIV, n, num(big)))
    assert least(rule(over), open_box)[0] is Low.NEVER
    for expr in (plus, times, over, op(ast.Op.MUL, n, n)):
        for end in _bounds(expr, open_box):
            assert type(end) is not float  # no float near money, not even as an open end
