"""Every Quote and Rejection names the card that gave it (its digest), on every road a result takes."""

from __future__ import annotations

import io
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import batch
from engine.cli import main
from engine.interpreter import quote as reference
from engine.results import Quote, Rejection

VOICE = "round up\ntool voiceover { chars >= 1 }\nvoiceover chars / 10\n"
SORA = {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 12}

_VALUES = st.one_of(st.sampled_from([720, 1080, "1080p", 4, 8, 12, 6, "12s", True, None, 4.0, -1, "abc"]),
                    st.integers(), st.text(max_size=4))
_REQUESTS = st.one_of(
    st.fixed_dictionaries({"tool": st.sampled_from(["text-to-video", "voiceover", "voice-clone", "nope"])},
                          optional={"model": st.sampled_from(["Sora 2 Pro", "Veo 3", "x"]),
                                    **{k: _VALUES for k in ("res", "dur", "chars", "text", "plan", "bogus")}}),
    _VALUES, st.lists(st.integers(), max_size=2))


@settings(max_examples=200, deadline=None)
@given(_REQUESTS)
def test_every_result_names_the_card(card, request):
    first, again = card.quote(request), card.quote(request)  # a miss, then (mostly) a memo hit
    assert first.digest == again.digest == card.digest
    assert [r.digest for r in card.quote_many([request, request])] == [card.digest] * 2
    assert first.to_json()["digest"] == card.digest


def test_the_roads_past_the_memo_name_the_card_too(card):
    # values the memo never takes (a Decimal, a list) go to the reference interpreter
    assert card.quote({**SORA, "dur": Decimal(12)}).digest == card.digest
    assert card.quote({**SORA, "dur": [12]}).digest == card.digest
    assert card.quote("not a request").digest == card.digest
    assert card.quote(b"\xff" * 100).digest == card.digest


def test_the_memo_returns_the_answer_it_built(card):
    request = {"tool": "voiceover", "chars": 4321}
    assert card.quote(request) is card.quote(request)  # prebuilt: naming the card costs a hit nothing


def test_a_constant_price_is_stamped_once_for_every_request_it_prices():
    card = engine.load()  # fresh: its memo is empty
    forms = [SORA, {**SORA, "res": "1080p"}, {**SORA, "dur": "12s"}, {**SORA, "res": 1080.0}]
    first = card.quote(forms[0])
    assert all(card.quote(form) is first for form in forms)  # one stamped Quote, not one per request
    assert first.digest == card.digest


def test_two_cards_give_two_digests_and_equal_answers_stay_equal():
    one, other = engine.loads(VOICE), engine.loads(VOICE + "# edited\n")
    a, b = one.quote({"tool": "voiceover", "chars": 95}), other.quote({"tool": "voiceover", "chars": 95})
    assert (a.digest, b.digest) == (one.digest, other.digest) and a.digest != b.digest
    # equality is about the answer: the same price by the same rule is equal, whichever card gave it
    assert a == b and hash(a) == hash(b)
    assert a == Quote(10, "<string>:3") and a.digest != Quote(10, "<string>:3").digest


def test_the_reference_interpreter_alone_names_no_card(card):
    """engine.interpreter is the card-free reference: the digest is the RateCard's to give."""
    assert reference(card.index, SORA).digest == ""
    assert reference(card.index, SORA) == card.quote(SORA)


def test_a_batch_names_the_card_on_every_line(card):
    lines = [json.dumps(SORA).encode(), b"not json", b"\xff", b"[]", json.dumps({**SORA, "dur": 6}).encode()]
    out = io.StringIO()
    batch.run(card.quote, lines, out.write, digest=card.digest)
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [a["digest"] for a in answers] == [card.digest] * len(lines)
    assert answers[0] == {"ok": True, "credits": 11400, "rule": card.quote(SORA).rule, "digest": card.digest}
    for line, answer in zip(lines, answers):  # the fast path writes what the reference line_result gives
        assert answer == batch.line_result(card.quote, line, digest=card.digest).to_json()


def test_quote_json_and_check_show_the_digest(capsys):
    digest = engine.load().digest
    assert main(["quote", "--json", "voiceover", "chars=10"]) == 0
    assert json.loads(capsys.readouterr().out)["digest"] == digest
    assert main(["quote", "--json", "voiceover", "chars=10", "dur=3"]) == 1
    assert json.loads(capsys.readouterr().out)["digest"] == digest
    assert main(["check"]) == 0
    assert f"digest {digest}" in capsys.readouterr().err.splitlines()


def test_a_rejection_built_by_hand_names_no_card():
    assert Rejection(engine.Code.REJECTED, "no").digest == "" and "digest" not in repr(Quote(1, "a:1"))
