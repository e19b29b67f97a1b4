"""Sets of parameter values: finite sets of texts or yes/no, unions of integer intervals.

A model's offering and a rule's condition are both Domains; a rule's box is a
Domain per parameter. Integers here are whole numbers of 0 or more.

A Domain may also hold `unset`: the value of a parameter a request leaves out,
where the card says leaving it out is priced (`dur >= 1 | unset`). It is a value
of the dimension like any other, so the sweep, the compiled tables and the
checks treat it as they treat 720 or "16:9": for texts and yes/no it is the
UNSET member below; for whole numbers it is UNSET_NUMBER, -1, one below every
value a request can give, so intervals and cut points hold it unchanged.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Iterator

import attrs


class Unset(enum.Enum):
    """The value of a parameter a request leaves out (see the module's docstring)."""

    UNSET = "unset"

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset.UNSET
UNSET_NUMBER = -1  # unset, among whole numbers: below 0, the least value a request can give


def is_unset(value: object) -> bool:
    """Is this the value of a parameter left out? (-1 only as a whole number, never yes/no.)"""
    return value is UNSET or (type(value) is int and value == UNSET_NUMBER)


class ValueType(enum.Enum):
    INT = "a whole number"
    BOOL = "yes or no"
    TEXT = "a text"


def unset_value(kind: ValueType) -> object:
    """What a request that leaves out a parameter of this type is read as, where that is priced."""
    return UNSET_NUMBER if kind is ValueType.INT else UNSET


def type_of(value: object) -> ValueType:
    if isinstance(value, bool):
        return ValueType.BOOL
    if isinstance(value, int):
        return ValueType.INT
    return ValueType.TEXT


@attrs.frozen
class Interval:
    """Whole numbers lo..hi, both included; hi None means no upper end."""

    lo: int
    hi: int | None

    def __contains__(self, value: int) -> bool:
        return self.lo <= value and (self.hi is None or value <= self.hi)

    @property
    def size(self) -> int | None:
        return None if self.hi is None else self.hi - self.lo + 1


def _merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    out: list[Interval] = []
    live = (i for i in intervals if i.hi is None or i.hi >= i.lo)
    for iv in sorted(live, key=lambda i: (i.lo, math.inf if i.hi is None else i.hi)):
        if out and (out[-1].hi is None or iv.lo <= out[-1].hi + 1):
            last = out[-1]
            hi = None if last.hi is None or iv.hi is None else max(last.hi, iv.hi)
            out[-1] = Interval(last.lo, hi)
        else:
            out.append(iv)
    return tuple(out)


@attrs.frozen
class Domain:
    """Values of one type: `intervals` for whole numbers, `values` (in declared order) otherwise."""

    type: ValueType
    intervals: tuple[Interval, ...] = ()
    values: tuple[bool | str, ...] = ()

    # -- construction
    @classmethod
    def of(cls, values: Iterable[object]) -> Domain:
        values = list(values)
        kind = type_of(values[0]) if values else ValueType.TEXT
        if kind is ValueType.INT:
            return cls(kind, intervals=_merge(Interval(v, v) for v in values))
        return cls(kind, values=tuple(dict.fromkeys(values)))

    @classmethod
    def ints(cls, intervals: Iterable[Interval]) -> Domain:
        return cls(ValueType.INT, intervals=_merge(intervals))

    @classmethod
    def empty(cls, kind: ValueType) -> Domain:
        return cls(kind)

    # -- questions
    def __contains__(self, value: object) -> bool:
        if self.type is ValueType.INT:
            return (type(value) is int) and any(value in iv for iv in self.intervals)
        return (type_of(value) is self.type or value is UNSET) and value in self.values

    @property
    def is_empty(self) -> bool:
        return not self.intervals and not self.values

    @property
    def size(self) -> int | None:
        """How many values; None when there is no upper end."""
        if self.type is not ValueType.INT:
            return len(self.values)
        total = 0
        for iv in self.intervals:
            if iv.size is None:
                return None
            total += iv.size
        return total

    def is_finite(self, limit: int = 4096) -> bool:
        size = self.size
        return size is not None and size <= limit

    def __iter__(self) -> Iterator[object]:
        """Every value, in order; only for finite domains."""
        if self.type is not ValueType.INT:
            yield from self.values
            return
        for iv in self.intervals:
            if iv.hi is None:
                raise ValueError("cannot list an unbounded domain")
            yield from range(iv.lo, iv.hi + 1)

    def single(self) -> object | None:
        """The only value, when there is exactly one."""
        return next(iter(self)) if self.size == 1 else None

    def least(self) -> object | None:
        if self.is_empty:
            return None
        return self.intervals[0].lo if self.type is ValueType.INT else self.values[0]

    # -- algebra
    def intersect(self, other: Domain) -> Domain:
        if other.type is not self.type:
            return Domain.empty(self.type)
        if self is other:
            return self
        if self.type is not ValueType.INT:
            if len(other.values) == 1:
                return other if other.values[0] in self.values else Domain(self.type)
            keep = set(other.values)
            if all(v in keep for v in self.values):  # a condition within what is offered
                return self
            return Domain(self.type, values=tuple(v for v in self.values if v in keep))
        mine, theirs = self.intervals, other.intervals
        if len(theirs) == 1 and mine:  # within one interval (a condition within the offer)?
            whole = theirs[0]
            if mine[0].lo >= whole.lo and (whole.hi is None or (mine[-1].hi is not None
                                                               and mine[-1].hi <= whole.hi)):
                return self
        # both lists are sorted, disjoint and not touching, so the common pieces are too
        out = []
        i = j = 0
        while i < len(mine) and j < len(theirs):
            a, b = mine[i], theirs[j]
            lo = a.lo if a.lo > b.lo else b.lo
            if a.hi is None:
                hi = b.hi
            elif b.hi is None or a.hi < b.hi:
                hi = a.hi
            else:
                hi = b.hi
            if hi is None or lo <= hi:
                out.append(a if (lo, hi) == (a.lo, a.hi) else b if (lo, hi) == (b.lo, b.hi) else Interval(lo, hi))
            if hi is None:
                break
            if a.hi is not None and a.hi == hi:
                i += 1
            else:
                j += 1
        return Domain(ValueType.INT, intervals=tuple(out))

    def subtract(self, other: Domain) -> Domain:
        if other.type is not self.type:
            return self
        if self.type is not ValueType.INT:
            drop = set(other.values)
            return Domain(self.type, values=tuple(v for v in self.values if v not in drop))
        pieces = list(self.intervals)
        for b in other.intervals:
            nxt = []
            for a in pieces:
                if a.lo < b.lo:
                    hi = b.lo - 1 if a.hi is None else min(a.hi, b.lo - 1)
                    nxt.append(Interval(a.lo, hi))
                if b.hi is not None and (a.hi is None or a.hi > b.hi):
                    nxt.append(Interval(max(a.lo, b.hi + 1), a.hi))
            pieces = nxt
        return Domain.ints(pieces)

    def union(self, other: Domain) -> Domain:
        if self.type is not ValueType.INT:
            return Domain(self.type, values=tuple(dict.fromkeys(self.values + other.values)))
        return Domain.ints(self.intervals + other.intervals)

    def issubset(self, other: Domain) -> bool:
        return self.subtract(other).is_empty

    # -- words
    # -- unset
    @classmethod
    def unset(cls, kind: ValueType) -> Domain:
        """The domain holding only `unset`, for a parameter of this type."""
        if kind is ValueType.INT:
            return cls(kind, intervals=(Interval(UNSET_NUMBER, UNSET_NUMBER),))
        return cls(kind, values=(UNSET,))

    @property
    def has_unset(self) -> bool:
        if self.type is ValueType.INT:
            return bool(self.intervals) and self.intervals[0].lo <= UNSET_NUMBER
        return UNSET in self.values

    def with_unset(self) -> Domain:
        return self.union(Domain.unset(self.type))

    def without_unset(self) -> Domain:
        return self.subtract(Domain.unset(self.type)) if self.has_unset else self

    def _set_intervals(self) -> tuple[Interval, ...]:
        """The whole numbers a request can give, without unset."""
        return self.without_unset().intervals

    # -- words
    def describe(self, unit: str | None = None, conjunction: str = "or") -> str:
        """`4, 8 or 12`, `1 to 3`, `1 or more`, `yes`, `"16:9" or "9:16"`; `unset` last when it is one."""
        parts = []
        if self.type is ValueType.INT:
            for iv in self._set_intervals():
                if iv.hi is None:
                    parts.append(f"{iv.lo} or more" if iv.lo else "any")
                elif iv.lo == iv.hi:
                    parts.append(str(iv.lo))
                elif iv.hi == iv.lo + 1:
                    parts += [str(iv.lo), str(iv.hi)]
                else:
                    parts.append(f"{iv.lo} to {iv.hi}")
        else:
            parts = [show_value(v) for v in self.values if v is not UNSET]
        if self.has_unset:
            parts.append("unset")
        if not parts:
            return "nothing"
        text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {conjunction} " + parts[-1]
        return text

    def source(self) -> str:
        """The domain in the card's own syntax: `4 | 8 | 12`, `1..3`, `>= 1`, `yes | no`, `5 | unset`."""
        if self.type is not ValueType.INT:
            shown = [show_value(v) for v in self.values if v is not UNSET]
            return " | ".join(shown + (["unset"] if self.has_unset else []))
        parts = []
        for iv in self._set_intervals():
            if iv.hi is None:
                parts.append(f">= {iv.lo}")
            elif iv.lo == iv.hi:
                parts.append(str(iv.lo))
            elif iv.hi - iv.lo < 3:
                parts += [str(v) for v in range(iv.lo, iv.hi + 1)]
            else:
                parts.append(f"{iv.lo}..{iv.hi}")
        if self.has_unset:
            parts.append("unset")
        return " | ".join(parts)


def show_value(value: object) -> str:
    """A value as the card writes it: 720, yes, "16:9", unset."""
    if is_unset(value):
        return "unset"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    return f'"{value}"'
