"""A request -> Quote | Rejection, by a few lookups in the compiled index. Never raises."""

from __future__ import annotations

from collections.abc import Mapping

from engine.domain import UNSET, show_value
from engine.index import Entry, Index, ModelIndex, Slot, ToolIndex
from engine.params import NotTaken
from engine.names import did_you_mean, listing, nearest
from engine.plans import PLAN
from engine.results import MAX_CREDITS, Code, Quote, Rejection
from engine.values import Invalid, coerce, show

_MISSING = object()


def count(text: str, uncounted: object) -> int:
    """engine.counting.count, imported by the first card whose counts leave something out."""
    from engine.counting import count as counted

    return counted(text, uncounted)  # type: ignore[arg-type]


def quote(index: Index, request: object) -> Quote | Rejection:
    """Read the request, then price what was read. Never raises.

    Reading touches the caller's objects (a mapping, its keys, its values), and those
    may fail in any way of their own: that, and only that, is a request that could not
    be read. Pricing works on what reading produced, plain ints, bools and strs, with
    the card's own rules; see `price`.
    """
    try:
        read = _read(index, request)
    except Exception as exc:  # the request's own objects failed: a mapping whose methods raise, ...
        return Rejection(Code.INVALID_REQUEST, f"this request could not be read ({type(exc).__name__})")
    if type(read) is Rejection:
        return read
    model, values = read
    return price(model, values)


def _read(index: Index, request: object) -> tuple[ModelIndex, dict] | Rejection:
    if not isinstance(request, Mapping):
        return Rejection(Code.INVALID_REQUEST, f"a request is a mapping (a JSON object), not {show(request)}")
    tool, rejection = _tool(index, request)
    if rejection is not None:
        return rejection
    for key in request:
        if key not in tool.accepts:
            return unknown_param(tool, key)
    model, rejection = _model(tool, request)
    if rejection is not None:
        return rejection
    values, rejection = _values(model, request)
    if rejection is not None:
        return rejection
    rejection = plan_rejection(index, tool, request)
    if rejection is not None:
        return rejection
    if model.plan is not None:  # a price that depends on the plan: one the gate let through, or none
        values[PLAN] = request.get(PLAN, UNSET)
    return model, values


def price(model: ModelIndex, values: Mapping[str, object]) -> Quote | Rejection:
    """The price of values already read for `model`. Never raises.

    For a card that `check` passes this cannot fail (every value a rule or formula
    uses is there, every divisor is a positive constant); should it fail anyway, the
    answer says the card could not price the request, never that the request was
    unreadable.
    """
    entry = None
    try:
        entry = find(model, values)
        if entry is None:
            return no_price(model, values)
        return outcome(model, entry, values)
    except Exception as exc:  # a fault in the card (or the engine), not in the request
        rule = f" (rule {entry.label})" if entry is not None else ""
        return Rejection(Code.UNSUPPORTED, f"the rate card cannot price this request for {model.title}"
                         f"{rule}: {type(exc).__name__}")


def find(model: ModelIndex, values: Mapping[str, object]) -> Entry | None:
    entries = model.table.get(tuple(values[k] for k in model.keys))
    if not entries:
        return None
    for entry in entries:
        if all(values[p] in d for p, d in zip(model.ranged, entry.ranges)):
            return entry
    return None


def outcome(model: ModelIndex, entry: Entry, values: Mapping[str, object]) -> Quote | Rejection:
    if entry.quote is not None:
        return entry.quote
    if entry.reason is not None:
        reason = entry.reason or f"{model.title} does not offer this combination"
        return Rejection(Code.REJECTED, reason)
    credits = int(entry.formula(values))  # in minor units: credits, or the amount's smallest part
    if credits > MAX_CREDITS or credits < -MAX_CREDITS:
        return _beyond(model, credits, entry)
    money = entry.money
    if money is not None:  # an amount the card prices in, counted in its smallest part
        return Quote(credits, entry.label, amount=money.amount(credits), unit=money.unit)
    return Quote(credits=credits, rule=entry.label)


def _beyond(model: ModelIndex, credits: int, entry: Entry | None = None) -> Rejection:
    """A price past what a quote may carry: credits are stored as signed 64-bit integers."""
    money = entry.money if entry is not None else None
    if money is not None:  # an amount is kept to its places in 64 bits too
        most = money.amount(MAX_CREDITS)
        if credits > 0:
            return Rejection(Code.UNSUPPORTED, f"this request would cost more than {most} {money.unit}, "
                             "the most one quote may be")
        return Rejection(Code.UNSUPPORTED, f"this request would cost less than -{most} {money.unit}, "
                         f"outside what a quote for {model.title} may be")
    if credits > 0:
        return Rejection(Code.UNSUPPORTED, f"this request would cost more than {MAX_CREDITS} credits, "
                         "the most one quote may be")
    return Rejection(Code.UNSUPPORTED, f"this request would cost less than -{MAX_CREDITS} credits, "
                     f"outside what a quote for {model.title} may be")


_NO_TOOLS = "(this card has none)"  # engine.load refuses such a card; an Index can still be built by hand


