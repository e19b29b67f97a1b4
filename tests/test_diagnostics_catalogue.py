"""docs/diagnostics.md catalogues every diagnostic code, each with an example that reports it
(tests/test_docs.py runs the examples and compares their output), and text output names the code."""

from __future__ import annotations

import re

import pytest

from engine.diagnostics import Code, error, render_text, warning
from tests.docs_examples import ROOT, examples

CATALOGUE = ROOT / "docs" / "diagnostics.md"


def _sections() -> dict[str, str]:
    text = CATALOGUE.read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.M)[1:]
    return {part.split("\n", 1)[0].strip(): part for part in parts}


@pytest.mark.parametrize("code", list(Code), ids=lambda c: c.id)
def test_every_code_has_a_section_with_an_example_that_reports_it(code):
    section = _sections().get(f"{code.id} {code.word}")
    assert section is not None, f"docs/diagnostics.md has no section `## {code.id} {code.word}`"
    assert "**Fix:**" in section
    assert f"[{code.id}](#{code.id.lower()}-{code.word})" in CATALOGUE.read_text(encoding="utf-8")
    severity = "warning" if code.id.startswith("W") else "error"
    assert re.search(rf"```console\n.*: {severity}\[{code.id} {code.word}\]: ", section, re.S), \
        "the section's example does not report its code"


def test_the_catalogue_lists_nothing_the_engine_does_not_have():
    known = {f"{c.id} {c.word}" for c in Code}
    assert set(_sections()) == known
    assert examples(CATALOGUE)  # and test_docs runs them


def test_text_output_shows_the_name_beside_the_code():
    from engine.diagnostics import Span

    span = Span("a.rules", 2, 1, 2, 4)
    shown = render_text([error(Code.UNKNOWN_NAME, "there is no tool `sey`", span),
                         warning(Code.DEAD_RULE, "this rule never applies", span)], {"a.rules": "x\nsey\n"})
    assert "a.rules:2:1: error[E101 unknown-name]: there is no tool `sey`" in shown
    assert "a.rules:2:1: warning[W202 dead-rule]: this rule never applies" in shown
