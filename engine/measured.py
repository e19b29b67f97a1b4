"""Measured parameters and the unit of account, as declared: the resolver's half of both.

    tool text-to-video {
        dur  > 0  unit "s"  billed per 1  minimum 5
    }
    prices in USD to 6 places

A measured parameter takes decimal amounts (seconds, megapixels). `billed per
STEP` rounds a request's amount up to a whole number of steps (20.4 s billed
per 1 is 21 s; per 0.5 it is 20.5 s), and `minimum M` bills at least M. The
values its domains and conditions speak of are the amounts so billed: the
multiples of the step (engine.domain), so the checks, the compiled index and
the price sheet work on them as on whole numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from engine import ast
from engine.diagnostics import Code, Diagnostic, Related, error
from engine.domain import Domain, Interval, ValueType
from engine.model import Measure
from engine.money import CREDITS, MAX_PLACES, Money, decimal_text, exact


def measure_of(p: ast.ParamDecl, diagnostics: list[Diagnostic]) -> Measure | None:
    """The parameter's Measure when it says `billed per`; None, with a diagnostic when it says
    `minimum` alone or gives a step or minimum that cannot be billed."""
    if p.step is None and p.minimum is None:
        return None
    name = p.name.text
    if p.step is None:
        diagnostics.append(error(Code.BAD_DECLARATION, f"`minimum` needs `billed per`: say how `{name}` is rounded",
                                 p.span, hint=f"for example `billed per 1  minimum {decimal_text(p.minimum)}`"))
        return None
    step = exact(p.step)
    if step <= 0:
        diagnostics.append(error(Code.BAD_DECLARATION, f"`{name}` cannot be billed per {decimal_text(step)}",
                                 p.span, hint="the step is a positive amount, such as `billed per 1` or "
                                 "`billed per 0.5`"))
        return None
    minimum = None if p.minimum is None else exact(p.minimum)
    if minimum is not None and (Fraction(minimum) / step).denominator != 1:
        lower = exact(math.floor(Fraction(minimum) / step) * Fraction(step))
        diagnostics.append(error(Code.BAD_DECLARATION, f"the minimum {decimal_text(minimum)} of `{name}` is not a "
                                 f"whole number of its steps of {decimal_text(step)}", p.span,
                                 hint=f"write `minimum {decimal_text(lower + step)}` or `minimum "
                                 f"{decimal_text(max(lower, step))}`"))
        return Measure(step=step)  # still measured: its conditions are read in its steps, without more errors
    return Measure(step=step, minimum=minimum if minimum else None)


def stepped_domain(node: ast.Domain, measure: Measure, diagnostics: list[Diagnostic]) -> Domain | None:
    """The amounts a measured parameter's domain holds: the multiples of its step within each
    value, range and bound. A single value that is not a multiple (`2.3` billed per 0.5) is never
    billed: an error, not an empty condition."""
    step = Fraction(measure.step)
    intervals = []
    ok = True
    for item in node.items:
        if isinstance(item, ast.Literal):
            value = Fraction(item.value)
            if (value / step).denominator != 1:
                diagnostics.append(error(
                    Code.OUT_OF_DOMAIN, f"{decimal_text(value)} is never billed: amounts are billed in steps of "
                    f"{decimal_text(step)}", item.span,
                    hint=f"write {decimal_text(math.floor(value / step) * step)} or "
                    f"{decimal_text(math.ceil(value / step) * step)}, or a range"))
                ok = False
                continue
            intervals.append(Interval(exact(value), exact(value)))
        elif isinstance(item, ast.Range):
            if item.hi < item.lo:
                diagnostics.append(error(Code.BAD_DECLARATION, f"the range {decimal_text(item.lo)}.."
                                         f"{decimal_text(item.hi)} is empty", item.span,
                                         hint=f"write {decimal_text(item.hi)}..{decimal_text(item.lo)}"))
            intervals.append(Interval(exact(item.lo), exact(item.hi)))
        else:
            limit = Fraction(item.limit)
            if item.cmp is ast.Cmp.GE:
                intervals.append(Interval(exact(limit), None))
            elif item.cmp is ast.Cmp.GT:  # the first multiple past it
                intervals.append(Interval(exact((math.floor(limit / step) + 1) * step), None))
            elif item.cmp is ast.Cmp.LE:
                intervals.append(Interval(0, exact(limit)))
            else:  # the last multiple before it
                intervals.append(Interval(0, exact((math.ceil(limit / step) - 1) * step)))
    if not ok:
        return None
    return Domain(ValueType.INT, intervals=tuple(intervals)).stepped(measure.step)  # merged once stepped


def money_of(decls: Sequence[ast.PricesDecl], diagnostics: list[Diagnostic]) -> Money:
    """The card's unit of account: whole credits unless one `prices in` line says otherwise."""
    if not decls:
        return CREDITS
    for extra in decls[1:]:
        diagnostics.append(error(Code.DUPLICATE, "the card says what it prices in twice", extra.span,
                                 related=[Related(decls[0].span, "first said here")],
                                 hint="keep one `prices in` line, in any one file of the card"))
    decl = decls[0]
    if decl.unit is None:
        if decl.places is not None:
            diagnostics.append(error(Code.BAD_DECLARATION, "credits are whole: they have no decimal places",
                                     decl.span, hint="write `prices in credits`, or price in an amount such as "
                                     "`prices in USD to 6 places`"))
        return CREDITS
    if decl.places is None:
        diagnostics.append(error(Code.BAD_DECLARATION, f"say to how many decimal places prices in {decl.unit} are "
                                 "kept", decl.span, hint=f"for example `prices in {decl.unit} to 2 places`"))
        return CREDITS
    if decl.places > MAX_PLACES:
        diagnostics.append(error(Code.BAD_DECLARATION, f"{decl.places} decimal places are more than a price keeps",
                                 decl.span, hint=f"at most {MAX_PLACES}"))
        return CREDITS
    return Money(unit=decl.unit, places=decl.places)
