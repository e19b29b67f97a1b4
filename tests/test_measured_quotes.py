"""Measured amounts and decimal prices on every quote road, and exact JSON on every JSON road.

- Every road (the reference interpreter, the memo fresh and warm, quote_many, the direct road)
  gives one answer for requests on the real-shaped cards, whatever form an amount takes.
- A measured price is what brute force says: the amount billed at the next step (and the
  minimum), the formula evaluated exactly, rounded as the file says.
- A JSON number with a point is read exactly in every JSON road (--batch with either parser,
  the HTTP service): 20.000000000000001 seconds is more than 20, so 21 are billed.
- Credits past 2**53 - 1 go out as a string in every JSON road (CLI --json, --batch with
  either writer path, the service); up to it, as a number.
- A card that prices in an amount is a clear refusal for credit accounts.
"""

from __future__ import annotations

import io
import json
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import batch
from engine.cli import main
from engine.review.expect import Expectation, read
from engine.values import MAX_AMOUNT_TEXT
from tests.test_interpreter_equivalence import _all_paths_agree

REAL = Path(__file__).parent / "cases" / "real"


def _requests(folder: Path) -> list[dict]:
    out = []
    for path in sorted(folder.glob("*.expect")):
        out += [e.request for e in read(path.read_text(), path.name) if isinstance(e, Expectation)]
    return out


AMOUNTS = [0, 1, 3, 5, 20, 20.4, 20.0, -1, -0.0, 1e400, float("nan"), True, None, "20.4", "20.4s", " 7.1 ", "abc",
           "1e3", "-2", ".5", "5.", Decimal("20.26"), Decimal("1E+30"), Decimal("-0.5"), Fraction(41, 2), 2**70,
           "9" * 400, [1], {"a": 1}]


