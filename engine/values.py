"""Reading request values: `"1080p"` -> 1080, `"yes"` -> True, `12.0` -> 12; never raises."""

from __future__ import annotations

import json
import math
import re

from engine.domain import ValueType
from engine.model import Param

_MAX_DIGITS = 1000
_TRUE = {"yes", "true"}
_FALSE = {"no", "false"}


class Invalid(Exception):
    """A value of the wrong type or form; the text is for a person."""


def coerce(param: Param, raw: object) -> int | bool | str:
    kind = param.domain.type
    if kind is ValueType.INT:
        return _whole(param, raw)
    if kind is ValueType.BOOL:
        if type(raw) is bool:
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise Invalid(f"`{param.name}` is yes or no (true or false), not {_show(raw)}")
    if isinstance(raw, str):
        return raw
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
    elif isinstance(raw, str):
        text = raw.strip()
        if param.unit and text.lower().endswith(param.unit.lower()):
            text = text[: -len(param.unit)].rstrip()
        if not re.fullmatch(r"[+-]?[0-9]+", text) or len(text) > _MAX_DIGITS:
            raise Invalid(f"{expect}, not {_show(raw)}")
        value = int(text)
    else:
        raise Invalid(f"{expect}, not {_show(raw)}")
    if value < 0:
        raise Invalid(f"`{param.name}` cannot be negative (got {value})")
    return value


def _show(raw: object) -> str:
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, (dict, list, tuple, set)):
        return f"a {'list' if isinstance(raw, (list, tuple, set)) else 'mapping'}"
    if isinstance(raw, str):
        text = json.dumps(raw, ensure_ascii=False)
    else:
        text = repr(raw)
    return text if len(text) <= 40 else text[:36] + '..."'[: 4 if isinstance(raw, str) else 3]


def show(raw: object) -> str:
    """A request value as a person reads it, short."""
    return _show(raw)
