"""Checks over a resolved card: each a pure function Card -> Iterable[Diagnostic].

Adding a check is adding a function to CHECKS.
"""

from __future__ import annotations

from engine.checks.coverage import check_coverage
from engine.checks.empty import check_not_empty
from engine.checks.formulas import check_formulas
from engine.diagnostics import Diagnostic
from engine.model import Card

CHECKS = (
    check_not_empty,
    check_formulas,
    check_coverage,
)


def run_checks(card: Card) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for check in CHECKS:
        found.extend(check(card))
    return found


__all__ = ["CHECKS", "run_checks"]


