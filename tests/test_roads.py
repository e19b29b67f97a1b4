"""Each model's compiled road (engine.roads) answers as the reference does, or leaves the request to others.

A road answers only plainly valid requests of credit cards; everything else must come back None
(engine.direct and the reference answer it). The seed's every priced combination must be
answered by the road itself, or the road is not the first-seen path bench/quote.py times.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.cells import CutTable
from engine.fastpath import make_answer, make_quoter
from engine.interpreter import quote as reference
from engine.roads import make_road
from engine.results import Quote, Rejection, stamped
from tests.seed_requests import seed_requests


def _road(card: engine.RateCard):
    return primed(make_road(card.index, lambda result: stamped(result, card.digest)), card.index)


def primed(road, index):
    """The road after each model's first request (which it leaves to engine.direct, compiling nothing)."""
    for tool in index.tools.values():
        for name in tool.models:
            road({"tool": tool.name, "model": name} if tool.has_models else {"tool": tool.name})
    return road


def test_a_models_first_request_compiles_nothing_and_its_second_takes_the_road(card):
    road = make_road(card.index, lambda r: r)
    request = {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 12}
    assert road(request) is None  # left to engine.direct: a process that quotes once compiles nothing
    assert road(request) == reference(card.index, request)
    assert road({"tool": "text-to-video", "model": "Sora 2 Pro", "res": 720, "dur": 4}).ok
    fresh, _ = make_quoter(card.index, digest=card.digest)
    assert fresh(request) == stamped(reference(card.index, request), card.digest)  # the first, from direct


def test_the_road_prices_every_seed_combination_itself(card):
    road = _road(card)
    requests = seed_requests(card.index)
    priced = [r for r in requests if reference(card.index, r).ok]
    assert len(priced) > 500
    for request in priced:
        assert road(request) == stamped(reference(card.index, request), card.digest), request
    answered = [r for r in requests if road(r) is not None]
    assert all(road(r) == stamped(reference(card.index, r), card.digest) for r in answered)
    # the rejections it words: a value left out, not a value of the parameter, not on offer
    assert {road(r).code for r in answered if not road(r).ok} <= {"missing-param", "invalid-param", "unsupported"}


def test_the_road_prices_formulas_and_keeps_one_quote_per_price(card):
    road = _road(card)
    answers = [road({"tool": "voiceover", "chars": n}) for n in range(1, 200)]
    assert answers == [stamped(reference(card.index, {"tool": "voiceover", "chars": n}), card.digest)
                       for n in range(1, 200)]
    assert answers[0] is road({"tool": "voiceover", "chars": 1})
    assert answers[0] is answers[9]  # 1 and 10 characters cost the same: one Quote


_FORMULAS = """round up
tool t {
    kind "a" | "b"
    n >= 1
}
tool u {
    n >= 1
}
t kind "a" -> n / 10
t kind "b" -> max(3 * n - 2, n / 2, 5)
u -> n / 7
"""


def test_formulas_of_cells_are_written_into_the_road_and_price_as_the_reference():
    card = engine.loads(_FORMULAS)
    road = primed(make_road(card.index, lambda r: r), card.index)
    requests = [{"tool": tool, **kind, "n": n} for tool, kind in (("t", {"kind": "a"}), ("t", {"kind": "b"}), ("u", {}))
                for n in (1, 6, 7, 10, 11, 99, 10**12, 10**40)]
    requests += [{"tool": "t", "kind": "a", "n": 0}, {"tool": "t", "kind": "b", "n": "x"}, {"tool": "u", "n": 12.0}]
    for request in requests * 2:  # the second time from the cells it kept
        want = reference(card.index, request)
        got = road(request)
        assert got is None or got == want, request
        if want.ok and type(request["n"]) is int:
            assert got == want, request


