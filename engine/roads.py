"""The quickest road to a price: one small function per model, written for its parameters.

engine.direct walks a model's parameters in a loop, each through a reader
tuple; here each model's walk is written out as Python source, one reading
per parameter, compiled the second time the model is asked for, so a plainly
valid request costs a handful of dict lookups and no loop. (A model's first
request takes engine.direct, so a process that quotes once compiles nothing.) Each value is read
through the same table engine.direct builds from engine.values.coerce (keyed
by exact type and value) or checked against its one range, and the price is a
constant cell or a formula of a card in whole credits, the formula written
into the road as Python too (engine.formula_tree.source); a dimension the
compiler cut into pieces (a wide range) is looked up by the piece a value falls
in, so what a road keeps grows with the card's cells, never with the values asked.

Besides prices, a road words the rejections a service sends most, as
engine.direct words them and in its order: a value the model does not offer
(`dur 6` where it offers 4, 8 and 12), a value that is not one of the
parameter's (`dur "abc"`), and a value left out (said after every given one).
Anything else gets None and the caller takes engine.direct's road, which
answers every request exactly as the reference interpreter does; the
differential tests hold all three together.

No text of the card is ever written into the generated source: names,
tables and values reach it as constants of its namespace, so a parameter
named anything at all cannot change what the code does.

Not taken here (None, so engine.direct answers): requests naming a plan or
giving a counted text, parameters with measured amounts, models priced by
plan, cards that price in an amount, whole numbers offered in several
separate ranges (`>= 1 | unset` is two: unset is one of the values).
"""

from __future__ import annotations

from collections.abc import Callable
from types import CodeType, FunctionType

from engine import interpreter
from engine.direct import by_table, read_missed, table_of
from engine.domain import ValueType
from engine.index import Entry, Index, ModelIndex, Slot
from engine.params import NotTaken
from engine.results import MAX_CREDITS, MAX_REQUEST_NUMBER, Quote, Rejection

Result = Quote | Rejection
Road = Callable[[dict], "Result | None"]

_ABSENT = object()
_KEPT_LIMIT = 4096  # remembered cells and formula prices per model


def _none(request: dict) -> None:
    return None


def make_road(index: Index, stamp: Callable[[Result], Result],
              reject: Callable[..., Rejection] = Rejection, price: Callable[[int, str], Quote] = Quote) -> Road:
    """request -> its stamped result, or None for 'take engine.direct's road'.

    The request is a dict whose keys and values are exact builtins (engine.fastpath checks
    before calling). `stamp` names the card on a result; each answer here is stamped once and kept.
    `reject(code, message, param)` and `price(credits, rule)` make a new stamped Rejection and Quote.
    """
    if not index.money.credits:
        return _none
    tools: dict[str, tuple] = {}
    for name, tool in index.tools.items():
        tools[name] = (tool.accepts, tool.models if tool.has_models else {None: tool.models[None]}, {})

    made: dict[int, Road] = {}  # id(model) -> its road: a model and its aliases share one

    def build(model: ModelIndex) -> Road:
        found = made.get(id(model))
        if found is None:
            found = made[id(model)] = _model_road(model, stamp, reject, price)
        return found

    def road(request: dict) -> Result | None:
        found = tools.get(request.get("tool"))
        if found is None:
            return None
        accepts, models, roads = found  # roads: model name -> its road, made when first asked for
        if not accepts.issuperset(request) or "plan" in request:
            return None
        name = request.get("model")
        model_road = roads.get(name)
        if model_road is None:
            if type(name) is not str and name is not None or name not in models:
                return None  # not a model of the tool: engine.direct words the rejection
            roads[name] = _second(roads, name, models[name], build)
            return None  # the model's first request takes engine.direct: a one-off quote compiles nothing
        return model_road(request)

    return road


def _second(roads: dict, name: object, model: ModelIndex, build: Callable[[ModelIndex], Road]) -> Road:
    """The road for a model's second request: builds the model's own, puts it in its place, and takes it."""
    def second(request: dict) -> Result | None:
        road = roads[name] = build(model)
        return road(request)

    return second


