"""What a card offers, as data: the calculator's form and the OpenAPI request schemas are built from it.

Every tool with its parameters, every model with the values it offers for each
(a list when there are few, else ranges), and the plans. Nothing here is
written by hand: change the card and the form and the schema follow.
"""

from __future__ import annotations

from fractions import Fraction

from engine.compile import fill
from engine.counting import Uncounted
from engine.domain import Domain, ValueType, is_unset, show_value
from engine.model import Card, Model, NotTaken, Param

LISTED = 64  # a whole-number domain with at most this many values is listed value by value

TYPES = {ValueType.INT: "integer", ValueType.BOOL: "boolean", ValueType.TEXT: "string"}


def domain_object(domain: Domain) -> dict:
    """{"type": ..., "values": [...]} or, for many whole numbers, {"type": "integer", "ranges": [[lo, hi|null]]}."""
    out: dict = {"type": TYPES[domain.type]}
    if domain.type is not ValueType.INT or (domain.step == 1 and domain.is_finite(LISTED)):
        out["values"] = list(domain)
    else:
        out["ranges"] = [[_number(iv.lo), _number(iv.hi)] for iv in domain.intervals]
    return out


def _number(value: object) -> object:
    """A measured amount that is not whole as its exact decimal text ("0.5"), never a float."""
    return show_value(value) if type(value) is Fraction else value


def offer_object(param: Param, offer: Domain | NotTaken, model: Model | None = None) -> dict:
    """One parameter as a model offers it. `unset` true: a request may leave it out and is priced so
    (it is not among the values); `default`: what leaving it out gives, the model's own default first."""
    out: dict = {"name": param.name}
    if isinstance(offer, NotTaken):
        out.update(type=TYPES[param.domain.type], taken=False, reason=offer.reason)
        return out
    out.update(domain_object(offer.without_unset()))
    out.update(taken=True, unit=param.unit, priced=not param.unpriced, counted_from=param.counted_from,
               not_counting=[u.value for u in Uncounted if u in param.not_counting])
    if param.measure is not None:  # any amount of 0 or more, billed per step: a number, ranges only
        out["type"] = "number"
        out["measure"] = {"step": _number(param.measure.step), "minimum": _number(param.measure.minimum)}
    if model is not None:
        filled = fill(param, offer, model)
    else:
        filled = param.default if param.default is not None and param.default in offer else offer.single()
    default = None if filled is None or is_unset(filled) else filled
    out["default"] = _number(default)
    out["unset"] = offer.has_unset
    out["required"] = default is None and not offer.has_unset and not param.unpriced and param.counted_from is None
    return out


def model_object(card: Card, model: Model) -> dict:
    tool = card.tools[model.tool]
    return {"name": model.name, "aliases": list(model.aliases),
            "params": [offer_object(p, model.offers.get(p.name, p.domain), model) for p in tool.params]}


def catalog(card: Card) -> dict:
    tools = []
    for name, tool in card.tools.items():
        models = card.models_of(name)
        tools.append({"name": name, "has_models": any(m.name is not None for m in models),
                      "models": [model_object(card, m) for m in models]})
    return {"tools": tools, "plans": {name: sorted(plan.tools) for name, plan in card.plans.items()}}
