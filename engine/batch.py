"""`ratecard quote --batch`: JSON lines in, JSON lines out, as fast as the JSON library allows.

`line_result` is the reference: one line -> the result object. `run` gives the
same output faster: a line seen before gets the output it got then (a batch of
past generations repeats itself), a price is written from a template, a result already
written is not serialised again (results for repeated requests are the same objects, from the quote
memo), and output goes out in chunks. Both memories are bounded. With orjson installed (the `fast` extra) lines are parsed by
orjson; anything but a flat object of plain values, or a line orjson refuses, is
parsed again by the stdlib, so what is accepted, every value and every error message
stay exactly the stdlib's. Results are always written by
the stdlib, in its spacing. RATECARD_JSON=stdlib turns orjson off.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable

from engine.results import Code, Quote, Rejection

_TEXTS_LIMIT = 4096
_LINES_LIMIT = 1 << 13
_LINE_LIMIT = 256  # longer lines (long voiceover texts) are not remembered
_CHUNK = 512
_FLAT = frozenset({str, int, bool, type(None)})


def stdlib_loads(line: str) -> object:
    return json.loads(line)


def fast_loads() -> Callable[[str], object]:
    """orjson's parser when it is installed and wanted, with the stdlib behind it; else the stdlib."""
    if os.environ.get("RATECARD_JSON", "").lower() in ("stdlib", "json"):
        return stdlib_loads
    try:
        import orjson
    except ImportError:
        return stdlib_loads
    parse, error = orjson.loads, orjson.JSONDecodeError

    def loads(line: str) -> object:
        try:
            value = parse(line)
        except error:
            return json.loads(line)  # the stdlib decides, and words the error
        # Trust orjson only with a flat object of texts, whole numbers, booleans and nulls: it reads a
        # number too big for 64 bits as a float where the stdlib keeps an exact int, and nests deeper
        # than the stdlib's recursion limit; anything else (rare in a batch) is read again.
        if type(value) is dict and _FLAT.issuperset(map(type, value.values())):
            return value
        return json.loads(line)

    return loads


def line_result(quote: Callable[[object], Quote | Rejection], line: str,
                loads: Callable[[str], object] = stdlib_loads) -> Quote | Rejection:
    try:
        request = loads(line)
    except (ValueError, RecursionError) as exc:
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else "too deeply nested"
        return Rejection(Code.INVALID_REQUEST, f"this line is not JSON ({detail})")
    return quote(request)


def encode(result: Quote | Rejection) -> str:
    return json.dumps(result.to_json(), ensure_ascii=False) + "\n"


def run(quote: Callable[[object], Quote | Rejection], lines: Iterable[str], write: Callable[[str], object],
        loads: Callable[[str], object] = stdlib_loads) -> None:
    done: dict[str, str] = {}  # a short line already answered -> its output line
    texts: dict[int, tuple[Quote | Rejection, str]] = {}  # id(result) -> (result, its line); holds result alive
    rules: dict[str, str] = {}  # a rule's label -> its JSON text
    remembered, get_text = done.get, texts.get
    chunk: list[str] = []
    add = chunk.append
    for line in lines:
        text = remembered(line)
        if text is None:
            try:
                request = loads(line)
            except (ValueError, RecursionError):
                result = line_result(quote, line)
            else:
                result = quote(request)
            hit = get_text(id(result))
            if hit is not None and hit[0] is result:
                text = hit[1]
            elif type(result) is Quote and type(result.credits) is int:
                rule = rules.get(result.rule)
                if rule is None:
                    rule = rules[result.rule] = json.dumps(result.rule, ensure_ascii=False)
                text = f'{{"ok": true, "credits": {result.credits}, "rule": {rule}}}\n'  # as encode() writes it
            else:
                text = encode(result)
                if len(texts) < _TEXTS_LIMIT:
                    texts[id(result)] = (result, text)
            if len(line) <= _LINE_LIMIT and len(done) < _LINES_LIMIT:
                done[line] = text
        add(text)
        if len(chunk) >= _CHUNK:
            write("".join(chunk))
            chunk.clear()
    if chunk:
        write("".join(chunk))
