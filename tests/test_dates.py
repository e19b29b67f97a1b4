"""Dated prices: quoting at a time, the slices of time, what check says about time, and the times
callers give (engine.dates, engine.timeline, engine.versions, RateCard.at)."""

from __future__ import annotations

import datetime
import json
import textwrap
from decimal import Decimal

import pytest

import engine
from engine import dates
from engine.results import Code

PROMOTION = textwrap.dedent("""\
    tool image-to-image {
        inputs  1..3  default 1
    }
    model image-to-image "Nano Banana"
    model image-to-image "Flux"
    image-to-image "Flux"        -> 80
    image-to-image "Nano Banana" -> 50  until 2026-12-01
    image-to-image "Nano Banana" -> 100 from 2026-12-01 until 2027-01-01T09:30:00Z
    from 2027-01-01T09:30:00Z {
        image-to-image "Nano Banana" -> 120
    }
""")
BANANA = {"tool": "image-to-image", "model": "Nano Banana"}
UTC = datetime.UTC


@pytest.fixture(scope="module")
def promotion() -> engine.RateCard:
    return engine.loads(PROMOTION, "promo.rules")


def test_a_dated_card_prices_by_the_time_given_and_names_the_slice(promotion):
    before = promotion.quote(BANANA, at="2026-11-30T23:59:59.999999Z")
    assert (before.credits, before.rule, before.effective) == (50, "promo.rules:7", "../2026-12-01T00:00:00Z")
    at_midnight = promotion.quote(BANANA, at=datetime.datetime(2026, 12, 1, tzinfo=UTC))
    assert (at_midnight.credits, at_midnight.effective) == (100, "2026-12-01T00:00:00Z/2027-01-01T09:30:00Z")
    paris = datetime.timezone(datetime.timedelta(hours=1))
    assert promotion.quote(BANANA, at=datetime.datetime(2027, 1, 1, 10, 29, 59, tzinfo=paris)).credits == 100
    assert promotion.quote(BANANA, at=datetime.datetime(2027, 1, 1, 10, 30, tzinfo=paris)).credits == 120
    assert promotion.quote(BANANA, at=datetime.date(2026, 12, 1)).credits == 100  # a day: midnight UTC
    assert promotion.quote({"tool": "image-to-image", "model": "Flux"}, at="2026-06-01").credits == 80


def test_the_time_is_in_the_json_and_equality_leaves_it_out(promotion):
    quote = promotion.quote(BANANA, at="2026-06-01")
    assert quote.to_json()["effective"] == "../2026-12-01T00:00:00Z"
    refused = promotion.quote({"tool": "image-to-image", "model": "Nano Banana", "inputs": 4}, at="2026-06-01")
    assert refused.to_json()["effective"] == "../2026-12-01T00:00:00Z" and refused.code is Code.UNSUPPORTED
    later = promotion.quote({"tool": "image-to-image", "model": "Flux"}, at="2027-06-01")
    assert later == promotion.quote({"tool": "image-to-image", "model": "Flux"}, at="2026-06-01")
    assert later.effective == "2027-01-01T09:30:00Z/.."


def test_without_a_time_a_dated_card_prices_now(promotion):
    now = dates.now()
    expected = 50 if now < dates.micros(datetime.datetime(2026, 12, 1, tzinfo=UTC)) else \
        100 if now < dates.micros(datetime.datetime(2027, 1, 1, 9, 30, tzinfo=UTC)) else 120
    assert promotion.quote(BANANA).credits == expected
    assert [r.credits for r in promotion.quote_many([BANANA, BANANA])] == [expected, expected]


@pytest.mark.parametrize("at, says", [
    (datetime.datetime(2026, 12, 1), "has no time zone"),
    ("2026-12-01T10:00:00", "has no time zone"),
    ("next tuesday", "is not a time"),
    ("", "is not a time"),
    (1764547200, "not int"),
    (float("nan"), "not float"),
    ("9" * 100, "is not a time"),
])
def test_a_time_that_is_none_is_an_invalid_request_of_at(promotion, at, says):
    for card in (promotion, engine.load()):  # a card without dates asks the same of `at`
        result = card.quote(BANANA, at=at)
        assert (result.ok, result.code, result.param) == (False, Code.INVALID_REQUEST, "at")
        assert says in result.message and result.digest == card.digest and result.effective is None
        assert [r.code for r in card.quote_many([BANANA, {}], at=at)] == [Code.INVALID_REQUEST] * 2
    with pytest.raises(ValueError, match=says):
        promotion.at(at)


