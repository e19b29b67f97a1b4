"""A compiled Index read back from lines of plain JSON data, so a cached card loads without the parser.

Only data is stored (engine.index_write writes it): names, domains, spans,
formulas as plain trees of numbers, names and operators (engine.formula_tree).
The lines are: the tools, plans and the files rows point into; the table of
distinct domains and the table of distinct rule boxes (rules share a few, so
they are written once and referred to by number); then one line per model, so
reading a large card never holds more than one model's raw JSON at a time.

In a model's line, the usual entry (a price that is one whole number of
credits, nearly every rule of a large card) is a row of whole numbers in one
flat list, `rows` (engine.index_write._row): a large card is mostly numbers,
which JSON decodes fastest, and they are checked a column at a time (min, max,
the set of distinct values), each distinct box once for each kind of model.
Every other entry is written out in full under `entries`, with its place among
the model's entries in `at`. A table cell is its key, then its entries by
number: all in one flat list (`cells`) when each cell names one entry and no
key is unset (checked a column at a time too), else a list each (`table`).

Reading checks every value it meets and raises `Corrupt` on the first
surprise, so a damaged or hand-edited file is refused rather than half-trusted;
and it checks the data as strictly as the checks check a card read from text
(see "in" below). It builds only what a quote reads, from light classes
(engine.index, engine.domain, engine.params, engine.plans): a quote from the
cache imports neither the parser nor the AST nor attrs. Formulas are compiled
from their trees by engine.formula_tree, as engine.compile compiles them, so
cached entries price as built ones do. Each entry's rule and formula as AST
values (for `explain` and the price sheet) are made from the checked data the
first time they are asked for (engine.index.Entry.deferred).

Numbers that are not whole (a measured parameter's amounts and step, engine.model.Measure)
are written as {"n": numerator, "d": denominator}, never as floats; a decimal constant in a
formula as the text it was written in (`["d", "0.000225"]`); the card's unit of account with
the head line. A card in credits without them is read without decimal or fractions; a rule
that needs them (a measured parameter, a decimal constant, a price in an amount) is checked
as engine.checks.formulas checks it, by way of its AST values (`_check_rich`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from types import MappingProxyType

from engine import formula_tree
from engine.domain import UNSET, UNSET_NUMBER, Domain, Interval, ValueType, is_unset, type_of
from engine.formula_tree import constant_function
from engine.index import Entry, Index, ModelIndex, Slot, ToolIndex
from engine.money import MAX_PLACES, Money
from engine.params import Measure, NotTaken, Param
from engine.plans import PLAN, Period, Plan, Tier
from engine.results import MAX_CREDITS, Quote
from engine.span import NOWHERE, Span

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from decimal import Decimal
    from fractions import Fraction

    from engine import ast
    from engine.model import Final, PricedRule


class Corrupt(ValueError):
    """The data is not an index this version wrote."""


def encode_lines(index: Index) -> Iterator[str]:
    """The index as JSON lines (no newlines inside): engine.index_write's, imported when a card is written."""
    from engine.index_write import encode_lines as encode

    return encode(index)


# ---------------------------------------------------------------- in
#
# Each node type has one reader that decodes it and checks that it is a node
# engine.compile could have built from a card the checks pass: types, and the
# links between nodes (a rule's tool and model are its model's, a formula names
# only the model's whole-number parameters and divides only by a positive
# number, a price is at least 1 credit and at most MAX_CREDITS wherever its rule
# applies, a domain is sorted and merged). What fails is Corrupt, and the cache
# builds the card again.


def decode_lines(lines: Iterable[bytes | str], files: Collection[str] | None = None,
                 loads: Callable[[bytes | str], object] = json.loads) -> Index:
    """The index from the lines encode_lines wrote; Corrupt (a ValueError) if they are not such lines.

    `files`, when given, are the card's file names: every span must point into one of them. `loads`
    decodes one line (engine.cache gives orjson's, when it is installed, for a large file).
    """
    lines = iter(lines)
    try:
        head = _obj(loads(next(lines)), "tools", "plans", "plan_details", "models", "money", "files")
        money = _decode_money(head["money"])
        shared = _obj(loads(next(lines)), "domains", "boxes")
        domains = [_decode_domain(d) for d in _list(shared["domains"])]
        count = _int(head["models"])
        plan_names = [_str(_pair(pair)[0]) for pair in _list(head["plans"])]
        reader = _Reader(domains, files, plan_names, money)
        reader.shared(head["files"], shared["boxes"])
        models = [reader.model(loads(next(lines))) for _ in range(count)]
    except StopIteration:
        raise Corrupt("the file ends early") from None
    if next(lines, None) is not None:
        raise Corrupt("lines after the last model")
    tools = {}
    for t in _list(head["tools"]):
        tool = _decode_tool(t, models)
        if tool.name in tools:
            raise Corrupt("a tool twice")
        tools[tool.name] = tool
    plans = {}
    for pair in _list(head["plans"]):
        name, members = _pair(pair)
        plans[_str(name)] = frozenset(_str(m) for m in _list(members))
        if not plans[name] <= tools.keys():
            raise Corrupt("a plan for a tool the card does not have")
    if plans and any("plan" not in tool.accepts for tool in tools.values()):
        raise Corrupt("a tool that does not accept the card's plans")
    details = {}
    for data in _list(head["plan_details"]):
        plan = read_plan(data, files)
        details[plan.name] = plan
    if details.keys() != plans.keys() or any(details[n].tools != plans[n] for n in plans):
        raise Corrupt("plan details that do not match the plans")
    return Index(tools=MappingProxyType(tools), plans=MappingProxyType(plans), plan_details=MappingProxyType(details),
                 money=money)


def _decode_money(data: object) -> Money:
    unit, places = _pair(data)
    unit, places = _opt(unit, _str), _int(places)
    if unit is None and places != 0 or not 0 <= places <= MAX_PLACES:
        raise Corrupt("not a unit of account")
    return Money(unit=unit, places=places)