@pytest.mark.parametrize("request_", [{"tool": "t", "kind": "a"}, {"tool": "t", "kind": "b"}, {"tool": "u"}])
def test_a_price_past_the_kept_ones_evaluates_its_formula_once(monkeypatch, request_):
    """Prices past the kept ones are made on the road, not evaluated again on the way to engine.direct."""
    card = engine.loads(_FORMULAS)
    monkeypatch.setattr("engine.roads._KEPT_LIMIT", 3)
    calls = []
    for tool in card.index.tools.values():
        for entries in tool.models[None].table.values():
            for entry in entries:
                formula = entry.formula
                object.__setattr__(entry, "formula", lambda env, formula=formula: calls.append(1) or formula(env))
    road = primed(make_road(card.index, lambda r: r), card.index)
    requests = [{**request_, "n": n * 70} for n in range(1, 41)]  # a new price each time
    want = [reference(card.index, request) for request in requests]
    calls.clear()
    assert [road(request) for request in requests] == want
    assert len(calls) == len(requests)


_LEFT_TO_OTHERS = [
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 4, "plan": "Free"},
    {"tool": "voiceover", "text": "Hello there"},  # a counted text: engine.direct counts it
    {"tool": "voiceover", "chars": 10, "voice": "x"},
    {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 720, "dur": 4, "durr": 6},
    {"tool": "text-to-video", "model": "Sora 2 Pro", "res": " 1080 ", "dur": 12},  # an odd spelling
    {"tool": "text-to-video", "model": "Sora 2 Pro", "res": [1080], "dur": 12},  # unhashable
    {"tool": "text-to-video", "model": "Sora 3", "res": 1080, "dur": 12},
    {"tool": "text-to-video", "res": 1080, "dur": 12},
    {"tool": "text-to-video", "model": 7, "res": 1080, "dur": 12},
    {"tool": "image-to-video", "model": "Kling 2.1", "res": 1080, "dur": 5, "aspect": "16:9"},  # not taken
    {"tool": "music"}, {"tool": 1}, {},
]


def test_the_road_leaves_every_rejection_and_rarity_to_the_others(card):
    road = _road(card)
    for request in _LEFT_TO_OTHERS:
        try:
            got = road(request)
        except TypeError:  # only an unhashable value, which engine.fastpath never hands it
            assert any(type(v) is list for v in request.values())
            continue
        assert got is None, request


_NOT_OFFERED = [
    {"tool": "voiceover", "chars": 0},
    {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 6},
    {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 2**63 - 1},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 480, "dur": 4},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 5000},
    {"tool": "text-to-image", "model": "Nano Banana Pro", "images": 0},
]


