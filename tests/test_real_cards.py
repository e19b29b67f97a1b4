"""The corpus of real-shaped cards, tests/cases/real/<name>/: each a folder of .rules files written
from the structure of a public price list (with our own figures) and a .expect file of what its
requests must give. For every folder: `ratecard check` finds nothing, `ratecard test` passes
with every rule exercised, `ratecard fmt --check` changes nothing, and every quote path gives
each expectation's request the same answer."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from engine.cli import main
from engine.sheet import price_sheet
from engine.review.expect import Expectation, read
from tests.every_path import disagreements

REAL = Path(__file__).resolve().parent / "cases" / "real"
FOLDERS = sorted(p for p in REAL.iterdir() if p.is_dir())


def test_the_corpus_is_there():
    assert len(FOLDERS) >= 3
    for folder in FOLDERS:
        assert list(folder.glob("*.rules")) and list(folder.glob("*.expect")), folder.name


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_the_card_checks_clean(folder, capsys):
    assert main(["check", str(folder)]) == 0
    assert "no problems found" in capsys.readouterr().err


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_expectation_holds_and_every_rule_is_exercised(folder, capsys):
    assert main(["test", str(folder)]) == 0
    out = capsys.readouterr().out
    assert " 0 failed" in out and "not exercised" not in out, out


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_the_card_is_laid_out_as_fmt_writes_it(folder, capsys):
    assert main(["fmt", "--check", str(folder)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_quote_path_answers_the_expectations_alike(folder):
    card = engine.load(folder, use_cache=False)
    by_time: dict = {}  # a card with dates: the requests of each `at` line, priced as the card is then
    for f in sorted(folder.glob("*.expect")):
        for e in read(f.read_text(encoding="utf-8"), f.name):
            if isinstance(e, Expectation):
                by_time.setdefault(e.at, []).append(e.request)
    assert by_time
    for at, requests in by_time.items():
        assert disagreements(card.at(at), requests) == [], at


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_the_card_prices_a_full_table(folder):
    rows = price_sheet(engine.load(folder, use_cache=False))
    assert rows and any(r.credits is not None for r in rows)
