"""`ratecard quote --batch` answers every input line with one valid UTF-8 JSON line, in order,
whatever a line holds: bad bytes, lone surrogates, a lone carriage return, a price too long to
write, or a request whose answer raises; a bad line never costs the answers around it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import batch
from engine.results import Code, Quote, Rejection

ROOT = Path(__file__).resolve().parent.parent
BACK_ENDS = ["stdlib", "orjson"]
GOOD = b'{"tool": "voiceover", "chars": 10}'


def _command(batch_arg: str, back_end: str, stdin: bytes = b"", rules: Path | None = None,
             locale: str = "C.UTF-8") -> subprocess.CompletedProcess:
    env = dict(os.environ, RATECARD_JSON=back_end, LC_ALL=locale, LANG=locale)
    if locale == "C":  # the plain C locale, without Python turning it into UTF-8
        env.update(PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    argv = [sys.executable, "-m", "engine.cli", "quote", "--batch", batch_arg]
    if rules is not None:
        argv += ["--rules", str(rules)]
    return subprocess.run(argv, input=stdin, capture_output=True, cwd=ROOT, env=env)


def _answers(proc: subprocess.CompletedProcess, count: int) -> list[dict]:
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert proc.stderr == b""
    text = proc.stdout.decode("utf-8")  # strict: the output is UTF-8
    assert text.endswith("\n") and text.count("\n") == count
    return [json.loads(line) for line in text.split("\n")[:-1]]


@pytest.mark.parametrize("back_end", BACK_ENDS)
def test_a_lone_surrogate_is_answered_and_written_as_its_escape(back_end):
    lines = [GOOD] * 600 + [b'{"tool": "\\ud800"}', b'{"tool": "voiceover", "text": "a\\udc00b"}', GOOD]
    answers = _answers(_command("-", back_end, b"\n".join(lines) + b"\n"), len(lines))
    digest = engine.load().digest
    assert all(a == {"ok": True, "credits": 1, "rule": "voiceover.rules:14", "digest": digest} for a in answers[:600])
    # the message names the tool as the Python API does, the lone surrogate shown escaped
    assert answers[600]["code"] == "unknown-tool" and "\\ud800" in answers[600]["message"]
    assert answers[601]["credits"] == 1 and answers[602]["credits"] == 1


@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
@pytest.mark.parametrize("back_end", BACK_ENDS)
def test_invalid_utf8_is_that_lines_answer_from_stdin_and_from_a_file(tmp_path, back_end, locale):
    lines = [GOOD, b'{"tool": "voiceover", "text": "\xff\xfe"}', b"\xc3", b'{"tool": "voiceover", "text": "\xc3\xa9t\xc3\xa9"}']
    data = b"\n".join(lines) + b"\n"
    (tmp_path / "in.jsonl").write_bytes(data)
    from_stdin = _command("-", back_end, data, locale=locale)
    from_file = _command(str(tmp_path / "in.jsonl"), back_end, locale=locale)
    assert from_stdin.stdout == from_file.stdout
    answers = _answers(from_stdin, len(lines))
    assert answers[0]["ok"] and answers[3] == {"ok": True, "credits": 1, "rule": "voiceover.rules:14",
                                               "digest": engine.load().digest}
    assert [a.get("code") for a in answers[1:3]] == ["invalid-request"] * 2
    assert "not UTF-8" in answers[1]["message"] and "0xff" in answers[1]["message"]


@pytest.mark.parametrize("back_end", BACK_ENDS)
def test_lines_end_at_newline_only(tmp_path, back_end):
    # a lone CR is JSON whitespace; CRLF ends a line; an empty line is answered; the last line needs no newline
    data = (b'{"tool": "voiceover",\r"chars": 10}\n\n{"tool": "voiceover", "chars": 11}\r\n'
            b'{"tool":\r"voiceover", "chars": 21}')
    (tmp_path / "in.jsonl").write_bytes(data)
    for proc in (_command(str(tmp_path / "in.jsonl"), back_end), _command("-", back_end, data)):
        answers = _answers(proc, 4)
        assert [a.get("credits") for a in answers] == [1, None, 2, 3]
        assert answers[1]["code"] == "invalid-request"


@pytest.mark.parametrize("back_end", BACK_ENDS)
def test_a_number_too_large_to_price_is_that_lines_rejection(tmp_path, back_end):
    (tmp_path / "big.rules").write_text("tool t {\n    n >= 1\n}\n\nt -> n * n\n")
    huge = b'{"tool": "t", "n": ' + b"9" * 4000 + b"}"
    lines = [b'{"tool": "t", "n": 2}'] * 3 + [huge, b'{"tool": "t", "n": 3}', huge]
    answers = _answers(_command("-", back_end, b"\n".join(lines) + b"\n", rules=tmp_path / "big.rules"), len(lines))
    assert [a.get("credits") for a in answers] == [4, 4, 4, None, 9, None]
    # n * n would have 8000 digits: the request's bound refuses n itself, and the batch goes on
    assert answers[3] == answers[5] and (answers[3]["code"], answers[3]["param"]) == ("invalid-param", "n")
    assert "4000 digits" in answers[3]["message"]


@pytest.mark.parametrize("back_end", BACK_ENDS)
def test_a_number_too_long_to_read_is_that_lines_rejection(back_end):
    lines = [GOOD, b'{"tool": "voiceover", "chars": ' + b"9" * 5000 + b"}", GOOD]
    answers = _answers(_command("-", back_end, b"\n".join(lines)), len(lines))
    assert answers[0] == answers[2] and answers[0]["ok"]
    assert answers[1]["code"] == "invalid-request" and "digits" in answers[1]["message"]


class Boom(Exception):
    pass


def _quote_that_fails(request):
    if request.get("fail") == "raise":
        raise Boom("no")
    if request.get("fail") == "result":
        return Quote(credits=10**5000, rule="x.rules:1")
    return Rejection(Code.UNSUPPORTED, "fine")


@pytest.mark.parametrize("loads", [batch.stdlib_loads, batch.fast_loads()], ids=["stdlib", "fast"])
def test_a_line_whose_answer_raises_is_that_lines_invalid_request(loads):
    lines = [b'{"fail": "no"}\n', b'{"fail": "raise"}\n', b'{"fail": "result"}\n', b'{"fail": "no"}\n'] * 2
    out = io.StringIO()
    batch.run(_quote_that_fails, lines, out.write, loads)
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(answers) == len(lines)
    assert [a["code"] for a in answers] == ["unsupported", "invalid-request", "invalid-request", "unsupported"] * 2
    assert "Boom" in answers[1]["message"] and "digits" in answers[2]["message"]
    assert out.getvalue() == "".join(batch.encode(batch.line_result(_quote_that_fails, line, loads)) for line in lines)


def test_answers_already_computed_are_written_when_the_batch_is_cut_short():
    def quote(request):
        if request["n"] == 700:
            raise KeyboardInterrupt
        return Quote(credits=request["n"], rule="x.rules:1")

    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        batch.run(quote, (f'{{"n": {n}}}\n' for n in range(1, 1000)), out.write)
    assert [json.loads(line)["credits"] for line in out.getvalue().splitlines()] == list(range(1, 700))


ODD = [GOOD, b'{"tool": "\\ud83d"}', b"\r", b"\xed\xa0\x80", b"\xef\xbb\xbf" + GOOD, b'{"tool": "voiceover", "chars": 1e400}',
       b'{"tool": "voiceover", "chars": ' + b"7" * 5000 + b"}", b'{"a": ' * 3000 + b"1" + b"}" * 3000,
       b'{"tool": "voiceover", "text": "\xc3\xa9\\u00e9\xf0\x9f\x98\x80"}', b'{"tool": "voiceover", "chars": 9e18}',
       b'{"tool": "voiceover", "chars": 18446744073709551616}', b"\xc0\xaf", b"\xf4\x90\x80\x80"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(max_size=30) | st.sampled_from(ODD), max_size=8))
def test_any_bytes_give_one_utf8_json_line_per_line(card, chunks):
    pieces = b"\n".join(chunks).split(b"\n")
    lines = [line + b"\n" for line in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])
    for loads in (batch.stdlib_loads, batch.fast_loads()):
        sink = io.BytesIO()
        batch.run(card.quote, lines, batch.utf8_writer(sink.write), loads)
        text = sink.getvalue().decode("utf-8")
        assert text.count("\n") == len(lines)
        assert [json.loads(line) for line in text.split("\n")[:-1]] == [
            batch.line_result(card.quote, line).to_json() for line in lines]


def test_a_full_disk_on_output_is_a_clear_error():
    with open("/dev/full", "wb") as full:  # every write: no space left on device
        proc = subprocess.run([sys.executable, "-m", "engine.cli", "quote", "--batch", "-"],
                              input=GOOD + b"\n", stdout=full, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stderr.decode() == "ratecard: the batch stopped: No space left on device\n"