def _decode_tool(data: object, models: list[ModelIndex]) -> ToolIndex:
    data = _obj(data, "name", "accepts", "has_models", "canonical", "names")
    name = _str(data["name"])
    has_models = _bool(data["has_models"])
    by_name = {}
    for pair in _list(data["names"]):
        model_name, at = _pair(pair)
        model = _at(models, at)
        model_name = _opt(model_name, _str)
        if model.tool != name or (model_name is None) == has_models or (model.name is None) == has_models:
            raise Corrupt("a model listed under another tool, or named where the tool has no models")
        by_name[model_name] = model
    if not by_name:
        raise Corrupt("a tool without a model")
    accepts = frozenset(_str(k) for k in _list(data["accepts"]))
    needed = {"tool", *(s.name for m in by_name.values() for s in m.slots)} | ({"model"} if has_models else set())
    if not needed <= accepts:
        raise Corrupt("a tool that does not accept its own parameters")
    canonical = tuple(_str(c) for c in _list(data["canonical"]))
    if any(c not in by_name or by_name[c].name != c for c in canonical):
        raise Corrupt("a model name that names no model")
    return ToolIndex(name=name, accepts=accepts, has_models=has_models, models=MappingProxyType(by_name),
                     canonical=canonical)


class _Reader:
    """Decodes model lines against the shared domain table; repeated texts (file names) share one object."""

    def __init__(self, domains: list[Domain], files: Collection[str] | None = None, plans: Iterable[str] = (),
                 money: Money = Money()):
        self.domains = domains
        self.money = money
        self.files = None if files is None else frozenset(files)
        self.plans = list(plans)  # the card's plans, in order: what a plan slot may hold, with unset
        self.texts: dict[str, str] = {}  # file names already found among `files`, each kept once
        self.row_files: list[str] = []  # the files rows' spans point into, by number
        self.boxes: list[dict[str, Domain]] = []  # rule boxes, by number (what a row's box names)
        # the boxes found to fit a kind of model, by what such a model's rules may condition on (the
        # parameters' names, types and steps): most models of a large card are of a few kinds
        self.fitting: dict[tuple, set[int]] = {}
        self.constants: dict[int, Callable] = {}  # a price -> its function, shared by the rows priced so

    def domain(self, at: object) -> Domain:
        return _at(self.domains, at)

    def shared(self, files: object, boxes: object) -> None:
        """What rows refer to by number: the files their spans are in, and the card's distinct rule boxes
        ((parameter, domain number) pairs). A box is checked against a model when a row of it names it."""
        self.row_files = [self.file_name(name) for name in _list(files)]
        if len(set(self.row_files)) != len(self.row_files):
            raise Corrupt("a file named twice")
        for data in _list(boxes):
            pairs = _list(data)
            box = {}
            for pair in pairs:
                param, at = _pair(pair)
                box[_str(param)] = self.domain(at)
            if len(box) != len(pairs):
                raise Corrupt("a condition twice")
            self.boxes.append(box)

    def file_name(self, file: object) -> str:
        """The file's name, once found to be one of the card's, kept once."""
        known = self.texts.get(file) if type(file) is str else None
        if known is None:  # a file name not met yet: one of the card's, and kept once
            if type(file) is not str or (self.files is not None and file not in self.files):
                raise Corrupt("a span in a file the card does not have")
            known = self.texts[file] = file
        return known

    def model(self, data: object) -> ModelIndex:
        data = _obj(data, "tool", "name", "slots", "plan", "keys", "cuts", "masks", "ranged", "cells", "table", "rows",
                    "at", "entries")
        tool, name = _str(data["tool"]), _opt(data["name"], _str)
        slots = tuple([self.slot(s) for s in _list(data["slots"])])
        plan = None if data["plan"] is None else self.plan_slot(data["plan"])
        by_name = {}
        for slot in slots if plan is None else (*slots, plan):
            by_name[slot.param.name] = slot
        if len(by_name) != len(slots) + (plan is not None):
            raise Corrupt("a parameter twice")
        keys, ranged = _texts(data["keys"]), _texts(data["ranged"])
        if keys or ranged:
            if len(set(keys + ranged)) != len(keys + ranged) or not by_name.keys() >= set(keys + ranged):
                raise Corrupt("a table keyed by parameters the model does not have")
            if (any(by_name[k].param.unpriced for k in keys + ranged)
                    or any(by_name[k].param.domain.type is not ValueType.INT for k in ranged)):
                raise Corrupt("a table keyed by an unpriced parameter, or ranged over one that is not a number")
        entries = _Rules(self, tool, name, by_name).every(data, len(ranged))
        cuts = tuple([None if c is None else _cuts(c) for c in _list(data["cuts"])])
        if len(cuts) != len(keys):
            raise Corrupt("cut points for the wrong number of keys")
        domains = [by_name[k].param.domain for k in keys]
        cut = False
        for domain, c in zip(domains, cuts):
            if c is not None:
                if domain.type is not ValueType.INT:
                    raise Corrupt("cut points on a parameter that is not a number")
                cut = True
        table = self.table(data["table"], domains, cuts, entries, self.cells(data["cells"], domains, cuts, entries))
        lookup: Mapping = MappingProxyType(table)
        if cut or data["masks"] is not None:  # engine.cells imported only for a card that cuts ranges
            from engine.cells import BitTable, CutTable

            if cut:
                lookup = CutTable(table, cuts)
        if data["masks"] is not None:
            if table or ranged or any(e.ranges for e in entries):
                raise Corrupt("a table of masks with cells or ranges")
            masks = _list(data["masks"])
            if len(masks) != len(keys):
                raise Corrupt("masks for the wrong number of keys")
            lookup = BitTable(tuple(entries), cuts, tuple(_decode_masks(m, c, len(entries))
                                                           for m, c in zip(masks, cuts)))
        if plan is not None and PLAN not in keys + ranged:
            raise Corrupt("a plan read for a model whose prices do not depend on it")
        return ModelIndex(tool=tool, name=name, slots=slots, keys=keys, ranged=ranged, table=lookup, plan=plan)

    @staticmethod
    def cells(data: object, domains: list[Domain], cuts: tuple[tuple[int, ...] | None, ...],
              entries: list[Entry]) -> dict[tuple, tuple[Entry, ...]]:
        """The cells of a flat table: in one list, each its key (a value the model offers, or a piece of a cut
        dimension, at each position: whole numbers, texts, yes or no), then its one entry by number.

        What `table` checks, checked a column at a time: each distinct value once at each position."""
        if type(data) is not list:
            raise Corrupt("expected a list")
        if not data:
            return {}
        width = len(domains)
        if len(data) % (width + 1):
            raise Corrupt("a table cell of the wrong length")
        refs = data[width::width + 1]
        if set(map(type, refs)) != _INTS or min(refs) < 0 or max(refs) >= len(entries):
            raise Corrupt("a reference that points nowhere")
        columns = [data[at::width + 1] for at in range(width)]
        for at, column in enumerate(columns):
            if not set(map(type, column)) <= KEY_TYPES:
                raise Corrupt("expected a value")
            for value in set(zip(map(type, column), column)):  # (True == 1: both are checked, each with its type)
                _table_key(value[1], domains[at], cuts[at])
        table = dict(zip(zip(*columns) if width else [()] * len(refs), [(entries[at],) for at in refs]))
        if len(table) != len(refs):
            raise Corrupt("a table key twice")
        return table

    @staticmethod
    def table(rows: object, domains: list[Domain], cuts: tuple[tuple[int, ...] | None, ...],
              entries: list[Entry], table: dict[tuple, tuple[Entry, ...]]) -> dict[tuple, tuple[Entry, ...]]:
        """The cells, each a list: its key (a value the model offers, or a piece of a cut dimension, at each
        position), then its entries by number, added to `table` (the flat table's). Each value is checked once
        at each position."""
        width, count = len(domains), len(entries)
        fits: list[dict] = [{} for _ in domains]  # value -> its type, once found good at a position: values repeat
        for row in _list(rows):
            if type(row) is not list or len(row) < width:
                raise Corrupt("a table cell of the wrong length")
            for at in range(width):
                value = row[at]
                kind = type(value)
                if kind is dict:  # unset, of a text or yes/no: read as engine.domain.UNSET
                    value = row[at] = _value(value)
                    kind = type(value)
                elif kind not in KEY_TYPES:
                    raise Corrupt("expected a value")
                if fits[at].get(value) is not kind:  # (True == 1: either is checked again, never passed unchecked)
                    _table_key(value, domains[at], cuts[at])
                    fits[at][value] = kind
            key = tuple(row[:width])
            if key in table:
                raise Corrupt("a table key twice")
            refs = row[width:]
            for at in refs:
                if type(at) is not int or not 0 <= at < count:
                    raise Corrupt("a reference that points nowhere")
            table[key] = (entries[refs[0]],) if len(refs) == 1 else tuple([entries[at] for at in refs])
        return table

    def slot(self, data: object) -> Slot:
        data = _obj(data, "param", "offer", "fill")
        p = _obj(data["param"], "name", "domain", "unit", "default", "unpriced", "counted_from", "measure", "span",
                 "not_counting")
        name, unit, default, unpriced, counted_from = (p["name"], p["unit"], p["default"], p["unpriced"],
                                                       p["counted_from"])
        if (type(name) is not str or (unit is not None and type(unit) is not str) or type(unpriced) is not bool
                or (counted_from is not None and type(counted_from) is not str)):
            raise Corrupt("not a parameter")
        domain = self.domain(p["domain"])
        if type(default) is dict:  # a measured amount that is not whole
            default = _decode_number(default)
        measure = _opt(p["measure"], _measure)
        if default is not None and default not in domain:  # Domain's `in` checks the type too
            raise Corrupt("a parameter that could not be declared")
        left_out = _uncounted(_list(p["not_counting"]))
        param = Param(name=name, domain=domain, unit=unit, default=default, unpriced=unpriced,
                      counted_from=counted_from, measure=measure, span=self.span(p["span"]),
                      not_counting=frozenset(left_out))
        if len(left_out) != len(param.not_counting) or (left_out and counted_from is None):
            raise Corrupt("a text count that could not be declared")
        if name == PLAN or (default is not None and domain.has_unset):
            raise Corrupt("a parameter that could not be declared")  # engine.resolve refuses both
        step = measure.step if measure is not None else 1
        if domain.step != step or (measure is not None and domain.type is not ValueType.INT):
            raise Corrupt("a domain whose step is not its parameter's")
        if measure is not None and measure.minimum is not None:
            least = domain.without_unset().least()
            if least is not None and least < measure.minimum:
                raise Corrupt("a measured parameter that takes less than its minimum")
        offer = data["offer"]
        if type(offer) is dict:
            offer = NotTaken(reason=_opt(_obj(offer, "not_taken")["not_taken"], _str))
        else:
            offer = self.domain(offer)
            if offer.type is not domain.type or offer.step != domain.step:
                raise Corrupt("an offer of the wrong type")
        fill = _opt(data["fill"], _value)
        if fill is not None and (isinstance(offer, NotTaken) or fill not in offer):
            raise Corrupt("a value filled in that the model does not offer")
        if isinstance(offer, Domain) and offer.has_unset and (fill is None or not is_unset(fill)):
            raise Corrupt("a model that offers unset but fills in another value")
        return Slot(param=param, offer=offer, fill=fill)

    def plan_slot(self, data: object) -> Slot:
        """The customer's plan as a model's slot (engine.compile.plan_param): a text, a plan or unset."""
        data = _obj(data, "param", "offer", "fill")
        p = _obj(data["param"], "name", "domain", "unit", "default", "unpriced", "counted_from", "measure", "span")
        domain, offer = self.domain(p["domain"]), self.domain(_int(data["offer"]))
        whole = Domain(ValueType.TEXT, values=(*self.plans, UNSET))
        if (p["name"] != PLAN or domain != whole
                or any(p[k] is not None for k in ("unit", "default", "counted_from", "measure"))
                or p["unpriced"] is not False or not offer.has_unset or not offer.issubset(whole)
                or _value(data["fill"]) is not UNSET):
            raise Corrupt("not the plan as a card reads it")
        return Slot(param=Param(name=PLAN, domain=whole, span=NOWHERE), offer=offer, fill=UNSET)

    def span(self, data: object) -> Span:
        self.checked_span(data)
        return Span(*data)  # type: ignore[misc]

    def checked_span(self, data: object) -> str:
        """The span's file, once the span is found to be one: in one of the card's files, lines and
        columns whole numbers from 1."""
        if type(data) is not list:
            raise Corrupt("not a span")
        try:
            file, line, column, end_line, end_column = data
        except ValueError:  # (a list of another length: unpacking checks it, without a call to len)
            raise Corrupt("not a span") from None
        known = self.texts.get(file) if type(file) is str else None
        if known is None:
            known = self.file_name(file)
        if (type(line) is not int or type(column) is not int or type(end_line) is not int
                or type(end_column) is not int or line < 1 or column < 1 or end_line < 1 or end_column < 1):
            raise Corrupt("not a span")
        data[0] = known  # the one copy of the name, not the one JSON made for this span: kept until made
        return known


