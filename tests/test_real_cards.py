"""Every folder of tests/cases/real/ is a card written from the structure of a public price list
(the prices are our own), with a `.expect` file of what its requests must give: the card checks
clean, even with --strict, and `ratecard test` on the folder passes."""

from pathlib import Path

import pytest

from engine.cli import main

REAL = sorted(p for p in (Path(__file__).parent / "cases" / "real").iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", REAL, ids=lambda p: p.name)
def test_a_real_card_checks_clean_and_meets_its_expectations(folder, capsys):
    assert list(folder.glob("*.rules")) and list(folder.glob("*.expect"))
    assert main(["check", "--strict", str(folder)]) == 0, capsys.readouterr()
    assert main(["test", str(folder)]) == 0, capsys.readouterr().out
    assert ", 0 failed" in capsys.readouterr().out


def test_there_are_real_cards():
    assert len(REAL) >= 2
