"""table, diff, test and --explain on measured amounts and on a card that prices in an amount."""

from __future__ import annotations

import json

import engine
from engine.cli import main
from engine.review.diff import compare, render_text, to_json
from engine.review.explain import explanation, render
from engine.review.table import Format
from engine.review.table import render as table

GPU = """prices in USD to 6 places
round up

tool run {
    hardware  "t4" | "h100"
    secs      > 0            unit "s" billed per 0.5 minimum 1
}

run hardware "t4"   -> 0.0000225 * secs
run hardware "h100" -> 0.001525 * secs
"""


def test_explain_shows_the_amount_as_given_and_as_billed_and_the_rounding():
    card = engine.loads(GPU, "gpu.rules")
    why = explanation(card, {"tool": "run", "hardware": "t4", "secs": "20.26s"})
    assert render(why).splitlines() == [
        "0.000462 USD",
        'request: run hardware "t4", secs 20.5',
        "billed: secs 20.26s -> 20.5s (per 0.5s, minimum 1s)",
        'matched gpu.rules:9 (hardware "t4")',
        '  9 | run hardware "t4"   -> 0.0000225 * secs',
        "price: 0.0000225 * 20.5 = 0.00046125 -> 0.000462 USD (rounded up to 6 places)",
    ]
    data = why.to_json()
    assert data["values"] == {"hardware": "t4", "secs": "20.5"}  # exact, as a string: never a float
    assert list(data["billed"]) == [{"param": "secs", "given": "20.26s", "billed": "20.5s", "rule": "per 0.5s, minimum 1s"}]
    assert data["result"]["amount"] == "0.000462"
    below = render(explanation(card, {"tool": "run", "hardware": "t4", "secs": 0.2}))
    assert "billed: secs 0.2s -> 1s (per 0.5s, minimum 1s)" in below


def test_table_shows_amounts_with_their_places_in_every_format():
    card = engine.loads(GPU, "gpu.rules")
    text = table(card, Format.TEXT)
    assert text.splitlines()[0] == "run (prices in USD)"
    assert "0.000023" in text and "secs 1.5" in text  # 1 s and the step past it, 1.5 s
    rows = json.loads(table(card, Format.JSON))
    assert rows[0] == {"tool": "run", "model": None, "hardware": "t4", "secs": 1, "amount": "0.000023", "unit": "USD"}
    assert any(r["secs"] == "1.5" for r in rows)  # a measured amount that is not whole: an exact string
    csv = table(card, Format.CSV).splitlines()
    assert csv[0] == "tool,model,hardware,secs,USD,reason" and csv[1] == "run,,t4,1,0.000023,"


def test_diff_shows_the_change_in_the_amount_and_json_keeps_it_exact(tmp_path):
    old = engine.loads(GPU, "gpu.rules")
    new = engine.loads(GPU.replace("0.001525", "0.001600"), "gpu.rules")
    found = compare(old, new)
    text = render_text(found)
    assert 'hardware "h100"  secs 1' in text and "0.001525 USD -> 0.001600 USD   +0.000075 (+4.9%)" in text
    first = to_json(found)[0]
    assert (first["old"], first["new"]) == ("0.001525", "0.001600")


def test_expectations_compare_amounts_exactly_and_their_unit(tmp_path, capsys):
    (tmp_path / "gpu.rules").write_text(GPU)
    (tmp_path / "gpu.expect").write_text('run hardware "t4" secs 20.26 -> 0.000462 USD\n'
                                        'run hardware "t4" secs 20.26 -> 0.000462\n'
                                        'run hardware "h100" secs 1 -> 0.0015250\n')
    assert main(["test", str(tmp_path)]) == 0
    capsys.readouterr()
    (tmp_path / "gpu.expect").write_text('run hardware "t4" secs 20.26 -> 0.000462 EUR\n'
                                        'run hardware "t4" secs 20.26 -> 0.000461 USD\n')
    assert main(["test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "expected 0.000462 EUR, got 0.000462 USD" in out and "expected 0.000461 USD, got 0.000462 USD" in out
