"""What `check` says about prices, and that a card it passes prices every valid request.

A card either fails to load with a clear diagnostic, or quotes right: never a
KeyError (or any other failure) dressed up as a rejection of the request.
"""

import subprocess
import sys
import textwrap

import pytest

import engine
from engine.ratecard import RateCardError
from engine.results import MAX_CREDITS


def _errors(text: str) -> list[str]:
    with pytest.raises(RateCardError) as caught:
        engine.loads(textwrap.dedent(text))
    return [f"{d.name}: {d.message}" for d in caught.value.diagnostics if d.severity.value == "error"]


# ---------------------------------------------------------------- parameters a price cannot use


def test_a_condition_on_a_parameter_the_model_does_not_take_never_applies_and_the_rest_prices():
    card = engine.loads(textwrap.dedent("""\
        tool t { x 1 | 2 }
        model t "M" { x none }
        t "M" x 1 -> 10
        t "M" -> 5
    """))
    assert [w.name for w in card.warnings] == ["dead-rule"]
    assert card.quote({"tool": "t", "model": "M"}) == engine.Quote(credits=5, rule="<string>:4")
    assert card.quote({"tool": "t", "model": "M", "x": 1}).code == "unsupported"


def test_the_same_through_a_group_whose_models_differ():
    card = engine.loads(textwrap.dedent("""\
        tool a, b { x 1 | 2 }
        group g = a, b
        model g "M" { x none for b }
        g "M" x 1 -> 10
        g "M" x 2 -> 20
        b "M" -> 5
    """))
    assert card.quote({"tool": "a", "model": "M", "x": 2}).credits == 20
    assert card.quote({"tool": "b", "model": "M"}).credits == 5


def test_a_formula_over_a_parameter_the_model_does_not_take_is_an_error():
    errors = _errors("""\
        tool t { x 1 | 2 }
        model t "M" { x none }
        t "M" -> x * 5
    """)
    assert errors == ["bad-declaration: M takes no `x` for t, so this price has no value for it"]


def test_a_formula_over_a_not_taken_parameter_is_fine_where_its_rule_never_applies():
    card = engine.loads(textwrap.dedent("""\
        tool a, b { x 1 | 2 }
        group g = a, b
        model g "M" { x none for b }
        g "M" x 1 | 2 -> x * 5
        b "M" -> 3
    """))
    assert card.quote({"tool": "a", "model": "M", "x": 2}).credits == 10
    assert card.quote({"tool": "b", "model": "M"}).credits == 3


def test_a_formula_over_an_unpriced_parameter_is_an_error():
    errors = _errors("""\
        tool t { n 1 | 2 unpriced }
        t -> n * 2
    """)
    assert errors == ["bad-declaration: `n` does not change the price, so a price cannot use it"]


# ---------------------------------------------------------------- cells that never apply


def test_a_non_positive_price_in_a_grid_cell_that_never_applies_is_not_an_error():
    card = engine.loads(textwrap.dedent("""\
        tool t {
            q "a" | "b"
            n 1 | 2
        }
        model t "M" { q "a" }
        t "M" {
            n       1    2
            q "a" -> 5   6
            q "b" -> 0   7
        }
    """))
    assert {w.name for w in card.warnings} == {"dead-rule"}
    assert card.quote({"tool": "t", "model": "M", "q": "a", "n": 2}).credits == 6


def test_a_non_positive_formula_in_a_cell_that_never_applies_is_not_an_error():
    card = engine.loads(textwrap.dedent("""\
        tool t {
            q "a" | "b"
            n >= 1
        }
        model t "M" { q "a" }
        t "M" {
            q    "a"      "b"
            -> (n * 2)  (n - 5)
        }
    """))
    assert card.quote({"tool": "t", "model": "M", "q": "a", "n": 3}).credits == 6


def test_a_non_positive_price_of_a_group_rule_is_an_error_where_it_applies_for_one_of_its_tools():
    # lowered first for b, where M does not offer q "b", then for a, where it does
    errors = _errors("""\
        tool a, b { q "a" | "b"  n 1 | 2 }
        group g = b, a
        model g "M" { q "a" for b }
        g "M" q "a" -> 1
        g "M" q "b" -> 0
        g "M" q "b" n 2 -> (n - 2)
    """)
    assert errors == ["non-positive-price: this price is 0 credits",
                      "non-positive-price: this price is 0 credits for n 2"]


# ---------------------------------------------------------------- large numbers


def _big_card(formula: str, path) -> str:
    path.write_text(f"tool t {{ n >= 1 }}\nt -> {formula}\n")
    return str(path)


@pytest.mark.parametrize("formula, verdict", [
    ("n + " + "9" * 310, "always more than 9223372036854775807 credits"),
    ("n - " + "9" * 310, "this price is -999999999999999999999999999999999999... (310 digits) credits for n 1"),
    (f"{'9' * 310} - n", "falls to 0 credits or less for large values"),
    ("n * " + "9" * 310, "always more than"),
    (f"ceil(n / {'9' * 310})", None),
    (f"n * n - {'9' * 4000} * {'9' * 4000}", "this price is a negative number of at least "),
])
def test_check_handles_numbers_of_hundreds_of_digits_beside_an_open_parameter(tmp_path, formula, verdict):
    path = _big_card(formula, tmp_path / "big.rules")
    done = subprocess.run([sys.executable, "-m", "engine.cli", "check", path], capture_output=True, text=True,
                          timeout=120)
    assert "Traceback" not in done.stderr
    if verdict is None:
        assert done.returncode == 0, done.stdout
    else:
        assert done.returncode == 1 and verdict in done.stdout


def test_a_constant_price_past_the_limit_is_an_error_and_the_limit_itself_is_not():
    assert _errors(f"tool t\nt -> {MAX_CREDITS + 1}\n") == [
        "bad-declaration: this price is more than 9223372036854775807 credits, the most one quote may be"]
    assert engine.loads(f"tool t\nt -> {MAX_CREDITS}\n").quote({"tool": "t"}).credits == MAX_CREDITS


# ---------------------------------------------------------------- divisors


def test_a_divisor_the_files_rounding_makes_zero_is_an_error_not_a_crash_at_load():
    """`round down` applies inside the divisor too, so `49 / (1 / 1000)` divides by 0 when quoted:
    check said the card was clean and every load then raised ZeroDivisionError."""
    errors = _errors("""\
        round down
        tool t
        t -> 49 / (1 / 1000)
        """)
    assert errors == ["bad-declaration: a price may only divide by a positive number"]


def test_a_divisor_that_stays_positive_under_the_files_rounding_is_fine():
    card = engine.loads("round down\ntool t\nt -> 49 / (3 / 2)\n")
    assert card.quote({"tool": "t"}).credits == 49  # 3 / 2 rounds down to 1
