"""The price sheet (`table`, `diff`) samples wide parameters where the rules draw a line, and only there."""

from __future__ import annotations

import engine
from engine.review.diff import compare
from engine.sheet import price_sheet


def _column(rows, name):
    return sorted({dict(r.params)[name] for r in rows})


def test_a_wide_range_is_sampled_at_its_bounds_not_listed():
    card = engine.loads("tool t { x 1..4096 }\nt x 1..100 -> 1\nt x 101..4096 -> 2\n")
    rows = price_sheet(card)
    assert [dict(r.params)["x"] for r in rows] == [1, 2, 100, 101, 4096]
    assert [r.credits for r in rows] == [1, 1, 1, 2, 2]


def test_two_wide_ranges_under_one_rule_are_a_handful_of_rows():
    card = engine.loads("tool t {\n    x 1..4096\n    y 1..4096\n}\nt x 1..4096 y 1..4096 -> 5\n")
    rows = price_sheet(card)
    assert _column(rows, "x") == _column(rows, "y") == [1, 2, 4096]
    assert len(rows) == 9 and {r.credits for r in rows} == {5}


def _many_rules_on_a(last: int = 60) -> str:
    lines = ["tool t {", "    a >= 1", "    b >= 1", "    c >= 1", "}"]
    lines += [f"t a {i} -> {i}" for i in range(1, last)]
    lines.append(f"t a >= {last} -> {last}")
    return "\n".join(lines) + "\n"


def test_parameters_no_rule_uses_are_shown_at_one_value():
    card = engine.loads(_many_rules_on_a())
    rows = price_sheet(card)
    assert _column(rows, "b") == _column(rows, "c") == [1]
    assert _column(rows, "a") == list(range(1, 61))  # every value named, and the open bound at 60
    assert len(rows) == 60
    assert all(r.credits == min(dict(r.params)["a"], 60) for r in rows)


def test_an_unused_parameter_is_shown_at_its_default():
    card = engine.loads("tool t {\n    a >= 1\n    n >= 1  default 3\n}\nt a 1..9 -> 1\nt a >= 10 -> 2\n")
    assert _column(price_sheet(card), "n") == [3]


def test_one_changed_price_is_reported_once():
    old = engine.loads(_many_rules_on_a())
    new = engine.loads(_many_rules_on_a().replace("t a 5 -> 5\n", "t a 5 -> 6\n"))
    diff = compare(old, new)
    assert [(c.kind.value, dict(c.params)) for c in diff.changes] == [("repriced", {"a": 5, "b": 1, "c": 1})]


def test_a_new_rule_on_an_unused_parameter_is_compared_at_its_points():
    old = engine.loads(_many_rules_on_a(3))
    new = engine.loads(_many_rules_on_a(3).replace("t a >= 3 -> 3\n", "t a >= 3 b 1..9 -> 3\nt a >= 3 b >= 10 -> 4\n"))
    changed = {(dict(c.params)["a"], dict(c.params)["b"]) for c in compare(old, new).changes}
    assert changed and all(b >= 10 and a >= 3 for a, b in changed)
    assert (3, 10) in changed


def test_a_formula_is_shown_where_its_price_steps():
    up = engine.loads("round up\ntool say { chars >= 1 }\nsay chars / 50\n")
    rows = {dict(r.params)["chars"]: r.credits for r in price_sheet(up)}
    assert rows[50] == 1 and rows[51] == 2
    down = engine.loads("round down\ntool say { chars >= 1 }\nsay chars / 50 + 1\n")
    rows = {dict(r.params)["chars"]: r.credits for r in price_sheet(down)}
    assert rows[49] == 1 and rows[50] == 2


def _nested(n: int = 60) -> str:
    """Three open parameters, each cut at n values in the part of the space the previous one leaves:
    every axis has about n sample points, so all their combinations would be n ** 3 rows."""
    lines = ["tool t {", "    a >= 1", "    b >= 1", "    c >= 1", "}"]
    lines += [f"t a {i} -> {i}" for i in range(1, n)]
    lines += [f"t a >= {n} b {i} -> {100 + i}" for i in range(1, n)]
    lines += [f"t a >= {n} b >= {n} c {i} -> {200 + i}" for i in range(1, n)]
    lines.append(f"t a >= {n} b >= {n} c >= {n} -> 1000")
    return "\n".join(lines) + "\n"


def test_a_sheet_grows_with_the_rules_not_the_product_of_their_axes():
    card = engine.loads(_nested())
    rows = price_sheet(card)
    assert all(len(_column(rows, p)) >= 60 for p in "abc")  # each axis is still cut at every bound
    assert len(rows) <= 8 * len(card.card.rules)  # not 60 ** 3
    priced = {r.rule for r in rows if r.credits is not None}
    assert priced == {r.label for r in card.card.rules}  # every rule shows its price somewhere
    assert all(r.credits is not None for r in rows)  # and the card has no gap to show


def test_a_crowded_sheet_renders_in_every_format():
    import csv
    import io
    import json

    from engine.review.table import Format, render

    card = engine.loads(_nested(30))
    rows = price_sheet(card)
    assert len(rows) < 30 ** 3
    assert len(json.loads(render(card, Format.JSON))) == len(rows)
    assert len(list(csv.DictReader(io.StringIO(render(card, Format.CSV))))) == len(rows)
    text = render(card, Format.TEXT)
    # 30 values of c are too many to read across: c runs down, one row per combination shown
    assert text.splitlines()[1].split() == ["a", "b", "c", "credits"]
    assert text.splitlines()[-1].split() == ["30", "30", "30", "1000"]
    assert render(card, Format.MD).count("\n") > 20


def test_one_changed_price_on_a_crowded_card_is_reported_once():
    old = engine.loads(_nested())
    new = engine.loads(_nested().replace("t a >= 60 b 7 -> 107\n", "t a >= 60 b 7 -> 108\n"))
    diff = compare(old, new)
    assert [c.kind.value for c in diff.changes] == ["repriced"]
    assert dict(diff.changes[0].params)["b"] == 7 and diff.changes[0].new.credits == 108
