"""The analysis' reports, rendered: warning-only cards (they load) and GitHub annotations.

Cards with errors are pinned as text by tests/test_cases.py (tests/cases/invalid);
here tests/cases/warning/*.rules load with their warnings pinned, and the
analysis cases of both folders are pinned as `--format github` output.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import engine
from engine import sources
from engine.diagnostics import Severity, render_github, render_text
from engine.ratecard import analyse

CASES = Path(__file__).parent / "cases"
WARNING = sorted((CASES / "warning").glob("*.rules"))
ANALYSIS = [CASES / "invalid" / f"{stem}.rules"
            for stem in ("overlap", "overlap_group", "gap", "gap_open_range", "non_positive",
                         "undeclared_rounding")] + WARNING


@pytest.mark.parametrize("path", WARNING, ids=lambda p: p.stem)
def test_warning_cards_load_and_say_why(path, snapshot):
    card = engine.load(path)
    assert card.warnings and all(w.severity is Severity.WARNING for w in card.warnings)
    assert render_text(card.warnings, {path.name: path.read_text()}) == snapshot


@pytest.mark.parametrize("path", ANALYSIS, ids=lambda p: p.stem)
def test_github_annotations(path, snapshot):
    _, diagnostics = analyse(sources.read(path)[0])
    assert render_github(diagnostics) == snapshot


def test_each_kind_has_a_case():
    names = set()
    for path in ANALYSIS:
        names |= {d.name for d in analyse(sources.read(path)[0])[1]}
    assert {"overlap", "redundant", "gap", "dead-rule", "non-positive-price", "undeclared-rounding"} <= names


def test_loading_raises_once_with_every_diagnostic():
    text = textwrap.dedent("""\
        tool v { res 720 | 1080  dur 5 | 10 }
        model v "K"
        v "K" res 720 -> 100
        v "K" dur 5 -> 120
        tool say { chars >= 1 }
        say chars 1..50 -> chars - 10
        say chars > 60 -> chars / 10
        """)
    with pytest.raises(engine.RateCardError) as caught:
        engine.loads(text, "card.rules")
    names = sorted(d.name for d in caught.value.diagnostics)
    assert names == ["gap", "gap", "non-positive-price", "overlap", "undeclared-rounding"]
    assert "has no price for chars 51 to 60" in str(caught.value)
    assert "has no price for res 1080, dur 10" in str(caught.value)


def test_the_bundled_card_checks_clean():
    card, diagnostics = analyse(sources.read(None)[0])
    assert card is not None and diagnostics == []


def test_check_command_prints_annotations(tmp_path):
    path = tmp_path / "overlap.rules"
    path.write_text((CASES / "invalid" / "overlap.rules").read_text())
    done = subprocess.run([sys.executable, "-m", "engine.cli", "check", "--format", "github", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines and all(line.startswith(f"::error file={path},line=") for line in lines)
    assert any("title=E201 overlap::" in line for line in lines)
