"""The largest number a request may carry and the largest price a quote may reach.

Credits are stored as signed 64-bit integers, so a price is at most 2**63 - 1
and so is any number a request carries. Beyond them a request gets a clear
rejection, and every way a result is shown (str, repr, JSON, --explain,
--batch with either JSON library, table) copes with every number it can hold.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

import engine
from engine.interpreter import quote as reference
from engine.results import MAX_CREDITS, MAX_REQUEST_NUMBER, show_number

POWERS = textwrap.dedent("""\
    tool say { chars >= 1 }
    tool pics { images >= 1 }
    tool twice { n >= 1 }
    say chars * chars * chars * chars * chars
    pics -> 400 * images
    twice -> n * 2
""")

TOO_LONG = [10**5000, -10**5000, "9" * 5000, "-" + "9" * 5000, 1e300, MAX_REQUEST_NUMBER + 1,
            "9" * 400]


@pytest.fixture(scope="module")
def powers():
    return engine.loads(POWERS, "powers.rules")


def _every_path(card, request):
    """The reference, the memo (twice: a miss, then a hit), the direct road and quote_many agree."""
    expected = reference(card.index, request)
    assert card.quote(request) == expected
    assert card.quote(request) == expected
    assert card.quote_many([request, request]) == [expected, expected]
    return expected


def test_the_bounds_are_those_of_a_signed_64_bit_integer():
    assert MAX_CREDITS == MAX_REQUEST_NUMBER == 2**63 - 1


@pytest.mark.parametrize("value", TOO_LONG, ids=lambda v: type(v).__name__ + str(len(str(v)) if not
                                                                               isinstance(v, int) else v.bit_length()))
def test_a_request_number_past_the_bound_is_invalid_and_named_and_its_echo_is_short(powers, value):
    result = _every_path(powers, {"tool": "say", "chars": value})
    assert (result.code, result.param) == ("invalid-param", "chars")
    assert len(result.message) < 120, result.message
    repr(result), str(result), json.dumps(result.to_json())


def test_numbers_up_to_the_bound_are_read_exactly(powers):
    assert _every_path(powers, {"tool": "twice", "n": MAX_CREDITS // 2}).credits == MAX_CREDITS - 1
    assert _every_path(powers, {"tool": "twice", "n": str(MAX_CREDITS // 2)}).credits == MAX_CREDITS - 1
    assert _every_path(powers, {"tool": "twice", "n": "000" + str(MAX_CREDITS // 2)}).credits == MAX_CREDITS - 1
    assert _every_path(powers, {"tool": "pics", "images": 10**15}).credits == 4 * 10**17
    assert _every_path(powers, {"tool": "say", "chars": "0" * 5000 + "7"}).credits == 7**5  # leading zeros


@pytest.mark.parametrize("request_", [
    {"tool": "twice", "n": MAX_CREDITS // 2 + 1},        # 2**63: one past the largest price
    {"tool": "say", "chars": 10**4},                     # 10**20
    {"tool": "say", "chars": MAX_REQUEST_NUMBER},        # 95 digits
    {"tool": "pics", "images": MAX_REQUEST_NUMBER},
])
def test_a_price_past_the_bound_is_refused_clearly(powers, request_):
    result = _every_path(powers, request_)
    assert result.code == "unsupported" and result.param is None
    assert result.message == "this request would cost more than 9223372036854775807 credits, the most one quote may be"


def test_a_value_too_long_to_print_is_shown_short_where_a_message_echoes_it(card):
    for value in (10**5000, -(10**5000)):
        result = _every_path(card, {"tool": value})
        assert result.code == "invalid-param" and "digits" in result.message and len(result.message) < 120
        result = _every_path(card, {"tool": "voiceover", "chars": 5, "x": 1, value: 1})
        assert result.code == "unknown-param" and len(result.message) < 300
    from fractions import Fraction

    result = _every_path(card, {"tool": "voiceover", "chars": Fraction(10**5000, 3)})
    assert result.code == "invalid-param" and "Fraction" in result.message


def test_show_number():
    assert show_number(12) == "12" and show_number(-12) == "-12"
    assert show_number(10**39) == str(10**39)
    assert show_number(10**40) == "1" + "0" * 35 + "... (41 digits)"
    assert show_number(-(10**3000)) == "-1" + "0" * 35 + "... (3001 digits)"
    assert show_number(10**5000) == "a number of at least 5000 digits"
    assert show_number(-(10**5000)) == "a negative number of at least 5000 digits"


# ---------------------------------------------------------------- every output path


def _cli(*args, stdin=None, env=None, rules=None):
    argv = [sys.executable, "-m", "engine.cli", *args] + (["--rules", str(rules)] if rules else [])
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def powers_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("limits") / "powers.rules"
    path.write_text(POWERS)
    return path


@pytest.mark.parametrize("words", [
    ["say", "chars=" + "9" * 1000],
    ["say", "chars=" + str(10**4)],
    ["pics", "images=" + "4" * 400],
    ["twice", f"n={MAX_CREDITS // 2}"],
])
@pytest.mark.parametrize("mode", [[], ["--json"], ["--explain"]])
def test_quote_prints_every_result_it_can_produce(powers_file, words, mode):
    done = _cli("quote", *words, *mode, rules=powers_file)
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 1)
    shown = done.stdout + done.stderr
    assert len(shown) < 2000
    if mode == ["--json"]:
        json.loads(done.stdout)


@pytest.mark.parametrize("backend", ["stdlib", "orjson"])
def test_batch_answers_every_line_with_numbers_of_every_size(powers_file, backend):
    lines = [{"tool": "say", "chars": 10**4}, {"tool": "say", "chars": int("9" * 1000)},
             {"tool": "pics", "images": int("4" * 400)}, {"tool": "twice", "n": MAX_CREDITS // 2},
             {"tool": "twice", "n": MAX_CREDITS}, {"tool": "say", "chars": 3}]
    text = "".join(json.dumps(r) + "\n" for r in lines)
    done = _cli("quote", "--batch", "-", stdin=text, env={"RATECARD_JSON": backend}, rules=powers_file)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    card = engine.load(powers_file)
    assert out == [card.quote(r).to_json() for r in lines]
    assert [o.get("code") for o in out] == ["unsupported", "invalid-param", "invalid-param", None,
                                            "unsupported", None]


def test_table_shows_prices_past_the_bound_as_refused(tmp_path):
    path = tmp_path / "steep.rules"
    path.write_text("tool t { n >= 1 }\nt n 1..9 -> n\nt n >= 10 -> n * 100000000000000000\n")
    for fmt in ("text", "md", "csv", "json"):
        done = _cli("table", "--format", fmt, rules=path)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        assert "would cost more than 9223372036854775807 credits" in done.stdout
