"""Request values of every kind, their generators, and a JSON codec so any of them can be saved and replayed.

Besides JSON's own types: huge ints, floats (-0.0, NaN, infinities), Decimal,
Fraction, tuples, sets, bytes, lone surrogates, subclasses of int and str, and
objects with odd equality: one that compares equal to a number the way a numpy
scalar does, one whose __eq__ raises, one that equals nothing. Each of those
hashes like the number it stands for, so it meets that number in any memo.
"""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction


class NumberLike:
    """Equal to the number it wraps and hashed like it, yet not a number (numpy scalars behave so)."""

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return other == self.value

    def __hash__(self):
        return hash(self.value)

    def __repr__(self):
        return f"NumberLike({self.value!r})"


class RaisingEq(NumberLike):
    """Hashed like its number; comparing it raises."""

    def __eq__(self, other):
        raise RuntimeError("RaisingEq.__eq__")

    __hash__ = NumberLike.__hash__

    def __repr__(self):
        return f"RaisingEq({self.value!r})"


class NeverEq(NumberLike):
    """Hashed like its number; equal to nothing, itself included (as NaN)."""

    def __eq__(self, other):
        return False

    __hash__ = NumberLike.__hash__

    def __repr__(self):
        return f"NeverEq({self.value!r})"


class IntSub(int):
    def __repr__(self):
        return f"IntSub({int(self)})"


class StrSub(str):
    pass


