"""AccountError: misuse by the calling program, with a stable code (one per reason)."""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    """Why an account operation was refused as misuse; stable, part of the API."""

    CONFLICT = "conflict"                    # an op id reused with a different body
    BAD_OP = "bad-op"                        # op id empty, too long or not a string
    BAD_ACCOUNT = "bad-account"              # account id empty, too long or not a string
    NAIVE_DATETIME = "naive-datetime"        # a datetime without a time zone
    BAD_TIME = "bad-time"                    # a start in the future, a hold that expires before it is made
    BAD_CREDITS = "bad-credits"              # not a whole number, not a tier of the plan, a negative balance
    UNKNOWN_PLAN = "unknown-plan"            # no such plan on the card
    ACCOUNT_EXISTS = "account-exists"        # subscribe twice under different ops
    UNKNOWN_HOLD = "unknown-hold"
    HOLD_CAPTURED = "hold-captured"          # capture or release of a hold already captured
    HOLD_RELEASED = "hold-released"          # capture or release of a hold already released
    HOLD_EXPIRED = "hold-expired"            # capture or release of a hold that expired
    CAPTURE_EXCEEDS_HOLD = "capture-exceeds-hold"
    BAD_URL = "bad-url"                      # a store URL this tool does not understand
    STORE = "store"                          # the database cannot be opened or went away
    SCHEMA = "schema"                        # the database was made by a newer ratecard
    NOT_CREDITS = "not-credits"              # a card that prices in an amount (USD), not in credits


class AccountError(Exception):
    """Misuse of the accounts API, or a store that cannot be used; `code` says which."""

    def __init__(self, code: ErrorCode, message: str):
        self.code = ErrorCode(code)
        self.message = message
        super().__init__(f"{code}: {message}")

    def to_json(self) -> dict:
        return {"ok": False, "error": str(self.code), "message": self.message}
