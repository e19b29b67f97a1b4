"""A dated card compiled and quoted: one index per slice of time, and a quote that finds its slice.

engine.timeline cuts time into slices at the card's dates. Each slice is
compiled as any card is (engine.compile): slices with the same rules share one
Index, and slices share the ModelIndex of every model whose rules they share.
The card's own Index is its last slice's (the prices from its last date on),
carrying `versions`. A quote asked for at a time (default now) bisects it into
the boundaries and asks that slice's quoter (engine.fastpath), whose answers
name the slice: `Quote.effective`, the version of the card that priced it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable

import attrs

from engine.compile import Index, compile_card
from engine.dates import Period, now, read_at
from engine.fastpath import MEMO_LIMIT, bad_time, make_quoter
from engine.model import Card
from engine.results import Quote, Rejection

Result = Quote | Rejection


@attrs.frozen
class Versions:
    """The index in effect in each slice of time: slice i runs from boundaries[i - 1] (always, for the
    first) until boundaries[i] (for ever, for the last). Slices with the same rules share one Index."""

    boundaries: tuple[int, ...]  # microseconds since 1970 UTC, strictly increasing, at least one
    indexes: tuple[Index, ...]   # len(boundaries) + 1

    def slice_at(self, t: int) -> int:
        return bisect.bisect_right(self.boundaries, t)

    def period(self, i: int) -> Period:
        b = self.boundaries
        return Period(b[i - 1] if i > 0 else None, b[i] if i < len(b) else None)

    @property
    def periods(self) -> tuple[Period, ...]:
        return tuple(self.period(i) for i in range(len(self.indexes)))


def compile_versions(card: Card) -> Index:
    """A dated card's Index: its last slice's, with every slice's under `versions`."""
    timeline = card.timeline
    memo: dict = {}
    by_rules: dict[tuple[int, ...], Index] = {}
    indexes = []
    for i in range(timeline.count):
        rules = timeline.rules_at(card.rules, i)
        key = tuple(r.index for r in rules)
        index = by_rules.get(key)
        if index is None:
            index = by_rules[key] = compile_card(attrs.evolve(card, rules=rules, timeline=None), memo)
        indexes.append(index)
    return attrs.evolve(indexes[-1], versions=Versions(timeline.boundaries, tuple(indexes)))


@attrs.frozen
class DatedQuoter:
    """quote(request, at=None) and quote_many(requests, at=None) over every slice, and each slice's own pair."""

    quote: Callable[..., Result]
    quote_many: Callable[..., list[Result]]
    slices: tuple[tuple[Callable[..., Result], Callable[..., list[Result]]], ...]


def make_dated_quoter(versions: Versions, digest: str = "", limit: int = MEMO_LIMIT) -> DatedQuoter:
    """Quoters for a dated card. `at` is an aware datetime or a time as text (engine.dates.read_at);
    None means now, read once per call (once for a whole quote_many). A time that is none is an
    `invalid-request` rejection of parameter `at`."""
    slices = tuple(make_quoter(index, limit, digest, versions.period(i).iso())
                   for i, index in enumerate(versions.indexes))
    quotes = tuple(q for q, _ in slices)
    manys = tuple(m for _, m in slices)
    bounds = versions.boundaries
    where = bisect.bisect_right

    def quote(request: object, at: object = None) -> Result:
        if at is None:
            return quotes[where(bounds, now())](request)
        t = read_at(at)
        if type(t) is str:
            return bad_time(at, digest)
        return quotes[where(bounds, t)](request)

    def quote_many(requests: Iterable[object], at: object = None) -> list[Result]:
        t = now() if at is None else read_at(at)
        if type(t) is str:
            return [bad_time(at, digest) for _ in requests]
        return manys[where(bounds, t)](requests)

    return DatedQuoter(quote, quote_many, slices)
