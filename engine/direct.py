"""A straight road for the requests services send: tables from raw values to the card's values.

For each model, each parameter gets a table from the raw forms a request
carries (`1080`, `1080.0`, `"1080"`, `"1080p"`, `True`, `"yes"`, ...), keyed by
type and value, to the value the rules use. Every form in a table was read by
engine.values.coerce when the table was built, so the table agrees with it by
construction.

The common rejections are answered here too, in the reference's order (tool,
unknown keys, model, each given value, each missing value, the price): their
messages come from engine.interpreter's own functions, and the parts that
depend only on the card (a typo's "did you mean", what a model offers) are
kept once computed, in bounded memories keyed by exact strs and the card's own
slots. Anything rarer (a value that is not an exact builtin, a plan, a counted
text given with its count) gets None, and the caller asks the reference
interpreter. So this path only ever answers as the reference does, just sooner.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from operator import itemgetter

from engine import interpreter
from engine.domain import UNSET, Domain, ValueType, is_unset, show_value
from engine.index import Index, ModelIndex, Slot
from engine.interpreter import outcome
from engine.params import NotTaken, Param
from engine.plans import PLAN
from engine.results import MAX_CREDITS, MAX_REQUEST_NUMBER, Code, Quote, Rejection
from engine.values import Invalid, coerce

_ABSENT = object()
_ALLOWED = object()
_TABLE_LIMIT = 256  # finite offers up to this size get a table; larger ones are checked by range
_KEPT_LIMIT = 1024  # rejections kept per kind (typos of tools, models and keys)
_PLAIN = frozenset({str, int, float, bool, type(None)})

Reader = tuple  # (name, param, table | None, offer | None, fill, counted_from, not_taken, unpriced, slot, whole)


def _same(result: Quote | Rejection) -> Quote | Rejection:
    return result


def make_direct(index: Index, stamp: Callable[[Quote | Rejection], Quote | Rejection] = _same,
                reject: Callable[..., Rejection] = Rejection,
                price: Callable[[int, str], Quote] = Quote) -> Callable[[dict], Quote | Rejection | None]:
    """request -> its result, or None for 'ask the reference'.

    Every answer goes out through `stamp` (engine.fastpath's names the card on it), once for an
    answer kept here; a new rejection is made by `reject(code, message, param)` and a new price by
    `price(credits, rule)`, already stamped.

    The request is a dict whose keys are plain strs (engine.fastpath checks); its values
    may be anything hashable: each is looked up keyed by its exact type first, so no
    value's own `==` is ever asked (a Decimal or a numpy scalar equal to 2 is not 2),
    and a value of any type but an exact builtin goes to the reference.
    """
    if not index.money.credits:  # a card that prices in an amount: its Quotes are the reference's to build
        return _ask_the_reference
    tools = {}
    for name, tool in index.tools.items():
        models = {}
        for model_name, model in tool.models.items():
            models[model_name] = (model, tuple(_reader(s.param, s.offer, s.fill, s) for s in model.slots),
                                  _cell_key(model.keys), model.table.get, bool(model.ranged),
                                  model.plan is not None)
        tools[name] = (tool, tool.accepts, tool.has_models, models)
    labels: dict[int, str] = {}  # id(entry) -> its rule's label, for formula prices
    quotes: dict[tuple, Quote] = {}  # (credits, label) -> the Quote saying it: immutable, so shared
    kept: dict[tuple, object] = {}  # (kind, names...) -> a rejection (or its start) that depends only on those

    def keep(key: tuple, make: Callable[..., object], *args: object) -> object:
        """make(*args), kept under key (no closure is made on the way: direct stays free of cells)."""
        found = kept.get(key)
        if found is None:
            found = make(*args)
            if isinstance(found, Rejection):
                found = stamp(found)
            if len(kept) < 4 * _KEPT_LIMIT:
                kept[key] = found
        return found

    def by_reference(key: tuple, request: dict) -> Rejection | None:
        """The reference's answer to a small request that fails exactly as the caller's does."""
        result = keep(key, interpreter.quote, index, request)
        return result if isinstance(result, Rejection) else None

    def direct(request: dict) -> Quote | Rejection | None:
        tool = request.get("tool", _ABSENT)
        if type(tool) is not str:
            return by_reference(("no tool",), {}) if tool is _ABSENT else None
        found = tools.get(tool)
        if found is None:  # its message depends on the name only: the reference words it once
            return by_reference(("tool", tool), {"tool": tool}) if len(tool) <= 64 else None
        tool_index, accepts, has_models, models = found
        if not accepts.issuperset(request):
            for key in request:
                if key not in accepts:
                    if type(key) is not str or len(key) > 64:
                        return None
                    return keep(("key", tool, key), interpreter.unknown_param, tool_index, key)
        plan = request.get("plan", _ABSENT)
        if plan is not _ABSENT and (type(plan) is not str or len(plan) > 64):
            return None
        if has_models:
            name = request.get("model", _ABSENT)
            if type(name) is not str:
                return by_reference(("no model", tool), {"tool": tool}) if name is _ABSENT else None
            found = models.get(name)
            if found is None:
                if len(name) > 64:
                    return None
                return by_reference(("model", tool, name), {"tool": tool, "model": name})
        else:
            found = models.get(None)
        model, readers, cell_key, cells, ranged, by_plan = found
        values = {}
        absent = None  # the first parameter left out with nothing to fill it: said after every given value
        for name, param, table, offer, fill, counted_from, not_taken, unpriced, slot, whole in readers:
            raw = request.get(name, _ABSENT)
            if counted_from is not None and counted_from in request:
                text = request[counted_from]
                if raw is not _ABSENT or type(text) is not str:
                    return None
                raw = len(text) if not param.not_counting else interpreter.count(text, param.not_counting)
            if raw is _ABSENT:
                if not_taken:
                    continue
                if fill is not None:
                    values[name] = fill
                elif not unpriced and absent is None:
                    absent = slot
                continue
            if not_taken:
                return keep(("not taken", tool, model.name, name), interpreter.not_taken, model, slot)
            if table is not None:
                value = table.get((type(raw), raw), _ABSENT)
                if value is not _ABSENT:
                    values[name] = value
                    continue
            elif type(raw) is int and raw >= 0 and (offer[0] <= raw <= offer[1] if offer[2] else _within(raw, offer[3])):
                values[name] = raw
                continue
            if type(raw) not in _PLAIN:
                return None
            value = read_missed(slot, raw, whole, reject,
                                lambda: keep(("offers", tool, model.name, name), interpreter.offers, model, slot))
            if isinstance(value, Rejection):
                return value
            values[name] = value
        if absent is not None:
            return keep(("missing", tool, model.name, absent.param.name), interpreter.missing, model, absent)
        if plan is not _ABSENT:  # said after the values, as the reference does; _ALLOWED when the plan covers the tool
            verdict = keep(("plan", tool, plan), _plan_verdict, index, tool_index, plan)
            if verdict is not _ALLOWED:
                return verdict
        if by_plan:  # a price that depends on the plan: as the reference reads it
            values[PLAN] = UNSET if plan is _ABSENT else plan
        if not ranged:
            try:
                entries = cells(cell_key(values) if cell_key is not None else ())
            except KeyError:
                return None
            if entries:
                entry = entries[0]  # no ranges to check: the first entry is the one
                if entry.quote is not None:
                    return stamp(entry.quote)
                if entry.formula is not None and entry.reason is None:
                    try:
                        credits = int(entry.formula(values))
                    except Exception:  # whatever went wrong, the reference will say it properly
                        return None
                    if -MAX_CREDITS <= credits <= MAX_CREDITS:
                        label = labels.get(id(entry))
                        if label is None:
                            label = labels[id(entry)] = entry.label  # the index keeps every entry alive
                        key = (credits, label)
                        quote = quotes.get(key)
                        if quote is None:  # prices cluster (every 10 characters cost the same): one Quote each
                            quote = price(credits, label)
                            if len(quotes) < _KEPT_LIMIT:
                                quotes[key] = quote
                        return quote
        result = _priced(model, values)
        return None if result is None else stamp(result)

    return direct


def _ask_the_reference(request: dict) -> None:
    return None


def _cell_key(keys: tuple[str, ...]) -> Callable[[dict], tuple] | None:
    """values -> the tuple of the values the model's table is keyed by (None: the empty tuple)."""
    if not keys:
        return None
    if len(keys) == 1:
        return lambda values, key=keys[0]: (values[key],)
    return itemgetter(*keys)  # a tuple of the values, in C


def read_missed(slot: Slot, raw: object, whole: bool, reject: Callable[..., Rejection],
                offers: Callable[[], str]) -> object:
    """The value of a parameter a quick reading (a table of raw forms, a range) missed, read by
    engine.values.coerce, or its rejection, worded as the reference words it: a whole number read as
    itself (`whole`: not a measured amount) is simply not on offer, since every offered value is in the
    table and a range reader's range is the whole offer within the request bound; other values may not
    be values of the parameter, or not on offer. `offers()` is the message up to the value."""
    name = slot.param.name
    if whole and type(raw) is int and 0 <= raw <= MAX_REQUEST_NUMBER:
        return reject(Code.UNSUPPORTED, offers() + str(raw), name)
    try:
        value = coerce(slot.param, raw)
    except Invalid as exc:
        return reject(Code.INVALID_PARAM, str(exc), name)
    if value not in slot.offer:
        return reject(Code.UNSUPPORTED, offers() + show_value(value), name)
    return value


def _plan_verdict(index: Index, tool: object, plan: str) -> object:
    """The reference's rejection for this plan and tool, or _ALLOWED when the plan covers the tool."""
    return interpreter.plan_rejection(index, tool, {"plan": plan}) or _ALLOWED


def _priced(model: ModelIndex, values: dict) -> Quote | Rejection | None:
    try:
        entries = model.table.get(tuple([values[k] for k in model.keys]))
        if entries and not model.ranged:  # no ranges to check: the first entry is the one
            return outcome(model, entries[0], values)
        if entries:
            for entry in entries:
                if all(values[p] in d for p, d in zip(model.ranged, entry.ranges)):
                    return outcome(model, entry, values)
        return interpreter.no_price(model, values)
    except Exception:  # whatever went wrong, the reference will say it properly
        return None


def _within(value: int, intervals: tuple) -> bool:
    """Domain.__contains__ for whole numbers, on (lo, hi) pairs (ends within the request bound)."""
    for lo, hi in intervals:
        if lo <= value <= hi:
            return True
    return False


def _reader(param: Param, offer: Domain | NotTaken, fill: object, slot: object) -> Reader:
    if isinstance(offer, NotTaken):
        return (param.name, param, None, None, None, param.counted_from, True, param.unpriced, slot, False)
    if param.measure is not None:  # a measured amount is rounded before it is looked up: read by coerce each time
        return (param.name, param, None, (1, 0, True), fill, param.counted_from, False, param.unpriced, slot, False)
    table = table_of(param, offer) if by_table(offer) else None
    if table is None:
        # only whole numbers have offers this large; a request's numbers stop at MAX_REQUEST_NUMBER
        intervals = tuple((iv.lo, MAX_REQUEST_NUMBER if iv.hi is None else min(iv.hi, MAX_REQUEST_NUMBER))
                          for iv in offer.intervals)
        # (lo, hi, True) for one interval, checked inline; else (0, 0, False, every interval)
        offer = (*intervals[0], True) if len(intervals) == 1 else (0, 0, False, intervals)
    return (param.name, param, table, offer, fill, param.counted_from, False, param.unpriced, slot,
            param.domain.type is ValueType.INT)


def by_table(offer: Domain) -> bool:
    """Whether a parameter's offer is read through a table (table_of), not checked by range."""
    return offer.type is not ValueType.INT or offer.is_finite(_TABLE_LIMIT)


@lru_cache(maxsize=1024)  # models of a tool mostly share their parameters and offers: one table each
def table_of(param: Param, offer: Domain) -> dict:
    """(type, raw) -> value, for every common raw form of every value on offer, as coerce reads it."""
    table = {}
    for value in offer:
        if is_unset(value):  # what a request that leaves it out is read as; no request gives it
            continue
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
