"""Real-shaped cards (tests/cases/real/<name>/: .rules written from the structure of public price
lists, with our own prices, and a .expect of what they must cost): each loads without a problem,
is laid out as `ratecard fmt` lays it out, prices a full table, and passes `ratecard test`."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from engine.checks import run_checks
from engine.cli import main
from engine.fmt import format_text
from engine.sheet import price_sheet

REAL = Path(__file__).parent / "cases" / "real"
CARDS = sorted(p for p in REAL.iterdir() if p.is_dir())


def test_the_corpus_has_cards():
    assert len(CARDS) >= 3


@pytest.mark.parametrize("folder", CARDS, ids=lambda p: p.name)
def test_a_real_card_passes_its_expectations(folder, capsys):
    assert list(folder.glob("*.expect")), "each card says what it must cost"
    assert main(["test", str(folder)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("folder", CARDS, ids=lambda p: p.name)
def test_a_real_card_is_clean_formatted_and_tabled(folder):
    card = engine.load(folder, use_cache=False)
    assert run_checks(card.card) == []  # not even a warning
    for path in folder.glob("*.rules"):
        text = path.read_text()
        assert format_text(text, path.name) == text
    rows = price_sheet(card)
    assert rows and any(r.credits is not None for r in rows)
