"""Price formulas: every division names its rounding and divides by a positive number;
no price is zero or negative."""

from __future__ import annotations

from collections.abc import Iterator

from engine import ast
from engine.diagnostics import Code, Diagnostic, error
from engine.formula import constant, divisions
from engine.model import Card


def check_formulas(card: Card) -> Iterator[Diagnostic]:
    seen: set[tuple] = set()  # a rule of a group is lowered once per tool; report it once
    for rule in card.rules:
        if not isinstance(rule.outcome, ast.Price):
            continue
        where = (rule.span.file, rule.span.line, rule.span.column)
        if where in seen:
            continue
        seen.add(where)
        expr = rule.outcome.expr
        for div, rounded in divisions(expr):
            divisor = constant(div.right)
            if divisor is None or divisor <= 0:
                yield error(Code.BAD_DECLARATION, "a price may only divide by a positive number",
                            div.right.span, hint="write the divisor as a number, such as `chars / 10`")
            if not rounded and rule.rounding is None:
                yield error(Code.ROUNDING, "this division does not say how it rounds", div.span,
                            hint="write ceil(...) or floor(...) around it, or put `round up` "
                                 "(or `round down`) at the top of the file")
        value = constant(expr)
        if value is not None and value <= 0:
            yield error(Code.NON_POSITIVE, f"this price is {value} credits", rule.outcome.span,
                        hint="a generation costs at least 1 credit; use `reject \"...\"` to refuse it")
