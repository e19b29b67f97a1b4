"""Quoting fast: a bounded memo from a request's exact items to its result.

The reference path (engine.interpreter) stays the one that decides; this
module remembers its answers, and on the first sight of a request takes the
shortest road that answers it: a model's compiled road (engine.roads) for a
plainly valid request, engine.direct's for the common rejections, the
reference for the rest.

Only exact builtin values reach the memo, each checked with `type(v) is ...`: a
dict whose keys are strs and whose values are strs, ints, floats, bools or None.
Anything else (another mapping, a `Decimal`, a numpy scalar, a str subclass, a
list) goes straight to the reference path before any lookup, so no hash and no
`==` but the builtins' own is ever called (a `Decimal(2)` hashes and compares
equal to 2, a numpy scalar says it equals 2, a hostile value's `==` raises), a
request never raises here either, and its answer never depends on what was
quoted before.

Among exact builtins, values of different types collide only as numbers:
`True == 1 == 1.0`. A result depends on the request's items in order (the first
unknown key is the one reported) and on their types, since `audio=1` is invalid
and `tool=1.0` is shown as `1.0`. So a request's key is its names, then its
values, each boolean and each float led by its type. A type equals nothing but
itself, so two keys are equal only for the same names and values of the same
types, and a request with equal items of other types (`res=720.0` after
`res=720`, `audio=True` after `audio=1`) is remembered beside it: the values
left without a type, texts, nulls and whole numbers, each equal only a value of
their own type or a boolean or a float, which carries its type.

Not remembered: long texts, and a float zero: `-0.0 == 0.0`, yet a message
shows each as written. (NaN never equals anything, so never hits.) The memo
stops growing at `limit` entries; a quoter with limit 0 makes no key at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from engine.direct import make_direct
from engine.index import Index
from engine.interpreter import quote as interpreter_quote
from engine.results import (Code, DatedQuote, DatedRejection, Quote, Rejection, dated, new_quote, new_rejection,
                            stamped)
from engine.roads import make_road

Result = Quote | Rejection
Answer = tuple[Callable[[dict], Result], Callable[[object], Result]]  # make_answer's (answer, reference)

MEMO_LIMIT = 1 << 13  # ample for every shape of a finite card; small enough that a stream of new requests pays little
_MAX_TEXT = 64
_SCALAR_LIMIT = 256
_PLAIN = frozenset({int, float, bool, type(None)})


def read_at(value: object) -> int | str:
    """engine.dates.read_at, imported by the first request priced at a given time."""
    from engine.dates import read_at as read

    return read(value)


def make_answer(index: Index, digest: str = "", effective: str | None = None) -> Answer:
    """(answer, reference): answer(request) is the request's result naming the card (`digest`, and
    `effective` for a slice of a dated card), for a dict whose keys and values are exact builtins:
    engine.roads' road, else engine.direct's, else the reference interpreter's; reference(request)
    is the reference's, for anything at all. What they remember depends on the card only (each
    prebuilt price stamped once, a model's road, a typo's "did you mean"), never on which requests
    came before, so one pair is made per card and its quoters can share it."""
    # the index's prebuilt Quotes (constant prices), each stamped once: id -> (prebuilt, stamped). The
    # prebuilt is held, so its id cannot be reused; a fresh answer (a formula's) never hits and is stamped.
    named: dict[int, tuple[Result, Result]] = {}
    restamp = stamped
    if effective is not None:
        def restamp(result: Result, digest: str) -> Result:
            return dated(result, digest, effective)

    def stamp(result: Result) -> Result:
        hit = named.get(id(result))
        if hit is not None and hit[0] is result:
            return hit[1]
        out = restamp(result, digest)
        if type(result) is Quote and len(named) < MEMO_LIMIT:
            named[id(result)] = (result, out)
        return out

    def reject(code: str, message: str, param: str | None = None) -> Rejection:
        if effective is None:
            return new_rejection(code, message, param, digest)
        return DatedRejection(code, message, param, digest=digest, effective=effective)

    def price(credits: int, rule: str) -> Quote:
        if effective is None:
            return new_quote(credits, rule, digest)
        return DatedQuote(credits, rule, digest=digest, effective=effective)

    road = make_road(index, stamp, reject, price)
    direct = make_direct(index, stamp, reject, price)

    def answer(request: dict) -> Result:
        result = road(request)
        if result is None:
            result = direct(request)
            if result is None:
                result = stamp(interpreter_quote(index, request))
        return result

    def reference(request: object) -> Result:
        return stamp(interpreter_quote(index, request))

    return answer, reference


def make_quoter(index: Index, limit: int = MEMO_LIMIT, digest: str = "", effective: str | None = None,
                answer: Answer | None = None) -> tuple[
        Callable[..., Result], Callable[..., list[Result]]]:
    """(quote, quote_many): quote(request) equals `interpreter.quote(index, request)` for every request,
    and every answer carries `digest` and `effective` (stamped once, when computed: the memo keeps
    stamped answers). Both take `at=`, the time to price at, which only has to be a time (see
    bad_time): an index has one price per request at every time (a dated card has one index per slice
    of time, engine.versions, and its answers name theirs: `effective`). `answer` is the card's
    make_answer (made here when not given); `limit` bounds the memo of requests, 0 for none."""
    memo: dict[tuple, Result] = {}  # a request's key (names, then values with their types where needed) -> answer
    get = memo.get
    scalars: dict[tuple, Result] = {}  # (type, value) -> the invalid-request answer for a non-mapping
    answer, reference_quote = make_answer(index, digest, effective) if answer is None else answer

    def quote(request: object, at: object = None) -> Result:
        """Price one request (a mapping, as PRODUCT.md describes); never raises."""
        if at is not None and type(read_at(at)) is str:
            return bad_time(at, digest)
        if type(request) is not dict:
            return _not_a_dict(request)
        keep = True  # worth remembering
        key = [*request]  # the names, then each value, a boolean or a float led by its type
        add = key.append
        for value in request.values():  # exact builtins only: see the module's docstring
            kind = type(value)
            if kind is str:
                if len(value) > _MAX_TEXT:
                    keep = False
            elif kind is bool or kind is float:  # True == 1, 720.0 == 720: led by its type
                add(kind)
                if not value and kind is float:  # -0.0 == 0.0, yet a message shows each as written
                    keep = False
            elif kind is not int and value is not None:
                return reference_quote(request)
            add(value)
        for name in request:
            if type(name) is not str:
                return reference_quote(request)
        key = tuple(key)  # equal only to the key of a request of the same names, values and types
        hit = get(key)
        if hit is not None:
            return hit
        result = answer(request)
        if keep and len(memo) < limit:
            memo[key] = result
        return result

    def unremembered(request: object, at: object = None) -> Result:
        """quote, for a quoter that remembers no request (limit 0): no key is made, nothing looked up."""
        if at is not None and type(read_at(at)) is str:
            return bad_time(at, digest)
        if type(request) is not dict:
            return _not_a_dict(request)
        for name, value in request.items():  # exact builtins only: see the module's docstring
            if type(name) is str:
                kind = type(value)
                if kind is str or kind is int or kind is bool or kind is float or value is None:
                    continue
            return reference_quote(request)
        return answer(request)

    def _not_a_dict(request: object) -> Result:
        kind = type(request)
        if (kind is float and not request) or (kind not in _PLAIN and (kind is not str or len(request) > _MAX_TEXT)):
            return reference_quote(request)
        key = (kind, request)
        result = scalars.get(key)
        if result is None:
            result = reference_quote(request)
            if len(scalars) < _SCALAR_LIMIT:
                scalars[key] = result
        return result

    def quote_many(requests: Iterable[object], at: object = None) -> list[Result]:
        """[quote(r) for r in requests]."""
        if at is not None and type(read_at(at)) is str:
            return [bad_time(at, digest) for _ in requests]
        return [quote(request) for request in requests]

    return (quote if limit > 0 else unremembered), quote_many


def bad_time(at: object, digest: str = "") -> Rejection:
    """The answer to a quote asked for at something that is not a time (engine.dates.read_at says why)."""
    reason = read_at(at)
    return Rejection(Code.INVALID_REQUEST, reason if type(reason) is str else "`at` is not a time", "at",
                     digest=digest)
