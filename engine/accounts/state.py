"""What the store keeps between operations: one row per account, one per hold (derived)."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs


class HoldStatus(enum.StrEnum):
    OPEN = "open"
    CAPTURED = "captured"
    RELEASED = "released"
    EXPIRED = "expired"


@attrs.frozen(kw_only=True)
class AccountState:
    """An account's balances as of `clock`, the time of its last entry; derived from its entries."""

    id: str
    plan: str
    credits: int                     # the monthly allowance in force
    yearly: bool
    start: datetime
    cycle: int                       # the current cycle's number, 0 from start
    granted: int                     # this cycle
    spent: int                       # this cycle
    held: int                        # open holds (all of this cycle)
    expired: int                     # every cycle's unused credits so far
    clock: datetime
    seq: int                         # entries written so far
    next_plan: str | None = None     # a downgrade waiting for cycle `next_cycle`
    next_credits: int | None = None
    next_cycle: int | None = None

    @property
    def available(self) -> int:
        return self.granted - self.spent - self.held


@attrs.frozen(kw_only=True)
class HoldState:
    id: str
    account: str
    credits: int
    rule: str
    digest: str
    request: str
    at: datetime
    expires: datetime
    cycle: int
    status: HoldStatus = attrs.field(converter=HoldStatus)
