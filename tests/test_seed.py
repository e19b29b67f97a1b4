"""Every price in the seed article quotes right, through the API and the command line,
and the bundled card prices nothing the seed does not list."""

import json
import math
from fractions import Fraction
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.results import MAX_REQUEST_NUMBER
from engine.sheet import price_sheet
from tests import seed

VIDEO = seed.video_prices()
CANONICAL = {"GPT Image1.5 High": "GPT Image 1.5 High", "GPT Image Medium": "GPT Image 1.5 Medium",
             "GPT Image High": "GPT Image 1.5 High"}


def test_the_seed_is_read_whole():
    # 19 text-to-video rows and 24 image-to-video rows, as the article has them
    rows = seed.video_rows()
    assert sum(r.tool == "text-to-video" for r in rows) == 19
    assert sum(r.tool == "image-to-video" for r in rows) == 24
    assert len(seed.image_prices("text-to-image")) == 8
    assert len(seed.image_prices("image-to-image")) == 11


@pytest.mark.parametrize("key", sorted(VIDEO, key=str), ids=lambda k: " ".join(map(str, k)))
def test_video_price(card, key):
    tool, model, audio, res, dur = key
    result = card.quote({"tool": tool, "model": model, "audio": audio, "res": res, "dur": dur})
    assert result.ok, result
    assert result.credits == VIDEO[key]


@pytest.mark.parametrize("row", seed.video_rows(), ids=lambda r: f"{r.tool} {r.model} {r.resolutions}")
def test_video_aspects(card, row):
    res, (dur, credits) = row.resolutions[0], row.prices[0]
    base = {"tool": row.tool, "model": row.model, "audio": row.audio, "res": res, "dur": dur}
    if row.aspects is None:
        result = card.quote({**base, "aspect": "16:9"})
        assert result.code == "unsupported" and result.param == "aspect"
        assert "taken from the image" in result.message
    else:
        for aspect in row.aspects:
            assert card.quote({**base, "aspect": aspect}).credits == credits
        for aspect in {"16:9", "9:16", "1:1"} - set(row.aspects):
            assert card.quote({**base, "aspect": aspect}).code == "unsupported"


@pytest.mark.parametrize("tool", ["text-to-image", "image-to-image"])
def test_image_prices(card, tool):
    for model, price in seed.image_prices(tool).items():
        for n in (1, 2, 3):
            key = "images" if tool == "text-to-image" else "inputs"
            result = card.quote({"tool": tool, "model": model, key: n})
            expected = price * n if tool == "text-to-image" else price
            assert result.ok and result.credits == expected, (model, n, result)


def test_seed_spellings_are_aliases_of_canonical_names(card):
    for alias, canonical in CANONICAL.items():
        for tool in ("text-to-image", "image-to-image"):
            assert card.quote({"tool": tool, "model": alias}) == card.quote({"tool": tool, "model": canonical})


@given(chars=st.integers(min_value=1, max_value=MAX_REQUEST_NUMBER))
def test_voiceover_is_one_credit_per_ten_characters_rounded_up(card, chars):
    assert card.quote({"tool": "voiceover", "chars": chars}).credits == math.ceil(Fraction(chars, 10))


def test_voiceover_counts_text(card):
    text = "Hello, world! Spaces and punctuation count."
    assert card.quote({"tool": "voiceover", "text": text}).credits == -(-len(text) // 10)
    assert card.quote({"tool": "voiceover", "chars": 11}).credits == 2


def test_voice_clone(card):
    assert card.quote({"tool": "voice-clone"}).credits == 500


def test_nothing_priced_that_the_seed_does_not_list(card):
    priced = {}
    for row in price_sheet(card):
        if row.credits is None or row.tool not in ("text-to-video", "image-to-video"):
            continue
        p = dict(row.params)
        priced[(row.tool, row.model, p["audio"], p["res"], p["dur"])] = row.credits
    assert priced == VIDEO


def test_every_seed_price_through_the_command_line():
    keys = sorted(VIDEO, key=str)
    lines = "".join(json.dumps({"tool": t, "model": m, "audio": a, "res": f"{r}p", "dur": f"{d}s"}) + "\n"
                    for t, m, a, r, d in keys)
    out = subprocess.run([sys.executable, "-m", "engine.cli", "quote", "--batch", "-"], input=lines,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert [json.loads(line)["credits"] for line in out] == [VIDEO[k] for k in keys]


def test_the_issue_example_on_the_command_line():
    out = subprocess.run([sys.executable, "-m", "engine.cli", "quote", "text-to-video", "Sora 2 Pro",
                          "res=1080", "dur=12"], capture_output=True, text=True)
    assert (out.returncode, out.stdout) == (0, "11400\n")


def test_every_combination_the_seed_does_not_list_is_refused_with_reasons(card):
    durations = sorted({d for (_, _, _, _, d) in VIDEO} | {1, 7, 20})
    models = {(t, m) for (t, m, _, _, _) in VIDEO}
    assert sum(t == "text-to-video" for t, _ in models) == 11
    assert sum(t == "image-to-video" for t, _ in models) == 14
    for tool, model in sorted(models):
        for audio in (True, False):
            for res in (720, 1080):
                for dur in durations:
                    if (tool, model, audio, res, dur) in VIDEO:
                        continue
                    result = card.quote({"tool": tool, "model": model, "audio": audio, "res": res, "dur": dur})
                    assert result.code == "unsupported", result
                    assert result.message.startswith(f"{model} offers {result.param} ")
                    assert "; got " in result.message
