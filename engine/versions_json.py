"""A compiled Index as JSON lines and back, dated or not: what engine.cache stores.

An undated index is written exactly as engine.index_json writes it, and read by
it. A dated one (engine.versions) is a first line

    {"versions":{"boundaries":[...],"slices":[...]},"indexes":K}

(the boundaries in microseconds since 1970 UTC; for each slice of time, which
of the K distinct indexes prices it), then each distinct index as a line
{"lines":N} and the N lines engine.index_json writes for it. Reading is as
strict as index_json's: every index is checked by it, the boundaries must
increase, every index must be used and neighbouring slices differ (as
engine.versions compiles them), and the slices must agree on everything but
their prices (tools, models, parameters, plans are declared once for all time).
Anything else is Corrupt, and the cache builds the card again.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Collection, Iterable, Iterator

from engine import index_json
from engine.index import Index
from engine.index_json import Corrupt

_HEAD = b'{"versions":'


def encode_lines(index: Index) -> Iterator[str]:
    versions = index.versions
    if versions is None:
        yield from index_json.encode_lines(index)
        return
    distinct: list[Index] = []
    number: dict[int, int] = {}
    for ix in versions.indexes:
        if id(ix) not in number:
            number[id(ix)] = len(distinct)
            distinct.append(ix)
    yield _dump({"versions": {"boundaries": list(versions.boundaries),
                              "slices": [number[id(ix)] for ix in versions.indexes]},
                 "indexes": len(distinct)})
    for ix in distinct:
        lines = list(index_json.encode_lines(ix))
        yield _dump({"lines": len(lines)})
        yield from lines


def _dump(data: object) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode_lines(lines: Iterable[bytes | str], files: Collection[str] | None = None,
                 loads: Callable[[bytes | str], object] = json.loads) -> Index:
    """The index from the lines encode_lines wrote; Corrupt (a ValueError) if they are not such lines.
    `loads` decodes one line (engine.index_json.decode_lines)."""
    lines = iter(lines)
    first = next(lines, None)
    if first is None:
        raise Corrupt("the file ends early")
    head = first if isinstance(first, bytes) else first.encode()
    if not head.startswith(_HEAD):
        return index_json.decode_lines(itertools.chain([first], lines), files, loads)
    # a dated card: its dates and versions are imported here, never for a card without dates
    from datetime import UTC, datetime

    from engine.dates import micros
    from engine.versions import Versions

    lowest = micros(datetime.min.replace(tzinfo=UTC))  # the instants a card can write
    highest = micros(datetime.max.replace(tzinfo=UTC))
    data = _obj(json.loads(first), "versions", "indexes")
    versions = _obj(data["versions"], "boundaries", "slices")
    boundaries = tuple(_int(b) for b in _list(versions["boundaries"]))
    if not boundaries or any(a >= b for a, b in zip(boundaries, boundaries[1:])) \
            or boundaries[0] <= lowest or boundaries[-1] > highest:
        raise Corrupt("dates that are not increasing instants")
    count = _int(data["indexes"])
    slices = tuple(_int(s) for s in _list(versions["slices"]))
    if (len(slices) != len(boundaries) + 1 or not 1 <= count <= len(slices)
            or set(slices) != set(range(count)) or any(a == b for a, b in zip(slices, slices[1:]))):
        raise Corrupt("slices of time that do not fit the dates")
    indexes = []
    for _ in range(count):
        size = _obj(json.loads(_next(lines)), "lines")["lines"]
        if _int(size) < 2:
            raise Corrupt("an index of too few lines")
        indexes.append(index_json.decode_lines(itertools.islice(lines, size), files, loads))
    if next(lines, None) is not None:
        raise Corrupt("lines after the last index")
    shape = _declared(indexes[0])
    if any(_declared(ix) != shape for ix in indexes[1:]):
        raise Corrupt("slices of time that declare different tools, models or plans")
    last = indexes[slices[-1]]
    return Index(tools=last.tools, plans=last.plans, plan_details=last.plan_details, money=last.money,
                 versions=Versions(boundaries, tuple(indexes[s] for s in slices)))


def _declared(index: Index) -> tuple:
    """What the card declares, which every slice of time shares: all but the prices."""
    tools = tuple((t.name, t.accepts, t.has_models, t.canonical,
                   tuple((name, m.tool, m.name, m.slots) for name, m in t.models.items()))
                  for t in index.tools.values())
    return tools, dict(index.plans), dict(index.plan_details)


def _next(lines: Iterator) -> bytes | str:
    line = next(lines, None)
    if line is None:
        raise Corrupt("the file ends early")
    return line


def _obj(data: object, *keys: str) -> dict:
    if type(data) is not dict or set(data) != set(keys):
        raise Corrupt(f"expected an object with {', '.join(keys)}")
    return data


def _list(data: object) -> list:
    if type(data) is not list:
        raise Corrupt("expected a list")
    return data


def _int(data: object) -> int:
    if type(data) is not int:
        raise Corrupt("expected a whole number")
    return data
