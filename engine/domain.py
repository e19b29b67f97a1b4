"""Sets of parameter values: finite sets of texts or yes/no, unions of integer intervals.

A model's offering and a rule's condition are both Domains; a rule's box is a
Domain per parameter. Integers here are whole numbers of 0 or more.
Frozen values (engine.plain), light to import: a card read from the
compiled-card cache is made of them too.

A measured parameter's values (engine.model.Measure) are the multiples of its
step, 0.5 say: its Domains have that `step`, their intervals run from one
multiple to another, and every "next value" is a step on, not 1. With the
default step of 1 they are the whole numbers, exactly as before; with another,
values that are whole are still ints (21, not Fraction(21)), the others Fractions.

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
import sys
from collections.abc import Iterable, Iterator

from engine.money import decimal_text, exact
from engine.plain import Frozen, init

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from fractions import Fraction


def _fraction(value: object) -> Fraction:
    """fractions.Fraction(value): the module is imported by a measured card's domains only."""
    from fractions import Fraction

    return Fraction(value)


def _is_fraction(value: object) -> bool:
    """A Fraction, asked without importing fractions: none exists before something imports it."""
    fractions = sys.modules.get("fractions")
    return fractions is not None and type(value) is fractions.Fraction


def _is_exact(value: object) -> bool:
    """A Fraction or a Decimal (a measured parameter's amount), asked without importing either module."""
    fractions, decimal = sys.modules.get("fractions"), sys.modules.get("decimal")
    return ((fractions is not None and isinstance(value, fractions.Fraction))
            or (decimal is not None and isinstance(value, decimal.Decimal)))


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
    if isinstance(value, int) or _is_exact(value):  # a decimal is a number (of a measured parameter)
        return ValueType.INT
    return ValueType.TEXT


class Interval(Frozen, fields=("lo", "hi")):
    """Whole numbers lo..hi, both included; hi None means no upper end."""

    __slots__ = ("lo", "hi")

    lo: int
    hi: int | None

    def __init__(self, lo: int, hi: int | None) -> None:
        init(self, "lo", lo)
        init(self, "hi", hi)

    def __contains__(self, value: int) -> bool:
        return self.lo <= value and (self.hi is None or value <= self.hi)

    @property
    def size(self) -> int | None:
        return None if self.hi is None else self.hi - self.lo + 1


def _merge(intervals: Iterable[Interval], step: int | Fraction = 1) -> tuple[Interval, ...]:
    out: list[Interval] = []
    live = (i for i in intervals if i.hi is None or i.hi >= i.lo)
    for iv in sorted(live, key=lambda i: (i.lo, math.inf if i.hi is None else i.hi)):
        if step != 1 and out and out[-1].hi == UNSET_NUMBER and iv.lo > UNSET_NUMBER:
            out.append(iv)  # unset stands alone among the multiples of a step: -1 is not one of them
        elif out and (out[-1].hi is None or iv.lo <= out[-1].hi + step):
            last = out[-1]
            hi = None if last.hi is None or iv.hi is None else max(last.hi, iv.hi)
            out[-1] = Interval(last.lo, hi)
        else:
            out.append(iv)
    return tuple(out)


