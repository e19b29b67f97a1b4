"""Requests -> Quote or Rejection: every rejection code where it applies, with useful words."""

import pytest

import engine

SORA = {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 12}


def test_the_product_example(card):
    result = card.quote(SORA)
    assert (result.ok, result.credits, result.rule) == (True, 11400, result.rule)
    assert result.rule.startswith("video.rules:")


@pytest.mark.parametrize("request_, code, param, words", [
    ([1, 2], "invalid-request", None, "mapping"),
    ("tool=voiceover", "invalid-request", None, "mapping"),
    (None, "invalid-request", None, "mapping"),
    ({}, "missing-param", "tool", "voiceover"),
    ({"tool": 7}, "invalid-param", "tool", "not 7"),
    ({"tool": "text-to-vidoe"}, "unknown-tool", "tool", "did you mean text-to-video"),
    ({"tool": "hologram"}, "unknown-tool", "tool", "the tools are"),
    ({"tool": "text-to-video"}, "missing-param", "model", '"Sora 2 Pro"'),
    ({"tool": "text-to-video", "model": ["Sora"]}, "invalid-param", "model", "a list"),
    ({"tool": "text-to-video", "model": "Sora 2 Prp"}, "unknown-model", "model", 'did you mean "Sora 2 Pro"'),
    ({"tool": "text-to-video", "model": "sora 2 pro"}, "unknown-model", "model", 'did you mean "Sora 2 Pro"'),
    ({**SORA, "duration": 12}, "unknown-param", "duration", "did you mean `dur`"),
    ({"tool": "voiceover", "chars": 5, "model": "x"}, "unknown-param", "model", "does not take `model`"),
    ({**SORA, "dur": "abc"}, "invalid-param", "dur", '"12s"'),
    ({**SORA, "dur": 4.5}, "invalid-param", "dur", "whole number"),
    ({**SORA, "dur": -4}, "invalid-param", "dur", "negative"),
    ({**SORA, "dur": True}, "invalid-param", "dur", "not true"),
    ({**SORA, "audio": "maybe"}, "invalid-param", "audio", "yes or no"),
    ({**SORA, "dur": 6}, "unsupported", "dur", "offers dur 4, 8 or 12; got 6"),
    ({**SORA, "audio": False}, "unsupported", "audio", "offers audio yes"),
    ({**SORA, "aspect": "1:1"}, "unsupported", "aspect", '"16:9" or "9:16"'),
    ({**SORA, "res": 900}, "unsupported", "res", "720 or 1080"),
    ({"tool": "text-to-video", "model": "Kling 2.1 Master", "res": 720, "dur": 5},
     "unsupported", "res", "offers res 1080; got 720"),
    ({"tool": "image-to-image", "model": "Nano Banana", "inputs": 4}, "unsupported", "inputs", "1 to 3"),
    ({"tool": "text-to-image", "model": "Flux 2.0 Dev", "images": 0}, "unsupported", "images", "1 or more"),
    ({"tool": "text-to-video", "model": "Veo 3", "res": 720, "dur": 4}, "missing-param", "audio", "yes or no"),
    ({"tool": "voiceover"}, "missing-param", "chars", "1 or more"),
    ({"tool": "voiceover", "chars": 3, "text": "abc"}, "invalid-param", "chars", "not both"),
    ({"tool": "voiceover", "text": 42}, "invalid-param", "text", "a text"),
    ({"tool": "voiceover", "text": ""}, "unsupported", "chars", "1 or more"),
    ({"tool": "text-to-video", "model": "Veo 3", "res": 720, "dur": 4, "audio": True, "plan": "AI Voiceover"},
     "rejected", "plan", "voiceover"),
    ({"tool": "voiceover", "chars": 5, "plan": "Gold"}, "invalid-param", "plan", "AI Suite"),
])
def test_rejections(card, request_, code, param, words):
    result = card.quote(request_)
    assert not result.ok
    assert (result.code, result.param) == (code, param), result.message
    assert words in result.message


@pytest.mark.parametrize("value, expected", [
    (1080, 11400), ("1080", 11400), ("1080p", 11400), (" 1080P ", 11400), (1080.0, 11400),
])
def test_resolution_forms(card, value, expected):
    assert card.quote({**SORA, "res": value}).credits == expected


@pytest.mark.parametrize("audio", [True, "yes", "Yes", "true", "TRUE"])
def test_audio_forms(card, audio):
    request = {"tool": "image-to-video", "model": "Veo 3.1", "res": 720, "dur": "8s", "audio": audio}
    assert card.quote(request).credits == 4000


def test_a_parameter_with_one_allowed_value_may_be_left_out(card):
    # Sora 2 always has audio, Kling 2.1 Master only renders 1080p
    assert card.quote(SORA).credits == card.quote({**SORA, "audio": True}).credits
    assert card.quote({"tool": "text-to-video", "model": "Kling 2.1 Master", "dur": 10}).credits == 5000


def test_defaults(card):
    assert card.quote({"tool": "text-to-image", "model": "Nano Banana Pro"}).credits == 400
    assert card.quote({"tool": "image-to-image", "model": "Flux Kontext"}).credits == 200


def test_plans(card):
    voice = {"tool": "voiceover", "chars": 100}
    assert card.quote({**voice, "plan": "AI Voiceover"}).credits == 10
    assert card.quote({**SORA, "plan": "AI Suite"}).credits == 11400
    assert card.quote({"tool": "voice-clone", "plan": "AI Voiceover"}).credits == 500
    assert card.quote({"tool": "text-to-image", "model": "Flux 2.0 Dev", "plan": "AI Voiceover"}).code == "rejected"


def test_reject_rules_give_their_reason():
    card = engine.loads("tool say { chars >= 1 }\nsay chars > 100 -> reject \"too long for a demo\"\n"
                        "say chars 1..100 -> 5\n")
    result = card.quote({"tool": "say", "chars": 101})
    assert (result.code, result.message) == ("rejected", "too long for a demo")
    assert card.quote({"tool": "say", "chars": 100}).credits == 5


def test_quote_many_keeps_order(card):
    requests = [SORA, {"tool": "nope"}, "garbage", {"tool": "voice-clone"}]
    results = card.quote_many(requests)
    assert [r.ok for r in results] == [True, False, False, True]
    assert results == [card.quote(r) for r in requests]


def test_results_serialise_as_the_product_says(card):
    assert card.quote(SORA).to_json() == {"ok": True, "credits": 11400, "rule": card.quote(SORA).rule}
    assert card.quote({**SORA, "dur": 6}).to_json() == {
        "ok": False, "code": "unsupported", "param": "dur", "message": "Sora 2 Pro offers dur 4, 8 or 12; got 6"}


def test_results_are_frozen(card):
    import attrs
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        card.quote(SORA).credits = 1
