"""The fuzzing oracles themselves (tests/fuzz): they pass what ratecard does by design, and they catch
what they are there to catch.

An oracle that lags a deliberate change in ratecard reports a false failure on every long run; one
that accepts anything finds nothing. Each oracle here is run on real output for both.
"""

from __future__ import annotations

import pytest

import engine.diagnostics
from tests.fuzz import rules
from tests.fuzz.core import Finding
from tests.fuzz.loading import cli

# ---------------------------------------------------------------- carets under diagnostics (rules target)

CARD = "tool t { n 1 | 2 }\nt n 2 -> 2\n"
ODD_LINES = {
    "a NUL, shown as its picture": "t n 1 -> 1 \x00 zz\n",
    "a form feed and an escape": "t n 1 -> 1 \x0c\x1b zz\n",
    "a tab first": "\tt n 1 -> 1 zz\n",
    "wide characters": 't "模型" n 1 -> 1 zz\n',
    "a combining mark": 't "e\u0301" n 1 -> 1 zz\n',
    "after a byte-order mark and CRLF endings": "\ufeff" + CARD.replace("\n", "\r\n") + "t n 1 -> 1 zz\r\n",
    "after lone CR endings": CARD.replace("\n", "\r") + "t n 1 -> 1 zz\r",
    "on the first line, after a byte-order mark": "\ufefftool t { n 1 | 2 } zz\n",
}


def _check_output(tmp_path, text: str) -> tuple[str, list]:
    files = [["card.rules", text]]
    (tmp_path / "card.rules").write_bytes(text.encode("utf-8"))
    ran = cli(["check", str(tmp_path)])
    assert ran.code == 1 and "^" in ran.out, ran.out
    return ran.out, files


@pytest.mark.parametrize("line", list(ODD_LINES.values()), ids=list(ODD_LINES))
def test_the_caret_oracle_passes_a_caret_under_the_character_as_the_renderer_draws_it(tmp_path, line):
    text = line if line.startswith(("\ufeff", "tool")) else CARD + line
    out, files = _check_output(tmp_path, text)
    rules._carets(out, files, tmp_path)


def test_the_caret_oracle_catches_a_caret_placed_by_character_instead_of_screen_column(tmp_path, monkeypatch):
    monkeypatch.setattr(engine.diagnostics, "_screen_column", lambda at, column: column - 1)
    out, files = _check_output(tmp_path, CARD + ODD_LINES["a tab first"])
    with pytest.raises(Finding, match="caret is not under"):
        rules._carets(out, files, tmp_path)


def test_the_caret_oracle_catches_a_line_drawn_other_than_the_renderer_draws_it(tmp_path, monkeypatch):
    monkeypatch.setattr(engine.diagnostics, "on_screen", lambda line: (line, list(range(len(line) + 1))))
    out, files = _check_output(tmp_path, CARD + ODD_LINES["a NUL, shown as its picture"])
    with pytest.raises(Finding, match="source line"):
        rules._carets(out, files, tmp_path)