@pytest.mark.parametrize("folder", sorted(p for p in REAL.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_every_road_agrees_on_the_real_cards_whatever_form_an_amount_takes(folder):
    card = engine.load(folder, use_cache=False)
    requests = _requests(folder)
    measured = {s.name for t in card.index.tools.values() for m in t.models.values() for s in m.slots
                if s.param.measure is not None}
    for request in list(requests):
        for key in set(request) & measured:
            requests += [{**request, key: v} for v in AMOUNTS]
    _all_paths_agree(card.index, requests)


VIDEO = """
round up
tool clip {
    res  480 | 720
    dur  > 0  unit "s"  billed per 0.5  minimum 2
}
clip res 480 -> 3 * dur
clip res 720 -> 1.25 * dur + 1
"""


def _expected(res: int, amount: Fraction) -> int:
    billed = max(math.ceil(amount / Fraction(1, 2)) * Fraction(1, 2), 2)
    value = 3 * billed if res == 480 else Fraction(5, 4) * billed + 1
    return math.ceil(value)


amounts = st.one_of(st.integers(0, 10_000), st.fractions(0, 500, max_denominator=1000),
                    st.decimals(0, 500, places=3), st.floats(0, 500, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([480, 720]), amounts, st.sampled_from(["plain", "str", "unit"]))
def test_a_measured_price_is_what_brute_force_says(res, amount, form):
    """A float is read as the shortest decimal that prints it; a text as the decimal it writes."""
    card = _VIDEO
    written = Decimal(repr(amount)) if type(amount) is float else amount
    exact = Fraction(written)
    raw = amount
    if form != "plain" and type(amount) is not Fraction:  # a text: the decimal written out, no exponent
        raw = format(Decimal(written), "f") + ("s" if form == "unit" else "")
    result = card.quote({"tool": "clip", "res": res, "dur": raw})
    if type(raw) is str and len(raw.rstrip("s")) > MAX_AMOUNT_TEXT:  # 0.000...0003 of 110 digits
        assert result.code == "invalid-param"
    else:
        assert result.ok and result.credits == _expected(res, exact), (raw, result)
    _all_paths_agree(card.index, [{"tool": "clip", "res": res, "dur": raw}])


_VIDEO = engine.loads(VIDEO)


GPU = REAL / "gpu-seconds"
NEAR_20 = '{"tool": "run", "hardware": "t4", "secs": 20.000000000000001}\n'  # a float would read 20.0


def _batch(card, text: str, loads) -> list[dict]:
    sink = io.BytesIO()
    batch.run(card.quote, [line.encode() for line in text.splitlines(keepends=True)], batch.utf8_writer(sink.write),
              loads, digest=card.digest)
    return [json.loads(line) for line in sink.getvalue().decode().splitlines()]


@pytest.mark.parametrize("loads", [batch.stdlib_loads, batch.fast_loads()], ids=["stdlib", "fast"])
def test_a_json_number_with_a_point_is_read_exactly_in_a_batch(loads):
    card = engine.load(GPU, use_cache=False)
    assert _batch(card, NEAR_20, loads)[0]["amount"] == "0.004725"  # 21 s: it is past 20
    plain = '{"tool": "run", "hardware": "t4", "secs": 20.0}\n'
    assert _batch(card, plain, loads)[0]["amount"] == "0.004500"


def test_a_json_number_with_a_point_is_read_exactly_by_the_service():
    from starlette.testclient import TestClient

    from engine.service import app

    card = engine.load(GPU, use_cache=False)
    with TestClient(app(card)) as client:
        answer = client.post("/quote", content=NEAR_20.strip(), headers={"content-type": "application/json"})
        assert answer.status_code == 200 and answer.json()["amount"] == "0.004725"
        answer = client.post("/quote/batch", content=NEAR_20, headers={"content-type": "application/x-ndjson"})
        assert json.loads(answer.text.splitlines()[0])["amount"] == "0.004725"


BIG = "tool t { n 1 | 2 }\nt n 1 -> 9007199254740993\nt n 2 -> 9007199254740991\n"


def test_credits_past_2_to_the_53_are_strings_on_every_json_road(tmp_path, capsys):
    rules = tmp_path / "big.rules"
    rules.write_text(BIG)
    card = engine.load(rules, use_cache=False)
    assert card.quote({"tool": "t", "n": 1}).to_json()["credits"] == "9007199254740993"
    assert card.quote({"tool": "t", "n": 2}).to_json()["credits"] == 9007199254740991
    assert main(["quote", "--rules", str(rules), "t", "n=1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["credits"] == "9007199254740993"
    lines = '{"tool": "t", "n": 1}\n{"tool": "t", "n": 2}\n' * 2  # the second time from the batch's memory
    for loads in (batch.stdlib_loads, batch.fast_loads()):
        got = [r["credits"] for r in _batch(card, lines, loads)]
        assert got == ["9007199254740993", 9007199254740991] * 2
    from starlette.testclient import TestClient

    from engine.service import app

    with TestClient(app(card)) as client:
        assert client.post("/quote", json={"tool": "t", "n": 1}).json()["credits"] == "9007199254740993"
        assert client.post("/quote", json={"tool": "t", "n": 2}).json()["credits"] == 9007199254740991
        batched = client.post("/quote/batch", json=[{"tool": "t", "n": 1}]).json()
        assert batched[0]["credits"] == "9007199254740993"


def test_an_amount_is_an_exact_decimal_in_python_and_a_string_in_json(capsys):
    card = engine.load(GPU, use_cache=False)
    quote = card.quote({"tool": "run", "hardware": "t4", "secs": "20.4s"})
    assert quote.amount == Decimal("0.004725") and str(quote.amount) == "0.004725" and quote.unit == "USD"
    assert quote.credits == 4725  # the same price in millionths of a dollar: always a whole number
    assert quote.to_json() == {"ok": True, "amount": "0.004725", "unit": "USD", "rule": "hardware.rules:13",
                               "digest": card.digest}
    assert main(["quote", "--rules", str(GPU), "run", "hardware=t4", "secs=20.4"]) == 0
    assert capsys.readouterr().out == "0.004725 USD\n"


def test_a_whole_number_parameter_refuses_decimals_as_before():
    card = engine.load()
    for value in (4.5, "4.5", Decimal("4.5"), "4.5s"):
        result = card.quote({"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": value})
        assert result.code == "invalid-param" and result.param == "dur", value
        assert "is a whole number" in result.message and "4.5" in result.message
    assert card.quote({"tool": "voiceover", "chars": Decimal("12.0")}).credits == 2  # as 12.0 always read


def test_accounts_refuse_a_card_that_prices_in_an_amount(tmp_path, capsys):
    from engine import accounts

    card = engine.load(GPU, use_cache=False)
    with pytest.raises(accounts.AccountError) as refused:
        accounts.open(f"sqlite:///{tmp_path / 'c.db'}", card=card)
    assert refused.value.code == "not-credits" and "USD to 6 places" in refused.value.message
    assert not (tmp_path / "c.db").exists()  # refused before a store is opened
    code = main(["accounts", "--db", f"sqlite:///{tmp_path / 'd.db'}", "--rules", str(GPU), "balance", "acme"])
    assert code == 2 and "not-credits" in capsys.readouterr().err


def test_account_answers_past_2_to_the_53_are_strings_in_json(tmp_path, capsys):
    """A tier of 2**60 credits: the balance's figures past 2**53 - 1 are strings on the command line."""
    rules = tmp_path / "card"
    rules.mkdir()
    (rules / "card.rules").write_text('tool t { n 1 | 2 }\nt -> 5\nplan "Big" allows all {\n    credits 1152921504606846976\n}\n')
    db = ["--db", f"sqlite:///{tmp_path / 'c.db'}", "--rules", str(rules)]
    at = ["--at", "2026-01-31T12:00:00+00:00"]
    assert main(["accounts", *db, "subscribe", "acme", "--plan", "Big", "--credits", "1152921504606846976",
                 *at, "--json"]) == 0
    capsys.readouterr()
    assert main(["accounts", *db, "balance", "acme", *at, "--json"]) == 0
    balance = json.loads(capsys.readouterr().out)
    assert balance["granted"] == "1152921504606846976" and balance["spent"] == 0


UNSET_CARD = """round up
tool clip {
    dur  > 0 | unset  unit "s"  billed per 0.3  minimum 0.9
}
clip dur unset -> 200
clip dur >= 0.9 -> 40 * dur
"""


def test_a_measured_amount_that_may_be_left_out_is_priced_alike_on_every_path():
    """`unset` (engine.domain: -1 among whole numbers) is no multiple of 0.3; it stays a value of its own."""
    from tests.every_path import disagreements

    card = engine.loads(UNSET_CARD, "clip.rules")
    asked = [{"tool": "clip"}, {"tool": "clip", "dur": 1}, {"tool": "clip", "dur": "0.2"},
             {"tool": "clip", "dur": 3.05}, {"tool": "clip", "dur": -1}, {"tool": "clip", "dur": 0}]
    assert [card.quote(r).credits if card.quote(r).ok else None for r in asked] == [200, 48, 36, 132, None, 36]
    assert disagreements(card, asked) == []
