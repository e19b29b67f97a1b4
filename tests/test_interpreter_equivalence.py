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
