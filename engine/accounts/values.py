"""The accounts' values: entries and results, frozen, with a JSON form that reads back."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar, Literal

import attrs


class EntryKind(enum.StrEnum):
    SUBSCRIBE = "subscribe"
    GRANT = "grant"              # a cycle's allowance
    HOLD = "hold"
    CAPTURE = "capture"          # a hold spent
    RELEASE = "release"          # a hold given back (or the part of it a capture left)
    HOLD_EXPIRY = "hold-expiry"  # a hold nobody captured or released in time
    CHARGE = "charge"            # spent at once: hold and capture in one
    EXPIRY = "expiry"            # a cycle's unused credits, at its end (no rollover)
    PLAN_CHANGE = "plan-change"  # credits: what an upgrade added now (0 when it waits for renewal)
    ADJUSTMENT = "adjustment"    # an operator's correction, with a reason


GRANTING = frozenset({EntryKind.GRANT, EntryKind.PLAN_CHANGE, EntryKind.ADJUSTMENT})
SPENDING = frozenset({EntryKind.CAPTURE, EntryKind.CHARGE})


def _time(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _opt_time(value):
    return None if value is None else _time(value)


def _fraction(value):
    return Fraction(value) if isinstance(value, str) else value


def _opt_decimal(value):
    return Decimal(value) if isinstance(value, str) else value


@attrs.frozen(kw_only=True)
class Entry:
    """One line of an account's history; never changed once written."""

    id: str
    account: str
    seq: int
    kind: EntryKind = attrs.field(converter=EntryKind)
    op: str
    at: datetime = attrs.field(converter=_time)
    credits: int
    cycle: int
    hold: str | None = None
    plan: str | None = None
    tier: int | None = None
    request: str | None = None   # the request as JSON text
    rule: str | None = None
    digest: str | None = None
    reason: str | None = None


@attrs.frozen(kw_only=True)
class Subscription:
    account: str
    plan: str
    credits: int
    start: datetime = attrs.field(converter=_time)
    cycle_start: datetime = attrs.field(converter=_time)
    cycle_end: datetime = attrs.field(converter=_time)
    ok: ClassVar[Literal[True]] = True   # `if result.ok:` narrows X | Rejection


@attrs.frozen(kw_only=True)
class Hold:
    """Credits reserved for a generation: capture it when done, release it when it failed."""

    id: str
    account: str
    credits: int
    rule: str
    digest: str
    at: datetime = attrs.field(converter=_time)
    expires: datetime = attrs.field(converter=_time)
    ok: ClassVar[Literal[True]] = True   # `if result.ok:` narrows X | Rejection


@attrs.frozen(kw_only=True)
class Charge:
    """Credits spent: by `charge`, or by capturing a hold (then `id` is the hold's)."""

    id: str
    account: str
    credits: int
    rule: str
    digest: str
    at: datetime = attrs.field(converter=_time)
    released: int = 0   # what a partial capture gave back
    ok: ClassVar[Literal[True]] = True   # `if result.ok:` narrows X | Rejection


@attrs.frozen(kw_only=True)
class Release:
    id: str
    account: str
    credits: int
    at: datetime = attrs.field(converter=_time)
    ok: ClassVar[Literal[True]] = True   # `if result.ok:` narrows X | Rejection


@attrs.frozen(kw_only=True)
class PlanChange:
    """An upgrade (now) or a downgrade (at `effective`, the next renewal)."""

    account: str
    plan: str
    credits: int
    effective: datetime = attrs.field(converter=_time)
    immediate: bool
    added: int                      # credits added to this cycle now
    fraction_left: Fraction = attrs.field(converter=_fraction)  # of the billing period
    prorata: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    currency: str | None = None
    ok: ClassVar[Literal[True]] = True   # `if result.ok:` narrows X | Rejection


@attrs.frozen(kw_only=True)
class Adjustment:
    account: str
    credits: int
    reason: str
    at: datetime = attrs.field(converter=_time)
    ok: ClassVar[Literal[True]] = True   # `if result.ok:` narrows X | Rejection


@attrs.frozen(kw_only=True)
class Balance:
    account: str
    plan: str
    credits: int                    # the monthly allowance in force
    cycle_start: datetime = attrs.field(converter=_time)
    cycle_end: datetime = attrs.field(converter=_time)   # the next renewal
    granted: int                    # this cycle: allowance, upgrades, adjustments
    spent: int
    held: int
    available: int
    next_plan: str | None = None    # a downgrade waiting for its renewal
    next_credits: int | None = None
    next_change: datetime | None = attrs.field(default=None, converter=_opt_time)
    ok: ClassVar[Literal[True]] = True   # `if result.ok:` narrows X | Rejection


@attrs.frozen(kw_only=True)
class Difference:
    """What verify found: a stored figure that the replay of the entries does not give."""

    account: str
    field: str
    stored: object
    replayed: object


RESULTS = {cls.__name__: cls for cls in (Subscription, Hold, Charge, Release, PlanChange, Adjustment,
                                         Balance, Entry, Difference)}


def to_json(value) -> dict:
    """A result as a JSON-ready dict; `type` names its class, so from_json reads it back."""
    out = {"type": type(value).__name__}
    for field in attrs.fields(type(value)):
        out[field.name] = _plain(getattr(value, field.name))
    return out


def from_json(data: dict):
    data = dict(data)
    return RESULTS[data.pop("type")](**data)


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (Fraction, Decimal)):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value
