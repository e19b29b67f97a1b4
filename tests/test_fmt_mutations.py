"""`ratecard fmt` lays out every card that loads, and the laid-out card has the same price sheet:
checked on mutations of the bundled card and of the test cases (odd letters, carriage returns,
backslashes, spacing, duplicated and moved text)."""

from __future__ import annotations

import os
import re
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import engine
from engine.fmt import FormatError, format_text
from engine.fmt import run as run_fmt
from engine.ratecard import RateCardError
from engine.sheet import price_sheet

ROOT = Path(__file__).resolve().parent.parent
BASES = [p.read_text() for p in sorted((ROOT / "rules").glob("*.rules"))] + [
    p.read_text() for p in sorted((ROOT / "tests" / "cases" / "valid").glob("*.rules"))]
EXAMPLES = int(os.environ.get("RATECARD_FMT_EXAMPLES", "25")) * 12
# pieces a mutation inserts: letters that case-fold to ASCII, every kind of line break and space,
# the language's punctuation, a backslash continuation, a comment mark
PIECES = list("ſKıİßﬁ１\r\n\t\f\v\x85\u2028 \\#\"{}()|,=+-*/<>.0123456789azAZ_") + [
    "->", "..", ">=", "\r\n", "\u00a0", "é", " \\\n", "\\\r\n", "# note", "\n\n"]
FOLDS = {"s": "\u017f", "k": "\u212a", "K": "\u212a", "i": "\u0131", "I": "\u0130"}  # ſ, Kelvin sign, ı, İ


@st.composite
def mutated(draw) -> str:
    text = draw(st.sampled_from(BASES))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "copy", "line", "fold"]))
        if kind == "fold":  # a word renamed everywhere, one letter swapped for one that only case-folds to it
            words = sorted({w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text) if set(w) & set(FOLDS)})
            if words:
                word = draw(st.sampled_from(words))
                k = draw(st.sampled_from([k for k, ch in enumerate(word) if ch in FOLDS]))
                text = re.sub(rf"\b{word}\b", word[:k] + FOLDS[word[k]] + word[k + 1:], text)
        elif kind == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 3)):]
        elif kind == "replace":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at + 1:]
        elif kind == "copy":
            start = draw(st.integers(0, len(text)))
            to = draw(st.integers(0, len(text)))
            text = text[:to] + text[start:start + draw(st.integers(1, 40))] + text[to:]
        else:
            lines = text.split("\n")
            lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(lines)))
            text = "\n".join(lines)
    return text


def _sheet(card):
    return [(r.tool, r.model, r.params, r.credits, r.reason) for r in price_sheet(card)]


def _load(path: Path):
    try:
        return engine.load(path, use_cache=False)
    except RateCardError:
        return None


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_every_card_that_loads_is_laid_out_with_the_same_prices(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "card.rules"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        before = _load(path)
        event("loads" if before is not None else "does not load")
        if before is None:
            return
        assert run_fmt([str(path)], check=False) == 0
        assert format_text(text) == path.read_text()  # the text itself is read as its file is
        after = _load(path)
        assert after is not None and _sheet(after) == _sheet(before)
        assert run_fmt([str(path)], check=True) == 0  # laid out once is laid out for good


def test_a_carriage_return_ends_a_line_for_the_formatter_as_for_a_file():
    text = "tool t\n# the price:\rt -> 5\n"
    assert format_text(text) == "tool t\n# the price:\nt -> 5\n"
    assert format_text("tool t\r\nt -> 5\r\n") == format_text("\ufefftool t\rt -> 5\r") == "tool t\nt -> 5\n"


@pytest.mark.parametrize("letter", ["\u017f", "\u212a", "\u0131", "\u0130"])  # ſ, the Kelvin sign, ı, İ
def test_a_name_is_ascii_for_the_grammar_and_the_formatter_alike(letter):
    text = f"tool t {{\n    {letter}ize 1 | 2\n}}\nt -> 5\n"
    with pytest.raises(RateCardError, match="E001"):
        engine.loads(text)
    with pytest.raises(FormatError, match="does not parse"):
        format_text(text)


def test_names_may_hold_capitals():
    text = textwrap.dedent("""\
        tool T {
            Size_2 1 | 2
        }
        T Size_2 1 -> 5
        T Size_2 2 -> 7
        """)
    assert engine.loads(text).quote({"tool": "T", "Size_2": 2}).credits == 7
    assert format_text(text) == text.replace("Size_2 1 | 2", "Size_2  1 | 2")


@settings(deadline=None)
@given(st.text(alphabet="aZ_-09\u017f\u212a\u0131\u0130\u00e9\"# .", max_size=8))
def test_the_formatter_reads_names_and_texts_as_the_grammar_does(text):
    from engine.fmt.layout import tokenize
    from engine.syntax import parser

    tokens, _ = tokenize(text)
    for terminal in ("NAME", "STRING"):
        match = re.match(parser().get_terminal(terminal).pattern.to_regexp(), text)
        if match:
            assert tokens[:1] == [match.group()], terminal
    if tokens and re.fullmatch(r"[A-Za-z_].*", tokens[0]):  # whatever the formatter takes for a name, the grammar does
        assert re.fullmatch(parser().get_terminal("NAME").pattern.to_regexp(), tokens[0])