def test_a_card_without_dates_is_the_same_at_every_time(card):
    request = {"tool": "voice-clone"}
    plain = card.quote(request)
    for at in ("1999-01-01", datetime.datetime(2300, 1, 1, tzinfo=UTC), "2026-12-01T10:00:00+05:30"):
        dated = card.quote(request, at=at)
        assert dated == plain and dated.effective is None and "effective" not in dated.to_json()
    assert card.at("2030-01-01") is card and card.periods == () and card.effective is None


def test_a_slice_is_a_card_of_its_own(promotion):
    november = promotion.at("2026-11-15")
    assert november.effective == "../2026-12-01T00:00:00Z" and november.digest == promotion.digest
    assert [r.label for r in november.card.rules] == ["promo.rules:6", "promo.rules:7"]
    assert november.card.timeline is None and promotion.card.timeline is not None
    assert november.quote(BANANA).credits == 50
    assert november.quote(BANANA, at="2027-02-01").credits == 120  # another time: the whole card's answer
    assert november.at() is november and november.at("2026-12-05").quote(BANANA).credits == 100
    assert [p.words() for p in promotion.periods] == [
        "until 2026-12-01", "from 2026-12-01 until 2027-01-01T09:30:00Z", "from 2027-01-01T09:30:00Z"]


def test_slices_with_the_same_rules_share_one_index():
    from engine.ratecard import analyse
    from engine.sources import Source
    from engine.versions import compile_versions
    from engine.versions_json import decode_lines, encode_lines

    text = "tool t\ntool u\nt -> 5\nu -> 1 from 2026-01-01 until 2026-02-01\n"  # u: a gap around it
    card, _ = analyse([Source(name="s.rules", path="s.rules", text=text)])
    first, middle, last = compile_versions(card).versions.indexes
    assert first is last and first is not middle
    assert first.tools["t"].models[None] is middle.tools["t"].models[None]  # t's rules never change
    lines = list(encode_lines(compile_versions(card)))
    assert json.loads(lines[0])["indexes"] == 2  # the shared one is written once
    again = decode_lines(lines).versions.indexes
    assert again[0] is again[2]


def test_check_names_the_dates_of_a_gap_or_an_overlap_in_time():
    gap = PROMOTION.replace("from 2026-12-01 until", "from 2026-12-02 until")
    with pytest.raises(engine.RateCardError) as caught:
        engine.loads(gap, "promo.rules")
    (found,) = caught.value.diagnostics
    assert found.code.word == "gap" and found.message.startswith("from 2026-12-01 until 2026-12-02: Nano Banana")
    assert found.hint.endswith('-> ... from 2026-12-01 until 2026-12-02`')
    both = PROMOTION.replace("    image-to-image \"Nano Banana\" -> 120\n",
                             "    image-to-image \"Nano Banana\" -> 120\n    image-to-image \"Flux\" -> 60\n")
    with pytest.raises(engine.RateCardError) as caught:
        engine.loads(both, "promo.rules")
    (found,) = caught.value.diagnostics
    assert found.code.word == "overlap" and found.message.startswith("from 2027-01-01T09:30:00Z: this rule")


def test_what_holds_at_every_time_names_no_dates():
    text = PROMOTION + 'model image-to-image "Unpriced"\n'
    with pytest.raises(engine.RateCardError) as caught:
        engine.loads(text, "promo.rules")
    (found,) = caught.value.diagnostics
    assert found.message == "Unpriced (image-to-image) has no price at all"


def test_an_undated_model_is_checked_once_however_many_slices(monkeypatch):
    from engine.checks import coverage

    seen = []
    original = coverage.check_coverage

    def counting(card):
        seen.append(sorted(m.title for m in card.models.values()))
        return original(card)

    monkeypatch.setattr(coverage, "check_coverage", counting)
    monkeypatch.setattr("engine.checks.CHECKS", (counting,))
    engine.loads(PROMOTION)
    assert seen.count(["Flux"]) == 1 and seen.count(["Nano Banana"]) == 3


def test_a_dated_card_survives_the_cache(cache_dir):
    folder = cache_dir.parent / "card"
    folder.mkdir()
    (folder / "promo.rules").write_text(PROMOTION)
    built = engine.load(folder)
    cached = engine.load(folder)
    assert cached._card is None and cached.index.versions is not None  # read from the cache
    assert cached.index.versions.boundaries == built.index.versions.boundaries
    for at in ("2026-01-01", "2026-12-01", "2027-01-01T09:30:00Z"):
        for request in (BANANA, {"tool": "image-to-image", "model": "Flux", "inputs": 3}, {"tool": "x"}):
            assert cached.quote(request, at=at).to_json() == built.quote(request, at=at).to_json()


