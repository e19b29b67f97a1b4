"""Reading request values: `"1080p"` -> 1080, `"yes"` -> True, `12.0` -> 12; never raises."""

from __future__ import annotations

import json
import math
import re
import sys
from json.encoder import encode_basestring

from engine.domain import ValueType
from engine.params import Param
from engine.results import MAX_REQUEST_NUMBER, show_number

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from fractions import Fraction

_MAX_DIGITS = len(str(MAX_REQUEST_NUMBER))  # more significant digits than this are past the bound
_WHOLE = re.compile(r"[+-]?[0-9]+")
MAX_AMOUNT_TEXT = 100  # an amount written out longer than this is refused, before any arithmetic on it
_AMOUNT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")  # 20, 20.4, .5: no exponent, no separators
_TRUE = {"yes", "true"}
_FALSE = {"no", "false"}


def _decimal_type() -> type | None:
    """decimal.Decimal once something has imported it (JSON read with parse_float=Decimal, a measured
    card); None before, when no value can be one: a card in credits never imports decimal to ask."""
    module = sys.modules.get("decimal")
    return None if module is None else module.Decimal


class Invalid(Exception):
    """A value of the wrong type or form; the text is for a person."""


def coerce(param: Param, raw: object) -> int | Fraction | bool | str:
    kind = param.domain.type
    if kind is ValueType.INT:
        if param.measure is not None:
            return param.measure.billed(measured(param, raw))
        return _whole(param, raw)
    if kind is ValueType.BOOL:
        if type(raw) is bool:
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise Invalid(f"`{param.name}` is yes or no (true or false), not {_show(raw)}")
    if isinstance(raw, str):
        return raw if type(raw) is str else str.__str__(raw)  # a plain str: pricing meets no subclass
    raise Invalid(f"`{param.name}` is a text, not {_show(raw)}")


def _whole(param: Param, raw: object) -> int:
    expect = f"`{param.name}` is a whole number"
    if param.unit:
        expect += f' (such as 12 or "12{param.unit}")'
    if type(raw) is int:
        value = raw
    elif type(raw) is float:
        if not math.isfinite(raw) or not raw.is_integer():
            raise Invalid(f"{expect}, not {_show(raw)}")
        value = int(raw)
    elif type(raw) is _decimal_type():  # a JSON number with a point, read exactly: 12.0 is 12, as the float was
        if not raw.is_finite() or raw != raw.to_integral_value():
            raise Invalid(f"{expect}, not {_show(raw)}")
        if raw.adjusted() >= _MAX_DIGITS:  # past the bound: not handed to int()
            if raw < 0:
                raise Invalid(f"`{param.name}` cannot be negative (got {_show(raw)})")
            raise Invalid(f"`{param.name}` is at most {MAX_REQUEST_NUMBER}, not {_show(raw)}")
        value = int(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if param.unit and text.lower().endswith(param.unit.lower()):
            text = text[: -len(param.unit)].rstrip()
        if not _WHOLE.fullmatch(text):
            raise Invalid(f"{expect}, not {_show(raw)}")
        significant = text.lstrip("+-").lstrip("0")
        if len(significant) > _MAX_DIGITS:  # past the bound whatever they say: not handed to int()
            if text.startswith("-"):
                raise Invalid(f"`{param.name}` cannot be negative (got {_show(raw)})")
            raise Invalid(f"`{param.name}` is at most {MAX_REQUEST_NUMBER}, not {_show(raw)}")
        value = -int(significant or "0") if text.startswith("-") else int(significant or "0")
    else:
        raise Invalid(f"{expect}, not {_show(raw)}")
    if value < 0:
        raise Invalid(f"`{param.name}` cannot be negative (got {show_number(value)})")
    if value > MAX_REQUEST_NUMBER:
        raise Invalid(f"`{param.name}` is at most {MAX_REQUEST_NUMBER}, not {_show(raw)}")
    return value


def measured(param: Param, raw: object) -> int | Fraction:
    """A measured parameter's amount as given, exactly, before it is billed: 20.4, "20.4", "20.4s".

    A JSON number is read as a Decimal (never a float); a float from Python is read as the
    shortest decimal that prints it (20.4, not the binary 20.39999...), as JSON would write it.
    """
    from decimal import Decimal  # a measured parameter's card only
    from fractions import Fraction

    expect = f"`{param.name}` is an amount of 0 or more"
    expect += f' (such as 12, 20.4 or "20.4{param.unit}")' if param.unit else " (such as 12 or 20.4)"
    kind = type(raw)
    if kind is int or kind is Fraction:
        value = Fraction(raw)
    elif kind is float or kind is Decimal:
        if (not math.isfinite(raw)) if kind is float else (not raw.is_finite()):
            raise Invalid(f"{expect}, not {_show(raw)}")
        if abs(raw) > MAX_REQUEST_NUMBER:
            raise Invalid(f"`{param.name}` is at most {MAX_REQUEST_NUMBER}, not {_show(raw)}")
        value = Fraction(Decimal(repr(raw)) if kind is float else raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if param.unit and text.lower().endswith(param.unit.lower()):
            text = text[: -len(param.unit)].rstrip()
        if len(text) > MAX_AMOUNT_TEXT or not _AMOUNT.fullmatch(text):
            raise Invalid(f"{expect}, not {_show(raw)}")
        value = Fraction(Decimal(text))
    else:
        raise Invalid(f"{expect}, not {_show(raw)}")
    if value < 0:
        raise Invalid(f"`{param.name}` cannot be negative (got {_show(raw)})")
    if value > MAX_REQUEST_NUMBER:
        raise Invalid(f"`{param.name}` is at most {MAX_REQUEST_NUMBER}, not {_show(raw)}")
    return value.numerator if value.denominator == 1 else value


def _show(raw: object) -> str:
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if type(raw) is int:
        return show_number(raw)  # short however long the number, and never a ValueError
    if type(raw) is _decimal_type() and raw.is_finite() and abs(raw.adjusted()) <= _MAX_DIGITS:
        return str(raw)  # a JSON number as it was written (1.5, not Decimal('1.5'))
    if isinstance(raw, (dict, list, tuple, set)):
        return f"a {'list' if isinstance(raw, (list, tuple, set)) else 'mapping'}"
    if isinstance(raw, str):
        text = encode_basestring(raw)  # what json.dumps(raw, ensure_ascii=False) writes, without making an encoder
        if not text.isascii() and not _encodable(text):
            text = json.dumps(raw)  # a lone surrogate: escaped, so the message stays valid UTF-8
    else:
        try:
            text = repr(raw)
        except Exception:  # a value whose repr fails (a Fraction of 10,000 digits, a hostile class)
            text = f"a value of type {type(raw).__name__}"
    return text if len(text) <= 40 else text[:36] + '..."'[: 4 if isinstance(raw, str) else 3]


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def show(raw: object) -> str:
    """A request value as a person reads it, short."""
    return _show(raw)