def show(value, limit: int = 300) -> str:
    """repr() that works for every value here (a huge int's repr raises) and stays short."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001
        text = repr(encode(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


ODD = {"number-like": NumberLike, "raising-eq": RaisingEq, "never-eq": NeverEq}


# ---------------------------------------------------------------- codec


def encode(value):
    """A JSON-able form of any value this module makes."""
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return value if abs(value) < 1 << 53 else {"$": "int", "v": hex(value)}
    if kind is float:
        return {"$": "float", "v": value.hex()}
    if kind is Decimal:
        return {"$": "decimal", "v": str(value)}
    if kind is Fraction:
        return {"$": "fraction", "v": [hex(value.numerator), hex(value.denominator)]}
    if kind in (list, tuple, set, frozenset):
        items = sorted(value, key=_order) if kind in (set, frozenset) else value
        return {"$": kind.__name__, "v": [encode(v) for v in items]}
    if kind is dict:
        return {"$": "dict", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    if kind is bytes:
        return {"$": "bytes", "v": value.hex()}
    if kind is IntSub:
        return {"$": "intsub", "v": hex(value)}
    if kind is StrSub:
        return {"$": "strsub", "v": str(value)}
    for name, cls in ODD.items():
        if kind is cls:
            return {"$": name, "v": encode(value.value)}
    raise TypeError(f"cannot encode {kind.__name__}")


def _order(value) -> str:
    return type(value).__name__ + repr(encode(value))


def decode(data):
    if not isinstance(data, dict):
        return data
    tag, v = data["$"], data["v"]
    if tag == "int":
        return int(v, 16)
    if tag == "float":
        return float.fromhex(v)
    if tag == "decimal":
        return Decimal(v)
    if tag == "fraction":
        return Fraction(int(v[0], 16), int(v[1], 16))
    if tag in ("list", "tuple", "set", "frozenset"):
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[tag](decode(x) for x in v)
    if tag == "dict":
        return {decode(k): decode(x) for k, x in v}
    if tag == "bytes":
        return bytes.fromhex(v)
    if tag == "intsub":
        return IntSub(int(v, 16))
    if tag == "strsub":
        return StrSub(v)
    return ODD[tag](decode(v))


# ---------------------------------------------------------------- generators

ODD_TEXT = ["", " ", "\ud800", "\udfff", "\x00", "\ufeff", "ſ", "K", "ı", "İ", "\u212a", "١٢", "１２", "\t1\n",
            "1e3", "0x10", "1_000", "+5", "-0", "00012", " 12 s", "12S", "1080P", "YES", "nO", "tRuE", "\u00a0",
            "a\rb", "a\r\nb", "\u2028", "é", "e\u0301", "🙂", "16:9", "null", "NaN", "inf"]


def huge(rng: random.Random) -> int:
    digits = rng.choice([19, 20, 40, 309, 310, 1000, 1001, 4300, 4301, 5000])
    return 10 ** digits - 1 if rng.random() < 0.5 else 10 ** (digits - 1) + rng.randrange(10)


def number(rng: random.Random, near=()) -> object:
    """A number, often one of `near` (the card's own boundaries) or next to it."""
    base = rng.choice(list(near)) if near and rng.random() < 0.8 else rng.choice([0, 1, 2, 3, 10, 5000, 5001])
    if type(base) is not int:
        return base
    base += rng.choice([0, 0, 0, -1, 1])
    return base


def variants(value, rng: random.Random) -> list:
    """Values equal to `value` in Python (or nearly), of other types: what could confuse a memo."""
    out = []
    if type(value) is bool:
        out += [int(value), float(value), Decimal(int(value)), Fraction(int(value)), NumberLike(value)]
    elif type(value) is int:
        out += [bool(value) if value in (0, 1) else value, Decimal(value), Fraction(value), NumberLike(value),
                RaisingEq(value), NeverEq(value), IntSub(value)]
        if abs(value) < 10 ** 4000:
            out.append(str(value))
        if abs(value) < 1 << 53:
            out.append(float(value))
            out.append(Decimal(f"{value}.0"))
    elif type(value) is float:
        if value == value and abs(value) != float("inf"):
            out += [Fraction(value), Decimal(value), NumberLike(value)]
            if value.is_integer():
                out.append(int(value))
            if value == 0:
                out.append(-value)
    elif type(value) is str:
        out += [StrSub(value), value.upper(), f" {value} "]
    rng.shuffle(out)
    return out


def scalar(rng: random.Random, near=(), texts=()) -> object:
    pick = rng.random()
    if pick < 0.30:
        return number(rng, near)
    if pick < 0.45 and texts:
        return rng.choice(list(texts))
    if pick < 0.55:
        n = number(rng, near)
        return rng.choice([f"{n}", f" {n} ", f"{n}s", f"{n}p", f"{n}.0", f"{n}S"]) if type(n) is int else n
    if pick < 0.62:
        return rng.choice([True, False, None, "yes", "no", "true", "False"])
    if pick < 0.70:
        return rng.choice([0.0, -0.0, float("nan"), float("inf"), float("-inf"), 0.5, 1.0, 12.0, 1e300, 5e-324,
                           float(rng.randrange(1, 3000))])
    if pick < 0.76:
        n = number(rng, near)
        n = n if type(n) is int else 1
        return rng.choice([Decimal(n), Decimal(f"{n}.0"), Decimal(f"{n}.5"), Fraction(n), Fraction(2 * n + 1, 2),
                           Decimal("NaN"), Decimal("-0"), Decimal("1E+3")])
    if pick < 0.82:
        n = number(rng, near)
        n = n if type(n) is int else 1
        return rng.choice(list(ODD.values()) + [IntSub])(n)
    if pick < 0.88:
        return huge(rng) * rng.choice([1, 1, -1])
    if pick < 0.95:
        text = rng.choice(ODD_TEXT)
        return text * rng.choice([1, 1, 2, 100]) if rng.random() < 0.9 else "x" * rng.choice([65, 5000, 100000])
    return rng.choice([b"1", StrSub("1080p"), (1,), frozenset({1})])


def container(rng: random.Random, near=(), texts=(), depth: int = 0) -> object:
    if depth > 2 or rng.random() < 0.6:
        return scalar(rng, near, texts)
    n = rng.randrange(3)
    items = [container(rng, near, texts, depth + 1) for _ in range(n)]
    shape = rng.choice(["list", "tuple", "dict", "set"])
    if shape == "list":
        return items
    if shape == "tuple":
        return tuple(items)
    if shape == "set":
        try:
            return set(items)
        except Exception:  # noqa: BLE001 - unhashable items, or an __eq__ that raises
            return items
    return {rng.choice(list(texts) or ["a"]) if rng.random() < 0.5 else str(i): v for i, v in enumerate(items)}
