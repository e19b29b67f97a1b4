"""What a card's prices are in, and exact decimal numbers for people and JSON.

A card prices in whole credits (the default, `prices in credits`) or in an
amount to a fixed number of decimal places (`prices in USD to 6 places`).
Either way a price is computed exactly (ints and Fractions, never floats) and
then counted in the unit's smallest part, its "minor units": credits
themselves, or millionths of a dollar. A price in minor units is a whole number:
when a formula's exact value is not, the file's `round up` or `round down`
says which way it goes (engine.checks.formulas refuses a card that leaves it
unsaid).

Plain data, light to import: quoting and the compiled-card cache use it. A card
in credits never imports decimal or fractions through it: the functions that
need them import them.
"""

from __future__ import annotations

from engine.plain import Frozen, init

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from decimal import Decimal
    from fractions import Fraction

MAX_PLACES = 18  # a millionth of a millionth of a millionth: more is not a price list's


class Money(Frozen, fields=("unit", "places")):
    """The unit of account: `unit` None for credits (whole), else a name such as USD and its places."""

    __slots__ = ("unit", "places")

    unit: str | None
    places: int

    def __init__(self, unit: str | None = None, places: int = 0) -> None:
        init(self, "unit", unit)
        init(self, "places", places)

    @property
    def credits(self) -> bool:
        return self.unit is None

    @property
    def scale(self) -> int:
        """Minor units in one unit: 1 for credits, 10**6 for `to 6 places`."""
        return 10**self.places

    def amount(self, minor: int) -> Decimal:
        """Minor units as the exact Decimal they stand for, with every place shown: 4500 -> 0.004500."""
        from decimal import Decimal

        return Decimal(minor).scaleb(-self.places)

    def show(self, minor: int) -> str:
        """`11400 credits`, `1 credit`, `0.004500 USD`."""
        if self.unit is None:
            return "1 credit" if minor == 1 else f"{minor} credits"
        return f"{self.amount(minor)} {self.unit}"

    def words(self) -> str:
        """The declaration in words: `credits`, `USD to 6 places`."""
        return "credits" if self.unit is None else f"{self.unit} to {self.places} places"


CREDITS = Money()


def decimal_text(value: int | Fraction | Decimal) -> str:
    """An exact number as a decimal for people: 21, 20.5, 0.000225; a fraction with no finite
    decimal (1/3) as a fraction. Never scientific notation, never a float's rounding."""
    if type(value) is int:
        return str(value)
    from decimal import Decimal
    from fractions import Fraction

    if isinstance(value, Decimal):
        value = Fraction(value)
    if type(value) is int or value.denominator == 1:
        return str(int(value))
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    digits = abs(value.numerator) * 10**places // value.denominator
    sign = "-" if value < 0 else ""
    whole, part = divmod(digits, 10**places)
    return f"{sign}{whole}.{str(part).rjust(places, '0').rstrip('0')}"


def exact(value: object) -> Fraction | int:
    """An int, a Decimal or a Fraction as an int when whole, else a Fraction."""
    from fractions import Fraction

    value = Fraction(value)
    return value.numerator if value.denominator == 1 else value