def _tool(index: Index, request: Mapping):
    name = request.get("tool", _MISSING)
    tools = list(index.tools)
    if name is _MISSING:
        return None, Rejection(Code.MISSING_PARAM, f"say which tool: {listing(tools, last='or') or _NO_TOOLS}", "tool")
    if not isinstance(name, str):
        such = f" such as {tools[0]}" if tools else ""
        return None, Rejection(Code.INVALID_PARAM, f"`tool` is a name{such}, not {show(name)}", "tool")
    tool = index.tools.get(name)
    if tool is None:
        near = nearest(name, tools)
        hint = f"; did you mean {near}?" if near else f"; the tools are {listing(sorted(tools)) or _NO_TOOLS}"
        return None, Rejection(Code.UNKNOWN_TOOL, f"there is no tool {show(name)}{hint}", "tool")
    return tool, None


def unknown_param(tool: ToolIndex, key: object) -> Rejection:
    accepted = sorted(k for k in tool.accepts if k != "tool")
    text = key if isinstance(key, str) else show(key)
    hint = did_you_mean(text, accepted, "`") if isinstance(key, str) else ""
    takes = f" It takes {listing(accepted, '`')}." if accepted else " It takes no parameters."
    return Rejection(Code.UNKNOWN_PARAM, f"{tool.name} does not take `{text}`{hint or '.'}{takes}",
                     text if isinstance(key, str) else None)


def _model(tool: ToolIndex, request: Mapping):
    if not tool.has_models:
        return tool.models[None], None
    name = request.get("model", _MISSING)
    names = tool.canonical
    if name is _MISSING:
        return None, Rejection(Code.MISSING_PARAM, f"say which model of {tool.name}: {listing(names, chr(34), last='or')}",
                               "model")
    if not isinstance(name, str):
        return None, Rejection(Code.INVALID_PARAM, f"`model` is a name such as \"{names[0]}\", not {show(name)}",
                               "model")
    model = tool.models.get(name)
    if model is None:
        near = nearest(name, tool.models)
        hint = f'; did you mean "{tool.models[near].name}"?' if near else f" (models: {listing(names, chr(34))})"
        return None, Rejection(Code.UNKNOWN_MODEL, f"{tool.name} has no model {show(name)}{hint}", "model")
    return model, None


def _values(model: ModelIndex, request: Mapping):
    """The request's values for the model's parameters: those given first, then those left out."""
    values: dict[str, object] = {}
    for slot in model.slots:
        param = slot.param
        raw = request.get(param.name, _MISSING)
        source = param.counted_from
        if source is not None and source in request:
            if raw is not _MISSING:
                return None, Rejection(Code.INVALID_PARAM, f"give `{param.name}` or `{source}`, not both",
                                       param.name)
            text = request[source]
            if not isinstance(text, str):
                return None, Rejection(Code.INVALID_PARAM, f"`{source}` is a text, not {show(text)}", source)
            raw = count(text, param.not_counting) if param.not_counting else len(text)
        if raw is _MISSING:
            continue
        if isinstance(slot.offer, NotTaken):
            return None, not_taken(model, slot)
        try:
            value = coerce(param, raw)
        except Invalid as exc:
            return None, Rejection(Code.INVALID_PARAM, str(exc), param.name)
        if value not in slot.offer:
            return None, Rejection(Code.UNSUPPORTED, offers(model, slot) + show_value(value), param.name)
        values[param.name] = value
    for slot in model.slots:
        param = slot.param
        if param.name in values or isinstance(slot.offer, NotTaken):
            continue
        if slot.fill is not None:
            values[param.name] = slot.fill
        elif not param.unpriced:
            return None, missing(model, slot)
    return values, None


# The parts of rejections that depend only on the card, shared with engine.direct (which keeps them).
def not_taken(model: ModelIndex, slot: Slot) -> Rejection:
    reason = f": {slot.offer.reason}" if slot.offer.reason else ""
    return Rejection(Code.UNSUPPORTED, f"{model.title} takes no `{slot.param.name}` for {model.tool}{reason}",
                     slot.param.name)


def offers(model: ModelIndex, slot: Slot) -> str:
    """The message for a value not on offer, up to the value itself."""
    return f"{model.title} offers {slot.param.name} {slot.offer.describe(slot.param.unit)}; got "


def missing(model: ModelIndex, slot: Slot) -> Rejection:
    return Rejection(Code.MISSING_PARAM, f"say `{slot.param.name}`: {model.title} offers "
                     f"{slot.offer.describe(slot.param.unit)}", slot.param.name)


def no_price(model: ModelIndex, values: Mapping[str, object]) -> Rejection:
    combo = ", ".join(f"{k} {show_value(values[k])}" for k in model.keys + model.ranged)
    return Rejection(Code.UNSUPPORTED, f"{model.title} has no price for {combo}")


def plan_rejection(index: Index, tool: ToolIndex, request: Mapping) -> Rejection | None:
    plan = request.get("plan", _MISSING)
    if plan is _MISSING or not index.plans:
        return None
    if not isinstance(plan, str) or plan not in index.plans:
        plans = list(index.plans)
        near = did_you_mean(plan, plans, '"') if isinstance(plan, str) else ""
        return Rejection(Code.INVALID_PARAM, f"there is no plan {show(plan)}{near} (plans: {listing(plans, chr(34))})",
                         "plan")
    if tool.name not in index.plans[plan]:
        allowed = sorted(index.plans[plan])
        return Rejection(Code.REJECTED, f"the {plan} plan's credits cover {listing(allowed)} only, not "
                         f"{tool.name}; upgrade the plan to use it", "plan")
    return None
