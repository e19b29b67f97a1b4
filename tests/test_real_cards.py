"""The corpus of real-shaped cards (tests/cases/real/<name>/): each checks clean, and its
expectations hold and exercise every rule (`ratecard check` and `ratecard test`, as a
product manager would run them). A folder added there is picked up by this test."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cli import main

REAL = Path(__file__).parent / "cases" / "real"
FOLDERS = sorted(p for p in REAL.iterdir() if p.is_dir())


def test_the_corpus_is_there():
    assert FOLDERS, "tests/cases/real/ has no card"
    for folder in FOLDERS:
        assert list(folder.glob("*.rules")) and list(folder.glob("*.expect")), folder


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_a_real_card_checks_clean_and_its_expectations_hold(folder, capsys):
    assert main(["check", "--strict", str(folder)]) == 0, capsys.readouterr()
    capsys.readouterr()
    assert main(["test", str(folder)]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert " 0 failed" in out and "not exercised" not in out, out
