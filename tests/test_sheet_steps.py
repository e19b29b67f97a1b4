"""`ratecard table` shows each formula's own steps, inside its own rule's range: `chars / 50` steps
at 50/51, not at the 10/11 of the bundled `chars / 10`; a minimum charge ends where it ends."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import ast, steps
from engine.domain import Domain, Interval
from engine.formula import evaluate
from engine.sheet import price_sheet


def _column(card, name="chars", **where):
    rows = price_sheet(card, **where)
    return [(dict(r.params)[name], r.credits) for r in rows]


def test_a_division_is_shown_at_its_own_step_and_scale():
    card = engine.loads("round up\ntool say { chars >= 1 }\nsay chars / 50\n")
    assert _column(card) == [(1, 1), (2, 1), (50, 1), (51, 2), (500, 10), (5000, 100)]


def test_the_step_is_found_inside_the_rules_own_range():
    card = engine.loads("tool say { chars >= 1 }\nsay chars 1..500 -> 5\nsay chars > 500 -> ceil(chars / 50)\n")
    shown = dict(_column(card))
    assert shown[550] == 11 and shown[551] == 12  # the first step past 500, where the rule starts
    assert shown[500] == 5 and shown[501] == 11


def test_an_offset_or_a_second_division_moves_the_step():
    card = engine.loads("round up\ntool say { chars >= 1 }\nsay (chars + 7) / 50\n")
    shown = dict(_column(card))
    assert (shown[43], shown[44]) == (1, 2)
    card = engine.loads("round up\ntool say { chars >= 1 }\nsay chars / 7 / 3\n")
    shown = dict(_column(card))
    assert (shown[21], shown[22]) == (1, 2)


def test_a_minimum_charge_is_shown_where_it_stops_applying():
    card = engine.loads("tool video { dur >= 1 }\nmodel video \"Clip\"\nvideo \"Clip\" -> max(50, 10 * dur)\n")
    assert _column(card, "dur") == [(1, 50), (2, 50), (5, 50), (6, 60), (10, 100), (11, 110), (100, 1000),
                                    (1000, 10000)]


def test_a_cap_is_shown_where_it_starts():
    card = engine.loads("round up\ntool say { chars >= 1 }\nsay min(100, chars / 10)\n")
    shown = dict(_column(card))
    assert (shown[990], shown[991]) == (99, 100)


def test_the_bundled_voiceover_is_sampled_as_before():
    card = engine.load()
    assert [c for c, _ in _column(card, tool="voiceover")] == [1, 2, 10, 11, 100, 1000]


_n = ast.ParamRef(name="n")
_monotone = st.recursive(
    st.integers(0, 9).map(lambda v: ast.Number(value=v)) | st.just(_n),
    lambda kids: st.builds(lambda a, b: ast.Binary(op=ast.Op.ADD, left=a, right=b), kids, kids)
    | st.builds(lambda a, k: ast.Rounded(mode=ast.Rounding.UP, expr=ast.Binary(
        op=ast.Op.DIV, left=a, right=ast.Number(value=k))), kids, st.integers(1, 60))
    | st.builds(lambda fn, a, b: ast.MinMax(fn=fn, args=(a, b)), st.sampled_from(list(ast.Extremum)), kids, kids),
    max_leaves=5)


@settings(max_examples=300, deadline=None)
@given(_monotone, st.integers(0, 50), st.integers(0, 400))
def test_the_first_step_of_a_formula_that_only_grows_is_the_first_value_that_differs(expr, lo, width):
    """Sums, rounded divisions and min/max of non-decreasing formulas only grow: the search
    finds the least value past `lo` whose price differs from the price at `lo`, as counting does."""
    hi = lo + width
    price = lambda x: evaluate(expr, {"n": x})  # noqa: E731
    first = next((x for x in range(lo + 1, hi + 1) if price(x) != price(lo)), None)
    assert steps.first_change(price, lo, hi) == first
    found = steps.changes(expr, "n", Domain.ints([Interval(lo, hi)]), {})
    if first is not None:
        assert {first - 1, first} <= found
    assert all(lo <= x <= hi for x in found)
