"""`-> free`: a price of nothing, written as such, quoted as 0 credits on every path; a formula
or a literal `0` that reaches nothing stays the non-positive-price error it always was."""

from __future__ import annotations

import json
import textwrap

import pytest

import engine
from engine import ast, batch
from engine.diagnostics import Code
from engine.fastpath import make_quoter
from engine.fmt import format_text
from engine.interpreter import quote as reference
from engine.syntax import parse
from tests.diagnosed import diagnostics

CARD = textwrap.dedent('''\
    # Image tools; upscaling is free on every plan, and a draft preview is free too.
    tool image { images >= 1  default 1 }
    tool upscale
    model image "Draft"
    model image "Studio"
    upscale -> free
    image "Draft" -> free
    image "Studio" {
        images       1      2      3
        ->           free   40     60
    }
    image "Studio" images >= 4 -> 20 * images
    ''')


def test_free_is_parsed_as_a_free_outcome_in_rules_and_grid_cells():
    tree, found = parse(CARD, "c.rules")
    assert found == []
    outcomes = [s.outcome for s in tree.statements if isinstance(s, ast.Rule)]
    assert [type(o) for o in outcomes] == [ast.Free, ast.Free, ast.Price]
    grid = next(s for s in tree.statements if isinstance(s, ast.Grid))
    assert [type(c) for c in grid.rows[0].cells] == [ast.Free, ast.Price, ast.Price]
    assert ast.Free() != ast.Price(expr=ast.Number(value=0))  # so fmt's meaning check tells them apart


def test_a_free_rule_quotes_zero_credits_on_every_path():
    card = engine.loads(CARD, "c.rules")
    requests = [{"tool": "upscale"}, {"tool": "image", "model": "Draft", "images": 5},
                {"tool": "image", "model": "Studio"}, {"tool": "image", "model": "Studio", "images": 2},
                {"tool": "image", "model": "Studio", "images": 7}]
    expected = [reference(card.index, r) for r in requests]
    assert [r.credits for r in expected] == [0, 0, 0, 40, 140]
    assert expected[0].rule == "c.rules:6" and expected[2].rule == "c.rules:10"
    fast, many = make_quoter(card.index)
    assert [fast(r) for r in requests] == expected
    assert [fast(r) for r in requests] == expected  # from the memo
    assert many(requests) == expected
    lines = [json.dumps(r) + "\n" for r in requests]
    out = [json.loads(line) for line in "".join(batch.encode(batch.line_result(card.quote, x)) for x in lines)
           .splitlines()]
    assert [o["credits"] for o in out] == [0, 0, 0, 40, 140]


def test_the_check_accepts_free_and_still_refuses_a_zero_written_as_a_number():
    assert diagnostics(CARD) == []
    zero = diagnostics("tool upscale\nupscale -> 0\n")
    assert [d.code for d in zero] == [Code.NON_POSITIVE]
    assert "`-> free`" in zero[0].hint and zero[0].message == "this price is 0 credits"


@pytest.mark.parametrize("formula, shown", [("n - n", "this price is 0 credits for n 1"),
                                            ("min(n, 5) - 5", "this price is -4 credits for n 1"),
                                            ("max(0, 3 - n)", "this price is 0 credits for n 3")])
def test_a_formula_that_reaches_nothing_by_accident_stays_an_error(formula, shown):
    found = diagnostics(f"tool t {{ n 1..3 }}\nt -> {formula}\n")
    assert [(d.code, d.message) for d in found] == [(Code.NON_POSITIVE, shown)]
    assert "max(1, ...)" in found[0].hint and "`-> free`" in found[0].hint


def test_two_rules_overlapping_with_free_and_a_price_disagree():
    found = diagnostics("tool t { n 1..3 }\nt -> free\nt n 2 -> 5\n")
    assert [d.code for d in found] == [Code.OVERLAP]
    assert "0 credits" in found[0].message and "5 credits" in found[0].message


def test_free_survives_the_compiled_card_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RATECARD_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "c.rules").write_text(CARD)
    first = engine.load(tmp_path / "c.rules")
    again = engine.load(tmp_path / "c.rules")  # from the cache file
    assert first._card is not None and again._card is None  # built from text, then read back
    for request in ({"tool": "upscale"}, {"tool": "image", "model": "Studio", "images": 1}):
        assert again.quote(request) == first.quote(request)
        assert again.quote(request).credits == 0


def test_explain_says_free():
    card = engine.loads(CARD, "c.rules")
    why = card.explain({"tool": "upscale"})
    assert why.arithmetic == "free" and why.match.source.text == "upscale -> free"


def test_fmt_keeps_free_where_it_is_written():
    messy = "tool t { n 1..2 }\nt n 1->free\nt n 2   ->  0\nt {\nn 1 2\n->free free\n}\n"
    out = format_text(messy)
    assert out == "tool t { n 1..2 }\nt n 1 -> free\nt n 2 -> 0\nt {\n    n   1      2\n    ->  free   free\n}\n"
    assert format_text(out) == out


def test_a_table_and_a_diff_show_a_free_price_as_0_credits():
    from engine.review.diff import compare
    from engine.sheet import price_sheet

    old = engine.loads(CARD, "c.rules")
    assert [r.credits for r in price_sheet(old, tool="upscale")] == [0]
    new = engine.loads(CARD.replace("upscale -> free", "upscale -> 5"), "c.rules")
    changes = compare(old, new).changes
    assert [(c.tool, c.kind.value) for c in changes] == [("upscale", "repriced")]
