"""A card that declares no tool prices nothing: refused, rather than loaded to reject every request."""

from __future__ import annotations

from collections.abc import Iterator

from engine.diagnostics import Code, Diagnostic, Span, error
from engine.model import Card
from engine.names import listing


def check_not_empty(card: Card) -> Iterator[Diagnostic]:
    if card.tools:
        return
    files = sorted(card.sources)
    where = listing(files) if files else "the card"
    yield error(Code.GAP, f"no rules found in {where}: the card declares no tool, so it prices nothing",
                Span(files[0] if files else "<card>", 1, 1, 1, 1),
                hint="declare a tool and price it, e.g. `tool voiceover { chars >= 1 }` and `voiceover -> chars`")
