"""Requests -> Quote or Rejection: every rejection code where it applies, with useful words."""

import pytest

import engine

from tests.bundled import SORA, sheet_price, sora_price


def test_the_product_example(card):
    result = card.quote(SORA)
    assert (result.ok, result.credits, result.rule) == (True, sheet_price(card, SORA), result.rule)
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


@pytest.mark.parametrize("value", [1080, "1080", "1080p", " 1080P ", 1080.0])
def test_resolution_forms(card, value):
    assert card.quote({**SORA, "res": value}).credits == sora_price()


@pytest.mark.parametrize("audio", [True, "yes", "Yes", "true", "TRUE"])
def test_audio_forms(card, audio):
    request = {"tool": "image-to-video", "model": "Veo 3.1", "res": 720, "dur": "8s", "audio": audio}
    assert card.quote(request).credits == sheet_price(card, {**request, "dur": 8, "audio": True})


def test_a_parameter_with_one_allowed_value_may_be_left_out(card):
    # Sora 2 always has audio, Kling 2.1 Master only renders 1080p
    assert card.quote(SORA).credits == card.quote({**SORA, "audio": True}).credits
    kling = {"tool": "text-to-video", "model": "Kling 2.1 Master", "dur": 10}
    assert card.quote(kling).credits == sheet_price(card, {**kling, "res": 1080})


def test_defaults(card):
    nano = {"tool": "text-to-image", "model": "Nano Banana Pro"}
    kontext = {"tool": "image-to-image", "model": "Flux Kontext"}
    assert card.quote(nano).credits == sheet_price(card, {**nano, "images": 1})
    assert card.quote(kontext).credits == sheet_price(card, {**kontext, "inputs": 1})


def test_plans(card):
    voice = {"tool": "voiceover", "chars": 100}
    assert card.quote({**voice, "plan": "AI Voiceover"}).credits == card.quote(voice).credits
    assert card.quote({**SORA, "plan": "AI Suite"}).credits == sora_price()
    clone = {"tool": "voice-clone"}
    assert card.quote({**clone, "plan": "AI Voiceover"}).credits == sheet_price(card, clone)
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
    assert card.quote(SORA).to_json() == {"ok": True, "credits": sora_price(), "rule": card.quote(SORA).rule,
                                          "digest": card.digest}
    assert card.quote({**SORA, "dur": 6}).to_json() == {
        "ok": False, "code": "unsupported", "param": "dur", "message": "Sora 2 Pro offers dur 4, 8 or 12; got 6",
        "digest": card.digest}


def test_results_are_frozen(card):
    import attrs
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        card.quote(SORA).credits = 1


# ---------------------------------------------------------------- unreadable requests and faulty cards


class _RaisingMapping(dict):
    """A mapping whose reading fails: its own fault, so the request could not be read."""

    def get(self, key, default=None):
        raise LookupError("cannot read me")


class _RaisingStr(str):
    def strip(self, *args):
        raise RuntimeError("cannot strip me")

    __hash__ = str.__hash__


@pytest.mark.parametrize("request_", [
    _RaisingMapping(tool="voiceover"),
    {**SORA, "audio": _RaisingStr("yes")},
])
def test_a_request_whose_own_objects_fail_could_not_be_read(card, request_):
    from engine.interpreter import quote as reference

    for result in (card.quote(request_), reference(card.index, request_), card.quote_many([request_])[0]):
        assert result.code == "invalid-request" and "could not be read" in result.message


def test_a_text_subclass_is_read_as_the_text_it_holds(card):
    class Text(str):
        __hash__ = str.__hash__

    assert card.quote({**SORA, "model": Text("Sora 2 Pro"), "aspect": Text("16:9")}).credits == sora_price()


def _broken(card: engine.RateCard, fault) -> engine.RateCard:
    """The card with every formula of voiceover replaced by `fault`: a card `check` would never pass."""
    import attrs
    from types import MappingProxyType

    tool = card.index.tools["voiceover"]
    model = tool.models[None]
    table = {key: tuple(attrs.evolve(e, quote=None, formula=fault) for e in entries)
             for key, entries in model.table.items()}
    model = attrs.evolve(model, table=MappingProxyType(table))
    tool = attrs.evolve(tool, models=MappingProxyType({None: model}))
    index = attrs.evolve(card.index, tools=MappingProxyType({**card.index.tools, "voiceover": tool}))
    return engine.RateCard(None, index)


@pytest.mark.parametrize("fault", [lambda env: env["missing"], lambda env: 1 // 0,
                                   lambda env: int("9" * 5000)])
def test_a_fault_in_the_card_is_never_dressed_up_as_an_unreadable_request(card, fault):
    from engine.interpreter import quote as reference

    broken = _broken(card, fault)
    request = {"tool": "voiceover", "chars": 120}
    for result in (broken.quote(request), broken.quote(request), reference(broken.index, request),
                   broken.quote_many([request])[0]):
        assert result.code == "unsupported" and result.param is None
        assert result.message.startswith("the rate card cannot price this request for voiceover (rule ")
    # the request's own faults still are what they were
    assert broken.quote({"tool": "voiceover", "chars": "many"}).code == "invalid-param"


@pytest.mark.parametrize("value, words", [(2**63, "more than 9223372036854775807 credits"),
                                          (-(2**63), "less than -9223372036854775807 credits")])
def test_a_price_past_a_signed_64_bit_integer_is_refused_on_either_side(card, value, words):
    from engine.interpreter import quote as reference

    broken = _broken(card, lambda env: value)
    request = {"tool": "voiceover", "chars": 120}
    for result in (broken.quote(request), reference(broken.index, request)):
        assert result.code == "unsupported" and words in result.message
    assert _broken(card, lambda env: value - (1 if value > 0 else -1)).quote(request).credits == value - (
        1 if value > 0 else -1)
