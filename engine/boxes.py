"""Rules as boxes in a model's parameter space: the shared geometry of checks and compile."""

from __future__ import annotations

from collections.abc import Sequence

from engine.domain import Domain
from engine.model import Card, Model, NotTaken, PricedRule

FINITE_LIMIT = 4096


def rules_by_model(card: Card) -> dict[tuple[str, str | None], list[PricedRule]]:
    """Every model's rules in declaration order, gathered in one pass over the card."""
    out: dict[tuple[str, str | None], list[PricedRule]] = {}
    for rule in card.rules:
        out.setdefault((rule.tool, rule.model), []).append(rule)
    return out


def offered(model: Model, param: str) -> Domain | None:
    domain = model.offers.get(param)
    return None if isinstance(domain, NotTaken) else domain


def effective_box(rule: PricedRule, model: Model) -> dict[str, Domain]:
    """The rule's conditions cut down to what the model offers (possibly empty)."""
    box = {}
    for param, domain in rule.box.items():
        offer = offered(model, param)
        box[param] = domain.intersect(offer) if offer is not None else Domain.empty(domain.type)
    return box


def dimensions(rules: Sequence[PricedRule], model: Model) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parameters the model's rules depend on: (finite ones, unbounded or large ones), in tool order."""
    conditioned = {p for r in rules for p in r.box}
    finite, ranged = [], []
    for param in model.offers:
        if param not in conditioned:
            continue
        offer = offered(model, param)
        (finite if offer is not None and offer.is_finite(FINITE_LIMIT) else ranged).append(param)
    return tuple(finite), tuple(ranged)


def full_domain(model: Model, param: str) -> Domain | None:
    return offered(model, param)


Box = dict[str, Domain]


def intersect(a: Box, b: Box) -> Box | None:
    """The common part of two boxes over the same parameters; None when they do not meet."""
    out = {}
    for param, domain in a.items():
        common = domain.intersect(b[param]) if param in b else domain
        if common.is_empty:
            return None
        out[param] = common
    for param, domain in b.items():
        if param not in a:
            out[param] = domain
    return out


def subtract(region: Box, cut: Box) -> list[Box]:
    """region minus cut, as disjoint boxes (at most one per parameter)."""
    if intersect(region, cut) is None:
        return [region]
    pieces = []
    rest = dict(region)
    for param, domain in region.items():
        if param not in cut:
            continue
        outside = domain.subtract(cut[param])
        if not outside.is_empty:
            pieces.append({**rest, param: outside})
        rest[param] = domain.intersect(cut[param])
    return pieces


def describe(box: Box, units: dict[str, str | None] | None = None) -> str:
    """`audio yes, res 720, dur 4 or 6` (parameters in the box's order)."""
    units = units or {}
    return ", ".join(f"{p} {d.describe(units.get(p))}" for p, d in box.items())


def source(box: Box) -> str:
    """The box as conditions in the card's syntax: `audio yes res 720 dur 4 | 6`."""
    return " ".join(f"{p} {d.source()}" for p, d in box.items())