class _Rules:
    """Reads one model's rules into entries: every rule checked now, its AST values made when asked for."""

    def __init__(self, reader: _Reader, tool: str, model: str | None, slots: dict[str, Slot]):
        self.reader = reader
        self.tool, self.model, self.slots = tool, model, slots
        # what a rule may condition on: the priced parameters, by name, with the type of their values;
        # and the range a formula's parameter takes where a rule applies: the model's offer, cut by the rule
        self.conditions: dict[str, ValueType] = {}
        self.offers: dict[str, Domain] = {}
        self.steps: dict[str, object] = {}  # a measured parameter's step (engine.params.Measure), by name
        for name, slot in slots.items():
            if not slot.param.unpriced:
                self.conditions[name] = slot.param.domain.type
            if slot.param.measure is not None:
                self.steps[name] = slot.param.measure.step
            if type(slot.offer) is Domain and slot.offer.type is ValueType.INT:
                self.offers[name] = slot.offer

    def every(self, data: dict, ranged: int) -> list[Entry]:
        """The model's entries, in order: its rows (the usual entries), with the entries written out in full
        at their places (`at`, increasing)."""
        rows = self.rows(data["rows"], ranged)
        others = self.entries(data["entries"], ranged)
        places = data["at"]
        if type(places) is not list or len(places) != len(others):
            raise Corrupt("entries written out without their places")
        if not places:
            return rows
        total = len(rows) + len(others)
        if (set(map(type, places)) != _INTS or places[0] < 0 or places[-1] >= total
                or any(a >= b for a, b in zip(places, places[1:]))):
            raise Corrupt("places of entries that are not increasing, or beyond the model's entries")
        entries: list = [None] * total
        for place, entry in zip(places, others):
            entries[place] = entry
        usual = iter(rows)
        return [entry if entry is not None else next(usual) for entry in entries]

    def rows(self, data: object, ranged: int) -> list[Entry]:
        """The usual entries (a price that is one whole number of credits) from their rows of whole numbers
        (engine.index_write._row: ranges, box, price, rounding, index, the span's file, line, column, end line
        and end column, the price's line, column, end line and end column).

        Checked a column at a time, each distinct box once for each kind of model (what its rules may
        condition on), as strictly as `entries` checks a rule written out; what only `explain` and the price
        sheet read is made from the row when asked for (`_made_row`).
        """
        if type(data) is not list:
            raise Corrupt("expected a list")
        if not data:
            return []
        width = ranged + ROW
        if len(data) % width or set(map(type, data)) != _INTS:  # (True is a bool here, not an int)
            raise Corrupt("rows that are not whole numbers")
        reader = self.reader
        if not reader.money.credits:
            raise Corrupt("a price that is not in the card's unit")
        domains = reader.domains
        columns = [data[k::width] for k in range(width)]
        ranges_columns = columns[:ranged]
        for column in ranges_columns:
            for at in set(column):
                if not 0 <= at < len(domains) or domains[at].type is not ValueType.INT:
                    raise Corrupt("an entry whose ranges do not fit the model")
        boxes, prices, roundings, indexes, files, lines = columns[ranged:ranged + 6]
        self.fit(set(boxes))
        if min(prices) < 1 or max(prices) > MAX_CREDITS:
            raise Corrupt("a price below 1 credit or above the most a quote may be")
        if not set(roundings) <= _ROUNDING_NUMBERS:
            raise Corrupt("not a Rounding")
        if min(indexes) < 0:
            raise Corrupt("a rule numbered below 0")
        if min(files) < 0 or max(files) >= len(reader.row_files):
            raise Corrupt("a span in a file the card does not have")
        if any(min(column) < 1 for column in columns[ranged + 5:]):
            raise Corrupt("not a span")
        names, constants = reader.row_files, reader.constants
        labels: dict[tuple[int, int], str] = {}  # (file, line) -> the label, shared by the rules of a line
        deferred = Entry.deferred
        entries = []
        append = entries.append
        ranges: tuple[Domain, ...] = ()
        for row, (price, file, line) in enumerate(zip(prices, files, lines)):
            label = labels.get((file, line))
            if label is None:
                label = labels[file, line] = f"{names[file]}:{line}"
            function = constants.get(price)
            if function is None:
                function = constants[price] = constant_function(price)
            if ranged:
                ranges = tuple([domains[column[row]] for column in ranges_columns])
            append(deferred(ranges, label, Quote(price, label), function, None, _made_row,
                            (self, data, row * width + ranged)))
        return entries

    def fit(self, boxes: set[int]) -> None:
        """Each box (by number) is one a rule of this model could have: it conditions only on the model's
        priced parameters, each with values of its type and step."""
        kind = (tuple(self.conditions.items()), tuple(self.steps.items()))
        fitting = self.reader.fitting.setdefault(kind, set())
        table = self.reader.boxes
        for at in boxes - fitting:
            if not 0 <= at < len(table):
                raise Corrupt("a reference that points nowhere")
            for param, domain in table[at].items():
                if self.conditions.get(param) is not domain.type or domain.step != self.steps.get(param, 1):
                    raise Corrupt("a condition on a parameter the model does not have")
            fitting.add(at)

    def entries(self, data: object, ranged: int) -> list[Entry]:
        """Every entry of the model: its ranges (on the `ranged` parameters) and its rule.

        Every rule of a large card goes through this loop, so it is written out
        (its readers inlined, what it reads held in locals): the calls were most
        of its time. Every part of a rule is checked here; what only `explain`
        and the price sheet read (its spans as values, its AST) is made from the
        checked data when asked for (`_made`). The usual rule, a price that is
        one number, is built here; formulas and rejects go to `other`.
        """
        entries: list[Entry] = []
        append = entries.append
        domains = self.reader.domains
        count = len(domains)
        conditions, steps = self.conditions, self.steps
        tool, model = self.tool, self.model
        credits = self.reader.money.credits
        file_of = self.reader.checked_span
        deferred = Entry.deferred
        try:  # lists of the wrong length fail to unpack: a ValueError, made Corrupt below
            for item in _list(data):
                if type(item) is not list:
                    raise Corrupt("expected a pair")
                ranges_data, rule = item
                if type(ranges_data) is not list or len(ranges_data) != ranged:
                    raise Corrupt("an entry whose ranges do not fit the model")
                ranges: tuple[Domain, ...] = ()
                if ranged:
                    for at in ranges_data:
                        if type(at) is not int or not 0 <= at < count or domains[at].type is not ValueType.INT:
                            raise Corrupt("an entry whose ranges do not fit the model")
                    ranges = tuple([domains[at] for at in ranges_data])
                if type(rule) is not list:
                    raise Corrupt("not a rule")
                rule_tool, rule_model, box_data, outcome, rounding, span, index, final = rule
                if rule_tool != tool or rule_model != model:  # compared with texts (or None): equal texts only
                    raise Corrupt("a rule under another model")
                if rounding is not None and rounding != "UP" and rounding != "DOWN":  # formula_tree.ROUNDINGS
                    raise Corrupt("not a Rounding")
                if type(outcome) is not list:
                    raise Corrupt("an outcome that is neither a price nor a reject")
                kind, payload, out_span = outcome
                if final is not None:
                    final = self.final(final)
                elif not credits and (kind == "price" or kind == "free"):
                    raise Corrupt("a price that is not in the card's unit")
                if rounding is not None and not credits:
                    raise Corrupt("a division rounded to whole numbers in a card priced in an amount")
                if type(box_data) is not list:
                    raise Corrupt("expected a list")
                box: dict[str, Domain] = {}
                for pair in box_data:
                    if type(pair) is not list:
                        raise Corrupt("expected a pair")
                    param, at = pair
                    if type(at) is not int or not 0 <= at < count:
                        raise Corrupt("a reference that points nowhere")
                    domain = domains[at]
                    if (type(param) is not str or conditions.get(param) is not domain.type  # unpriced: an error
                            or domain.step != steps.get(param, 1)):
                        raise Corrupt("a condition on a parameter the model does not have")
                    box[param] = domain
                if len(box) != len(box_data):
                    raise Corrupt("a condition twice")
                if type(index) is not int or index < 0:
                    raise Corrupt("a rule numbered below 0")
                file_of(out_span)
                label = f"{file_of(span)}:{span[1]}"
                if (kind == "price" and final is None and type(payload) is list and len(payload) == 2
                        and payload[0] == "n" and type(payload[1]) is int):
                    value = payload[1]  # the usual price, one number: checked as engine.checks checks it
                    if not 1 <= value <= MAX_CREDITS:
                        raise Corrupt("a price below 1 credit or above the most a quote may be")
                    append(deferred(ranges, label, Quote(value, label), constant_function(value), None, _made,
                                    (self, box, kind, payload, out_span, rounding, span, index, None)))
                else:
                    append(self.other((self, box, kind, payload, out_span, rounding, span, index, final), ranges,
                                      label))
        except ValueError as exc:
            if isinstance(exc, Corrupt):
                raise
            raise Corrupt("a list of the wrong length") from None
        return entries

    def other(self, made: tuple, ranges: tuple[Domain, ...], label: str) -> Entry:
        """The entry of a (checked) rule whose price is a formula, or of a reject rule; `made` is what
        `_made` makes its AST values from."""
        _, box, kind, payload, _, rounding, _, _, final = made
        money = self.reader.money if final is not None and not self.reader.money.credits else None
        if kind == "price":
            tree = _formula(payload)
            priced = formula_tree.with_rounding(tree, rounding)
            if final is None and not self.steps and not _has_decimal(tree):
                formula = formula_tree.compile(priced)
                value = self.price(tree, priced, formula, rounding, box, made)
            else:  # a measured parameter, a decimal constant or a price in an amount: checked by way of the AST
                from engine.index_rich import check_rule

                check_rule(*_made(*made), self.slots)
                minor = formula_tree.in_minor_units(priced, 1 if final is None else self.reader.money.scale,
                                                    None if final is None else final[1])
                formula = formula_tree.compile(minor)
                value = formula_tree.constant(minor)
                if value is not None and abs(int(value)) > MAX_CREDITS:  # type: ignore[call-overload]
                    value = None  # refused by the checks; else priced as a formula (engine.compile.make_entry)
            quote = None if value is None else _quote(int(value), label, money)  # type: ignore[call-overload]
            return Entry.deferred(ranges, label, quote, formula, None, _made, made, money)
        if kind == "reject" and type(payload) is str:
            return Entry.deferred(ranges, label, None, None, payload, _made, made)
        if kind == "free" and payload is None:  # `-> free`: 0 credits (or 0 of the amount), as written (ast.Free)
            return Entry.deferred(ranges, label, _quote(0, label, money), constant_function(0), None, _made, made,
                                  money)
        raise Corrupt("an outcome that is neither a price, free nor a reject")

    def final(self, data: object) -> list:
        """A rule's `final` (engine.model.Final) as written, checked: [the card's money, its rounding]."""
        money, rounding = _pair(data)
        if _decode_money(money) != self.reader.money:
            raise Corrupt("a rule priced in another unit than its card")
        if rounding is not None and rounding != "UP" and rounding != "DOWN":
            raise Corrupt("not a Rounding")
        return data

    def price(self, tree: list, priced: list, formula: formula_tree.Evaluator, rounding: str | None,
              box: dict[str, Domain], rule: tuple) -> object | None:
        """The constant price (None for a formula of parameters), once the formula is found to be
        one engine.checks.formulas passes: it names only the model's whole numbers that it prices,
        says how each division rounds, divides only by a positive number, and its price is at
        least 1 credit and not always above MAX_CREDITS wherever the rule applies."""
        if tree[0] == "n":  # the usual price: one number
            value = tree[1]
            if not 1 <= value <= MAX_CREDITS:
                raise Corrupt("a price below 1 credit or above the most a quote may be")
            return value
        numbers: list = []
        names: list = []
        formula_tree.leaves(tree, numbers, names)
        if any(n < 0 for n in numbers):
            raise Corrupt("a negative number in a formula")  # the grammar has none
        for name in names:
            slot = self.slots.get(name)
            if (slot is None or slot.param.domain.type is not ValueType.INT or slot.param.unpriced
                    or isinstance(slot.offer, NotTaken)):
                raise Corrupt("a formula that uses a parameter the model has no number for")
        if rounding is None and any(not rounded for _, rounded in formula_tree.divisions(tree)):
            raise Corrupt("a division that does not say how it rounds")
        for div, _ in formula_tree.divisions(priced):  # `round down` makes 10 / (1 / 2) divide by 0
            divisor = formula_tree.constant(div[3])
            if divisor is None or divisor <= 0:  # type: ignore[operator]
                raise Corrupt("a division that is not by a positive number")
        if not names:
            value = formula_tree.evaluate(priced, {})
            if value < 1 or value >= MAX_CREDITS + 1:  # type: ignore[operator]
                raise Corrupt("a price below 1 credit or always above the most a quote may be")
            return value
        ranges = {name: box[name].intersect(offer) if name in box else offer for name, offer in self.offers.items()}
        if any(ranges[name].has_unset for name in names):
            raise Corrupt("a price that uses a value a request may leave unset")  # engine.checks.formulas
        if formula_tree.subtracts(priced):  # not known to grow with its parameters: as the checks decide
            _least_as_checked(rule, ranges)
        elif all(ranges[name].intervals for name in names):
            # No subtraction, numbers of 0 or more, divisors positive: the price grows with each
            # parameter, so its least value is at the least value of each (what engine.formula_box
            # finds too, by interval arithmetic), and it is always above MAX_CREDITS if that is.
            least = formula({name: ranges[name].intervals[0].lo for name in names})
            if least < 1 or least >= MAX_CREDITS + 1:  # type: ignore[operator]
                raise Corrupt("a price that falls below 1 credit, or is always above the most a quote may be")
        return None


