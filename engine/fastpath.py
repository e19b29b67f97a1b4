"""Quoting fast: a bounded memo from a request's exact items to its result.

The reference path (engine.interpreter) stays the one that decides; this
module remembers its answers, and on the first sight of a plainly valid request
takes engine.direct's shorter road to the same answer.

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
unknown key is the one reported) and on those types, since `audio=1` is invalid
and `tool=1.0` is shown as `1.0`. So each remembered answer carries a guard, the
keys whose values must also have the same type as before:

- texts and nulls never need one (nothing else equals them);
- for a rejection, every number and boolean, since its message may show the value;
- for a price, only booleans, 0 and 1 (which a boolean could stand for) and floats.
  A price means every number was read as a whole number of a numeric parameter,
  and `dur=8.0` reads exactly as `dur=8`, so the other ints need no check.

Not remembered: long texts, and a float zero: `-0.0 == 0.0`, yet a message
shows each as written. (Any other two equal floats print alike, and NaN never
equals anything, so never hits.) The memo stops growing at `limit` entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from engine.direct import make_direct
from engine.index import Index
from engine.interpreter import quote as interpreter_quote
from engine.results import Code, Quote, Rejection, dated, stamped

Result = Quote | Rejection
Guard = tuple[tuple[str, type], ...]

MEMO_LIMIT = 1 << 13  # ample for every shape of a finite card; small enough that a stream of new requests pays little
_MAX_TEXT = 64
_SCALAR_LIMIT = 256
_PLAIN = frozenset({int, float, bool, type(None)})
_NUMERIC = frozenset({int, float, bool})


def read_at(value: object) -> int | str:
    """engine.dates.read_at, imported by the first request priced at a given time."""
    from engine.dates import read_at as read

    return read(value)


def make_quoter(index: Index, limit: int = MEMO_LIMIT, digest: str = "", effective: str | None = None) -> tuple[
        Callable[..., Result], Callable[..., list[Result]]]:
    """(quote, quote_many): quote(request) equals `interpreter.quote(index, request)` for every request,
    and every answer carries `digest` and `effective` (stamped once, when computed: the memo keeps
    stamped answers). Both take `at=`, the time to price at, which only has to be a time (see
    bad_time): an index has one price per request at every time (a dated card has one index per slice
    of time, engine.versions, and its answers name theirs: `effective`)."""
    memo: dict[tuple, tuple[Guard, Result]] = {}
    get = memo.get
    scalars: dict[tuple, Result] = {}  # (type, value) -> the invalid-request answer for a non-mapping
    unstamped = make_direct(index)
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
        if type(result) is Quote and len(named) < limit:
            named[id(result)] = (result, out)
        return out

    def direct(request: dict) -> Result | None:
        result = unstamped(request)
        return None if result is None else stamp(result)

    def reference_quote(index: Index, request: object) -> Result:
        return stamp(interpreter_quote(index, request))

    def quote(request: object, at: object = None) -> Result:
        """Price one request (a mapping, as PRODUCT.md describes); never raises."""
        if at is not None and type(read_at(at)) is str:
            return bad_time(at, digest)
        if type(request) is not dict:
            return _not_a_dict(request)
        key = tuple(request.items())
        for name, value in key:  # exact builtins only: see the module's docstring
            if type(name) is str:
                kind = type(value)
                if kind is str or kind is int or kind is bool or kind is float or value is None:
                    continue
            return reference_quote(index, request)
        hit = get(key)
        if hit is not None:
            guard, result = hit
            for name, kind in guard:
                if type(request[name]) is not kind:
                    break
            else:
                return result
        result = direct(request)
        if result is None:
            result = reference_quote(index, request)
        if len(memo) < limit:
            guard = _guard(request, result)
            if guard is not None:
                memo[key] = (guard, result)
        return result

    def _not_a_dict(request: object) -> Result:
        kind = type(request)
        if (kind is float and not request) or (kind not in _PLAIN and (kind is not str or len(request) > _MAX_TEXT)):
            return reference_quote(index, request)
        key = (kind, request)
        result = scalars.get(key)
        if result is None:
            result = reference_quote(index, request)
            if len(scalars) < _SCALAR_LIMIT:
                scalars[key] = result
        return result

    def quote_many(requests: Iterable[object], at: object = None) -> list[Result]:
        """[quote(r) for r in requests], with the memo lookup done in the loop."""
        if at is not None and type(read_at(at)) is str:
            return [bad_time(at, digest) for _ in requests]
        out: list[Result] = []
        add = out.append
        for request in requests:
            if type(request) is dict:
                key = tuple(request.items())
                for name, value in key:
                    if type(name) is str:
                        kind = type(value)
                        if kind is str or kind is int or kind is bool or kind is float or value is None:
                            continue
                    break
                else:
                    hit = get(key)
                    if hit is not None:
                        for name, kind in hit[0]:
                            if type(request[name]) is not kind:
                                break
                        else:
                            add(hit[1])
                            continue
            add(quote(request))
        return out

    return quote, quote_many


def bad_time(at: object, digest: str = "") -> Rejection:
    """The answer to a quote asked for at something that is not a time (engine.dates.read_at says why)."""
    reason = read_at(at)
    return Rejection(Code.INVALID_REQUEST, reason if type(reason) is str else "`at` is not a time", "at",
                     digest=digest)


def _guard(request: dict, result: Result) -> Guard | None:
    """The keys whose value types a later equal request must share to get this result;
    None when the request is not worth remembering. Its values are exact builtins."""
    priced = type(result) is Quote
    guard = []
    for key, value in request.items():
        kind = type(value)
        if kind is float and not value:  # -0.0 == 0.0, yet a message shows each as written
            return None
        if kind is str:
            if len(value) > _MAX_TEXT:
                return None
        elif kind in _NUMERIC:
            if not (priced and kind is int and value not in (0, 1)):
                guard.append((key, kind))
    return tuple(guard)
