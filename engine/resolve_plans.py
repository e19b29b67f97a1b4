"""A plan's block -> its billing period and credit tiers, with a diagnostic for each mistake in it.

The tools a plan allows are resolved with the other names, in engine.resolve.
"""

from __future__ import annotations

import re

from engine import ast
from engine.diagnostics import Code, Diagnostic, Related, error
from engine.plans import Period, Tier
from engine.results import MAX_CREDITS

_CURRENCY = re.compile(r"[A-Z]{3}")  # an ISO 4217 code: USD, EUR, GBP


def period_of(decl: ast.PlanDecl, diagnostics: list[Diagnostic]) -> Period:
    """The plan's billing period: as its first `billed` line says, monthly when it has none."""
    if not decl.billing:
        return Period.MONTHLY
    first = decl.billing[0]
    for again in decl.billing[1:]:
        hint = ("keep one `billed` line" if again.period is first.period else
                "a plan is billed one way; declare the other as a plan of its own")
        diagnostics.append(error(Code.DUPLICATE, f'the billing period of plan "{decl.name}" is declared twice',
                                 again.span, related=[Related(first.span, "first declared here")], hint=hint))
    return first.period


def tiers_of(decl: ast.PlanDecl, diagnostics: list[Diagnostic]) -> tuple[Tier, ...]:
    """The plan's tiers, ascending; a tier that is not a positive number of credits is left out."""
    tiers: dict[int, Tier] = {}
    seen: dict[int, ast.TierDecl] = {}
    largest: ast.TierDecl | None = None
    currency: ast.TierDecl | None = None  # the first priced tier, whose currency the others must share
    for t in decl.tiers:
        if t.credits <= 0:
            diagnostics.append(error(Code.BAD_DECLARATION, f"a tier grants at least 1 credit a month, not {t.credits}",
                                     t.span, hint="remove it, or give the monthly allowance it is sold in"))
            continue
        if t.credits > MAX_CREDITS:
            diagnostics.append(error(Code.BAD_DECLARATION, f"a tier of {t.credits} credits is more than an account "
                                     f"can hold ({MAX_CREDITS})", t.span))
            continue
        if t.credits in seen:
            diagnostics.append(error(
                Code.DUPLICATE, f'the tier of {t.credits} credits of plan "{decl.name}" is declared twice', t.span,
                related=[Related(seen[t.credits].span, "first declared here")], hint="remove one of the two"))
            continue
        seen[t.credits] = t
        if largest is not None and t.credits < largest.credits:
            order = " | ".join(str(c) for c in sorted(seen))
            diagnostics.append(error(
                Code.BAD_DECLARATION, f"tiers go from the smallest allowance to the largest: {t.credits} comes "
                f"after {largest.credits}", t.span, related=[Related(largest.span, f"{largest.credits} is here")],
                hint=f"list them in order: credits {order}"))
        elif largest is None or t.credits > largest.credits:
            largest = t
        price, code = _price(t, diagnostics)
        if price is not None and currency is not None and code != currency.currency:
            diagnostics.append(error(
                Code.BAD_DECLARATION, f'plan "{decl.name}" is priced in {currency.currency} and in {code}',
                t.price_span, related=[Related(currency.price_span, f"priced in {currency.currency} here")],
                hint="price every tier of a plan in one currency, so an upgrade can be charged pro rata"))
            price = code = None
        if price is not None and currency is None:
            currency = t
        tiers[t.credits] = Tier(credits=t.credits, price=price, currency=code, span=t.span)
    return tuple(tiers[c] for c in sorted(tiers))


def _price(t: ast.TierDecl, diagnostics: list[Diagnostic]):
    """The tier's (price, currency), or (None, None) when it has none or it is written wrong (reported)."""
    if t.price is None:
        return None, None
    if t.currency is None:
        diagnostics.append(error(Code.BAD_DECLARATION, f"the price {t.price} has no currency", t.price_span,
                                 hint=f"write the currency's code after it: `price {t.price} USD`"))
        return None, None
    if not _CURRENCY.fullmatch(t.currency):
        upper = t.currency.upper()
        hint = (f"write `{upper}`" if _CURRENCY.fullmatch(upper) else
                "write a three-letter ISO 4217 code in capitals, such as USD or EUR")
        diagnostics.append(error(Code.BAD_DECLARATION, f"`{t.currency}` is not a currency code", t.price_span,
                                 hint=hint))
        return None, None
    return t.price, t.currency