def _model_road(model: ModelIndex, stamp: Callable[[Result], Result], reject: Callable[..., Rejection],
                price: Callable[[int, str], Quote]) -> Road:
    """The model's road, written out and compiled; _none when the model is not one this module takes."""
    if model.plan is not None:
        return _none
    from bisect import bisect_right  # a road is made at a model's second request: not on the start-up path

    from engine.cells import BitTable, CutTable

    space: dict[str, object] = {"A": _ABSENT}
    lines = ["def road(request):", "    get = request.get", "    missing = None"]
    names = []  # the variable each slot's value is in, by slot
    for i, slot in enumerate(model.slots):
        param, offer = slot.param, slot.offer
        space[f"N{i}"] = param.name
        v = f"v{i}"
        names.append((param.name, v))
        if param.counted_from is not None:  # the count's text given: engine.direct counts it
            space[f"C{i}"] = param.counted_from
            lines.append(f"    if C{i} in request: return None")
        if isinstance(offer, NotTaken):
            lines.append(f"    if N{i} in request: return None")
            lines.append(f"    {v} = A")
            continue
        if param.measure is not None:
            return _none
        lines.append(f"    raw = get(N{i}, A)")
        if slot.fill is not None:
            space[f"F{i}"] = slot.fill
            lines.append(f"    if raw is A: {v} = F{i}")
        elif param.unpriced:
            lines.append(f"    if raw is A: {v} = A")
        else:  # said after every given value is read, as engine.direct and the reference say it
            space[f"M{i}"] = _left_out(model, slot, stamp)
            lines.append(f"    if raw is A: {v} = A; missing = missing or M{i}")
        lines.append("    else:")
        if by_table(offer):
            space[f"U{i}"] = _misread(model, slot, reject, None)
            space[f"T{i}"] = table_of(param, offer).get
            lines.append(f"        {v} = T{i}((type(raw), raw), A)")
            lines.append(f"        if {v} is A: return U{i}(raw)")
        else:
            if len(offer.intervals) != 1:
                return _none
            interval = offer.intervals[0]
            space[f"L{i}"] = max(interval.lo, 0)
            space[f"H{i}"] = MAX_REQUEST_NUMBER if interval.hi is None else min(interval.hi, MAX_REQUEST_NUMBER)
            space[f"U{i}"] = _misread(model, slot, reject, (space[f"L{i}"], space[f"H{i}"]))
            lines.append(f"        if type(raw) is int and L{i} <= raw <= H{i}: {v} = raw")
            lines.append("        else:")
            lines.append(f"            {v} = U{i}(raw)")
            lines.append(f"            if type({v}) is not int: return {v}")
    by_name = dict(names)
    cuts = model.table.cuts if isinstance(model.table, (CutTable, BitTable)) else (None,) * len(model.keys)
    space["PIECE"] = bisect_right  # a value on a cut dimension is looked up by the piece it falls in
    for j, cut in enumerate(cuts):
        space[f"K{j}"] = cut
    key = "(" + "".join(f"{by_name[k]}, " if cut is None else f"PIECE(K{j}, {by_name[k]}), "
                        for j, (k, cut) in enumerate(zip(model.keys, cuts))) + ")"
    values = "{" + ", ".join(f"N{i}: {v}" for i, (_, v) in enumerate(names)) + "}"
    formula_names = {s.param.name: f"v{i}" for i, s in enumerate(model.slots)
                     if not s.param.unpriced and not isinstance(s.offer, NotTaken)}  # what a formula may name
    priced = "{" + ", ".join(f"N{i}: v{i}" for i, s in enumerate(model.slots) if s.param.name in formula_names) + "}"
    cells: dict[tuple, Result] = {}     # key -> the stamped answer of a constant cell
    formulas: dict[tuple, tuple] = {}   # key -> a formula cell's (function of the values, kept, new): see _miss
    space["CELLS"] = cells.get
    space["FORMULAS"] = formulas.get
    space["MISS"], priced_by = _miss(model, stamp, price, cells, formulas, _positional(formula_names))
    lines.append("    if missing is not None: return missing()")
    entries = model.table.get(()) if not model.keys and not model.ranged else None
    if entries and entries[0].formula is not None and entries[0].reason is None:
        # one cell, priced by a formula (voiceover's `chars / 10`): no key to look up, and its answer is final
        # (its Quote, or None: engine.direct and the reference say what went wrong, properly worded)
        space["PRICE"], space["NEW"] = priced_by(entries[0])
        written = _written(entries[0].formula, formula_names, space)
        if written is None:  # called with a dict, as engine.direct calls it
            space["FORMULA"], written = entries[0].formula, f"FORMULA({priced})"
        lines += ["    try:",
                  f"        exact = {written}",
                  "        hit = PRICE(exact)",
                  "        return NEW(exact) if hit is None else hit",
                  "    except Exception:",
                  "        return None"]
    else:
        lines += ["    try:",
                  f"        key = {key}",
                  "    except TypeError:",  # unset, which no piece holds: engine.direct reads it
                  "        return None",
                  "    hit = CELLS(key)",
                  "    if hit is not None: return hit",
                  "    formula = FORMULAS(key)",
                  "    if formula is not None:",  # (formula of the values, its kept prices' get, a new price's Quote)
                  "        try:",
                  f"            exact = formula[0]({', '.join(formula_names.values())})",
                  "            hit = formula[1](exact)",
                  "            return formula[2](exact) if hit is None else hit",
                  "        except Exception:",
                  "            return None",
                  f"    return MISS(key, {values})"]
    exec(compile("\n".join(lines), f"<road for {model.title!r}>", "exec"), space)  # noqa: S102: see the docstring
    return space["road"]  # type: ignore[return-value]


