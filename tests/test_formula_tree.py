"""Formulas as plain trees (engine.formula_tree) price as the AST formulas do, and the cache's check of a
formula's least price decides as engine.checks.formulas decides."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine import ast, formula, formula_tree, index_json
from engine.diagnostics import NOWHERE
from engine.domain import Domain, Interval
from engine.formula_box import Low, always_above, least
from engine.index import Slot
from engine.model import PricedRule
from engine.params import Param
from engine.results import MAX_CREDITS

leaves = st.one_of(st.integers(0, 12).map(lambda v: ast.Number(value=v)),
                   st.sampled_from(["x", "y"]).map(lambda n: ast.ParamRef(name=n)))


def _combine(children):
    binary = st.builds(lambda op, a, b: ast.Binary(op=op, left=a, right=b), st.sampled_from(list(ast.Op)),
                       children, children)
    rounded = st.builds(lambda mode, a: ast.Rounded(mode=mode, expr=a), st.sampled_from(list(ast.Rounding)),
                        children)
    picked = st.builds(lambda fn, args: ast.MinMax(fn=fn, args=tuple(args)), st.sampled_from(list(ast.Extremum)),
                       st.lists(children, min_size=2, max_size=3))
    return st.one_of(binary, rounded, picked)


formulas = st.recursive(leaves, _combine, max_leaves=6)
roundings = st.sampled_from([None, *ast.Rounding])
points = st.fixed_dictionaries({"x": st.integers(0, 50), "y": st.integers(0, 50)})


def test_the_names_are_the_asts():
    assert formula_tree.OPS == tuple(op.name for op in ast.Op)
    assert formula_tree.EXTREMA == tuple(e.name for e in ast.Extremum)
    assert formula_tree.ROUNDINGS == tuple(r.name for r in ast.Rounding)


@given(formulas, roundings, points)
def test_a_compiled_tree_prices_as_the_ast_evaluates(expr, rounding, point):
    priced = formula.with_rounding(expr, rounding)
    tree = formula_tree.with_rounding(formula.tree(expr), None if rounding is None else rounding.name)
    assert tree == formula.tree(priced) and formula.from_tree(tree) == priced
    try:
        expected = formula.evaluate(priced, point)
    except ZeroDivisionError:
        expected = ZeroDivisionError
    for run in (formula_tree.compile(tree), lambda env: formula_tree.evaluate(tree, env)):
        try:
            got = run(point)
        except ZeroDivisionError:
            got = ZeroDivisionError
        assert got == expected and type(got) is type(expected)


@given(formulas, roundings, points)
def test_a_written_tree_computes_what_the_compiled_one_does(expr, rounding, point):
    """engine.roads writes a formula into a road's source: the same value, type and error as compile's."""
    tree = formula_tree.with_rounding(formula.tree(expr), None if rounding is None else rounding.name)
    space: dict[str, object] = {}

    def constant(value: object) -> str:
        space[f"c{len(space)}"] = value
        return f"c{len(space) - 1}"

    written = formula_tree.source(tree, {"x": "x", "y": "y"}.get, constant)
    assert written is not None
    results = []
    for run in (formula_tree.compile(tree), lambda env: eval(written, {**space, "__builtins__": {}}, dict(env))):
        try:
            results.append(run(point))
        except ZeroDivisionError:
            results.append(ZeroDivisionError)
    assert results[0] == results[1] and type(results[0]) is type(results[1])
    names: list[str] = []
    formula_tree.leaves(tree, [], names)
    if names:
        assert formula_tree.source(tree, {}.get, constant) is None  # a parameter it cannot name: not written


ranges = st.tuples(st.integers(0, 6), st.integers(0, 6), st.booleans()).map(
    lambda t: Domain.ints([Interval(min(t[0], t[1]), None if t[2] else max(t[0], t[1]))]))


def _rules(offers: dict[str, Domain]) -> index_json._Rules:
    slots = {name: Slot(param=Param(name=name, domain=Domain.ints([Interval(0, None)]), span=NOWHERE), offer=offer,
                        fill=None) for name, offer in offers.items()}
    return index_json._Rules(index_json._Reader([]), "t", None, slots)


@given(formulas, st.sampled_from(list(ast.Rounding)), ranges, ranges, ranges)
def test_the_caches_check_of_a_price_decides_as_the_checks(expr, rounding, x, y, condition):
    """A formula the cache accepts is one engine.checks.formulas passes, over the same box, and back."""
    tree = formula.tree(expr)
    priced = formula_tree.with_rounding(tree, rounding.name)
    if any(formula_tree.constant(div[3]) is None or formula_tree.constant(div[3]) <= 0
           for div, _ in formula_tree.divisions(priced)):
        return  # a divisor that is not a positive number: refused before its least value is asked
    rule = PricedRule(tool="t", model=None, box={"x": condition}, outcome=ast.Price(expr=expr, span=NOWHERE),
                      rounding=rounding, span=NOWHERE)
    box = {"x": condition.intersect(x), "y": y}
    passes = not always_above(rule, box, MAX_CREDITS) and least(rule, box)[0] is Low.NEVER
    rules = _rules({"x": x, "y": y})
    made = (rules, {"x": condition}, "price", tree, ["a", 1, 1, 1, 2], rounding.name, ["a", 1, 1, 1, 2], 0, None)
    try:
        rules.price(tree, priced, formula_tree.compile(priced), rounding.name, {"x": condition}, made)
        accepted = True
    except index_json.Corrupt:
        accepted = False
    assert accepted == passes, (expr, rounding, x, y, condition)
