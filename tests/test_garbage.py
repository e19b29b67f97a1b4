"""Whatever a request holds, quote answers with a Quote or a Rejection and never raises."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.cli import batch_line
from engine.results import MAX_REQUEST_NUMBER, Quote, Rejection

CARD = engine.load()
KEYS = ["tool", "model", "chars", "text", "images", "inputs", "audio", "res", "dur", "aspect", "plan"]
TOOLS = ["voiceover", "voice-clone", "text-to-image", "image-to-image", "text-to-video", "image-to-video"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**40, max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(TOOLS + ["Sora 2 Pro", "Veo 3", "1080p", "12s", "yes", "16:9", "AI Suite", "\u0000", "٣"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5),
                                                                                         inner, max_size=3),
                      max_leaves=8)
requests = st.one_of(
    values,
    st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), values, max_size=8),
    st.fixed_dictionaries({"tool": st.sampled_from(TOOLS)},
                          optional={k: values for k in KEYS[1:]}),
)


@settings(max_examples=400, deadline=None)
@given(requests)
def test_any_request_gets_an_answer(request):
    result = CARD.quote(request)
    assert isinstance(result, (Quote, Rejection))
    if isinstance(result, Quote):
        assert type(result.credits) is int and result.credits > 0
    else:
        assert result.code in {c.value for c in engine.Code} and result.message
    json.dumps(result.to_json())  # always serialisable


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_batch_line_gets_a_json_answer(line):
    answer = batch_line(CARD, line)
    assert answer["ok"] in (True, False)
    json.dumps(answer)


def test_unhashable_and_odd_keys():
    assert CARD.quote({("tuple",): 1, "tool": "voiceover"}).code == "unknown-param"
    assert CARD.quote({"tool": "voiceover", 3: 1}).code == "unknown-param"
    # counts up to the request bound are priced exactly, never through a float; beyond it, refused
    tenth = engine.loads("round up\ntool say { chars >= 1 }\nsay chars / 10\n")
    assert tenth.quote({"tool": "say", "chars": MAX_REQUEST_NUMBER}).credits == -(-MAX_REQUEST_NUMBER // 10)
    for huge in (10**5000, "9" * 5000, MAX_REQUEST_NUMBER + 1):
        assert CARD.quote({"tool": "voiceover", "chars": huge}).code == "invalid-param"