_CODES: dict[str, CodeType] = {}  # a written formula's source -> its code: formulas alike but for numbers share it
_CODES_LIMIT = 1024


def _positional(names: dict[str, str]) -> Callable[[Callable], Callable]:
    """formula -> the function of the road's values (its `names`' variables, in order) that computes it:
    written out (engine.formula_tree.source) where it can be, else the formula called with a dict."""
    arguments = ", ".join(names.values())

    def positional(formula: Callable) -> Callable:
        space: dict[str, object] = {}
        written = _written(formula, names, space)
        if written is None:
            keys = tuple(names)
            return lambda *values: formula(dict(zip(keys, values)))
        text = f"def formula({arguments}):\n    return {written}\n"
        code = _CODES.get(text)
        if code is None:
            module = compile(text, "<a written formula>", "exec")
            code = next(c for c in module.co_consts if isinstance(c, CodeType))
            if len(_CODES) < _CODES_LIMIT:
                _CODES[text] = code
        return FunctionType(code, space)  # its numbers and functions, and nothing else, are its globals

    return positional


def _written(formula: Callable, names: dict[str, str], space: dict[str, object]) -> str | None:
    """The formula as an expression of the road's variables (engine.formula_tree.source), its numbers and
    functions put in `space` as constants; None when it cannot be written (it has no tree, or names a
    parameter the road does not read), and then the road calls it with a dict as engine.direct does."""
    from engine.formula_tree import source

    tree = getattr(formula, "tree", None)
    if tree is None:
        return None

    def constant(value: object) -> str:
        name = f"W{len(space)}"
        space[name] = value
        return name

    return source(tree, names.get, constant)


def _left_out(model: ModelIndex, slot: Slot, stamp: Callable[[Result], Result]) -> Callable[[], Result]:
    """() -> the stamped rejection of a request that leaves the slot out, made when first needed."""
    made: list[Result] = []

    def rejection() -> Result:
        if not made:
            made.append(stamp(interpreter.missing(model, slot)))
        return made[0]

    return rejection


