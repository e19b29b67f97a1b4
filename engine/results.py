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
    from decimal import Decimal
    from typing import ClassVar, Literal

# The largest number a request may carry and the largest price a quote may reach. Credits are
# kept by the credit-accounts store as signed 64-bit integers (PostgreSQL BIGINT), so a price
# is below 2**63; a request's counts get the same bound, far below Python's int -> str limit,
# so every number a quote reads or produces can be printed and written as JSON.
MAX_REQUEST_NUMBER = 2**63 - 1
MAX_CREDITS = 2**63 - 1
_SHOWN_DIGITS = 36
_PRINTABLE_BITS = 12_000  # about 3,600 digits: below the default int -> str limit of 4,300
MAX_JSON_INT = 2**53 - 1  # the largest whole number every JSON reader keeps exactly (JavaScript's safe integers)


def json_number(value: int) -> int | str:
    """A whole number for JSON: itself up to MAX_JSON_INT either way, a string of its digits past it,
    which a reader of JSON numbers as binary floats (JavaScript, many others) would round."""
    return value if -MAX_JSON_INT <= value <= MAX_JSON_INT else str(value)


def json_safe(value: object) -> object:
    """A JSON-ready value with every whole number past MAX_JSON_INT made a string (json_number), in
    dicts and lists at any depth: for answers whose numbers are not all known in advance (accounts)."""
    if type(value) is int:
        return json_number(value)
    if type(value) is dict:
        return {k: json_safe(v) for k, v in value.items()}
    if type(value) is list:
        return [json_safe(v) for v in value]
    return value


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

class Quote(Frozen, fields=("credits", "rule", "digest", "amount", "unit"), hidden=("digest",),
            keyword=("digest", "amount", "unit")):
    """A price. From a card in credits (the default): `credits`, a whole number, and `amount` and
    `unit` None. From a card that prices in an amount (`prices in USD to 6 places`): `amount` is the
    exact Decimal with every place shown (Decimal("0.004500")), `unit` its name ("USD"), and
    `credits` the same price counted in the unit's smallest part (4500 millionths of a dollar), a
    whole number as always. Its JSON leaves `credits` out, so nothing reads dollars as credits."""

    __slots__ = ("credits", "rule", "digest", "amount", "unit", "__weakref__")

    credits: int
    rule: str
    digest: str
    amount: Decimal | None
    unit: str | None

    # Literal, so that `if result.ok:` narrows `Quote | Rejection` for type checkers
    ok: ClassVar[Literal[True]] = True

    def __init__(self, credits: int, rule: str, *, digest: str = "", amount: Decimal | None = None,
                 unit: str | None = None) -> None:
        init(self, "credits", credits)
        init(self, "rule", rule)
        init(self, "digest", digest)
        init(self, "amount", amount)
        init(self, "unit", unit)

    @property
    def effective(self) -> str | None:
        """The version of a dated card that priced it (see DatedQuote); None: a card without dates."""
        return None

    def to_json(self) -> dict[str, object]:
        """Credits as a JSON number (a string past MAX_JSON_INT); an amount always as a string of its
        exact decimal ("0.004500"), since a JSON number with a point is read as a binary float."""
        if self.amount is not None:
            return {"ok": True, "amount": str(self.amount), "unit": self.unit, "rule": self.rule,
                    "digest": self.digest}
        return {"ok": True, "credits": json_number(self.credits), "rule": self.rule, "digest": self.digest}

    def __repr__(self) -> str:  # as attrs writes it, without the amount's fields on a quote in credits
        if self.amount is None:
            return f"{self.__class__.__qualname__}(credits={self.credits!r}, rule={self.rule!r})"
        return (f"{self.__class__.__qualname__}(credits={self.credits!r}, rule={self.rule!r}, "
                f"amount={self.amount!r}, unit={self.unit!r})")

    def shown(self) -> str:
        """`11400` for credits; `0.004500 USD` for an amount (what `ratecard quote` prints)."""
        return str(self.credits) if self.amount is None else f"{self.amount} {self.unit}"


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

    @property
    def effective(self) -> str | None:
        """The version of a dated card that refused it (see DatedRejection); None: a card without dates."""
        return None

    def to_json(self) -> dict[str, object]:
        return {"ok": False, "code": str(self.code), "param": self.param, "message": self.message,
                "digest": self.digest}