def _quote(minor: int, label: str, money: Money | None) -> Quote:
    """engine.compile.priced: whole credits, or the amount the card prices in."""
    if money is None:
        return Quote(minor, label)
    return Quote(minor, label, amount=money.amount(minor), unit=money.unit)


def _has_decimal(tree: list) -> bool:
    tag = tree[0]
    if tag == "d":
        return True
    if tag == "op":
        return _has_decimal(tree[2]) or _has_decimal(tree[3])
    if tag == "pick":
        return any(_has_decimal(arg) for arg in tree[2])
    return tag == "round" and _has_decimal(tree[2])


_DECIMAL = re.compile(r"[0-9]{1,400}(?:\.[0-9]{1,400})?(?:E[-+]?[0-9]{1,3})?")  # str() of a Decimal constant


def _formula(data: object, depth: int = 0) -> list:
    """A formula tree, checked: the shapes engine.formula_tree describes, nested 200 deep at most."""
    if depth > 200:
        raise Corrupt("a formula nested too deeply")
    if type(data) is not list or not data:
        raise Corrupt("not a formula")
    tag = data[0]
    if tag == "n" and len(data) == 2 and type(data[1]) is int:
        return data
    if tag == "d" and len(data) == 2 and type(data[1]) is str and _DECIMAL.fullmatch(data[1]):
        return data
    if tag == "p" and len(data) == 2 and type(data[1]) is str:
        return data
    if tag == "op" and len(data) == 4 and type(data[1]) is str and data[1] in formula_tree.OPS:
        _formula(data[2], depth + 1)
        _formula(data[3], depth + 1)
        return data
    if tag == "pick" and len(data) == 3 and type(data[1]) is str and data[1] in formula_tree.EXTREMA:
        if type(data[2]) is not list or len(data[2]) < 2:
            raise Corrupt("a min or max of fewer than two formulas")
        for arg in data[2]:
            _formula(arg, depth + 1)
        return data
    if tag == "round" and len(data) == 3 and type(data[1]) is str and data[1] in formula_tree.ROUNDINGS:
        _formula(data[2], depth + 1)
        return data
    raise Corrupt("not a formula")


