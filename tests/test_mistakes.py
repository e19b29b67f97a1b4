"""A corpus of typical mistakes made editing a card by hand, one per file under
tests/cases/mistakes/: each gets exactly one diagnostic, on the mistaken token,
with a hint. The file's first line says where the mistake is:

    # expect: LINE:COLUMN TOKEN        (TOKEN `(end of line)` for a missing end)

and the rendered diagnostic is pinned as a snapshot, read like code.
`pytest tests/test_mistakes.py -q` counts the mistakes told right.
"""

import re
from pathlib import Path

import pytest

import engine
from engine.diagnostics import Code, render_text

MISTAKES = sorted((Path(__file__).parent / "cases" / "mistakes").glob("*.rules"))
EXPECT = re.compile(r"# expect: (\d+):(\d+) (.+)")


def diagnostics_of(path: Path):
    with pytest.raises(engine.RateCardError) as caught:
        engine.load(path)
    return caught.value.diagnostics


@pytest.mark.parametrize("path", MISTAKES, ids=lambda p: p.stem)
def test_a_mistake_is_told_once_at_its_token_with_a_hint(path, snapshot):
    text = path.read_text()
    line, column, token = EXPECT.match(text).groups()
    line, column = int(line), int(column)
    diagnostics = diagnostics_of(path)
    first = diagnostics[0]
    assert (first.span.line, first.span.column) == (line, column)
    source = text.split("\n")[line - 1]
    if token == "(end of line)":
        assert column == len(source) + 1
    else:
        assert source[column - 1:].startswith(token)
    assert first.code is Code.SYNTAX and first.hint
    assert len(diagnostics) == 1, "one mistake, one diagnostic"
    assert render_text([first], {path.name: text}) == snapshot


def test_the_corpus_is_large_enough():
    assert len(MISTAKES) >= 40
