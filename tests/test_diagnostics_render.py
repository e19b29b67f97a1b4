"""Rendering diagnostics: the caret stands under the span as the line is shown (tabs expanded,
wide characters, control characters), and `--format github` escapes its properties as GitHub's
workflow commands require."""

from __future__ import annotations

import re
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine.diagnostics import Code, Span, error, render_github, render_text
from engine.ratecard import RateCardError


def _shown(rendered: str, number: int) -> tuple[str, int, int]:
    """From a rendered excerpt: the source line as shown, and where the carets start and how many."""
    lines = rendered.split("\n")
    at = next(k for k, line in enumerate(lines) if line.startswith(f"{number} | "))
    prefix = len(f"{number} | ")
    carets = lines[at + 1][prefix:]
    start = len(carets) - len(carets.lstrip(" "))
    return lines[at][prefix:], start, len(carets.strip())


def test_the_caret_under_a_name_on_a_tab_indented_line():
    text = "tool t {\n\tn >= 1\n}\n\tt nn 1 -> 5\n"
    with pytest.raises(RateCardError) as raised:
        engine.loads(text, "t.rules")
    shown, start, width = _shown(str(raised.value), 4)
    assert shown == "    t nn 1 -> 5"
    assert shown[start:start + width] == "nn"


@given(st.text(alphabet="\t a=", max_size=12), st.text(alphabet="\t b", max_size=6))
def test_the_caret_is_under_the_span_wherever_the_tabs_are(before, after):
    line = before + "WORD" + after
    column = len(before) + 1
    diagnostic = error(Code.SYNTAX, "here", Span("x.rules", 1, column, 1, column + 4))
    shown, start, width = _shown(render_text([diagnostic], {"x.rules": line + "\n"}), 1)
    assert shown == line.expandtabs(4)
    assert (start, width) == (len(before.expandtabs(4)), 4)
    assert shown[start:start + width] == "WORD"


def test_wide_and_control_characters_keep_the_caret_in_place():
    line = 'm "画像\u0301" # a\rb\x1b\tWORD'
    column = line.index("WORD") + 1
    diagnostic = error(Code.SYNTAX, "here", Span("x.rules", 1, column, 1, column + 4))
    shown, start, width = _shown(render_text([diagnostic], {"x.rules": line}), 1)
    assert "\r" not in shown and "\x1b" not in shown
    assert shown == 'm "画像\u0301" # a\u240db\u241b WORD'
    # on screen: 画 and 像 take two columns each, the combining accent none, so the tab
    # stands at column 15 and goes to 16
    assert (start, width) == (16, 4)


def _properties(command: str) -> dict[str, str]:
    """A workflow command's properties, read the way the runner reads them."""
    match = re.fullmatch(r"::(\w+) (.*?)::(.*)", command)
    assert match, command
    unescape = lambda v: (v.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")  # noqa: E731
                          .replace("%2C", ",").replace("%25", "%"))
    pairs = [p.split("=", 1) for p in match.group(2).split(",")]
    return {key: unescape(value) for key, value in pairs}


def test_github_annotations_escape_commas_and_colons_in_file_names():
    name = "cards,v2/a:b%c\r\n.rules"
    diagnostic = error(Code.SYNTAX, "a message: with, commas\nand 100%", Span(name, 3, 5, 3, 9), hint="try x")
    command = render_github([diagnostic])
    assert "\n" not in command and "\r" not in command
    assert _properties(command) == {"file": name, "line": "3", "col": "5", "endLine": "3", "endColumn": "9",
                                    "title": "E001 syntax"}
    assert command.endswith("::a message: with, commas%0Aand 100%25 (hint: try x)")


def test_check_names_an_oddly_named_file_in_its_annotation(tmp_path, capsys):
    from engine.cli import main

    path = tmp_path / "a,b:c.rules"
    path.write_text(textwrap.dedent("""\
        tool t
        t -> 0
        """))
    assert main(["check", "--format", "github", str(path)]) == 1
    out = capsys.readouterr().out.strip()
    assert _properties(out.split("\n")[0])["file"] == str(path)