class Domain(Frozen, fields=("type", "intervals", "values", "step"), keyword=("step",)):
    """Values of one type: `intervals` for whole numbers, `values` (in declared order) otherwise."""

    __slots__ = ("type", "intervals", "values", "step")

    type: ValueType
    intervals: tuple[Interval, ...]
    values: tuple[bool | str, ...]
    step: int | Fraction  # whole numbers: the distance from one value to the next (a measured step)

    def __init__(self, type: ValueType, intervals: tuple[Interval, ...] = (),  # noqa: A002 - the field's name
                 values: tuple[bool | str, ...] = (), step: int | Fraction = 1) -> None:
        init(self, "type", type)
        init(self, "intervals", intervals)
        init(self, "values", values)
        init(self, "step", step)

    # -- construction
    @classmethod
    def of(cls, values: Iterable[object]) -> Domain:
        values = list(values)
        kind = type_of(values[0]) if values else ValueType.TEXT
        if kind is ValueType.INT:
            return cls(kind, intervals=_merge(Interval(v, v) for v in values))
        return cls(kind, values=tuple(dict.fromkeys(values)))

    @classmethod
    def ints(cls, intervals: Iterable[Interval], step: int | Fraction = 1) -> Domain:
        """Whole numbers (or multiples of `step`); every end must be a multiple of it."""
        return cls(ValueType.INT, intervals=_merge(intervals, step), step=step)

    def stepped(self, step: int | Fraction) -> Domain:
        """The multiples of `step` this domain holds (its numbers between the ends, for a measured
        parameter): each interval's ends moved inwards onto a multiple."""
        if self.type is not ValueType.INT:
            return self
        out = []
        for iv in self.intervals:
            if iv.lo == iv.hi == UNSET_NUMBER:  # unset: kept as it is
                out.append(iv)
                continue
            lo = exact(math.ceil(_fraction(iv.lo) / step) * _fraction(step))
            hi = None if iv.hi is None else exact(math.floor(_fraction(iv.hi) / step) * _fraction(step))
            out.append(Interval(lo, hi))
        return Domain.ints(out, step)

    @classmethod
    def empty(cls, kind: ValueType) -> Domain:
        return cls(kind)

    # -- questions
    def __contains__(self, value: object) -> bool:
        if self.type is ValueType.INT:
            if self.step != 1:
                return (type(value) is int or _is_fraction(value)) and (
                    (_fraction(value) / self.step).denominator == 1 or value == UNSET_NUMBER) \
                    and any(value in iv for iv in self.intervals)
            if type(value) is not int:
                return False
            for iv in self.intervals:  # what `value in iv` says, without a call per interval
                if iv.lo <= value and (iv.hi is None or value <= iv.hi):
                    return True
            return False
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
            if iv.hi is None:
                return None
            total += iv.size if self.step == 1 else int((iv.hi - iv.lo) / _fraction(self.step)) + 1
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
            if self.step == 1:
                yield from range(iv.lo, iv.hi + 1)
            else:
                step = _fraction(self.step)
                for k in range(int((iv.hi - iv.lo) / step) + 1):
                    yield exact(iv.lo + k * step)

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
        step = self.step if self.step != 1 else other.step
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
        return Domain(ValueType.INT, intervals=tuple(out), step=step)

    def subtract(self, other: Domain) -> Domain:
        if other.type is not self.type:
            return self
        if self.type is not ValueType.INT:
            drop = set(other.values)
            return Domain(self.type, values=tuple(v for v in self.values if v not in drop))
        pieces = list(self.intervals)
        step = self.step
        if step != 1:  # whole amounts stay ints
            return Domain.ints(_subtract_stepped(pieces, other.intervals, step), step)
        for b in other.intervals:
            nxt = []
            for a in pieces:
                if a.lo < b.lo:
                    hi = b.lo - 1 if a.hi is None else min(a.hi, b.lo - 1)
                    nxt.append(Interval(a.lo, hi))
                if b.hi is not None and (a.hi is None or a.hi > b.hi):
                    nxt.append(Interval(max(a.lo, b.hi + 1), a.hi))
            pieces = nxt
        return Domain.ints(pieces, step)

    def union(self, other: Domain) -> Domain:
        if self.type is not ValueType.INT:
            return Domain(self.type, values=tuple(dict.fromkeys(self.values + other.values)))
        return Domain.ints(self.intervals + other.intervals, self.step)

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
            num = str if self.step == 1 else decimal_text
            for iv in self._set_intervals():
                if iv.hi is None:
                    parts.append(f"{num(iv.lo)} or more" if iv.lo else "any")
                elif iv.lo == iv.hi:
                    parts.append(num(iv.lo))
                elif iv.hi == iv.lo + self.step:
                    parts += [num(iv.lo), num(iv.hi)]
                else:
                    parts.append(f"{num(iv.lo)} to {num(iv.hi)}")
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
        num = str if self.step == 1 else decimal_text
        for iv in self._set_intervals():
            if iv.hi is None:
                parts.append(f">= {num(iv.lo)}")
            elif iv.lo == iv.hi:
                parts.append(num(iv.lo))
            elif iv.hi - iv.lo < 3 * self.step:
                parts += [num(v) for v in Domain.ints([iv], self.step)]
            else:
                parts.append(f"{num(iv.lo)}..{num(iv.hi)}")
        if self.has_unset:
            parts.append("unset")
        return " | ".join(parts)


def _subtract_stepped(pieces: list[Interval], cut: Iterable[Interval], step: Fraction) -> list[Interval]:
    """Domain.subtract on the multiples of a step that is not 1."""
    for b in cut:
        if b.lo == b.hi == UNSET_NUMBER:  # unset stands alone (see _merge)
            pieces = [a for a in pieces if not a.lo == a.hi == UNSET_NUMBER]
            continue
        nxt = []
        for a in pieces:
            if a.lo < b.lo:
                below = exact(b.lo - step)
                nxt.append(Interval(a.lo, below if a.hi is None else min(a.hi, below)))
            if b.hi is not None and (a.hi is None or a.hi > b.hi):
                nxt.append(Interval(max(a.lo, exact(b.hi + step)), a.hi))
        pieces = nxt
    return pieces


def show_value(value: object) -> str:
    """A value as the card writes it: 720, yes, "16:9", 20.5, unset."""
    if is_unset(value):
        return "unset"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if _is_exact(value):
        return decimal_text(value)
    return f'"{value}"'
