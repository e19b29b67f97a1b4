"""The fast path (engine.fastpath) answers exactly as the reference interpreter does.

Every seed combination (in the forms a service sends: ints, "1080p", "yes"),
requests that differ only in a value's type (True, 1, 1.0), and garbage from
hypothesis, each quoted twice so the second answer comes from the memo.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.fastpath import make_quoter
from engine.interpreter import quote as reference
from tests.seed_requests import seed_requests


def _same(fast, index, request) -> None:
    expected = reference(index, request)
    assert fast(request) == expected
    assert fast(request) == expected  # now from the memo


@pytest.fixture(scope="module")
def fast(card):
    """One quoter for all examples: each new request is a miss, then a hit."""
    return make_quoter(card.index)[0]


def test_every_seed_combination_quotes_the_same(card):
    index = card.index
    requests = seed_requests(index)
    assert len(requests) > 1000
    fast, _ = make_quoter(index)
    first = [fast(r) for r in requests]
    again = [fast(r) for r in requests]
    expected = [reference(index, r) for r in requests]
    assert first == expected
    assert again == expected
    assert any(r.ok for r in expected) and any(not r.ok for r in expected)


_BASES = [{"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 4},
          {"tool": "text-to-image", "model": "Flux Pro Ultra", "images": 1},
          {"tool": "image-to-image", "model": "Flux Pro Ultra", "inputs": 1},
          {"tool": "voiceover", "chars": 1}]


@pytest.mark.parametrize("values", [
    [True, 1, 1.0], [False, 0, 0.0, None], [1080, 1080.0, "1080", True], [5, 5.0, "5"], [12, 12.0, "12s"],
    [4, 4.0, "4s"], [1, 1.0, True, "1"], [0, 0.0, False],
])
@pytest.mark.parametrize("key", ["tool", "model", "audio", "res", "dur", "aspect", "images", "inputs", "chars"])
def test_values_equal_in_python_but_of_other_types_are_not_confused(card, key, values):
    fast, _ = make_quoter(card.index)
    for base in _BASES:
        for value in values + values:  # the second round hits the memo
            request = {**base, key: value}
            assert fast(request) == reference(card.index, request), value


def _counting_quoter(card):
    """(quote, asked): a quoter with a memo, and the requests it had to answer, not from its memo."""
    from engine.fastpath import make_answer

    answer, reference_answer = make_answer(card.index)
    asked = []

    def counted(request):
        asked.append(request)
        return answer(request)

    return make_quoter(card.index, answer=(counted, reference_answer))[0], asked


def test_equal_requests_of_other_types_are_both_remembered(card):
    fast, asked = _counting_quoter(card)
    veo = {"tool": "text-to-video", "model": "Veo 3", "audio": True}
    variants = [{**veo, "res": 720}, {**veo, "res": 720.0}, {**veo, "res": 720, "dur": 5}, {**veo, "res": 720.0, "dur": 5.0}]
    for _ in range(3):
        assert [fast(r) for r in variants] == [reference(card.index, r) for r in variants]
    assert len(asked) == len(variants)  # each answered once, then remembered beside its equal


# values that equal one another across types, each with its twins of other types
_TWINS = [[True, 1, 1.0], [False, 0, 0.0], [720, 720.0], [5, 5.0], ["720"], [None]]


@settings(max_examples=200, deadline=None)
@given(picks=st.lists(st.tuples(st.sampled_from(["audio", "res", "dur", "chars", "images", "tool"]),
                                st.integers(0, len(_TWINS) - 1), st.integers(0, 2), st.integers(0, 2)),
                      min_size=1, max_size=4, unique_by=lambda pick: pick[0]))
def test_a_request_is_remembered_apart_from_its_equal_of_other_types(card, picks):
    """Two requests equal as dicts share a remembered answer only when every value has the same type."""
    fast, asked = _counting_quoter(card)
    first = {"tool": "text-to-video", "model": "Veo 3"}
    second = dict(first)
    for name, twins, a, b in picks:
        values = _TWINS[twins]
        first[name], second[name] = values[a % len(values)], values[b % len(values)]
    assert first == second
    for request in (first, second, first, second):
        assert fast(request) == reference(card.index, request), request
    same_types = [type(v) for v in first.values()] == [type(v) for v in second.values()]
    floats_zero = any(type(v) is float and not v for v in (*first.values(), *second.values()))
    if not floats_zero:  # a float zero is never remembered: each asks again
        assert len(asked) == (1 if same_types else 2)


def test_key_order_decides_which_unknown_key_is_reported(card):
    fast, _ = make_quoter(card.index)
    a = {"tool": "voiceover", "chars": 10, "colour": 1, "size": 2}
    b = {"tool": "voiceover", "chars": 10, "size": 2, "colour": 1}
    assert fast(a).param == "colour" and fast(b).param == "size"
    assert fast(a).param == "colour" and fast(b).param == "size"


def test_a_full_memo_stops_growing_and_still_answers(card):
    fast, _ = make_quoter(card.index, limit=3)
    requests = [{"tool": "voiceover", "chars": n} for n in range(10)]
    for _ in range(2):
        assert [fast(r) for r in requests] == [reference(card.index, r) for r in requests]


def test_quote_many_matches_quote(card):
    _, many = make_quoter(card.index)
    requests = seed_requests(card.index)[:500] + [None, [], {"tool": ["x"]}, {"tool": {}}, "x"]
    requests += [{**r, "audio": a} for r in requests[:50] if isinstance(r, dict) for a in (True, 1, 1.0)]
    expected = [reference(card.index, r) for r in requests]
    assert many(requests) == expected
    assert many(requests) == expected  # from the memo
    assert card.quote_many(iter(requests)) == expected


_TEXT = st.sampled_from(["tool", "model", "audio", "res", "dur", "aspect", "chars", "text", "images",
                         "inputs", "plan", "voiceover", "text-to-video", "Veo 3", "Sora 2 Pro", "1080p",
                         "12s", "yes", "no", "", " 720 ", "Kling 1.6", "image-to-video", "Free"]) | st.text(max_size=8)
_SCALAR = st.none() | st.booleans() | st.integers(-3, 2000) | st.floats(allow_nan=True) | _TEXT
_VALUE = _SCALAR | st.lists(_SCALAR, max_size=2) | st.dictionaries(_TEXT, _SCALAR, max_size=2)
_REQUEST = st.dictionaries(_TEXT | st.integers(0, 3), _VALUE, max_size=6)
_BASE = st.sampled_from([{"tool": "text-to-video", "model": "Sora 2 Pro"}, {"tool": "image-to-video"},
                         {"tool": "voiceover"}, {"tool": "text-to-image", "model": "GPT Image 1.5 High"}, {}])


@settings(max_examples=300, deadline=None)
@given(base=_BASE, extra=_REQUEST)
def test_garbage_quotes_the_same(card, fast, base, extra):
    _same(fast, card.index, {**base, **extra})


@settings(max_examples=50, deadline=None)
@given(request=_VALUE)
def test_non_requests_quote_the_same(card, fast, request):
    _same(fast, card.index, request)


def test_the_direct_road_answers_plain_requests_itself(card):
    from engine.direct import make_direct

    direct = make_direct(card.index)
    requests = seed_requests(card.index)
    answered = [r for r in requests if direct(r) is not None]
    assert all(direct(r) == reference(card.index, r) for r in answered)
    priced = [r for r in requests if reference(card.index, r).ok]
    assert sum(direct(r) is not None for r in priced) == len(priced)


# The rejections a service sees most, each of which engine.direct words itself (keeping the parts that
# depend only on the card): the same key, tool or model comes back with other values, on one direct.
_COMMON_REJECTIONS = [
    {}, {"dur": 4}, {"tool": "text-to-vidoe"}, {"tool": "text-to-vidoe", "dur": 5}, {"tool": "music", "x": 1},
    {"tool": "text-to-video"}, {"tool": "text-to-video", "model": "Sora 3"}, {"tool": "image-to-video", "model": "Sora 3"},
    {"tool": "text-to-video", "model": "Sora 3", "dur": 4}, {"tool": "voiceover", "voice": "x"},
    {"tool": "text-to-video", "model": "Veo 3", "durr": 4}, {"tool": "image-to-video", "model": "Veo 3", "durr": 4},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720},
    {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 5},
    {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 5},
    {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 6},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 5000},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 480, "dur": 4},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": "480p", "dur": 4},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": "5s"},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 4.5},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": -4},
    {"tool": "text-to-video", "model": "Veo 3", "audio": "maybe", "res": 720, "dur": 4},
    {"tool": "text-to-video", "model": "Veo 3", "audio": 1, "res": 720, "dur": 4},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 4, "aspect": "1:1"},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 2**63},
    {"tool": "voiceover", "chars": -1}, {"tool": "voiceover", "chars": 0}, {"tool": "voiceover", "chars": "ten"},
    {"tool": "text-to-video", "model": "Kling 2.1 Master", "res": 720, "dur": 5},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 4, "plan": "AI Voiceover"},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 4, "plan": "Free"},
    {"tool": "text-to-image", "model": "Flux Pro Ultra", "plan": "AI Voiceover"},
    {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 5, "plan": "AI Voiceover"},
]


def test_the_direct_road_words_the_common_rejections_itself(card):
    from engine.direct import make_direct

    direct = make_direct(card.index)
    for _ in range(2):  # the second round from its kept card pieces
        for request in _COMMON_REJECTIONS:
            expected = reference(card.index, request)
            assert not expected.ok, request
            assert direct(request) == expected, request
    codes = {reference(card.index, r).code for r in _COMMON_REJECTIONS}
    assert codes == {"missing-param", "unknown-tool", "unknown-model", "unknown-param", "invalid-param",
                     "unsupported", "rejected"}
    _all_paths_agree(card.index, _COMMON_REJECTIONS)


def test_a_common_rejection_seen_first_does_not_run_the_reference_after_the_direct_road(card, monkeypatch):
    expected = [reference(card.index, r) for r in _COMMON_REJECTIONS]
    fast, _ = make_quoter(card.index, limit=0)  # no memo: every request takes the first-seen road
    # The reference is still what words each rejection; the direct road asks it once per card piece.
    for request, answer in zip(_COMMON_REJECTIONS, expected):
        assert fast(request) == answer
    asked = []
    monkeypatch.setattr("engine.fastpath.interpreter_quote", lambda index, request: asked.append(request))
    assert [fast(r) for r in _COMMON_REJECTIONS] == expected
    assert asked == []


@settings(max_examples=300, deadline=None)
@given(base=_BASE, extra=_REQUEST)
def test_garbage_on_one_direct_road_is_answered_as_the_reference_does(card, direct_road, base, extra):
    request = {**base, **extra}
    # what engine.fastpath hands it: str keys, values of exact builtin scalar types
    if all(type(k) is str and type(v) in (str, int, float, bool, type(None)) for k, v in request.items()):
        got = direct_road(request)
        assert got is None or got == reference(card.index, request), request


@pytest.fixture(scope="module")
def direct_road(card):
    """One engine.direct for all examples, so the card pieces it keeps are reused."""
    from engine.direct import make_direct

    return make_direct(card.index)


def test_threads_sharing_one_card_get_the_reference_answers(card):
    import random
    from concurrent.futures import ThreadPoolExecutor

    fresh = engine.load()  # its own memo, filled by the threads at once
    requests = seed_requests(card.index)[:800]
    expected = [reference(card.index, r) for r in requests]
    orders = [random.Random(seed).sample(range(len(requests)), len(requests)) for seed in range(4)]

    def work(order):
        return all(fresh.quote(requests[i]) == expected[i] for i in order)

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(work, orders))


def test_signed_zeros_are_not_confused():
    # -0.0 == 0.0 in Python, but a rejection shows the value as given
    card = engine.load()
    for first, second in ((0.0, -0.0), (-0.0, 0.0)):
        for make in (lambda v: v, lambda v: {"tool": v}, lambda v: {"tool": "voiceover", "chars": 5, "x": v}):
            card.quote(make(first))
            assert card.quote(make(second)) == reference(card.index, make(second))


# ---------------------------------------------------------------- values equal to an int, of other types


class IntLike:
    """Like a numpy integer: hashes as the int and says it equals it; the reference refuses it."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __hash__(self) -> int:
        return hash(self.value)

    def __eq__(self, other: object) -> bool:
        return self.value == other

    def __repr__(self) -> str:
        return f"IntLike({self.value})"


