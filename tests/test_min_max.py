"""min(...) and max(...) in price formulas: two or more arguments, nested, exact (ints and Fractions),
checked for prices below 1 credit by the same interval arithmetic, quoted alike on every path."""

from __future__ import annotations

import textwrap
from fractions import Fraction

import pytest

import engine
from engine import ast, rule_lines, syntax
from engine.diagnostics import NOWHERE, Code
from engine.domain import Domain, Interval
from engine.fastpath import make_quoter
from engine.formula import evaluate, source, with_rounding
from engine.formula_box import Low, least
from engine.interpreter import quote as reference
from engine.model import PricedRule
from tests.diagnosed import diagnostics

CARD = textwrap.dedent('''\
    round up
    tool video { dur >= 1  unit "s" }
    model video "Clip"
    model video "Long"
    # 10 credits a second, 50 at least; past a minute, 8 a second, at most 2000
    video "Clip" dur 1..60 -> max(50, 10 * dur)
    video "Clip" dur > 60 -> min(2000, max(600, 8 * dur))
    video "Long" -> max(100, dur / 3, 7 * min(dur, 20, dur / 2))
    ''')


def test_min_and_max_take_two_or_more_arguments_and_nest():
    tree, found = syntax.parse("tool t { n >= 1 }\nt -> max(1, n, min(n * 2, 7, ceil(n / 3)))\n", "t.rules")
    assert found == []
    expr = tree.statements[1].outcome.expr
    assert isinstance(expr, ast.MinMax) and expr.fn is ast.Extremum.MAX and len(expr.args) == 3
    assert expr.args[2].fn is ast.Extremum.MIN and len(expr.args[2].args) == 3
    assert source(expr) == "max(1, n, min(n * 2, 7, ceil(n / 3)))"
    assert [evaluate(expr, {"n": n}) for n in (1, 6, 30)] == [1, 6, 30]


def test_they_compare_exact_fractions():
    expr = ast.MinMax(fn=ast.Extremum.MAX, args=(
        ast.Binary(op=ast.Op.DIV, left=ast.ParamRef(name="n"), right=ast.Number(value=3)),
        ast.Binary(op=ast.Op.DIV, left=ast.Number(value=1), right=ast.Number(value=3))))
    assert evaluate(expr, {"n": 2}) == Fraction(2, 3)
    assert evaluate(expr, {"n": 0}) == Fraction(1, 3)


@pytest.mark.parametrize("dur, credits", [(1, 50), (5, 50), (6, 60), (60, 600), (61, 600), (75, 600),
                                          (76, 608), (250, 2000), (10**6, 2000)])
def test_a_minimum_charge_and_a_cap_on_every_path(dur, credits):
    card = engine.loads(CARD, "c.rules")
    request = {"tool": "video", "model": "Clip", "dur": dur}
    expected = reference(card.index, request)
    assert expected.credits == credits
    fast, many = make_quoter(card.index)
    assert fast(request) == expected and fast(request) == expected and many([request]) == [expected]
    assert card.quote({**request, "dur": f"{dur}s"}) == expected


def test_the_divisions_inside_round_as_the_file_says():
    card = engine.loads(CARD, "c.rules")
    # max(100, ceil(dur / 3), 7 * min(dur, 20, ceil(dur / 2)))
    assert [card.quote({"tool": "video", "model": "Long", "dur": d}).credits for d in (1, 29, 31, 400)] == \
        [100, 105, 112, 140]
    assert diagnostics(CARD.replace("round up\n", "")) and all(
        d.code is Code.ROUNDING for d in diagnostics(CARD.replace("round up\n", "")))


def test_the_check_passes_a_minimum_and_finds_a_price_below_one():
    assert diagnostics(CARD) == []
    low = diagnostics("tool t { n >= 1 }\nt -> min(5, 10 - n)\n")
    assert [(d.code, d.message) for d in low] == [(Code.NON_POSITIVE, "this price is -1 credits for n 11")]
    assert diagnostics("tool t { n >= 1 }\nt -> max(1, 10 - n)\n") == []


def _rule(expr) -> PricedRule:
    return PricedRule(tool="t", model=None, box={}, outcome=ast.Price(expr=expr), rounding=None, span=NOWHERE)


def test_interval_arithmetic_is_exact_for_min_and_max_over_an_open_range():
    n = ast.ParamRef(name="n")
    open_box = {"n": Domain.ints([Interval(1, None)])}
    tenfold = ast.Binary(op=ast.Op.MUL, left=ast.Number(value=10), right=n)
    assert least(_rule(ast.MinMax(fn=ast.Extremum.MAX, args=(ast.Number(value=50), tenfold))), open_box)[0] \
        is Low.NEVER
    falls = ast.Binary(op=ast.Op.SUB, left=ast.Number(value=10**12), right=n)
    capped = ast.MinMax(fn=ast.Extremum.MIN, args=(ast.Number(value=5), falls))
    verdict, point, value = least(_rule(capped), open_box)
    assert verdict is Low.SHOWN and value <= 0 and evaluate(capped, point) == value


def test_the_cache_keeps_min_and_max(tmp_path, monkeypatch):
    monkeypatch.setenv("RATECARD_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "c.rules").write_text(CARD)
    first, again = engine.load(tmp_path / "c.rules"), engine.load(tmp_path / "c.rules")
    assert first._card is not None and again._card is None  # built from text, then read back
    for dur in (3, 70, 500):
        for model in ("Clip", "Long"):
            request = {"tool": "video", "model": model, "dur": dur}
            assert again.quote(request) == first.quote(request)


def test_explain_shows_the_arithmetic():
    card = engine.loads(CARD, "c.rules")
    why = card.explain({"tool": "video", "model": "Clip", "dur": 3})
    assert why.arithmetic == "max(50, 10 * 3) = 50"


def test_lines_with_min_or_max_are_left_to_the_parser_and_read_alike():
    text = 'tool t { n >= 1 }\nt -> max(1, n)\nt n 1 -> 5\n'
    rest, taken = rule_lines.take_rules(text, "t", syntax._lexicon())
    assert [r.span.line for r in taken] == [3]
    assert "max" in rest


def test_with_rounding_reaches_into_min_and_max():
    div = ast.Binary(op=ast.Op.DIV, left=ast.ParamRef(name="n"), right=ast.Number(value=2))
    expr = with_rounding(ast.MinMax(fn=ast.Extremum.MIN, args=(ast.Number(value=9), div)), ast.Rounding.UP)
    assert source(expr) == "min(9, ceil(n / 2))"
    assert evaluate(expr, {"n": 3}) == 2
