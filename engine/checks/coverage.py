"""Does every combination a model offers have exactly one price?

One sweep per model (engine.sweep) finds overlaps, gaps and dead rules at once;
each family is put into words by its own module.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.checks.dead import dead_diagnostics
from engine.checks.findings import find
from engine.checks.gaps import gap_diagnostics
from engine.checks.overlap import overlap_diagnostics
from engine.diagnostics import Diagnostic
from engine.model import Card


def check_coverage(card: Card) -> Iterator[Diagnostic]:
    found = find(card)
    yield from overlap_diagnostics(card, found)
    yield from gap_diagnostics(card, found)
    yield from dead_diagnostics(card, found)