def _made(rules: _Rules, box: dict[str, Domain], kind: str, payload: object, out_span: list, rounding: str | None,
          span: list, index: int, final: list | None) -> tuple[PricedRule, ast.Expr | None]:
    """A cached entry's rule, and its formula with the file's rounding, as AST values (engine.index.Entry),
    from the rule's data as `_Rules.entries` checked it."""
    from engine import ast
    from engine.formula import from_tree
    from engine.model import Final, PricedRule

    outcome: ast.Outcome
    if kind == "reject":
        outcome, expr = ast.Reject(reason=payload, span=Span(*out_span)), None  # type: ignore[arg-type]
    elif kind == "free":
        where = Span(*out_span)
        outcome = ast.Free(expr=ast.Number(value=0, span=where), span=where)
        expr = ast.Number(value=0, span=where)
    else:
        outcome = ast.Price(expr=from_tree(payload), span=Span(*out_span))  # type: ignore[arg-type]
        expr = from_tree(formula_tree.with_rounding(payload, rounding))  # type: ignore[arg-type]
    rounded = None if rounding is None else ast.Rounding[rounding]
    last = None if final is None else Final(money=rules.reader.money,
                                            rounding=None if final[1] is None else ast.Rounding[final[1]])
    return PricedRule(tool=rules.tool, model=rules.model, box=box, outcome=outcome, rounding=rounded,
                      span=Span(*span), index=index, final=last), expr


