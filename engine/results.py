"""What a quote returns: a Quote or a Rejection, both frozen values."""

from __future__ import annotations

import enum
from typing import ClassVar, Literal

import attrs


class Code(enum.StrEnum):
    """Rejection codes: stable, part of the API (see PRODUCT.md)."""

    INVALID_REQUEST = "invalid-request"
    UNKNOWN_TOOL = "unknown-tool"
    UNKNOWN_MODEL = "unknown-model"
    MISSING_PARAM = "missing-param"
    UNKNOWN_PARAM = "unknown-param"
    INVALID_PARAM = "invalid-param"
    UNSUPPORTED = "unsupported"
    REJECTED = "rejected"
    INSUFFICIENT_CREDITS = "insufficient-credits"  # engine.accounts: the price does not fit
    UNKNOWN_ACCOUNT = "unknown-account"            # engine.accounts: no such account


@attrs.frozen
class Quote:
    credits: int
    rule: str

    # Literal, so that `if result.ok:` narrows `Quote | Rejection` for type checkers
    ok: ClassVar[Literal[True]] = True

    def to_json(self) -> dict[str, object]:
        return {"ok": True, "credits": self.credits, "rule": self.rule}


@attrs.frozen
class Rejection:
    code: Code
    message: str
    param: str | None = None

    ok: ClassVar[Literal[False]] = False

    def to_json(self) -> dict[str, object]:
        return {"ok": False, "code": str(self.code), "param": self.param, "message": self.message}