def _misread(model: ModelIndex, slot: Slot, reject: Callable[..., Rejection],
             within: tuple[int, int] | None) -> Callable[[object], object]:
    """raw -> what engine.direct makes of a value its quick reading missed (engine.direct.read_missed),
    every value before it read and none missing, so the first to fail is this one, as the reference
    finds it: the stamped rejection of a value that is not a value of the parameter or not on offer.
    For a range reader (`within`: its lo..hi), the whole number another spelling of an offered value
    reads as (`"12"`, `12.0`); for a table reader, None for such a spelling (engine.direct reads it)."""
    whole = slot.param.domain.type is ValueType.INT
    said: list[str] = []  # the message up to the value, made when first needed

    def offers() -> str:
        if not said:
            said.append(interpreter.offers(model, slot))
        return said[0]

    def misread(raw: object) -> object:
        value = read_missed(slot, raw, whole, reject, offers)
        if isinstance(value, Rejection):
            return value
        if within is not None and type(value) is int and within[0] <= value <= within[1]:
            return value
        return None

    return misread


def _miss(model: ModelIndex, stamp: Callable[[Result], Result], price: Callable[[int, str], Quote],
          cells: dict[tuple, Result], formulas: dict[tuple, tuple],
          positional: Callable[[Callable], Callable]) -> tuple[Callable, Callable]:
    """(miss, priced_by): miss(key, values) is the stamped result of the model's cell `key` for `values`,
    or None; priced_by(entry) is its formula's (kept, new): kept(exact) the stamped Quote of a price
    made before (one per price: every 10 characters cost the same), new(exact) a price's Quote made now
    (kept while there is room), or None for a price out of bounds. Without ranges the key alone decides
    the entry, so it is kept: a constant cell's answer in `cells`, a formula's in `formulas`, as
    (positional(its formula), kept, new)."""
    from engine.cells import BitTable, CutTable

    table, ranged = model.table, model.ranged
    # keyed by pieces (where the compiler cut a dimension), or by values
    cell = table.cells.get if isinstance(table, CutTable) else table.at if isinstance(table, BitTable) else table.get
    made: dict[int, tuple] = {}  # id(entry) -> (kept, new)
    kept_formulas: dict[int, tuple] = {}  # id(entry) -> what `formulas` keeps of it, for each of its cells

    def priced_by(entry: Entry) -> tuple[Callable[[object], Result | None], Callable[[object], Result | None]]:
        found = made.get(id(entry))  # the index keeps every entry alive: an id is never reused
        if found is None:
            found = made[id(entry)] = _prices(entry.label, price)
        return found

    def keep(key: tuple, entry: Entry) -> None:
        found = kept_formulas.get(id(entry))
        if found is None:
            found = kept_formulas[id(entry)] = (positional(entry.formula), *priced_by(entry))
        formulas[key] = found

    def miss(key: tuple, values: dict) -> Result | None:
        try:
            entries = cell(key)
        except Exception:  # a value the table cannot look up: engine.direct says why
            return None
        if not entries:
            return None
        entry = entries[0]
        if ranged:
            for entry in entries:
                if all(values[p] in d for p, d in zip(ranged, entry.ranges)):
                    break
            else:
                return None
        if entry.quote is not None:
            result = stamp(entry.quote)
            if not ranged and len(cells) < _KEPT_LIMIT:
                cells[key] = result
            return result
        if entry.formula is None or entry.reason is not None:
            return None
        for name in [name for name, value in values.items() if value is _ABSENT]:
            del values[name]
        kept, new = priced_by(entry)
        try:
            exact = entry.formula(values)
            result = kept(exact)
            if result is None:
                result = new(exact)
        except Exception:  # whatever went wrong, engine.direct and the reference will say it properly
            return None
        if not ranged and len(formulas) < _KEPT_LIMIT:
            keep(key, entry)
        return result

    return miss, priced_by


def _prices(label: str, price: Callable[[int, str], Quote]) -> tuple[Callable, Callable]:
    """(kept, new) of a formula whose Quotes name the rule `label`: see _miss."""
    said: dict[object, Quote] = {}  # exact price -> its stamped Quote

    def new(exact: object) -> Quote | None:
        credits = int(exact)
        if not -MAX_CREDITS <= credits <= MAX_CREDITS:
            return None
        result = price(credits, label)
        if len(said) < _KEPT_LIMIT:
            said[exact] = result
        return result

    return said.get, new
