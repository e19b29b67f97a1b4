"""Cards with wide ranges: the compiled table grows with the rules, not their ranges, and answers right.

The answers are held to an oracle that reads the rules themselves (the first
rule, in declaration order, whose conditions the values meet), not the
compiled table, so a table that lost or misplaced a rule is caught.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import ast, index_json
from engine.cells import BitTable, CutTable
from engine.compile import compile_card
from engine.fastpath import make_quoter
from engine.formula import evaluate, with_rounding
from engine.interpreter import quote as reference
from engine.ratecard import analyse
from engine.results import Code
from engine.sources import Source

TWO = "tool t {\n    x 1..4096\n    y 1..4096\n}\nt x 1..4096 y 1..4096 -> 5\n"
THREE = "tool t {\n    x 1..4096\n    y 1..4096\n    z 1..4096\n}\nt x 1..4096 y 1..4096 z 1..4096 -> 5\n"

MIXED = """round up
tool t {
    x 1..4096
    y 0..100000
    z >= 1
    k 1 | 2 | 3  default 1
}
t x 1..10 -> 1
t x 11..4096 y 500..700 -> x + y
t k 2 z 50..60 -> reject "no"
t z > 1000 -> z / 50
t x 100..200 | 300..400 y 1..10 -> 7
t y 9000..9100 z 5..5000 -> 2 * z
t -> 3
"""


VALID = """round up
tool t {
    x 1..4096
    y 0..100000
    z >= 1
    k 1 | 2 | 3  default 1
}
t x 1..10 -> 1
t x 11..4096 y 0..499 -> reject "too small"
t x 11..4096 y 500..700 -> x + y
t x 11..4096 y 701..100000 k 1 | 3 -> z / 50
t x 11..4096 y 701..100000 k 2 z 1..999 -> 2 * z
t x 11..4096 y 701..100000 k 2 z >= 1000 -> 2000
"""


def _crowded(per_dim: int = 60) -> str:
    """Rules each naming one value of one of three wide dimensions, and a last rule for the rest
    (overlapping, so only compiled, never loaded): keying all three would take about
    (2 * per_dim) ** 3 cells, so some dimension must be checked by range instead."""
    lines = ["tool t {", "    a 1..100000", "    b 1..100000", "    c 1..100000", "}"]
    for n, p in enumerate("abc"):
        for i in range(per_dim):
            lines.append(f"t {p} {1000 * n + 7 * i + 3} -> {100 * n + i + 1}")
    lines.append("t -> 1")
    return "\n".join(lines) + "\n"


def _nested_valid(n: int = 40) -> str:
    """Three open parameters each cut at n values where the previous ones leave off: it checks clean,
    and keying every dimension would take about n ** 3 cells."""
    lines = ["tool t {", "    a >= 1", "    b >= 1", "    c >= 1", "}"]
    lines += [f"t a {i} -> {i}" for i in range(1, n)]
    lines += [f"t a >= {n} b {i} -> {100 + i}" for i in range(1, n)]
    lines += [f"t a >= {n} b >= {n} c {i} -> {200 + i}" for i in range(1, n)]
    lines.append(f"t a >= {n} b >= {n} c >= {n} -> 1000")
    return "\n".join(lines) + "\n"


CARDS = {"two": TWO, "three": THREE, "valid": VALID, "mixed": MIXED, "crowded": _crowded(),
         "nested": _nested_valid()}


def compiled(text: str) -> engine.RateCard:
    """The card compiled as it is, checks or not: overlapping rules test that the first one wins."""
    card, _ = analyse([Source(name="<string>", path="<string>", text=text)])
    return engine.RateCard(card, compile_card(card))


def test_the_valid_cards_check_clean():
    for name in ("two", "three", "valid", "nested"):
        assert not engine.loads(CARDS[name]).warnings

_MEASURE = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # a table of 16 million cells needs ~5 GB
    import engine
    from engine import index_json
    card = engine.loads(sys.stdin.read())
    model = card.index.tools["t"].models[None]
    size = sum(len(line) for line in index_json.encode_lines(card.index))
    request = {"tool": "t", **{s.name: 77 for s in model.slots}}
    print(json.dumps({"cells": len(model.table), "size": size, "quote": card.quote(request).credits}))
""")


