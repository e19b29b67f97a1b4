"""A straight road for the requests services send: tables from raw values to the card's values.

For each model, each parameter gets a table from the raw forms a request
carries (`1080`, `1080.0`, `"1080"`, `"1080p"`, `True`, `"yes"`, ...), keyed by
type and value, to the value the rules use. Every form in a table was read by
engine.values.coerce when the table was built, so the table agrees with it by
construction. A request that is anything but plainly valid (an unknown key, a
value in another form, a plan, a missing parameter) gets None, and the caller
asks the reference interpreter, which words the rejection. So this path only
ever answers as the reference does, just sooner.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.compile import Index, ModelIndex
from engine.domain import Domain, ValueType
from engine.interpreter import outcome
from engine.model import NotTaken, Param
from engine.results import MAX_REQUEST_NUMBER, Quote, Rejection
from engine.values import Invalid, coerce

_ABSENT = object()
_TABLE_LIMIT = 256  # finite offers up to this size get a table; larger ones are checked by range

Reader = tuple  # (name, param, table | None, offer | None, fill, counted_from, not_taken, unpriced)


def make_direct(index: Index) -> Callable[[dict], Quote | Rejection | None]:
    """request -> its result, or None for 'ask the reference'.

    The request is a dict whose keys are plain strs (engine.fastpath checks); its values
    may be anything hashable: each is looked up keyed by its exact type first, so no
    value's own `==` is ever asked (a Decimal or a numpy scalar equal to 2 is not 2).
    """
    tools = {}
    for name, tool in index.tools.items():
        models = {}
        for model_name, model in tool.models.items():
            models[model_name] = (model, tuple(_reader(s.param, s.offer, s.fill) for s in model.slots))
        tools[name] = (tool.accepts, tool.has_models, models)

    def direct(request: dict) -> Quote | Rejection | None:
        tool = request.get("tool")
        if type(tool) is not str:
            return None
        found = tools.get(tool)
        if found is None:
            return None
        accepts, has_models, models = found
        if "plan" in request or not accepts.issuperset(request):
            return None
        if has_models:
            name = request.get("model")
            found = models.get(name) if type(name) is str else None
        else:
            found = models.get(None)
        if found is None:
            return None
        model, readers = found
        values = {}
        for name, param, table, offer, fill, counted_from, not_taken, unpriced in readers:
            raw = request.get(name, _ABSENT)
            if counted_from is not None and counted_from in request:
                text = request[counted_from]
                if raw is not _ABSENT or type(text) is not str:
                    return None
                raw = len(text)
            if raw is _ABSENT:
                if not_taken or (fill is None and unpriced):
                    continue
                if fill is None:
                    return None
                values[name] = fill
            elif not_taken:
                return None
            elif table is not None:
                value = table.get((type(raw), raw), _ABSENT)
                if value is _ABSENT:
                    return None
                values[name] = value
            elif type(raw) is int and raw >= 0 and _within(raw, offer):
                values[name] = raw
            else:
                value = _read(param, raw)
                if type(value) is not int or value < 0 or not _within(value, offer):
                    return None
                values[name] = value
        return _priced(model, values)

    return direct


def _priced(model: ModelIndex, values: dict) -> Quote | Rejection | None:
    try:
        entries = model.table.get(tuple([values[k] for k in model.keys]))
        if entries and not model.ranged:  # no ranges to check: the first entry is the one
            return outcome(model, entries[0], values)
        if entries:
            for entry in entries:
                if all(values[p] in d for p, d in zip(model.ranged, entry.ranges)):
                    return outcome(model, entry, values)
    except Exception:  # whatever went wrong, the reference will say it properly
        return None
    return None


def _within(value: int, intervals: tuple) -> bool:
    """Domain.__contains__ for whole numbers, on (lo, hi) pairs (ends within the request bound)."""
    for lo, hi in intervals:
        if lo <= value <= hi:
            return True
    return False


def _read(param: Param, raw: object) -> object:
    try:
        return coerce(param, raw)
    except Invalid:
        return _ABSENT


def _reader(param: Param, offer: Domain | NotTaken, fill: object) -> Reader:
    if isinstance(offer, NotTaken):
        return (param.name, param, None, None, None, param.counted_from, True, param.unpriced)
    small = offer.type is not ValueType.INT or offer.is_finite(_TABLE_LIMIT)
    table = _table(param, offer) if small else None
    if table is None:
        # only whole numbers have offers this large; a request's numbers stop at MAX_REQUEST_NUMBER
        offer = tuple((iv.lo, MAX_REQUEST_NUMBER if iv.hi is None else min(iv.hi, MAX_REQUEST_NUMBER))
                      for iv in offer.intervals)
    return (param.name, param, table, offer, fill, param.counted_from, False, param.unpriced)


def _table(param: Param, offer: Domain) -> dict:
    """(type, raw) -> value, for every common raw form of every value on offer, as coerce reads it."""
    table = {}
    for value in offer:
        for raw in _forms(param, value):
            try:
                read = coerce(param, raw)
            except Invalid:
                continue
            if type(read) is type(value) and read == value:
                table[(type(raw), raw)] = value
    return table


def _forms(param: Param, value: object) -> list:
    if param.domain.type is ValueType.BOOL:
        words = ("yes", "true") if value else ("no", "false")
        return [value] + [w for word in words for w in (word, word.capitalize(), word.upper())]
    if param.domain.type is ValueType.INT:
        forms = [value, float(value), str(value)]
        if param.unit:
            forms += [f"{value}{param.unit}", f"{value} {param.unit}", f"{value}{param.unit.upper()}"]
        return forms
    return [value]
