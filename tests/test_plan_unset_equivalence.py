"""Random cards with prices by plan and parameters left out: the fast roads answer as the reference does.

The cards are tests/test_analysis_properties.py's (plans P and Q allow the tool, R does not; some
parameters may be left out, `unset`), compiled whatever the checks say of them (a gap or an overlap
changes what the reference answers, not whether the other paths agree with it). The requests name
each model with every mix of values given, left out, and given wrongly, with and without a plan.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.compile import compile_card
from engine.direct import make_direct
from engine.fastpath import make_quoter
from engine.interpreter import quote as reference
from tests.test_analysis_properties import PARAMS, cards, resolve

_GIVEN = {"bool": [True, False, "yes", "no", 1], "text": ["x", "y", "z", "w", 3],
          "small": [1, 2, 3, 4, 5, "2", 2.0, True], "open": [0, 1, 2, 7, 10**6, "3", -1, 2.5],
          # measured amounts (billed per 0.5; per 1 from 2): in every form a request may write one
          "half": [0, 0.3, 1.5, 2, "2.25", "3.5", 4.75, -1, "x", 10**6, True, "1e3"],
          "min2": [0, 1, 1.2, 2, "2.5", 3, 7.01, -0.5, "y", 10**6, False]}
_PLANS = ["P", "Q", "R", "S", "", 1]


@st.composite
def requests(draw, names: list[str]) -> dict:
    request: dict = {"tool": "t", "model": draw(st.sampled_from(["M0", "M1", "M2"]))}
    for name in names:
        if draw(st.booleans()):  # else left out
            request[name] = draw(st.sampled_from(_GIVEN[PARAMS[name][1]]))
    if draw(st.booleans()):
        request["plan"] = draw(st.sampled_from(_PLANS))
    return request


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=cards(), data=st.data())
def test_every_road_answers_random_requests_as_the_reference(text, data):
    card = resolve(text)
    index = compile_card(card)
    names = [p.name for p in card.tools["t"].params]
    asked = data.draw(st.lists(requests(names), min_size=1, max_size=12))
    expected = [reference(index, r) for r in asked]
    quote, many = make_quoter(index)
    assert [quote(r) for r in asked] == expected
    assert [quote(r) for r in asked] == expected  # from the memo
    assert many(asked) == expected
    direct = make_direct(index)
    for request, answer in zip(asked, expected):
        got = direct(request)
        assert got is None or got == answer, request
