"""What a quote returns: a Quote or a Rejection, both frozen values.

They behave as the frozen attrs classes PRODUCT.md names (fields, equality,
repr, hashing, no assignment, and attrs' own functions work on them) but are
engine.plain classes, so quoting from the compiled-card cache never imports attrs.
"""

from __future__ import annotations

import enum

from engine.plain import Frozen, init

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Literal

# The largest number a request may carry and the largest price a quote may reach. Credits are
# kept by the credit-accounts store as signed 64-bit integers (PostgreSQL BIGINT), so a price
# is below 2**63; a request's counts get the same bound, far below Python's int -> str limit,
# so every number a quote reads or produces can be printed and written as JSON.
MAX_REQUEST_NUMBER = 2**63 - 1
MAX_CREDITS = 2**63 - 1
_SHOWN_DIGITS = 36
_PRINTABLE_BITS = 12_000  # about 3,600 digits: below the default int -> str limit of 4,300


def show_number(value: int) -> str:
    """A whole number for a message: in full when short, else its first digits and its length.

    Never raises and stays short however large the number (Python's str() refuses an int of
    more than a few thousand digits, and would be slow on far larger ones).
    """
    bits = abs(value).bit_length()
    try:
        if bits > _PRINTABLE_BITS:
            raise ValueError("too long to print")
        text = str(value)
    except ValueError:  # also when the process set a lower int -> str limit
        digits = (bits - 1) * 30102 // 100000 + 1  # 0.30102 < log10(2): a lower bound
        return f"a {'negative ' if value < 0 else ''}number of at least {digits} digits"
    sign = "-" if value < 0 else ""
    digits = text[len(sign):]
    if len(digits) <= _SHOWN_DIGITS + 4:
        return text
    return f"{sign}{digits[:_SHOWN_DIGITS]}... ({len(digits)} digits)"


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


# `digest` names the card that gave the answer (RateCard.digest, a sha256 of its files), so a
# service can tell which card priced a charge. It is provenance, not part of the answer: equality
# and hashing leave it out (two cards that price a request alike give equal Quotes; compare
# `.digest` to know it was the same card), and repr leaves it out to stay short.


class Quote(Frozen, fields=("credits", "rule", "digest"), hidden=("digest",), keyword=("digest",)):
    """A price: `credits` for the request, by the rule `rule` (`file:line`)."""

    __slots__ = ("credits", "rule", "digest", "__weakref__")

    credits: int
    rule: str
    digest: str

    # Literal, so that `if result.ok:` narrows `Quote | Rejection` for type checkers
    ok: ClassVar[Literal[True]] = True

    def __init__(self, credits: int, rule: str, *, digest: str = "") -> None:
        init(self, "credits", credits)
        init(self, "rule", rule)
        init(self, "digest", digest)

    def to_json(self) -> dict[str, object]:
        return {"ok": True, "credits": self.credits, "rule": self.rule, "digest": self.digest}


class Rejection(Frozen, fields=("code", "message", "param", "digest"), hidden=("digest",), keyword=("digest",)):
    """No price: a stable `code`, a `message` for a person, and the `param` at fault if there is one."""

    __slots__ = ("code", "message", "param", "digest", "__weakref__")

    code: Code
    message: str
    param: str | None
    digest: str

    ok: ClassVar[Literal[False]] = False

    def __init__(self, code: Code, message: str, param: str | None = None, *, digest: str = "") -> None:
        init(self, "code", code)
        init(self, "message", message)
        init(self, "param", param)
        init(self, "digest", digest)

    def to_json(self) -> dict[str, object]:
        return {"ok": False, "code": str(self.code), "param": self.param, "message": self.message,
                "digest": self.digest}


def stamped(result: Quote | Rejection, digest: str) -> Quote | Rejection:
    """The same result, naming the card `digest`: built once per answer, before it is remembered."""
    if result.digest == digest:
        return result
    if result.ok:
        return Quote(result.credits, result.rule, digest=digest)
    return Rejection(result.code, result.message, result.param, digest=digest)
