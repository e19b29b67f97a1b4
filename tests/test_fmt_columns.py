"""`ratecard fmt` lines up a block's options without letting one long list of values push them far
right, and lays out min/max, `free` and `not counting` like the rest: idempotent, meaning kept."""

from __future__ import annotations

import textwrap

import engine
from engine.fmt import format_text
from engine.fmt.layout import join

LONG = textwrap.dedent('''\
    tool speech {
      chars >= 1 from text not counting whitespace , tags
      voice "alloy"|"echo"|"fable"|"onyx"|"nova"|"shimmer"|"a very long voice name" default "alloy"
      speed 1..4 default 1
      hd yes|no default no
    }
    speech hd no -> max( 5 , chars/10, min(chars,3) )
    speech hd yes -> free
    ''')


def test_a_long_list_of_values_does_not_push_the_other_lines_options():
    out = format_text("round up\n" + LONG)
    lines = out.splitlines()
    assert lines[2] == "    chars   >= 1      from text not counting whitespace, tags"
    assert lines[3] == ('    voice   "alloy" | "echo" | "fable" | "onyx" | "nova" | "shimmer" | '
                        '"a very long voice name"  default "alloy"')
    assert lines[4] == "    speed   1..4      default 1"
    assert lines[5] == "    hd      yes | no  default no"
    assert max(len(line) for line in lines if "voice" not in line) < 70


def test_values_up_to_forty_characters_still_line_up():
    text = 'tool t {\n    a 1 | 2 default 1\n    b "16:9" | "9:16" | "1:1" | "4:3" unpriced\n}\nt a 1 -> 1\nt a 2 -> 2\n'
    lines = format_text(text).splitlines()
    assert lines[1].index("default") == lines[2].index("unpriced")


def test_the_layout_is_idempotent_and_keeps_the_meaning():
    text = "round up\n" + LONG
    once = format_text(text)
    assert format_text(once) == once
    before, after = engine.loads(text), engine.loads(once)
    for request in ({"tool": "speech", "text": "<b>hi there</b>", "hd": "no"}, {"tool": "speech", "chars": 90}):
        assert before.quote(request) == after.quote(request)


def test_min_max_and_free_are_spaced_like_ceil():
    assert join(["max", "(", "50", ",", "10", "*", "dur", ")"]) == "max(50, 10 * dur)"
    assert join(["min", "(", "a", ",", "max", "(", "b", ",", "c", ")", ")"]) == "min(a, max(b, c))"
    out = format_text("round up\n" + LONG).splitlines()
    assert out[-2:] == ["speech hd no  -> max(5, chars / 10, min(chars, 3))", "speech hd yes -> free"]


def test_a_grid_cell_may_be_a_min_max_or_free():
    grid = 'tool t { n 1 | 2  k >= 1 }\nt {\n n 1 2\n->  max( k , 3 )   free\n}\n'
    out = format_text(grid)
    assert out.splitlines()[-2] == "    ->  max(k, 3)   free"
    assert format_text(out) == out
