"""`ratecard quote --batch` writes, for every line of a mixed corpus, exactly the bytes that quoting
that line on its own and encoding its result gives (`encode(line_result(card.quote, line))`), with
either JSON back end (RATECARD_JSON=stdlib switches orjson off), in process and as the command:
whatever road the batch takes for a line (its memory of lines, the stdlib's scanner or orjson, a
price's template, a rejection's template, a result written before) changes no byte of its answer."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine import batch
from tests.seed_requests import seed_requests

ROOT = Path(__file__).resolve().parent.parent
GPU = ROOT / "tests" / "cases" / "real" / "gpu-seconds"
BACK_ENDS = ["stdlib", "orjson"]

VOICE = b'{"tool": "voiceover", "chars": %s}'
ODD_LINES = [
    b"", b"   ", b"\r", b"{not json", b'{"tool": "voiceover", "chars": 10', b'{"tool": "voiceover"} x', b"nul",
    b"[]", b"[1, 2]", b"1", b"-0", b"0.5", b'"voiceover"', b"null", b"true", b"{}", b"  {} \t",
    *(VOICE % n for n in (b"123456789012345678901234567890", b"18446744073709551616", b"9223372036854775808",
                          b"-9223372036854775809", b"7" * 5000, b"1e400", b"10.0", b"1E1", b"-0.0", b"NaN",
                          b'10, "chars": 11', b"[10]", b'{"n": 10}', b'10, "x\\u2028y": 1')),
    b'{"a": ' * 3000 + b"1" + b"}" * 3000, b"\xef\xbb\xbf" + VOICE % b"10", VOICE % b"10" + b"\r",
    b'{"tool": "voiceover", "text": "h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x98\x80"}',
    b'{"tool": "voiceover", "text": "h\\u00e9llo \\u2603"}', b'{"tool": "voiceover", "text": "a\\ud800b"}',
    b'{"tool": "\\udc00"}', b'{"tool": "t\\"o\\\\ol\\u0001\xc3\xa9"}', b'{"tool": "voiceover", "text": "\xff\xfe"}',
    b"\xc3", b"\xed\xa0\x80", b'{"tool": "text-to-video", "model": "Sora 3"}',
    b'{"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080.0, "dur": 12}',
    b'{"tool": "text-to-video", "model": "Sora 2 Pro", "res": "1080p", "dur": "12"}',
]

SECS = b'{"tool": "run", "hardware": "%s", "secs": %s}'
GPU_LINES = [SECS % (b"t4", n) for n in (b"20.4", b"20.000000000000001", b"20", b"2E1", b'"20.4"', b"-1.5", b"1e400",
                                         b"9" * 31)] + [SECS % (b"h100", b"3.25"), SECS % (b"t5", b"3")]


def _corpus(card, extra: list[bytes]) -> list[bytes]:
    """Seed requests and odd lines, as lines ending in \\n, some in \\r\\n, a last one without; then all
    again (the second time from the batch's memories), then the longer ones a third time."""
    lines = [json.dumps(r, ensure_ascii=i % 2 == 0).encode() for i, r in enumerate(seed_requests(card.index))]
    lines += ODD_LINES + extra
    ended = [line + (b"\r\n" if i % 7 == 3 else b"\n") for i, line in enumerate(lines)]
    ended += ended + [line for line in ended if len(line) > 60]
    return ended + [b'{"tool": "voiceover", "chars": 12}']


def _reference(card, lines: list[bytes]) -> bytes:
    """Each line on its own: quoted through the stdlib parser, its result encoded."""
    text = "".join(batch.encode(batch.line_result(card.quote, line, digest=card.digest), card.digest) for line in lines)
    return text.encode("utf-8", "backslashreplace")


def _loads(back_end: str, monkeypatch):
    monkeypatch.setenv("RATECARD_JSON", back_end)
    loads = batch.fast_loads()
    assert (loads is batch.stdlib_loads) == (back_end == "stdlib")
    return loads


@pytest.mark.parametrize("back_end", BACK_ENDS)
@pytest.mark.parametrize("folder", [None, GPU], ids=["bundled", "gpu-seconds"])
def test_every_line_of_a_mixed_corpus_is_answered_as_on_its_own(back_end, folder, monkeypatch):
    pytest.importorskip("orjson")
    card = engine.load(folder)
    lines = _corpus(card, GPU_LINES if folder else [])
    loads = _loads(back_end, monkeypatch)
    for digest in (card.digest, ""):  # the CLI names the card on the lines' own rejections; a caller may not
        sink = io.BytesIO()
        batch.run(card.quote, lines, batch.utf8_writer(sink.write), loads, digest=digest)
        expected = "".join(batch.encode(batch.line_result(card.quote, line, digest=digest), digest) for line in lines)
        assert sink.getvalue().split(b"\n") == expected.encode("utf-8", "backslashreplace").split(b"\n")


@pytest.mark.parametrize("back_end", BACK_ENDS)
def test_the_command_writes_the_same_bytes(back_end, tmp_path):
    pytest.importorskip("orjson")
    card = engine.load()
    lines = _corpus(card, [])
    env = dict(os.environ, RATECARD_JSON=back_end)
    out = subprocess.run([sys.executable, "-m", "engine.cli", "quote", "--batch", "-"], input=b"".join(lines),
                         capture_output=True, cwd=ROOT, env=env, check=True).stdout
    assert out.split(b"\n") == _reference(card, lines).split(b"\n")


def test_a_rejection_of_texts_that_need_escaping_is_written_as_encode_writes_it():
    from engine.results import Code, Rejection

    odd = ['a"b\\c', "\x00\x1f\x7f", "é☃😀", "\ud800", "\u2028", ""]
    results = [Rejection(code, message, param, digest=d) for code in (Code.UNSUPPORTED, Code.INVALID_REQUEST)
               for message in odd for param in (None, "dur", odd[0], odd[3]) for d in ("", "abc", "é")]
    lines = [b"%d\n" % i for i in range(len(results))]
    for digest in ("", "card"):
        out = io.StringIO()
        batch.run(lambda request: results[request], lines, out.write, digest=digest)
        assert out.getvalue() == "".join(batch.encode(r, digest) for r in results)
