"""Measured amounts and decimal prices, against brute force.

- Domains over the multiples of a step (engine.domain) behave as the sets of values they hold.
- A measured amount is billed at the least multiple of its step at or above it, and at least the minimum.
- The grain of a formula (engine.formula_exact) is sound: when it says a price is always whole
  in minor units, every point of a small box says so too.
- The least value and the disagreements of prices with decimal constants, over measured
  parameters, in a card that prices in credits or to 2 places, rounded either way
  (engine.formula_box), are those found by trying every point.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import ast
from engine.diagnostics import NOWHERE
from engine.domain import Domain, Interval, ValueType
from engine.formula import evaluate, with_rounding
from engine.formula_box import Low, differ, least
from engine.formula_exact import always_whole
from engine.model import Final, Measure, PricedRule
from engine.money import CREDITS, Money

HALF = Fraction(1, 2)
steps = st.sampled_from([1, HALF, Fraction(1, 4), Fraction(3, 10), 2])


def lattice(step, top=6):
    """The multiples of step from 0 to `top`, as the domain writes them (ints when whole)."""
    out = []
    for k in range(int(top / Fraction(step)) + 1):
        v = k * Fraction(step)
        out.append(v.numerator if v.denominator == 1 else v)
    return out


@st.composite
def stepped(draw, step):
    """A union of up to 3 intervals of multiples of `step`, an open one now and then."""
    points = lattice(step)
    out = []
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(points) - 1))
        j = draw(st.integers(i, len(points) - 1))
        out.append(Interval(points[i], None if draw(st.integers(0, 5)) == 0 else points[j]))
    return Domain.ints(out, step)


def members(domain, step, top=9):
    return {v for v in lattice(step, top) if v in domain}


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_stepped_domains_are_the_sets_they_hold(data):
    step = data.draw(steps)
    a, b = data.draw(stepped(step)), data.draw(stepped(step))
    assert members(a.intersect(b), step) == members(a, step) & members(b, step)
    assert members(a.subtract(b), step) == members(a, step) - members(b, step)
    assert members(a.union(b), step) == members(a, step) | members(b, step)
    if a.size is not None:
        assert list(a) == sorted(members(a, step)) and a.size == len(list(a))
    for v in lattice(step, 9):
        assert (v + Fraction(step) / 2 in a) is False  # between two multiples: never a value


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_stepped_reads_a_written_range_as_the_multiples_it_holds(data):
    step = data.draw(steps)
    lo = Fraction(data.draw(st.integers(0, 60)), 10)
    hi = lo + Fraction(data.draw(st.integers(0, 60)), 10)
    domain = Domain(ValueType.INT, intervals=(Interval(lo, hi),)).stepped(step)
    assert members(domain, step, 13) == {v for v in lattice(step, 13) if lo <= v <= hi}


@settings(max_examples=300, deadline=None)
@given(steps, st.sampled_from([None, 1, 2, 5]), st.fractions(min_value=0, max_value=20, max_denominator=100))
def test_a_measured_amount_is_billed_at_the_next_step_and_the_minimum(step, minimum, amount):
    if minimum is not None and (Fraction(minimum) / step).denominator != 1:
        minimum = None  # a minimum off the steps is refused when declared
    billed = Measure(step=step, minimum=minimum).billed(amount)
    candidates = [v for v in lattice(step, 40) if v >= amount and (minimum is None or v >= minimum)]
    assert billed == min(candidates)
    assert type(billed) is int or Fraction(billed).denominator != 1  # whole amounts are ints


leaves = st.one_of(st.integers(0, 12).map(lambda v: ast.Number(value=v)),
                   st.sampled_from(["0.5", "0.25", "1.5", "0.01"]).map(
                       lambda v: ast.DecimalNumber(value=__import__("decimal").Decimal(v))),
                   st.sampled_from(["x", "y"]).map(lambda n: ast.ParamRef(name=n)))


def _combine(children):
    binary = st.builds(lambda op, a, b: ast.Binary(op=op, left=a, right=b),
                       st.sampled_from([ast.Op.ADD, ast.Op.SUB, ast.Op.MUL]), children, children)
    divided = st.builds(lambda mode, a, k: ast.Rounded(mode=mode, expr=ast.Binary(
        op=ast.Op.DIV, left=a, right=ast.Number(value=k))), st.sampled_from(list(ast.Rounding)),
        children, st.integers(1, 4))
    exact = st.builds(lambda a, k: ast.Binary(op=ast.Op.DIV, left=a, right=ast.Number(value=k)),
                      children, st.integers(1, 4))
    return binary | divided | exact


formulas = st.recursive(leaves, _combine, max_leaves=5)
finals = st.sampled_from([Final(CREDITS, ast.Rounding.UP), Final(CREDITS, ast.Rounding.DOWN), Final(CREDITS, None),
                          Final(Money("USD", 2), ast.Rounding.UP), Final(Money("USD", 2), ast.Rounding.DOWN)])


def small(step):
    return st.tuples(st.integers(0, 4), st.integers(0, 4)).map(
        lambda t: Domain.ints([Interval(min(t) * Fraction(step), max(t) * Fraction(step))], step)).map(
        lambda d: Domain.ints([Interval(_int(iv.lo), _int(iv.hi)) for iv in d.intervals], step))


def _int(v):
    v = Fraction(v)
    return v.numerator if v.denominator == 1 else v


def rule(expr, final) -> PricedRule:
    return PricedRule(tool="t", model=None, box={}, outcome=ast.Price(expr=expr), rounding=None, span=NOWHERE,
                      final=final)


def quoted(expr, point, final):
    """The price in minor units, as a quote computes it, written out independently."""
    value = Fraction(evaluate(with_rounding(expr, None), point)) * final.money.scale
    if final.rounding is ast.Rounding.UP:
        return math.ceil(value)
    if final.rounding is ast.Rounding.DOWN:
        return math.floor(value)
    return int(value)


def every_point(box):
    for values in itertools.product(*(list(d) for d in box.values())):
        yield dict(zip(box, values))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_grain_is_sound(data):
    expr = data.draw(formulas)
    sx, sy = data.draw(steps), data.draw(steps)
    scale = data.draw(st.sampled_from([1, 100]))
    box = {"x": data.draw(small(sx)), "y": data.draw(small(sy))}
    if always_whole(expr, {"x": sx, "y": sy}, scale):
        for p in every_point(box):
            assert (Fraction(evaluate(expr, p)) * scale).denominator == 1


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_least_is_exact_on_small_boxes_of_measured_amounts(data):
    expr, final = data.draw(formulas), data.draw(finals)
    box = {"x": data.draw(small(data.draw(steps))), "y": data.draw(small(data.draw(steps)))}
    lowest = min(quoted(expr, p, final) for p in every_point(box))
    verdict, point, value = least(rule(expr, final), box)
    if lowest <= 0:
        assert verdict is Low.SHOWN and value <= 0 and quoted(expr, point, final) == value
    else:
        assert verdict is Low.NEVER


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_differ_is_exact_on_small_boxes_of_measured_amounts(data):
    a, b, final = data.draw(formulas), data.draw(formulas), data.draw(finals)
    box = {"x": data.draw(small(data.draw(steps))), "y": data.draw(small(data.draw(steps)))}
    somewhere = any(quoted(a, p, final) != quoted(b, p, final) for p in every_point(box))
    found, point = differ(rule(a, final), rule(b, final), box)
    assert found == somewhere
