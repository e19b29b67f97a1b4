"""Every tests/cases/valid/*.rules loads and its price sheet is pinned; every
tests/cases/invalid/*.rules is refused and its rendered diagnostics are pinned."""

from pathlib import Path

import pytest

import engine
from engine.diagnostics import render_text
from engine.review.table import text as table_text

CASES = Path(__file__).parent / "cases"
VALID = sorted((CASES / "valid").glob("*.rules"))
INVALID = sorted((CASES / "invalid").glob("*.rules"))


def sheet_text(card) -> str:
    """The price sheet as `ratecard table` prints it."""
    return table_text(card)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid(path, snapshot):
    card = engine.load(path)
    assert [w for w in card.warnings if w.severity.value == "error"] == []
    assert sheet_text(card) == snapshot


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid(path, snapshot):
    with pytest.raises(engine.RateCardError) as caught:
        engine.load(path)
    diagnostics = caught.value.diagnostics
    assert diagnostics, "a refused card says why"
    assert render_text(diagnostics, {path.name: path.read_text()}) == snapshot


def test_there_are_cases():
    assert len(VALID) >= 3 and len(INVALID) >= 8
