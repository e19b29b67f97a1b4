"""What a card's text reports when it is loaded, for the tests of each construct."""

from __future__ import annotations

import textwrap

import pytest

import engine
from engine.diagnostics import Diagnostic


def diagnostics(text: str, name: str = "c.rules") -> list[Diagnostic]:
    """Every diagnostic of a text that does not load; [] for one that loads."""
    try:
        engine.loads(text, name)
    except engine.RateCardError as exc:
        return list(exc.diagnostics)
    return []


def errors(text: str) -> list[Diagnostic]:
    """The errors of a card text (dedented) that must not load; the test fails if it loads."""
    with pytest.raises(engine.RateCardError) as caught:
        engine.loads(textwrap.dedent(text))
    return [d for d in caught.value.diagnostics if d.severity.value == "error"]