ROW = 13  # the whole numbers of a row after its ranges (engine.index_write._row)
ROUNDINGS = (None, "UP", "DOWN")  # a row's rounding, by number
_ROUNDING_NUMBERS = frozenset(range(len(ROUNDINGS)))
_INTS = {int}
KEY_TYPES = frozenset({int, str, bool})  # what a table key holds at a position (unset aside): engine.index_write too


def _made_row(rules: _Rules, data: list[int], start: int) -> tuple[PricedRule, ast.Expr | None]:
    """A row's rule and formula as AST values (`_made`), from the row `rules.rows` checked."""
    (box, price, rounding, index, file, line, column, end_line, end_column, price_line, price_column,
     price_end_line, price_end_column) = data[start:start + ROW]
    name = rules.reader.row_files[file]
    return _made(rules, dict(rules.reader.boxes[box]), "price", ["n", price],
                 [name, price_line, price_column, price_end_line, price_end_column], ROUNDINGS[rounding],
                 [name, line, column, end_line, end_column], index, None)


def _least_as_checked(made: tuple, ranges: dict[str, Domain]) -> None:
    """engine.checks.formulas' own verdict on a formula that subtracts (rare: the AST is imported for it)."""
    from engine.formula_box import Low, always_above, least

    priced_rule, _ = _made(*made)
    if always_above(priced_rule, ranges, MAX_CREDITS) or least(priced_rule, ranges)[0] is not Low.NEVER:
        raise Corrupt("a price that falls below 1 credit, or is always above the most a quote may be")