@pytest.mark.parametrize("name", ["two", "three"])
def test_one_rule_over_wide_ranges_is_one_cell(name):
    done = subprocess.run([sys.executable, "-c", _MEASURE], input=CARDS[name], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    assert found["cells"] == 1
    assert found["size"] < 2000  # the whole compiled card, in bytes
    assert found["quote"] == 5


def test_a_crowded_card_is_a_mask_of_rules_per_piece():
    card = compiled(CARDS["crowded"])
    model = card.index.tools["t"].models[None]
    assert isinstance(model.table, BitTable)  # keying every dimension would not fit the budget
    assert model.keys == ("a", "b", "c") and not model.ranged
    assert len(model.table) == len(card.card.rules)
    assert all(len(masks) <= 2 * 60 + 3 for masks in model.table.masks)


def test_past_the_mask_budget_dimensions_are_scanned(monkeypatch):
    monkeypatch.setattr("engine.cells.BITS_BUDGET", 0)
    card = compiled(CARDS["crowded"])
    model = card.index.tools["t"].models[None]
    rules = len(card.card.rules)
    assert model.ranged  # keying every dimension would not fit: some are checked by range instead
    assert sum(len(e) for e in model.table.values()) <= 1024 + 8 * (rules + 3 * (2 * 60 + 2))


def test_iterating_a_table_gives_keys_it_holds():
    for name, kind in (("valid", CutTable), ("nested", BitTable)):
        table = compiled(CARDS[name]).index.tools["t"].models[None].table
        assert isinstance(table, kind)
        keys = list(table)
        assert len(keys) == len(table)
        assert all(table.get(key) == table[key] is not None for key in keys)


def oracle(card: engine.RateCard, values: dict):
    """The answer the rules give for values the model offers: the first rule whose conditions hold."""
    for rule in card.card.rules_of("t", None):
        if all(values.get(p) in d for p, d in rule.box.items()):
            if isinstance(rule.outcome, ast.Reject):
                return (Code.REJECTED, None)
            return (None, int(evaluate(with_rounding(rule.outcome.expr, rule.rounding), values)))
    return (Code.UNSUPPORTED, None)


def _answer(result):
    return (None, result.credits) if result.ok else (result.code, None)


def _points(text: str) -> list[int]:
    """Every bound the card writes, and its neighbours."""
    numbers = {int(w) for w in text.replace("..", " ").split() if w.isdigit()}
    return sorted({n + d for n in numbers for d in (-1, 0, 1) if n + d >= 0})


@pytest.fixture(scope="module")
def loaded():
    out = {}
    for name, text in CARDS.items():
        card = compiled(text)
        out[name] = (card, _points(text), make_quoter(card.index)[0],
                     index_json.decode_lines(index_json.encode_lines(card.index)))
    return out


@settings(max_examples=400, deadline=None)
@given(data=st.data(), name=st.sampled_from(sorted(CARDS)))
def test_every_path_answers_as_the_rules_say(loaded, data, name):
    card, points, fast, cached = loaded[name]
    params = [p.name for p in card.card.tools["t"].params]
    value = st.sampled_from(points) | st.integers(0, 110_000)
    request = {"tool": "t", **{p: data.draw(value, label=p) for p in params if data.draw(st.booleans())
                               or p != "k"}}
    expected = reference(card.index, request)
    assert card.quote(request) == expected
    assert fast(request) == expected
    assert fast(request) == expected  # from the memo
    assert reference(cached, request) == expected  # the index as read back from a cache file
    offers = card.card.models[("t", None)].offers
    values = {p: request.get(p, 1) for p in params}
    if all(values[p] in offers[p] for p in params):
        assert _answer(expected) == oracle(card, values)
    else:
        assert expected.code is Code.UNSUPPORTED


@pytest.mark.parametrize("name", sorted(CARDS))
def test_bounds_and_their_neighbours_answer_as_the_rules_say(loaded, name):
    card, points, fast, _ = loaded[name]
    params = [p.name for p in card.card.tools["t"].params if p.name != "k"]
    offers = card.card.models[("t", None)].offers
    checked = 0
    for v in points:
        for p in params:
            request = {"tool": "t", **{q: (v if q == p else 1) for q in params}}
            values = {**{q: request[q] for q in params}, **({"k": 1} if "k" in offers else {})}
            if all(values[q] in offers[q] for q in values):
                assert _answer(fast(request)) == oracle(card, values), request
                checked += 1
    assert checked > len(points)


def test_corrupt_cut_points_are_refused():
    lines = list(index_json.encode_lines(engine.loads(VALID).index))
    model = json.loads(lines[2])
    assert any(c is not None for c in model["cuts"])
    bad = []
    for change in ("decreasing", "piece", "missing"):
        broken = json.loads(lines[2])
        at = next(i for i, c in enumerate(broken["cuts"]) if c is not None)
        if change == "decreasing":
            broken["cuts"][at] = list(reversed(broken["cuts"][at]))
        elif change == "piece":
            (broken["cells"] or broken["table"][0])[at] = len(broken["cuts"][at]) + 1  # in the first cell
        else:
            del broken["cuts"]
        bad.append(lines[:2] + [json.dumps(broken)])
    for data in bad:
        with pytest.raises(index_json.Corrupt):
            index_json.decode_lines(data)


_BOUND = st.sampled_from([1, 2, 3, 9, 10, 11, 99, 100, 101, 4999, 5000]) | st.integers(1, 5000)


@st.composite
def _condition(draw, param: str) -> str:
    if param == "k":
        return "k " + " | ".join(str(v) for v in sorted(set(draw(st.lists(st.sampled_from([1, 2, 3]),
                                                                            min_size=1, max_size=2)))))
    parts = []
    for _ in range(draw(st.integers(1, 2))):
        lo = draw(_BOUND)
        kind = draw(st.sampled_from(["one", "range", "open"] if param == "z" else ["one", "range"]))
        if kind == "one":
            parts.append(str(lo))
        elif kind == "range":
            parts.append(f"{lo}..{min(5000, lo + draw(st.integers(0, 3000)))}")
        else:
            return f"{param} >= {lo}"
    return f"{param} " + " | ".join(parts)


@st.composite
def _random_card(draw) -> str:
    lines = ["round up", "tool t {", "    k 1 | 2 | 3", "    x 1..5000", "    z >= 1", "}"]
    for i in range(draw(st.integers(1, 12))):
        params = draw(st.lists(st.sampled_from("kxz"), unique=True, max_size=3))
        conditions = " ".join(draw(_condition(p)) for p in sorted(params))
        outcome = draw(st.sampled_from([str(i + 1), "x + z", "z / 7", 'reject "no"']))
        lines.append(f"t {conditions} -> {outcome}")
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None)
@given(text=_random_card(), table=st.sampled_from(["cells", "masks", "scanned"]), data=st.data())
def test_random_wide_cards_answer_as_their_rules_say(text, table, data):
    with pytest.MonkeyPatch.context() as patch:
        if table != "cells":  # so that the cells overflow: masks, or some dimensions checked by range
            patch.setattr("engine.cells.BUDGET_BASE", 0)
            patch.setattr("engine.cells.BUDGET_PER", 1)
        if table == "scanned":
            patch.setattr("engine.cells.BITS_BUDGET", 0)
        card = compiled(text)
    cached = index_json.decode_lines(index_json.encode_lines(card.index))
    points = _points(text)
    for _ in range(30):
        values = {"k": data.draw(st.sampled_from([1, 2, 3])),
                  "x": data.draw(st.sampled_from([p for p in points if 1 <= p <= 5000] or [1]) | st.integers(1, 5000)),
                  "z": data.draw(st.sampled_from([p for p in points if p >= 1] or [1]) | st.integers(1, 10**6))}
        request = {"tool": "t", **values}
        got = card.quote(request)
        assert _answer(got) == oracle(card, values), (text, values)
        assert reference(cached, request) == got


def test_corrupt_masks_are_refused():
    lines = list(index_json.encode_lines(engine.loads(_nested_valid()).index))
    model = json.loads(lines[2])
    assert model["masks"] is not None
    bad = []
    for change in ("sign", "too wide", "pieces", "cells"):
        broken = json.loads(lines[2])
        masks = broken["masks"][0]
        if change == "sign":
            masks[1] = "-" + masks[1]
        elif change == "too wide":
            masks[1] = "f" * 200
        elif change == "pieces":
            masks.pop()
        else:
            broken["table"] = [[1, 1, 1, 0]]
        bad.append(lines[:2] + [json.dumps(broken)])
    for data in bad:
        with pytest.raises(index_json.Corrupt):
            index_json.decode_lines(data)
