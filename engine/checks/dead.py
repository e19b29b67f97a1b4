"""Dead rules: rules that never price anything.

Either the rule asks for something the model does not offer (`dur 6` on a
model that offers 4, 8 or 12), or every combination it covers is priced
first by rules declared before it (the interpreter takes the first). A rule
only partly outside the model's offer is not dead: the part outside is
refused before any rule is looked at, so it does no harm, and a rule written
for a group may rightly cover more than one tool's version of a model offers.

Warnings: a dead rule changes no price. One report per line: a rule that one
earlier rule covers entirely, at the same price, gets that pair's `redundant`
warning (a duplicate); a rule that takes several agreeing rules to cover gets
this warning, naming them all, instead of a `redundant` one per pair; a rule
covered by a rule that disagrees gets the overlap error only (fix that first).
"""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from collections.abc import Iterator, Sequence

from engine.boxes import offered
from engine.checks.findings import ModelFindings, units
from engine.diagnostics import Code, Diagnostic, Related, warning
from engine.model import Card, Model, PricedRule
from engine.names import listing
from engine.plans import PLAN


def dead_diagnostics(card: Card, found: Sequence[ModelFindings]) -> Iterator[Diagnostic]:
    joined: dict[object, list[tuple[ModelFindings, PricedRule]]] = {}
    for f in found:
        disputed = {id(o.second) for o in f.overlaps if o.differ}
        for rule in f.dead:
            if id(rule) not in disputed and not f.duplicated(rule):  # else an overlap on its line says it
                joined.setdefault((rule.span.file, rule.span.line), []).append((f, rule))  # one per line
    if not joined:
        return
    # a rule of a group is lowered once per tool, sharing its outcome
    lowered = Counter(map(id, map(_outcome, itertools.chain.from_iterable(f.rules for f in found))))
    for dead in joined.values():
        spans = sorted({rule.span for _, rule in dead})  # a grid row's cells: from the first to the last
        span = spans[0]._replace(end_line=spans[-1].end_line, end_column=spans[-1].end_column)
        reasons: dict[str, list[str]] = {}
        related: dict[Related, None] = {}
        for f, rule in dead:
            reason, shadows = _why(card, f, rule)
            reasons.setdefault(reason, []).append(f.model.tool)
            related.update(dict.fromkeys(shadows))
        per_outcome = Counter(id(rule.outcome) for _, rule in dead)
        if len(reasons) == 1 and all(n == lowered[outcome] for outcome, n in per_outcome.items()):
            text = next(iter(reasons))
        else:
            text = "; ".join(f"for {' and '.join(tools)}, {reason}" for reason, tools in reasons.items())
        hint = "remove it, or change its conditions"
        if any(_gated(f, rule) for f, rule in dead):  # a plan that does not allow the tool
            hint += "; or, if the plan should allow the tool, add it to the plan's `allows`"
        elif not related:  # outside what the model offers: production refuses what it was written for
            hint += "; or, if the model should offer these values, add them to the model's declaration"
        yield warning(Code.DEAD_RULE, f"this rule never applies: {text}", span, related=list(related), hint=hint)


_outcome = operator.attrgetter("outcome")


def _gated(f: ModelFindings, rule: PricedRule) -> bool:
    """Does the rule name only plans that do not allow its tool?"""
    offer = offered(f.model, PLAN)
    return PLAN in rule.box and offer is not None and rule.box[PLAN].intersect(offer).is_empty


def _why(card: Card, f: ModelFindings, rule: PricedRule) -> tuple[str, list[Related]]:
    model: Model = f.model
    unit = units(card, model.tool)
    for param, domain in rule.box.items():
        offer = offered(model, param)
        if offer is None:
            return f"{model.title} takes no `{param}` for {model.tool}", []
        if param == PLAN and domain.intersect(offer).is_empty:
            return f"no plan it names allows {model.tool} (plan {domain.source()})", []
        if domain.intersect(offer).is_empty:
            return (f"{model.title} offers {param} {offer.describe(unit.get(param))}, "
                    f"not {domain.describe(unit.get(param))}"), []
    earlier = f.shadowing(rule)
    lines = listing([r.label for r in earlier])
    verb = "the rule at {} prices" if len(earlier) == 1 else "the rules at {} price"
    return (f"{verb.format(lines)} everything it covers first",
            [Related(r.span, "priced here first") for r in earlier])
