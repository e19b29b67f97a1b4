"""What a card's text reports when it is loaded, for the tests of each construct."""

from __future__ import annotations

import engine
from engine.diagnostics import Diagnostic


def diagnostics(text: str, name: str = "c.rules") -> list[Diagnostic]:
    """Every diagnostic of a text that does not load; [] for one that loads."""
    try:
        engine.loads(text, name)
    except engine.RateCardError as exc:
        return list(exc.diagnostics)
    return []