class RaisingEq(IntLike):
    """Hashes as the int; asking whether it equals anything raises."""

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("do not compare me")

    __hash__ = IntLike.__hash__


class LyingKey(str):
    """A str key that says it equals every other str."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = str.__hash__


def _variants(value: int) -> list:
    from decimal import Decimal
    from fractions import Fraction

    out = [value, float(value), str(value), Decimal(value), Fraction(value), IntLike(value), RaisingEq(value)]
    if value in (0, 1):
        out.append(bool(value))
    return out


# one small card per finding, and the seed card; each request first in its plain form, then equal
# values of other types, each quoted on a warm memo (the plain form was quoted first) and on a fresh one
_FINDINGS = {
    "none": ('tool t { x 1 | 2  n >= 1 }\nmodel t "M" { x none }\nt "M" x 1 -> 10\nt "M" -> n * 5\n',
             [{"tool": "t", "model": "M", "n": 2}, {"tool": "t", "model": "M", "n": 1}]),
    "limits": ("tool t { n >= 1 }\nt -> n * n * n\n",
               [{"tool": "t", "n": 2}, {"tool": "t", "n": 2_097_151}, {"tool": "t", "n": 2_097_152}]),
    "cells": ('tool t { q "a" | "b"  n 1 | 2 }\nmodel t "M" { q "a" }\n'
              't "M" {\n    n       1    2\n    q "a" -> 5   6\n    q "b" -> 0   7\n}\n',
              [{"tool": "t", "model": "M", "q": "a", "n": 2}, {"tool": "t", "model": "M", "q": "a", "n": 1}]),
    "language": ('round up\ntool t { n >= 1  chars >= 1 from text not counting whitespace, tags }\n'
                 'model t "M"\nmodel t "F"\nt "M" -> max(5, n * 2, min(chars / 10, 40))\nt "F" -> free\n',
                 [{"tool": "t", "model": "M", "n": 2, "text": "<b>hi</b> there " * 30},
                  {"tool": "t", "model": "M", "n": 30, "chars": 7},
                  {"tool": "t", "model": "F", "n": 1, "text": "  "},
                  {"tool": "t", "model": "F", "n": 1, "text": "<speak>ok</speak>"}]),
    "plans": ('plan "A" allows t\nplan "B" allows all\ntool t { n >= 1 }\ntool u\nu -> 3\n'
              't plan "A" -> n * 2\nt plan "B" | unset -> n * 5\n',
              [{"tool": "t", "n": 2, "plan": "A"}, {"tool": "t", "n": 2}, {"tool": "t", "n": 1, "plan": "B"},
               {"tool": "u", "plan": "A"}, {"tool": "t", "n": 2, "plan": "C"}]),
    "unset": ('tool t { n >= 1 | unset  q "a" | "b" }\nmodel t "M" { q "a" | "b" default "b" }\n'
              't "M" n >= 1 -> n * 40\nt "M" n unset q "a" -> 200\nt "M" n unset q "b" -> 300\n',
              [{"tool": "t", "model": "M", "n": 2}, {"tool": "t", "model": "M"}, {"tool": "t", "model": "M", "q": "a"},
               {"tool": "t", "model": "M", "n": 1, "q": "a"}]),
}


def _all_paths_agree(index, requests) -> None:
    """Reference, memo (fresh and warm), direct and quote_many give one answer, and none raises."""
    from engine.direct import make_direct

    direct = make_direct(index)
    expected = [reference(index, r) for r in requests]
    warm, warm_many = make_quoter(index)
    assert [warm(r) for r in requests] == expected
    assert [warm(r) for r in requests] == expected
    assert warm_many(requests) == expected
    for request, answer in zip(requests, expected):
        fresh, fresh_many = make_quoter(index)
        assert fresh(request) == answer
        assert fresh_many([request]) == [answer]
        if type(request) is dict and all(type(k) is str for k in request):
            got = direct(request)
            assert got is None or got == answer, request


@pytest.mark.parametrize("finding", sorted(_FINDINGS))
def test_every_path_agrees_on_the_findings_cards(finding):
    text, plain = _FINDINGS[finding]
    index = engine.loads(text).index
    requests = list(plain)
    for request in plain:
        for key, value in request.items():
            if type(value) is int:
                requests += [{**request, key: v} for v in _variants(value)]
    _all_paths_agree(index, requests)


def test_every_path_agrees_on_the_seed_with_values_of_other_types(card):
    requests = []
    for base in _BASES + [{"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 12}]:
        requests.append(base)
        for key, value in base.items():
            if type(value) in (int, bool):
                requests += [{**base, key: v} for v in _variants(int(value))]
    requests += [{LyingKey("tool"): "voiceover", "chars": 10}, {"tool": "voiceover", LyingKey("chars"): 10}]
    _all_paths_agree(card.index, requests)


@pytest.mark.parametrize("make, read", [(lambda v: __import__("decimal").Decimal(v), True),
                                        (lambda v: __import__("fractions").Fraction(v), False),
                                        (IntLike, False), (RaisingEq, False)])
def test_an_answer_does_not_depend_on_what_was_quoted_before(card, make, read):
    for base in ({"tool": "voiceover"}, {"tool": "text-to-image", "model": "Flux Pro Ultra"}):
        key = "chars" if base["tool"] == "voiceover" else "images"
        fresh_answer = engine.load().quote({**base, key: make(2)})
        # a Decimal is how a JSON number with a point is read (exactly): a whole one is read as the int
        assert fresh_answer.ok if read else fresh_answer.code == "invalid-param"
        card.quote({**base, key: 2})  # the int first: now in the memo
        assert card.quote({**base, key: make(2)}) == fresh_answer
        assert card.quote_many([{**base, key: 2}, {**base, key: make(2)}])[1] == fresh_answer


def test_a_raising_eq_as_the_tool_or_a_key_never_raises(card):
    plain = {"tool": "voiceover", "chars": 5}
    for request in ({"tool": RaisingEq("voiceover"), "chars": 5}, {"tool": "voiceover", RaisingEq("chars"): 5}):
        card.quote(plain)  # now in the memo, under a key that hashes as this request's
        expected = reference(card.index, request)
        assert not expected.ok
        assert card.quote(request) == expected
        assert card.quote_many([plain, request]) == [card.quote(plain), expected]


_ODD = (st.decimals(allow_nan=False, places=0, min_value=-5, max_value=5000)
        | st.fractions(min_value=-5, max_value=5000, max_denominator=3)
        | st.integers(-3, 5000).map(IntLike) | st.integers(-3, 5000).map(RaisingEq))


def _plain(value: object) -> object:
    """The builtin a value stands for: the int an IntLike, Decimal or whole Fraction equals."""
    if isinstance(value, IntLike):
        return value.value
    if type(value).__name__ in ("Decimal", "Fraction") and value == int(value):
        return int(value)
    return value


@settings(max_examples=300, deadline=None)
@given(base=_BASE, extra=st.dictionaries(_TEXT, _SCALAR | _ODD, max_size=4))
def test_garbage_with_odd_values_quotes_the_same_on_every_path(card, base, extra):
    request = {**base, **extra}
    plain = {k: _plain(v) for k, v in request.items()}
    fast, many = make_quoter(card.index)
    fast(plain)  # the equal plain request first
    expected = reference(card.index, request)
    assert fast(request) == expected
    assert many([plain, request])[1] == expected
