"""Gaps: combinations a model offers that no rule prices (an explicit reject counts as a price).

Reported as the few disjoint boxes the sweep leaves uncovered, each with the
line to add in the card's own syntax.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from engine.checks.findings import ModelFindings, cell_source, cell_words, subject, titled, units
from engine.diagnostics import Code, Diagnostic, error
from engine.model import Card
from engine.plans import PLAN


def gap_diagnostics(card: Card, found: Sequence[ModelFindings]) -> Iterator[Diagnostic]:
    joined: dict[tuple, list[ModelFindings]] = {}
    lines: dict[tuple, str] = {}
    planless: set[tuple] = set()  # gaps that hold a request naming no plan
    for f in found:
        if not f.rules:
            joined.setdefault((f.model.span, None), []).append(f)
            continue
        unit = units(card, f.model.tool)
        for gap in f.gaps:
            words = cell_words(f.analysis.dims, gap, f.analysis.offer, unit)
            key = (f.model.span, words)
            joined.setdefault(key, []).append(f)
            lines[key] = cell_source(f.analysis.dims, gap, f.analysis.offer)
            if any(p == PLAN and d.has_unset for p, d in zip(f.analysis.dims, gap)):
                planless.add(key)
    for (span, words), group in joined.items():
        models = [f.model for f in group]
        line = " ".join(filter(None, [subject(card, models), lines.get((span, words))]))
        if words is None:
            yield error(Code.GAP, f"{titled(models)} has no price at all", span,
                        hint=f"add a line such as `{line} -> ...`")
        elif words == "every combination":
            yield error(Code.GAP, f"{titled(models)} has no price: none of its rules applies", span,
                        hint=f"add a line such as `{line} -> ...`")
        else:
            note = "; `plan unset` is a request that names no plan" if (span, words) in planless else ""
            yield error(Code.GAP, f"{titled(models)} has no price for {words}", span,
                        hint=f"add `{line} -> ...`{note}")
