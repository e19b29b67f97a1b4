"""`ratecard quote --batch` output is the same, line for line, with either JSON parser and with
the reused result texts, as quoting each line on its own."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import batch
from tests.seed_requests import seed_requests
from tests.bundled import sora_price


def _reference(card, lines) -> str:
    return "".join(batch.encode(batch.line_result(card.quote, line)) for line in lines)


def _fast(card, lines, loads) -> str:
    out = io.StringIO()
    batch.run(card.quote, lines, out.write, loads)
    return out.getvalue()


_ODD = ['{"tool": "voiceover", "chars": 1e400}', '{"tool": NaN}', '{"tool": "\\ud800"}',
        '{"tool": "voiceover", "chars": 123456789012345678901234567890}', "", "\n", "[]", "nul",
        '{"tool": "voiceover", "chars": 10, "chars": 11}', '{"a": ' * 3000 + "1" + "}" * 3000,
        '\ufeff{"tool": "voiceover", "chars": 10}', '{"tool": "voiceover", "text": "h\\u00e9llo \\u2603"}',
        '{"tool": "voiceover", "chars": -0}', '{"tool": "voiceover", "chars": 1.0}', "  {} \t"]


def _loaders():
    loaders = [batch.stdlib_loads]
    try:
        import orjson  # noqa: F401
    except ImportError:
        pass
    else:
        loaders.append(batch.fast_loads())
    return loaders


@pytest.mark.parametrize("loads", _loaders(), ids=lambda f: f.__qualname__)
def test_seed_and_odd_lines_give_the_same_output(card, loads):
    lines = [json.dumps(r) + "\n" for r in seed_requests(card.index)] + [line + "\n" for line in _ODD]
    lines = lines + lines  # the second half reuses written texts
    assert _fast(card, lines, loads) == _reference(card, lines)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet='{}[]":,0123456789.eE-+ \\untrlfasvoice-rdtxhp\ud800', max_size=40)
                | st.builds(json.dumps, st.dictionaries(st.sampled_from(["tool", "model", "chars", "res"]),
                                                        st.none() | st.booleans() | st.integers() | st.text(max_size=5)
                                                        | st.floats())), max_size=8))
def test_garbage_lines_give_the_same_output(card, lines):
    lines = [line.replace("\n", " ") + "\n" for line in lines]
    for loads in _loaders():
        assert _fast(card, lines, loads) == _reference(card, lines)


def test_the_command_writes_one_line_per_request(tmp_path):
    lines = ['{"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 12}', "oops", '{"tool": "x"}']
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-m", "engine.cli", "quote", "--batch", "-"], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, cwd=root, check=True).stdout.splitlines()
    assert [json.loads(o)["ok"] for o in out] == [True, False, False]
    assert json.loads(out[0])["credits"] == sora_price()


def test_free_min_max_and_counted_texts_give_the_same_output():
    import engine

    card = engine.loads('round up\ntool say { chars >= 1 from text not counting whitespace, tags }\n'
                        'tool peek\nsay -> max(3, chars / 10)\npeek -> free\n', "lang.rules")
    requests = [{"tool": "say", "text": t} for t in ("<speak>a b</speak>", " " * 9, "x" * 45, "<b>" + "é " * 70)]
    requests += [{"tool": "peek"}, {"tool": "say", "chars": 31}, {"tool": "say", "text": 5}]
    lines = [json.dumps(r, ensure_ascii=a) + "\n" for r in requests for a in (True, False)]
    lines = lines + lines
    for loads in _loaders():
        assert _fast(card, lines, loads) == _reference(card, lines)
    credits = [json.loads(line).get("credits") for line in _reference(card, lines).splitlines()]
    assert credits[:14:2] == [3, None, 5, 7, 0, 4, None]
