"""`ratecard quote --explain`: the matched rule and its arithmetic, or why the nearest rules did not match."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cli import main
from engine.review.explain import explain, explanation
from tests.bundled import FROZEN_CARD

FORMULAS = str(Path(__file__).parent / "cases" / "valid" / "formulas.rules")
CARD = ["--rules", str(FROZEN_CARD)]  # a fixed copy of the bundled card: these pin explain, not prices

CASES = {
    "grid_cell": [*CARD, "text-to-video", "Sora 2 Pro", "res=1080", "dur=12"],
    "formula": [*CARD, "voiceover", "chars=123"],
    "formula_from_text": [*CARD, "voiceover", "text=hello world"],
    "per_image": [*CARD, "text-to-image", "GPT Image High", "images=3"],
    "dur_not_offered": [*CARD, "text-to-video", "Sora 2 Pro", "res=1080", "dur=6"],
    "res_not_offered": [*CARD, "image-to-video", "Kling 2.1 Master", "res=720", "dur=5"],
    "missing_audio": [*CARD, "text-to-video", "Veo 3", "res=720", "dur=4"],
    "not_taken_aspect": [*CARD, "image-to-video", "Kling 1.6", "res=720", "dur=5", "aspect=16:9"],
    "unknown_model": [*CARD, "text-to-video", "Veo"],
    "reject_rule": ["--rules", FORMULAS, "narration", "chars=6000"],
    "grid_formula": ["--rules", FORMULAS, "narration", "chars=60", "voices=3"],
}


@pytest.mark.parametrize("name", CASES)
def test_explain(name, capsys, snapshot):
    code = main(["quote", "--explain", *CASES[name]])
    out = capsys.readouterr().out
    assert code == (0 if out[0].isdigit() else 1)
    assert out == snapshot


def test_the_arithmetic_is_shown(capsys):
    assert main(["quote", "--explain", *CARD, "voiceover", "chars=123"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "13 credits"
    assert "matched voiceover.rules:" in out[2]
    assert out[-1] == "price: ceil(123 / 10) = 13"


def test_a_rejection_names_what_is_offered_at_the_other_values(capsys):
    assert main(["quote", "--explain", *CARD, "text-to-video", "Sora 2 Pro", "res=1080", "dur=6"]) == 1
    out = capsys.readouterr().out
    assert "why: Sora 2 Pro at res 1080 offers dur 4, 8 or 12; got 6" in out
    assert "needs dur 4, 8 or 12 (got 6)" in out


def test_smoke_subprocess():
    done = subprocess.run([sys.executable, "-m", "engine.cli", "quote", "--explain", *CARD, "voiceover", "chars=11"],
                          capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "price: ceil(11 / 10) = 2"


def test_an_unreadable_value_is_shown_as_given(capsys):
    assert main(["quote", "--explain", *CARD, "text-to-video", "Veo 3", "res=720", "dur=4", "audio=maybe"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("rejected [invalid-param]")
    assert 'needs audio no (got "maybe")' in out and 'needs audio yes (got "maybe")' in out


_VALUES = st.sampled_from([720, 1080, "1080p", 4, 6, 8, 12, "12s", "abc", -1, 4.5, True, "no", None, [1], "16:9",
                           "AI Voiceover", "hello"])
_REQUESTS = st.fixed_dictionaries(
    {"tool": st.sampled_from(["text-to-video", "image-to-video", "voiceover", "text-to-image", "voice-clone"])},
    optional={"model": st.sampled_from(["Sora 2 Pro", "Veo 3", "GPT Image High", "Kling 1.6", "Wan 2.6", "x"]),
              **{k: _VALUES for k in ("res", "dur", "audio", "aspect", "chars", "text", "images", "plan", "bogus")}})


@settings(max_examples=60, deadline=None)
@given(_REQUESTS)
def test_explain_agrees_with_quote(card, request):
    result = card.quote(request)
    why = explanation(card, request, result)
    assert why.result == result and json.loads(json.dumps(why.to_json()))["result"] == result.to_json()
    if result.ok:
        assert why.match is not None and why.match.rule == result.rule and why.match.applied
    out = explain(card, request, result).splitlines()
    assert out[0] == (f"{result.credits} credit{'s' * (result.credits != 1)}" if result.ok else f"rejected [{result.code}]: {result.message}")
    if result.ok:
        assert f"matched {result.rule}" in "\n".join(out)
        assert out[-1].startswith("price: ") and out[-1].endswith(str(result.credits))


def test_one_credit_is_singular(capsys, tmp_path):
    (tmp_path / "a.rules").write_text("tool t { n >= 1 }\nt -> n\n")
    assert main(["quote", "--explain", "--rules", str(tmp_path), "t", "n=1"]) == 0
    assert main(["quote", "--explain", "--rules", str(tmp_path), "t", "n=2"]) == 0
    heads = [line for line in capsys.readouterr().out.splitlines() if "credit" in line]
    assert heads == ["1 credit", "2 credits"]


def test_the_explanation_is_data(card):
    e = card.explain({"tool": "voiceover", "chars": 123})
    assert e.result == card.quote({"tool": "voiceover", "chars": 123}) and e.result.ok
    assert (e.tool, e.model, e.values) == ("voiceover", None, (("chars", 123),))
    assert e.match.rule == e.result.rule and e.match.source.line == int(e.result.rule.split(":")[1])
    assert e.arithmetic == f"ceil(123 / 10) = {e.result.credits}"
    assert e.near_misses == () and e.offers == ()


def test_near_misses_are_data(card):
    e = card.explain({"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 6})
    assert not e.result.ok and e.match is None and e.arithmetic is None
    assert [(o.param, o.offered, o.got, o.at) for o in e.offers] == [("dur", "4, 8 or 12", "6", "res 1080")]
    assert e.unmet == 1 and e.near_misses
    assert all([(n.param, n.got) for n in m.needs] == [("dur", "6")] for m in e.near_misses)


def test_json_explain_prints_the_explanation(capsys):
    assert main(["quote", "--json", "--explain", "text-to-video", "Sora 2 Pro", "res=1080", "dur=6"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["result"]["code"] == "unsupported" and out["values"]["res"] == 1080 and out["values"]["dur"] == 6
    assert out["offers"] == [{"param": "dur", "offered": "4, 8 or 12", "got": "6", "at": "res 1080"}]
    assert out["near_misses"][0]["needs"] == [{"param": "dur", "wants": "4, 8 or 12", "got": "6"}]
    assert main(["quote", "--json", "--explain", "voiceover", "chars=123"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["result"]["ok"] and out["match"]["rule"] == out["result"]["rule"]
    assert out["arithmetic"].startswith("ceil(123 / 10) = ")