def test_the_cache_refuses_dated_lines_that_a_card_could_not_give(promotion):
    from engine.index_json import Corrupt
    from engine.versions_json import decode_lines, encode_lines

    lines = list(encode_lines(promotion.index))
    assert decode_lines(lines).versions.boundaries == promotion.index.versions.boundaries
    head = json.loads(lines[0])

    def with_head(**change) -> list[str]:
        data = {**head, "versions": {**head["versions"], **change}}
        return [json.dumps(data, separators=(",", ":"))] + lines[1:]

    for broken in (
        with_head(boundaries=list(reversed(head["versions"]["boundaries"]))),  # not increasing
        with_head(boundaries=head["versions"]["boundaries"][:1]),              # too few for the slices
        with_head(slices=[0, 0, 1]),                                           # neighbours alike
        with_head(slices=[0, 1, 3]),                                           # an index that is not there
        with_head(boundaries=[True, 2]),                                       # not whole numbers
        with_head(boundaries=[10 ** 30, 10 ** 31]),                            # past any date
        lines[:-1],                                                            # ends early
        lines + lines[-1:],                                                    # a line too many
    ):
        with pytest.raises(Corrupt):
            decode_lines(broken)
    other = engine.loads(PROMOTION.replace('model image-to-image "Flux"', 'model image-to-image "Flux" aka "F"'))
    mixed = list(encode_lines(other.index))
    first_block = 2 + json.loads(lines[1])["lines"]
    with pytest.raises(Corrupt, match="declare different"):  # slices must declare the same tools and models
        decode_lines(lines[:first_block] + mixed[first_block:])


def test_the_time_helpers():
    assert dates.card_time("2026-02-29") is None and dates.card_time("2028-02-29") is not None
    assert dates.card_time("2026-12-01T24:00Z") is None
    assert dates.show(dates.micros(datetime.datetime(2026, 12, 1, tzinfo=UTC))) == "2026-12-01"
    assert dates.rfc3339(dates.micros(datetime.datetime(2026, 12, 1, 9, 30, 0, 5, tzinfo=UTC))) \
        == "2026-12-01T09:30:00.000005Z"
    assert dates.read_at("2026-12-01T10:00:00+01:00") == dates.read_at("2026-12-01T09:00:00Z")
    assert dates.Period().words() == "always" and dates.Period(None, 0).iso() == "../1970-01-01T00:00:00Z"


def test_a_card_without_dates_answers_plain_quotes_and_rejections(card, promotion):
    from engine.results import DatedQuote, DatedRejection, Quote, Rejection

    assert type(card.quote({"tool": "voice-clone"})) is Quote and type(card.quote({"tool": "x"})) is Rejection
    dated = promotion.quote(BANANA, at="2026-06-01")
    refused = promotion.quote({"tool": "x"}, at="2026-06-01")
    assert type(dated) is DatedQuote and type(refused) is DatedRejection
    plain = Quote(50, "promo.rules:7")
    assert dated == plain and plain == dated and hash(dated) == hash(plain) and dated != Quote(50, "other:1")
    assert refused == Rejection(refused.code, refused.message, refused.param) != dated


def test_an_account_is_charged_the_price_at_the_operations_time(tmp_path):
    from engine import accounts

    card = engine.loads(PROMOTION + 'plan "Suite" allows all { credits 1000 }\n', "promo.rules")
    start = datetime.datetime(2026, 11, 20, tzinfo=UTC)
    with accounts.open(f"sqlite:///{tmp_path / 'credits.db'}", card=card) as book:
        book.subscribe("acme", plan="Suite", credits=1000, start=start)
        during = book.charge("acme", BANANA, op="g1", at=start)
        after = book.charge("acme", BANANA, op="g2", at=datetime.datetime(2026, 12, 1, tzinfo=UTC))
        assert (during.credits, during.rule, after.credits, after.rule) == (50, "promo.rules:7", 100, "promo.rules:8")


def test_a_dated_card_in_an_amount_answers_in_its_amount():
    card = engine.loads('prices in USD to 6 places\ntool run {\n    secs > 0  unit "s"  billed per 1\n}\n'
                        'run -> 0.000225 * secs until 2026-12-24\nrun -> 0.0002 * secs from 2026-12-24\n')
    before = card.quote({"tool": "run", "secs": "20.4"}, at="2026-12-01")
    after = card.quote({"tool": "run", "secs": "20.4"}, at="2027-01-01")
    assert (before.amount, before.unit, after.amount, after.unit) == (
        Decimal("0.004725"), "USD", Decimal("0.004200"), "USD")
    assert after.to_json()["amount"] == "0.004200" and "credits" not in after.to_json()