_NOT_READ = [
    {"tool": "voiceover", "chars": 2**63},
    {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": "6"},
    {"tool": "voiceover", "chars": -1},
    {"tool": "voiceover", "chars": "ten"},
    {"tool": "voiceover", "chars": 2.5},
    {"tool": "voiceover", "chars": True},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": "abc"},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 4.5},
    {"tool": "text-to-video", "model": "Veo 3", "audio": "maybe", "res": 720, "dur": 4},
    {"tool": "text-to-video", "model": "Veo 3", "audio": 1, "res": 720, "dur": 4},
]


def test_a_value_not_on_offer_or_not_read_is_rejected_on_the_road_as_the_reference_words_it(card):
    road = _road(card)
    for request in (_NOT_OFFERED + _NOT_READ) * 2:  # the second time from the kept start of the message
        want = reference(card.index, request)
        assert want.code in ("unsupported", "invalid-param"), request
        assert road(request) == stamped(want, card.digest), request


_LEFT_OUT = [
    {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080},
    {"tool": "text-to-video", "model": "Veo 3", "res": 720, "dur": 4},
    {"tool": "text-to-video", "model": "Veo 3", "res": 720},
    {"tool": "text-to-video", "model": "Veo 3"},
    # a value given after the one left out is read first: its rejection is the answer
    {"tool": "text-to-video", "model": "Veo 3", "res": 720, "dur": 5},
    {"tool": "text-to-video", "model": "Veo 3", "res": 2160, "dur": 4},
    {"tool": "text-to-video", "model": "Veo 3", "res": 720, "dur": "abc"},
]


def test_a_value_left_out_is_said_after_every_given_value_is_read(card):
    road = _road(card)
    for request in _LEFT_OUT * 2:
        want = stamped(reference(card.index, request), card.digest)
        assert road(request) == want, request
    assert {reference(card.index, r).code for r in _LEFT_OUT} == {"missing-param", "unsupported", "invalid-param"}


def test_a_card_in_an_amount_has_no_roads():
    card = engine.loads('prices in USD to 2 places\ntool t { n 1..3 }\nt n 1..3 -> 0.25 * n\n')
    assert make_road(card.index, lambda r: r)({"tool": "t", "n": 2}) is None
    assert str(card.quote({"tool": "t", "n": 2}).amount) == "0.50"


# Names that are also the generated code's own variables: they reach it as constants only.
_ODD_NAMES = """\
tool t {
  raw   1..9
  get   yes | no       default no
  key   "a" | "b"
  A     1..1000000
  request   1..5      unpriced
}
t raw 1..4 get yes key "a" -> 10 * raw + A
t raw 1..4 get no key "a" -> 7
t raw 5..9 key "a" -> max(3, raw)
t key "b" -> 2
"""


@pytest.mark.parametrize("request_", [
    {"tool": "t", "raw": 2, "get": "yes", "key": "a", "A": 5},
    {"tool": "t", "raw": 2, "key": "a", "A": 5},
    {"tool": "t", "raw": 7, "key": "a", "A": 5, "request": 3},
    {"tool": "t", "raw": 7, "key": "b", "A": 999999, "get": True},
    {"tool": "t", "raw": 7, "key": "c", "A": 5},
    {"tool": "t", "raw": 7, "key": "a"},
])
def test_names_of_the_roads_own_variables_are_only_names(request_):
    card = engine.loads(_ODD_NAMES)
    road = primed(make_road(card.index, lambda r: r), card.index)
    want = reference(card.index, request_)
    got = road(request_)
    assert got is None or got == want
    if want.ok:
        assert got == want
    assert card.quote(request_) == stamped(want, card.digest)


def test_a_wide_range_is_read_by_range_not_by_table():
    card = engine.loads("tool t { x 1..4096  y 1..4096 }\nt x 1..4096 y 1..4096 -> 5\n")
    road = primed(make_road(card.index, lambda r: r), card.index)
    for x, y in [(1, 1), (4096, 4096), (17, 4000)]:
        assert road({"tool": "t", "x": x, "y": y}) == reference(card.index, {"tool": "t", "x": x, "y": y})
    for x in (0, 4097, "4097", 4097.0):
        request = {"tool": "t", "x": x, "y": 1}
        assert road(request) in (None, reference(card.index, request))
    assert road({"tool": "t", "x": 4097, "y": 1}) == reference(card.index, {"tool": "t", "x": 4097, "y": 1})


_VALUE = st.one_of(st.none(), st.booleans(), st.integers(-3, 2000), st.floats(allow_nan=True),
                   st.sampled_from(["1080", "1080p", "yes", "no", "12s", "Sora 2 Pro", "Veo 3", "", "16:9"]))
_KEY = st.sampled_from(["tool", "model", "res", "dur", "audio", "aspect", "chars", "text", "images", "inputs",
                        "quality", "plan", "durr"])
_TOOL = st.sampled_from(["text-to-video", "image-to-video", "voiceover", "text-to-image", "image-to-image"])


@settings(max_examples=400, deadline=None)
@given(tool=_TOOL, extra=st.dictionaries(_KEY, _VALUE, max_size=5))
def test_garbage_on_one_road_is_answered_as_the_reference_or_left(card, memo_off, tool, extra):
    request = {"tool": tool, **extra}
    want = stamped(reference(card.index, request), card.digest)
    assert memo_off[0](request) == want, request
    got = memo_off[1](request)
    assert got is None or got == want, request


@pytest.fixture(scope="module")
def memo_off(card):
    """A quoter without a memo and the card's road, both kept across examples (their card pieces warm)."""
    answer = make_answer(card.index, card.digest)
    return make_quoter(card.index, limit=0, digest=card.digest, answer=answer)[0], _road(card)


_CUT = """\
tool t {
  a   >= 1
  b   >= 1
}
t a 1..3 -> 1
t a >= 4 b 1..9 -> 2 * b
t a >= 4 b >= 10 -> 50
"""


@pytest.mark.parametrize("unset", [False, True])
def test_a_cut_table_is_read_by_piece_and_agrees_with_the_reference(unset):
    # with `| unset` the offer of `a` is two ranges (unset is one of its values): engine.direct's to read
    text = _CUT.replace("a   >= 1", "a   >= 1 | unset") + "t a unset -> 7\n" if unset else _CUT
    card = engine.loads(text)
    assert isinstance(card.index.tools["t"].models[None].table, CutTable)
    road = primed(make_road(card.index, lambda r: r), card.index)
    requests = [{"tool": "t", "a": a, "b": b} for a in (1, 3, 4, 5, 99, 10**12) for b in (1, 9, 10, 11, 10**9)]
    requests += [{"tool": "t", "b": 5}, {"tool": "t", "a": 0, "b": 5}, {"tool": "t", "a": "7", "b": "12"}]
    for request in requests * 2:  # the second time from the pieces it kept
        want = reference(card.index, request)
        got = road(request)
        assert got is None or got == want, request
        if want.ok and type(request.get("a")) is int and not unset:
            assert got == want, request
        assert card.quote(request) == stamped(want, card.digest), request


def _nested(n: int) -> str:
    """Rules cut where the previous ones leave off: every combination of the pieces is more cells than
    the compiler keeps, so the model's table is a BitTable (masks of rules by piece and by value)."""
    lines = ["tool t {", "    kind \"x\" | \"y\"", "    a >= 1", "    b >= 1", "    c >= 1", "}"]
    lines += [f"t a {i} -> {i}" for i in range(1, n)]
    lines += [f"t kind \"x\" a >= {n} b {i} -> {100 + i}" for i in range(1, n)]
    lines += [f"t kind \"y\" a >= {n} b {i} -> {300 + i}" for i in range(1, n)]
    lines += [f"t a >= {n} b >= {n} c {i} -> c + {i}" for i in range(1, n)]
    lines.append(f"t a >= {n} b >= {n} c >= {n} -> 1000")
    return "\n".join(lines) + "\n"


def test_a_bit_table_is_read_by_piece_and_agrees_with_the_reference(monkeypatch):
    from engine.cells import BitTable

    card = engine.loads(_nested(60))
    table = card.index.tools["t"].models[None].table
    assert isinstance(table, BitTable)
    looked_up = []
    for name in ("at", "get"):  # by pieces, or by values
        method = getattr(BitTable, name)
        monkeypatch.setattr(BitTable, name, lambda self, key, default=None, method=method: looked_up.append(key) or
                            method(self, key, default))
    road = primed(make_road(card.index, lambda r: r), card.index)
    values = (1, 2, 59, 60, 61, 10**9)
    requests = [{"tool": "t", "kind": k, "a": a, "b": b, "c": c}
                for k in ("x", "y") for a in values for b in values for c in values]
    requests += [{"tool": "t", "a": 60, "b": 5, "c": 1}, {"tool": "t", "kind": "x", "a": 0, "b": 5, "c": 1},
                 {"tool": "t", "kind": "x", "a": "61", "b": 5.0, "c": None}, {"tool": "t", "kind": "z", "a": 1}]
    for request in requests:
        want = reference(card.index, request)
        got = road(request)
        assert got is None or got == want, request
        if want.ok and all(type(v) is int for k, v in request.items() if k in "abc"):
            assert got == want, request
    seen = len(looked_up)
    assert seen
    for request in requests:  # each cell is kept by its pieces: no lookup again
        road(request)
    assert len(looked_up) == seen
    assert road({"tool": "t", "kind": "x", "a": 10**6, "b": 10**6, "c": 10**5}).credits == 1000  # pieces seen
    assert len(looked_up) == seen


def test_the_quick_constructors_make_the_same_values_as_the_classes():
    import copy
    import pickle

    from engine.results import Code, new_quote, new_rejection

    quote, rejection = new_quote(11400, "video.rules:42", "abc"), new_rejection(Code.UNSUPPORTED, "no", "dur", "abc")
    for made, want in ((quote, Quote(11400, "video.rules:42", digest="abc")),
                       (rejection, Rejection(Code.UNSUPPORTED, "no", "dur", digest="abc"))):
        assert made == want and hash(made) == hash(want) and repr(made) == repr(want)
        assert made.to_json() == want.to_json() and made.digest == "abc"
        assert pickle.loads(pickle.dumps(made)) == want and copy.copy(made) == want
    assert quote.amount is None and quote.unit is None
    with pytest.raises(AttributeError):
        quote.credits = 1  # frozen as the class's own