def _decode_domain(data: object) -> Domain:
    data = _obj(data, "type", "intervals", "values")
    kind = _enum(ValueType, data["type"])
    step = _decode_number(data.get("step", 1))
    if step <= 0:
        raise Corrupt("a step that is not positive")
    intervals = []
    for pair in _list(data["intervals"]):
        lo, hi = _pair(pair)
        intervals.append(Interval(_decode_number(lo), _opt(hi, _decode_number)))
    values = tuple(_value(v) for v in _list(data["values"]))
    domain = Domain(kind, intervals=tuple(intervals), values=values, step=step)
    if kind is ValueType.INT:
        if (values or (intervals and intervals[0].lo < UNSET_NUMBER)
                or Domain.ints(intervals, step).intervals != domain.intervals
                or (step != 1 and any(_not_multiple(end, step) for iv in intervals for end in (iv.lo, iv.hi)
                                      if end is not None and end != UNSET_NUMBER))
                or (step == 1 and any(type(end) is not int for iv in intervals for end in (iv.lo, iv.hi)
                                      if end is not None))):
            raise Corrupt("whole numbers that are not sorted, merged ranges of 0 or more (or -1, unset)")
    elif intervals or step != 1 or len(set(values)) != len(values) or any(type_of(v) is not kind and v is not UNSET
                                                                          for v in values):
        raise Corrupt(f"values that are not all {kind.value}")
    return domain


# ---------------------------------------------------------------- plans


def read_plan(data: object, files: Collection[str] | None = None) -> Plan:
    data = _obj(data, "name", "tools", "period", "tiers", "span")
    reader = _Reader([], files)
    tiers = []
    for t in _list(data["tiers"]):
        t = _list(t)
        if len(t) != 4:
            raise Corrupt("not a tier")
        credits, price, currency, span = t
        tiers.append(Tier(credits=_int(credits), price=_opt(price, _decimal), currency=_opt(currency, _str),
                          span=reader.span(span)))
    # what the resolver asks of a card read from text (engine.resolve_plans), asked again
    figures = [t.credits for t in tiers]
    if figures != sorted(set(figures)) or any(not 1 <= c <= MAX_CREDITS for c in figures):
        raise Corrupt("tiers that are not positive and ascending")
    if any((t.price is None) != (t.currency is None) or t.price is not None and t.price < 0 for t in tiers):
        raise Corrupt("a price without a currency, a currency without a price, or a negative price")
    if len({t.currency for t in tiers if t.currency is not None}) > 1:
        raise Corrupt("a plan priced in two currencies")
    try:
        period = Period(_str(data["period"]))
    except ValueError:
        raise Corrupt("not a billing period") from None
    return Plan(name=_str(data["name"]), tools=frozenset(_str(t) for t in _list(data["tools"])), period=period,
                tiers=tuple(tiers), span=reader.span(data["span"]))


