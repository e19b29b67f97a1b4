"""Reading expectation files (`*.expect`): requests written as in the rules, and what they must give.

One expectation a line, in the card's own words:

    text-to-video "Sora 2 Pro" res 1080 dur 12  -> 11400
    text-to-video "Sora 2 Pro" res 1080 dur 6   -> unsupported
    voiceover text "Hello, world"                -> 2

Left of `->`, the request: the tool, then the model when the tool has models
(quoted, as in the rules), then parameters as `key value` or `key=value`, values
read exactly as `ratecard quote` reads them ("1080p", "12s", yes). Right of it,
the credits it must cost, or the rejection code it must get (see
engine.results.Code); on a card that prices in an amount, the amount, exactly
and optionally with its unit (`-> 0.004725 USD`). `#` starts a comment. A line that cannot be read is an
`Unreadable` naming its line and column, never an exception.

A card with dates is priced at a time: a line `at 2026-11-15` (a date, midnight
UTC, or a time with its zone, 2026-11-15T10:00:00Z) prices the expectations
after it at that time, up to the next `at` line; before any, they are priced now.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import attrs

from engine.dates import read_at
from engine.names import did_you_mean, listing
from engine.results import Code

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<text>"[^"]*")
  | (?P<arrow>->)
  | (?P<equals>=)
  | (?P<comment>\#.*)
  | (?P<word>(?:[^\s"#=-]|-(?!>))+)
  | (?P<quote>")
""", re.X)
_CREDITS = re.compile(r"[0-9]+")
_AMOUNT = re.compile(r"[0-9]+\.[0-9]+")
_CODES = [str(c) for c in Code]
EXAMPLE = 'text-to-video "Sora 2 Pro" res 1080 dur 12 -> 11400'


@attrs.frozen
class Expectation:
    """One line: the request it makes, and the credits or rejection code it must give."""

    file: str
    line: int
    text: str                     # the request as written, without the expectation
    request: dict[str, str]
    expected: int | Decimal | Code
    unit: str | None = None       # `-> 0.004725 USD`: the unit the amount must be in
    at: str | None = None         # the time of the `at` line above it, as written; None: now

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@attrs.frozen
class Unreadable:
    """A line that is not an expectation, and why."""

    file: str
    line: int
    column: int
    message: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


class _Bad(Exception):
    def __init__(self, column: int, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def read(text: str, file: str) -> Iterator[Expectation | Unreadable]:
    """Every expectation of a file's text, and every line that is not one, in order."""
    at = None
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        try:
            when = _time(line)
            if when is not None:
                at = when
                continue
            found = _line(line, file, number)
        except _Bad as bad:
            yield Unreadable(file, number, bad.column, bad.message)
            continue
        if found is not None:
            yield found if at is None else attrs.evolve(found, at=at)


def _time(line: str) -> str | None:
    """The time of an `at 2026-11-15` line; None for any other line."""
    tokens = _tokens(line)
    if not tokens or tokens[0][:2] != ("word", "at") or any(kind == "arrow" for kind, _, _ in tokens):
        return None
    if len(tokens) != 2 or tokens[1][0] != "word":
        raise _Bad(tokens[0][2], "`at` takes one time: a date, `at 2026-12-01`, or a time with its zone, "
                                 "`at 2026-12-01T10:00:00Z`")
    reason = read_at(tokens[1][1])
    if type(reason) is str:
        raise _Bad(tokens[1][2], reason)
    return tokens[1][1]


def _tokens(line: str) -> list[tuple[str, str, int]]:
    out, at = [], 0
    while at < len(line):
        match = _TOKEN.match(line, at)
        kind = match.lastgroup
        if kind == "quote":
            raise _Bad(at + 1, "this quote is never closed")
        if kind not in ("space", "comment"):
            out.append((kind, match.group(), at + 1))
        at = match.end()
    return out


def _line(line: str, file: str, number: int) -> Expectation | None:
    tokens = _tokens(line)
    if not tokens:
        return None
    arrows = [i for i, (kind, _, _) in enumerate(tokens) if kind == "arrow"]
    if not arrows:
        raise _Bad(len(line.rstrip()) + 1, f"expected `->` and what the request must give, as in: {EXAMPLE}")
    if len(arrows) > 1:
        raise _Bad(tokens[arrows[1]][2], "one `->` a line: the request, then what it must give")
    left, right = tokens[: arrows[0]], tokens[arrows[0] + 1:]
    if not left:
        raise _Bad(tokens[0][2], f"the request comes before `->`, as in: {EXAMPLE}")
    request = _request(left)
    written = line[left[0][2] - 1: tokens[arrows[0]][2] - 1].rstrip()
    if len(right) == 2 and right[1][0] == "word" and _AMOUNT.fullmatch(right[0][1]):
        unit = right[1][1]  # `-> 0.004725 USD`
        return Expectation(file, number, written, request, _expected(right[:1], tokens[arrows[0]][2] + 2), unit)
    return Expectation(file, number, written, request, _expected(right, tokens[arrows[0]][2] + 2))


def _request(tokens: list[tuple[str, str, int]]) -> dict[str, str]:
    kind, tool, column = tokens[0]
    if kind != "word":
        raise _Bad(column, "a request starts with the tool's name, such as text-to-video")
    request = {"tool": tool}
    rest = tokens[1:]
    if rest and rest[0][0] == "text":
        request["model"] = rest[0][1][1:-1]
        rest = rest[1:]
    i = 0
    while i < len(rest):
        kind, key, column = rest[i]
        if kind != "word":
            what = "a model name comes right after the tool" if kind == "text" else "expected a parameter name"
            raise _Bad(column, what)
        i += 1
        if i < len(rest) and rest[i][0] == "equals":
            i += 1
        if i >= len(rest) or rest[i][0] not in ("word", "text"):
            raise _Bad(column, f"`{key}` needs a value, as in `{key} 12` or `{key}=12`")
        value = rest[i][1]
        if key in request:
            raise _Bad(column, f"`{key}` is given twice")
        request[key] = value[1:-1] if rest[i][0] == "text" else value
        i += 1
    return request


def _expected(tokens: list[tuple[str, str, int]], column: int) -> int | Code:
    if not tokens:
        raise _Bad(column, f"after `->`, the credits or a rejection code ({listing(_CODES)})")
    kind, word, at = tokens[0]
    if len(tokens) > 1:
        raise _Bad(tokens[1][2], "after `->`, one price or one rejection code")
    if kind == "word" and _CREDITS.fullmatch(word):
        return int(word)
    if kind == "word" and _AMOUNT.fullmatch(word):
        return Decimal(word)
    if kind == "word" and word in _CODES:
        return Code(word)
    hint = did_you_mean(word.strip('"'), _CODES) if kind == "word" else ""
    raise _Bad(at, f"expected credits (a whole number) or a rejection code, not {word}{hint or ''}"
               f"{'' if hint else f' (codes: {listing(_CODES)})'}")
