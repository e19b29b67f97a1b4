"""A model's table of cells: which dimensions key it, and how, so its size follows the rules, not their ranges.

The compiled table (engine.compile) maps a request's values on the dimensions
the rules depend on to the rules that may price it. A dimension keys the table
in one of two ways:

- by value, when it offers few values (`res 720 | 1080`, `audio yes | no`):
  the fastest lookup;
- by piece, for whole numbers over a wide or open range: the dimension is cut
  at every bound a rule or the offer draws (the values the rules distinguish,
  as in engine.sweep), and a value is looked up by the piece it falls in
  (a bisect). `x 1..4096` with one rule is one piece, not 4096 keys;
When keying every dimension would make the table larger than a budget linear
in the number of rules and pieces (overlapping or nested rules over several
wide dimensions can: each rule spans the pieces the others cut), the model
gets a BitTable instead: per dimension, a mask of the rules holding each
piece; a lookup ANDs one mask per dimension. Only if even the masks would pass
BITS_BUDGET is a dimension left out of the key ("scanned": each entry of a cell
carries the rule's range there, checked in order). A table never grows with
the product of the rules' ranges, nor with the product of their pieces.

Every rule's bounds are cut points, so a piece lies wholly inside or outside
each rule: the entries of a cell are exactly the rules that price all of it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence

from engine.domain import Domain, ValueType

SMALL = 16          # a dimension offering at most this many values is keyed by value
BUDGET_BASE = 1024  # the table may always hold this many cells...
BUDGET_PER = 8      # ...plus this many per rule and per piece

Cuts = tuple[int, ...]  # sorted bounds; piece k holds the values v with cuts[k-1] <= v < cuts[k]


def by_value(offer: Domain) -> bool:
    return offer.type is not ValueType.INT or offer.is_finite(SMALL)


def cut_points(offer: Domain, domains: Sequence[Domain]) -> Cuts:
    """Every bound of the offer and of the rules' domains (cut to the offer), sorted."""
    points = set()
    step = offer.step  # the next value past an end: 1, or a measured parameter's step
    for domain in (offer, *domains):
        for iv in domain.intervals:
            points.add(iv.lo)
            if iv.hi is not None:
                points.add(iv.hi + step)
    return tuple(sorted(points))


def pieces(cuts: Cuts, domain: Domain) -> Iterator[int]:
    """The pieces (by number) a domain whose bounds are all in `cuts` covers."""
    for iv in domain.intervals:
        first = bisect_right(cuts, iv.lo)
        last = len(cuts) if iv.hi is None else bisect_right(cuts, iv.hi)
        yield from range(first, last + 1)


def count(cuts: Cuts | None, domain: Domain) -> int:
    """How many keys a domain takes on a dimension: its values, or its pieces."""
    if cuts is None:
        return domain.size or 0
    total = 0
    for iv in domain.intervals:
        first = bisect_right(cuts, iv.lo)
        last = len(cuts) if iv.hi is None else bisect_right(cuts, iv.hi)
        total += last - first + 1
    return total


def budget(rules: int, cuts: Sequence[Cuts | None]) -> int:
    return BUDGET_BASE + BUDGET_PER * (rules + sum(len(c) for c in cuts if c is not None))