def _decimal(data: object) -> Decimal:
    from decimal import Decimal  # only for a priced tier: a card without prices never imports it

    try:
        value = Decimal(_str(data))
    except ArithmeticError:
        raise Corrupt("not a decimal amount") from None
    if not value.is_finite():
        raise Corrupt("not a decimal amount")
    return value


# ---------------------------------------------------------------- checked reading


def _obj(data: object, *keys: str) -> dict:
    needed = _KEY_SETS.get(keys)
    if needed is None:
        needed = _KEY_SETS[keys] = frozenset(keys)
    if type(data) is not dict or not needed <= data.keys():
        raise Corrupt(f"expected an object with {', '.join(keys)}")
    return data


_KEY_SETS: dict[tuple[str, ...], frozenset[str]] = {}  # each object's keys, as a set: asked of every object


def _pair(data: object) -> list:
    data = _list(data)
    if len(data) != 2:
        raise Corrupt("expected a pair")
    return data


def _at(items: list, at: object):
    at = _int(at)
    if not 0 <= at < len(items):
        raise Corrupt("a reference that points nowhere")
    return items[at]


def _exactly(kind: type, what: str):
    """A reader that passes values of exactly `kind` (so True is no int here) and refuses the rest."""
    def read(data: object):
        if type(data) is not kind:
            raise Corrupt(f"expected {what}")
        return data
    return read


_list = _exactly(list, "a list")
_str = _exactly(str, "a text")
_int = _exactly(int, "a whole number")
_bool = _exactly(bool, "true or false")


def _texts(data: object) -> tuple[str, ...]:
    if type(data) is not list:
        raise Corrupt("expected a list")
    for item in data:
        if type(item) is not str:
            raise Corrupt("expected a text")
    return tuple(data)


def _cuts(data: object) -> tuple[int, ...]:
    """Cut points: whole numbers (or measured amounts) of 0 or more (or -1, unset), strictly increasing."""
    cuts = tuple(_decode_number(v) for v in _list(data))
    if not cuts or cuts[0] < UNSET_NUMBER or any(a >= b for a, b in zip(cuts, cuts[1:])):
        raise Corrupt("cut points that are not increasing whole numbers")
    return cuts


def _decode_masks(data: object, cuts: tuple[int, ...] | None, rules: int):
    """One dimension's masks: one per piece (len(cuts) + 1 of them), or by value; each of `rules` bits."""
    def mask(text: object) -> int:
        text = _str(text)
        if not _HEX.fullmatch(text) or len(text) > rules // 4 + 1 or int(text, 16) >> rules:
            raise Corrupt("not a mask of the rules")
        return int(text, 16)

    data = _list(data)
    if cuts is not None:
        if len(data) != len(cuts) + 1:
            raise Corrupt("masks for the wrong number of pieces")
        return tuple(mask(m) for m in data)
    out = {}
    for pair in data:
        value, m = _pair(pair)
        out[_value(value)] = mask(m)
    return out


_HEX = re.compile(r"[0-9a-f]+")


def _table_key(value: object, domain: Domain, cuts: tuple[int, ...] | None) -> None:
    """A table key's value at one position: one the model offers there (Domain's `in` checks the type too),
    or, on a dimension the compiler cut, a piece of it."""
    if cuts is None:
        if value not in domain:
            raise Corrupt("a table key the model does not offer")
    else:
        _piece(value, cuts)


def _piece(data: object, cuts: tuple[int, ...]) -> int:
    """A piece of a cut dimension, by number: 1 to len(cuts) (none lies below the first cut)."""
    if type(data) is not int or not 1 <= data <= len(cuts):
        raise Corrupt("a piece that is not one of the cut points' pieces")
    return data


def _scalar(data: object) -> int | bool | str | Fraction:
    if type(data) is dict:  # a measured amount that is not whole
        return _decode_number(data)
    if type(data) not in (int, bool, str):
        raise Corrupt("expected a value")
    return data


UNSET_DATA = {"unset": True}  # how engine.index_write writes engine.domain.UNSET (-1 for a whole number)


def _value(data: object) -> object:
    """A value of a domain, a table key or a filled-in value: a scalar, or unset."""
    if type(data) is dict and data == UNSET_DATA:
        return UNSET
    return _scalar(data)  # a scalar, or a measured amount that is not whole


def _decode_number(data: object) -> int | Fraction:
    """A whole number, or {"n": ..., "d": ...}: a fraction in lowest terms that is not whole."""
    if type(data) is int:
        return data
    import math
    from fractions import Fraction  # a measured parameter's card only

    data = _obj(data, "n", "d")
    n, d = _int(data["n"]), _int(data["d"])
    if len(data) != 2 or d < 2 or math.gcd(n, d) != 1:
        raise Corrupt("not a number in lowest terms")
    return Fraction(n, d)


def _not_multiple(value: int | Fraction, step: int | Fraction) -> bool:
    from fractions import Fraction

    return (Fraction(value) / step).denominator != 1


def _measure(data: object) -> Measure:
    step, minimum = _pair(data)
    step, minimum = _decode_number(step), _opt(minimum, _decode_number)
    if step <= 0 or (minimum is not None and (minimum <= 0 or _not_multiple(minimum, step))):
        raise Corrupt("a measure that could not be declared")
    return Measure(step=step, minimum=minimum)


def _uncounted(names: list) -> list:
    """What a count leaves out, by name; engine.counting imported only for a card that leaves something out."""
    if not names:
        return []
    from engine.counting import Uncounted

    return [_enum(Uncounted, name) for name in names]


def _opt(data: object, read):
    return None if data is None else read(data)


def _enum(kind, name: object):
    try:
        return kind[_str(name)]
    except KeyError:
        raise Corrupt(f"not a {kind.__name__}") from None
