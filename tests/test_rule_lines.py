"""The one-line rule reader builds what the Lark parser builds, spans included, or declines.

syntax.parse reads most one-line rules itself (engine/rule_lines.py) and gives
the rest to Lark. Each test parses a text twice, that way and with the reader
switched off (so Lark parses all of it), and compares the trees field by
field, spans included, and the diagnostics. Texts: every card in tests/cases
and rules/, the synthetic cards of bench/check_scale.py, and generated lines
built to hit the edges (keywords where names stand, comments, tabs, CRLF,
continued lines, texts holding `->`, `{` or `#`, formulas the reader must
decline, lines inside blocks). The long setting, by hand:

    RATECARD_PROPERTY_EXAMPLES=5000 python -m pytest tests/test_rule_lines.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import ast, rule_lines, syntax
from engine.diagnostics import Span

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("RATECARD_PROPERTY_EXAMPLES", "300"))  # the long setting: 5000


def deep(value):
    """A node as nested tuples of every field, spans included (node equality ignores them)."""
    if attrs.has(type(value)):
        return (type(value).__name__, *(deep(getattr(value, f.name)) for f in attrs.fields(type(value))))
    if isinstance(value, Span):
        return tuple(value)
    if isinstance(value, (tuple, list)):
        return tuple(deep(v) for v in value)
    return value


def lark_only(text: str, file: str):
    real = rule_lines.take_rules
    rule_lines.take_rules = lambda text, file, lex: (text, [])
    try:
        return syntax.parse(text, file)
    finally:
        rule_lines.take_rules = real


def read_both_ways(text: str, file: str = "t.rules"):
    """The same tree, spans included; or the same first syntax error.

    Only the first: after it, syntax.parse blanks the bad line and parses again
    to find more, and what the reader took out of the text (whole statements,
    by counting braces) can differ from where the parser thinks a broken block
    ends. Those later errors are guesses either way.
    """
    tree, diagnostics = syntax.parse(text, file)
    lark_tree, lark_diagnostics = lark_only(text, file)
    assert diagnostics[:1] == lark_diagnostics[:1]
    assert bool(diagnostics) == bool(lark_diagnostics)
    assert deep(tree) == deep(lark_tree)
    return tree


def taken(text: str) -> int:
    """How many lines the reader takes from the text."""
    return len(rule_lines.take_rules(text if text.endswith("\n") else text + "\n", "t", syntax._lexicon())[1])


CARDS = sorted([*ROOT.glob("tests/cases/*/*.rules"), *ROOT.glob("tests/cases/real/*/*.rules"),
                *ROOT.glob("rules/*.rules")])


@pytest.mark.parametrize("path", CARDS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_card_in_the_repository_reads_the_same(path):
    read_both_ways(path.read_text(), path.name)


def test_the_bundled_cards_rules_and_grids_are_all_taken():
    for path in ROOT.glob("rules/*.rules"):
        text = path.read_text()
        tree, _ = lark_only(text, path.name)
        assert taken(text) == sum(isinstance(s, (ast.Rule, ast.Grid)) for s in tree.statements), path.name


def test_a_synthetic_large_card_reads_the_same_and_mostly_without_the_parser():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from check_scale import card_text
    finally:
        sys.path.pop(0)
    text, rules = card_text(2000)
    read_both_ways(text, "bench.rules")
    assert taken(text) == rules  # every price line of it is a one-line rule


@pytest.mark.parametrize("line", [
    'video "Sora 2 Pro" res 1080 dur 12 -> 11400',
    "voiceover chars/10",
    "voiceover chars / 10 + 2 * n - 1",
    'gen "M" audio yes res 720 | 1080 dur >= 60 -> 30 * dur',
    'gen "M" dur 1 .. 3 | 7 | > 100 -> reject "too long"',
    '\tgen  "M"\tdur 1..3 ->5   # a comment with -> and "',
    "t n 1_000 -> 1_0",
    "say-it chars-x 5 -> chars-x - 1",
    'upscale "Fast" -> free',
    "t x 1..3 -> free  # on every plan",
    't "M" plan "AI Suite" | unset dur 4 -> 5',
    't "M" dur unset -> 200',
    't "M" dur 1..3 | unset plan "P" -> reject "no"',
])
def test_lines_the_reader_takes(line):
    assert taken(line) == 1
    read_both_ways(line + "\n")


@pytest.mark.parametrize("line", [
    "tool x",  # a declaration
    "round up",
    't -> ceil(n / 3)',  # parentheses and rounding are the parser's
    't -> (1 + 2) * 3',
    't unit 5 -> 1',  # a keyword where a name stands: lexed by context, so left to lark
    't "M" x yes -> no',
    't x yesterday -> 1',
    't x unsetting -> 1',  # lexed by lark as `unset` and a name: a syntax error the parser reports
    't planned 1 -> unset',  # `unset` where a formula's name stands: lexed by context
    't -> plan',
    'Tool x 1 -> 1',  # not a keyword (they are lower case), but declined? no: taken, see below
    't "a->b" 5',  # a bare rule whose only arrow is inside a text
    't x 1 -> 1 \\',  # continued on the next line
    't x 1 -> 1  # a brace in a comment: { (any line with a brace is left, to count blocks)',
    't x 1 => 1',
    't x 1 -> 1 2',
    "t x 1 -> reject",
    "t x 1 -> free 1",
    "t x 1 -> free + 1",
    "t x free -> 1",  # a keyword where a name stands
    "t free",  # a bare rule: `free` is a parameter here
    "t -> max(1, n)",  # min and max have parentheses: the parser's
    "t -> min(n, 2, 3) * 4",
    "t x 1 -> 1 +",
    "t x 1. -> 1",
    't x "unclosed -> 1',
    "t x 1 -> " + "+".join(["1"] * 100),  # longer than the reader takes: the parser guards depth
    "t x " + "9" * 200 + " -> 1",  # a number longer than the reader takes
])
def test_lines_the_reader_leaves_to_the_parser(line):
    if line.startswith("Tool"):
        assert taken(line) == 1  # `Tool` is a name: keywords are case-sensitive
    else:
        assert taken(line) == 0
    read_both_ways(line + "\n")


def test_lines_inside_blocks_are_never_taken():
    text = ('video "M" {\n    dur 4 8\n    res 720 -> 1 (2)\n}\n'  # a grid left to the parser
            'model video "M" {  # { in a comment does not open a block\n'
            '    res 720 | 1080\n}\n'
            'video "M" res 720 dur 4 -> 1\n')
    assert taken(text) == 1
    read_both_ways(text)


def test_grids_in_the_canonical_layout_are_taken():
    text = ('video "M" aspect "16:9" {  # c\n'
            '    dur        4     8    12\n'
            '\n'
            '    # a comment between rows\n'
            '    res 720 -> 1     2    reject\n'
            '    res 1080 audio yes | no -> 1_0 2 3\n'
            '}\n'
            't "M" {\n  audio yes "16:9" no\n    -> 1 2 3\n}\n'
            't "F" {\n  n 1 2\n  -> free 5\n}\n'
            't "M" {\n    plan      "A"  unset\n    dur unset ->  1  2\n    plan "B" -> 3 4\n}\n'
            't "M" {\n    dur      4  unset\n    res 720 ->  1  2\n}\n')
    assert taken(text) == 5
    read_both_ways(text)


@pytest.mark.parametrize("grid", [
    'v "M" {\n dur 4\n res 720 -> 1 }\n',  # `}` after the last row
    'v "M" { dur 4\n res 720 -> 1\n}\n',  # the header on the `{` line
    'v "M" {\n dur 4\n res 720 -> (1)\n}\n',
    'v "M" {\n dur 4\n res 720 -> ceil(1 / 2)\n}\n',
    'v "M" {\n dur 4..8\n res 720 -> 1\n}\n',  # a range is no column value
    'v "M" {\n dur 4\n\f\n res 720 -> 1\n}\n',  # a form feed ends the newline token: a syntax error
    'v "M" {\n dur 4\n res 720 -> 1 \\\n 2\n}\n',
    'v "M" {\n dur 4\n}\n',  # no rows
    'v "M" {\n unit 4\n res 720 -> 1\n}\n',
    'v "M" {\n dur 4\n res 720 -> rejected\n}\n',
    'v "M" {\n dur 4\n res 720 -> max(1, 2)\n}\n',
    'v "M" {\n dur 4\n res 720 -> 1\n',  # never closed
])
def test_grids_the_reader_leaves_to_the_parser(grid):
    assert taken(grid) == 0
    read_both_ways(grid)


def test_a_continued_line_is_not_taken_and_neither_is_its_continuation():
    text = "t x 1 \\\n -> 1\nt x 2 -> 2\n"
    assert taken(text) == 1
    read_both_ways(text)


def test_crlf_lines_are_taken():
    text = "t x 1 -> 1\r\nt x 2 -> 2\r\n"
    assert taken(text) == 2
    read_both_ways(text)


def test_an_error_elsewhere_is_reported_as_the_parser_reports_it():
    text = "tool t { x 1 | 2 }\nt x 1 -> 1\nt x 2 -> \nt x 2 -> 3\nmodel t \"m\" { x 1\n"
    tree, diagnostics = syntax.parse(text, "t.rules")
    assert tree is None and diagnostics
    read_both_ways(text)


def test_the_file_span_starts_at_the_first_token():
    for text in ["  t x 1 -> 1\n", "\n\n t x 1 -> 1\n", "# c\nt x 1 -> 1\n", "\\\n t x 1 -> 1\n"]:
        read_both_ways(text)


# ---------------------------------------------------------------- generated lines

_plain = st.sampled_from(["t", "video", "dur", "res", "x-y", "a_1", "Tool", "n", "yess"])
_keywords = st.sampled_from(["tool", "unit", "all", "yes", "no", "reject", "ceil", "none", "for", "round", "free",
                             "max", "min", "not", "tags", "plan", "unset"])
_ints = st.sampled_from(["0", "1", "12", "1_000", "007", "9" * 30])
_texts = st.sampled_from(['"M"', '"Sora 2 Pro"', '"a->b"', '"{"', '"#"', '""'])
_space = st.sampled_from(["", " ", "  ", "\t", "\f"])
_stray = st.one_of(_keywords, st.sampled_from(
    ["->", "..", "|", "+", "-", "*", "/", ">=", ">", "(", ")", "{", "}", "#c", "\\", ",", "=", "1.5", "'x'"]))


@st.composite
def rule_like_lines(draw):
    """Half of them well-formed rules; the rest with keywords where names stand and stray tokens."""
    noisy = draw(st.booleans())
    words = st.one_of(_plain, _keywords) if noisy else _plain
    parts = [draw(words)]
    if draw(st.booleans()):
        parts.append(draw(_texts))
    for _ in range(draw(st.integers(0, 3))):
        parts.append(draw(words))
        for alternative in range(draw(st.integers(1, 2))):
            if alternative:
                parts.append("|")
            item = draw(st.sampled_from(["int", "range", "bound", "text", "bool", "unset"]))
            parts += {"int": [draw(_ints)], "range": [draw(_ints), "..", draw(_ints)],
                      "bound": [draw(st.sampled_from([">=", ">", "<=", "<"])), draw(_ints)],
                      "text": [draw(_texts)], "bool": [draw(st.sampled_from(["yes", "no"]))],
                      "unset": ["unset"]}[item]
    if len(parts) > 2 or draw(st.booleans()):
        parts.append("->")
    if draw(st.integers(0, 4)) == 0:
        parts.append("reject")
        parts.append(draw(_texts))
    elif draw(st.integers(0, 6)) == 0:
        parts.append("free")
    else:
        parts.append(draw(st.one_of(_ints, words)))
        for _ in range(draw(st.integers(0, 3))):
            parts.append(draw(st.sampled_from(["+", "-", "*", "/"])))
            parts.append(draw(st.one_of(_ints, words)))
    if noisy:
        for _ in range(draw(st.integers(0, 2))):
            parts.insert(draw(st.integers(0, len(parts))), draw(_stray))
    if draw(st.integers(0, 3)) == 0:
        parts.append("# " + draw(_texts))
    return draw(_space) + "".join(p + draw(_space) for p in parts)


_declarations = st.sampled_from([
    "tool t { n >= 1 }", "tool t, video {\n  dur 1..3 | 12\n  res 720 | 1080\n}",
    'model t "M" {\n  x yes | no\n}', "round down", "", "# a comment", "   ",
])


@st.composite
def grids(draw):
    """Grids, mostly in the canonical layout, with a line of some other kind now and then."""
    columns = draw(st.integers(1, 3))
    head = draw(rule_like_lines()).split("->")[0]
    lines = [head + "{" + draw(st.sampled_from(["", " # c", " dur 4"]))]
    lines.append("  " + draw(st.sampled_from(["dur", "yes", "unit", "x-y", "plan"])) + " "
                 + " ".join(draw(st.one_of(_ints, _texts, st.sampled_from(["yes", "no", "1..2", "unset"])))
                            for _ in range(columns)))
    for _ in range(draw(st.integers(0, 3))):
        row = draw(rule_like_lines()).split("->")[0].split(" ", 2)[-1]
        cells = [draw(st.one_of(_ints, st.sampled_from(["reject", "(1)", "x", "free", "max(1, 2)"])))
                 for _ in range(columns)]
        lines.append("  " + row + " -> " + "  ".join(cells))
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["", "  # c", "\f", "  \\"])))
    lines.append(draw(st.sampled_from(["}", "}", "} # c", " }", "x }"])))
    return "\n".join(lines)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.one_of(rule_like_lines(), grids(), _declarations), min_size=1, max_size=6),
       st.sampled_from(["\n", "\r\n"]))
def test_generated_cards_read_the_same(lines, newline):
    read_both_ways(newline.join(lines) + newline)