def scanned(counts: list[list[int]], limit: int) -> set[int]:
    """The dimensions (by position) to leave out of the key so the cells fit in `limit`.

    `counts[r][j]` is how many keys rule r takes on dimension j; the table holds
    the sum over rules of their products. Dimensions are dropped greedily, the
    one whose dropping shrinks the table most first.
    """
    dropped: set[int] = set()
    if not counts:
        return dropped
    width = len(counts[0])
    while True:
        products = []
        for row in counts:
            p = 1
            for j in range(width):
                if j not in dropped:
                    p *= row[j]
            products.append(p)
        total = sum(products)
        if total <= limit or len(dropped) == width:
            return dropped
        best = min((j for j in range(width) if j not in dropped),
                   key=lambda j: sum(p // row[j] for p, row in zip(products, counts) if row[j]))
        dropped.add(best)


class CutTable(Mapping):
    """The table of a model with dimensions keyed by piece: looked up, like the plain table, by the
    tuple of the request's values on `keys`; each value on a cut dimension is first turned into its
    piece. Iterating lists one key per cell, holding the least value of each piece, so
    `dict(zip(keys, key))` is a request that lands in that cell."""

    __slots__ = ("cells", "cuts", "_all_cut")

    def __init__(self, cells: dict[tuple, tuple], cuts: tuple[Cuts | None, ...]):
        self.cells = cells
        self.cuts = cuts
        self._all_cut = all(c is not None for c in cuts)

    def cell(self, key: tuple) -> tuple:
        if self._all_cut:
            return tuple(map(bisect_right, self.cuts, key))
        return tuple([v if c is None else bisect_right(c, v) for v, c in zip(key, self.cuts)])

    def get(self, key: tuple, default=None):
        try:
            return self.cells.get(self.cell(key), default)
        except TypeError:  # a value that does not compare with whole numbers: no cell holds it
            return default

    def __getitem__(self, key: tuple):
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[tuple]:
        for cell in self.cells:
            yield tuple(v if c is None else c[v - 1] for v, c in zip(cell, self.cuts))

    def __len__(self) -> int:
        return len(self.cells)


BITS_BUDGET = 1 << 27  # bits of masks a BitTable may hold (16 MB); past that, dimensions are scanned


class BitTable(Mapping):
    """The table of a model whose cells would not fit the budget: a mask of rules per value or piece
    of each dimension. A lookup ANDs the masks of the request's values; the lowest rule left is the
    first in declaration order, so it is the one entry returned. Memory grows with the pieces times
    the rules, never with their product; a lookup costs one bisect and one AND per dimension.
    Looked up, like the other tables, by the tuple of the request's values on `keys`."""

    __slots__ = ("entries", "cuts", "masks", "_singles")

    def __init__(self, entries: tuple, cuts: tuple[Cuts | None, ...], masks: tuple):
        self.entries = entries  # in declaration order: bit i is entries[i]
        self.cuts = cuts        # per dimension: cut points, or None when keyed by value
        self.masks = masks      # per dimension: a tuple by piece (cut), or a dict by value
        self._singles = tuple((e,) for e in entries)

    def get(self, key: tuple, default=None):
        found = -1
        try:
            for value, cuts, masks in zip(key, self.cuts, self.masks):
                found &= masks.get(value, 0) if cuts is None else masks[bisect_right(cuts, value)]
                if not found:
                    return default
        except TypeError:  # a value that does not compare with whole numbers: no rule holds it
            return default
        return self._singles[(found & -found).bit_length() - 1]

    def at(self, cell: tuple, default=None):
        """get, for a key whose values on cut dimensions are already their pieces (bisect_right of
        the cuts): what engine.roads looks up, since every value of a piece has the same entry."""
        found = -1
        for part, cuts, masks in zip(cell, self.cuts, self.masks):
            found &= masks.get(part, 0) if cuts is None else masks[part]
            if not found:
                return default
        return self._singles[(found & -found).bit_length() - 1]

    def __getitem__(self, key: tuple):
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[tuple]:
        """For each entry, a key of values its rule holds (an earlier rule may hold it too)."""
        for i in range(len(self.entries)):
            bit = 1 << i
            key = []
            for cuts, masks in zip(self.cuts, self.masks):
                if cuts is None:
                    key.append(next(v for v, m in masks.items() if m & bit))
                else:
                    key.append(cuts[next(k for k, m in enumerate(masks) if m & bit) - 1])
            yield tuple(key)

    def __len__(self) -> int:
        return len(self.entries)


def bit_masks(cuts: Cuts | None, domains: Sequence[Domain]):
    """The masks of one dimension: bit i set where domains[i] holds the value or piece;
    None when they would pass BITS_BUDGET together with the other dimensions (the caller sums)."""
    if cuts is None:
        masks: dict = {}
        for i, domain in enumerate(domains):
            for value in domain:
                masks[value] = masks.get(value, 0) | (1 << i)
        return masks
    count_ = len(cuts) + 1
    add, drop = [0] * (count_ + 1), [0] * (count_ + 1)
    for i, domain in enumerate(domains):
        for iv in domain.intervals:
            add[bisect_right(cuts, iv.lo)] |= 1 << i
            drop[(len(cuts) if iv.hi is None else bisect_right(cuts, iv.hi)) + 1] |= 1 << i
    out, current = [], 0
    for k in range(count_):
        current = (current & ~drop[k]) | add[k]
        out.append(current)
    return tuple(out)
