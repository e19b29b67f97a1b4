"""Rules as boxes in a model's parameter space: the shared geometry of checks and compile."""

from __future__ import annotations

from collections.abc import Sequence

from engine.domain import Domain
from engine.model import Model, NotTaken, PricedRule

FINITE_LIMIT = 4096


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
    """The parameters the model's rules depend on: (finite ones, unbounded or large ones), in tool order.

    Only parameters the model takes: a rule that conditions on one it does not take
    (`x none`) never applies, so no request is looked up by it.
    """
    conditioned = {p for r in rules for p in r.box}
    finite, ranged = [], []
    for param in model.offers:
        if param not in conditioned:
            continue
        offer = offered(model, param)
        if offer is None:
            continue
        (finite if offer.is_finite(FINITE_LIMIT) else ranged).append(param)
    return tuple(finite), tuple(ranged)


Box = dict[str, Domain]


def source(box: Box) -> str:
    """The box as conditions in the card's syntax: `audio yes res 720 dur 4 | 6`."""
    return " ".join(f"{p} {d.source()}" for p, d in box.items())