# The answers of a card with dates (engine.versions) name the version of the card that gave them:
# `effective`, the slice of time between two of its dates, as an ISO 8601 interval with `..` for an
# open end ("2026-12-01T00:00:00Z/.."), also in their JSON. Subclasses, so that a card without dates
# builds the very same objects as before, at no cost. Like `digest`, it is provenance: a DatedQuote
# equals a Quote of the same credits and rule (compare `.effective` to know they came from one slice),
# and hashes as one.


_new = object.__new__
# each field's slot, set directly: a quote path's new answers are made at twice the speed of __init__
# (which sets each through object.__setattr__, as a frozen class must)
_QUOTE_SLOTS = tuple(Quote.__dict__[name].__set__ for name in ("credits", "rule", "digest", "amount", "unit"))
_REJECTION_SLOTS = tuple(Rejection.__dict__[name].__set__ for name in ("code", "message", "param", "digest"))


def new_quote(credits: int, rule: str, digest: str = "") -> Quote:
    """Quote(credits, rule, digest=digest), a price in credits, made faster (a new price on the quote path)."""
    quote = _new(Quote)
    set_credits, set_rule, set_digest, set_amount, set_unit = _QUOTE_SLOTS
    set_credits(quote, credits)
    set_rule(quote, rule)
    set_digest(quote, digest)
    set_amount(quote, None)
    set_unit(quote, None)
    return quote


def new_rejection(code: Code, message: str, param: str | None = None, digest: str = "") -> Rejection:
    """Rejection(code, message, param, digest=digest), made faster (a new rejection on the quote path)."""
    rejection = _new(Rejection)
    set_code, set_message, set_param, set_digest = _REJECTION_SLOTS
    set_code(rejection, code)
    set_message(rejection, message)
    set_param(rejection, param)
    set_digest(rejection, digest)
    return rejection


class DatedQuote(Quote, fields=("credits", "rule", "digest", "amount", "unit", "effective"),
                 hidden=("digest", "effective"), keyword=("digest", "amount", "unit", "effective")):
    __slots__ = ("effective",)

    effective: str  # type: ignore[assignment]

    def __init__(self, credits: int, rule: str, *, digest: str = "", amount: Decimal | None = None,
                 unit: str | None = None, effective: str = "") -> None:
        super().__init__(credits, rule, digest=digest, amount=amount, unit=unit)
        init(self, "effective", effective)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Quote):
            return (self.credits, self.rule) == (other.credits, other.rule)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("Quote", self._key(self)))

    def to_json(self) -> dict[str, object]:
        out = super().to_json()
        out["effective"] = self.effective
        return out


class DatedRejection(Rejection, fields=("code", "message", "param", "digest", "effective"),
                     hidden=("digest", "effective"), keyword=("digest", "effective")):
    __slots__ = ("effective",)

    effective: str  # type: ignore[assignment]

    def __init__(self, code: Code, message: str, param: str | None = None, *, digest: str = "",
                 effective: str = "") -> None:
        super().__init__(code, message, param, digest=digest)
        init(self, "effective", effective)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rejection):
            return (self.code, self.message, self.param) == (other.code, other.message, other.param)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("Rejection", self._key(self)))

    def to_json(self) -> dict[str, object]:
        out = super().to_json()
        out["effective"] = self.effective
        return out


def stamped(result: Quote | Rejection, digest: str) -> Quote | Rejection:
    """The same result, naming the card `digest`: built once per answer, before it is remembered."""
    if result.digest == digest:
        return result
    effective = result.effective
    if effective is not None:
        return dated(result, digest, effective)
    if result.ok:
        if result.amount is not None:
            return Quote(result.credits, result.rule, digest=digest, amount=result.amount, unit=result.unit)
        return Quote(result.credits, result.rule, digest=digest)
    return Rejection(result.code, result.message, result.param, digest=digest)


def dated(result: Quote | Rejection, digest: str, effective: str) -> DatedQuote | DatedRejection:
    """The same result, naming the card `digest` and its version `effective` (a dated card's answers)."""
    if result.ok:
        return DatedQuote(result.credits, result.rule, digest=digest, amount=result.amount, unit=result.unit,
                          effective=effective)
    return DatedRejection(result.code, result.message, result.param, digest=digest, effective=effective)
