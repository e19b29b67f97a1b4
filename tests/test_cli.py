"""The ratecard command: outputs and exit codes as PRODUCT.md specifies."""

import json
import subprocess
import sys
import textwrap

import pytest

import engine
from engine.cli import main
from tests.bundled import bundled_quote, sora_price


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_quote_prints_credits(capsys):
    assert run(capsys, "quote", "text-to-video", "Sora 2 Pro", "res=1080", "dur=12") == (0, f"{sora_price()}\n", "")


def test_quote_json(capsys):
    code, out, _ = run(capsys, "quote", "voiceover", "text=Hello, world", "--json")
    assert code == 0
    assert json.loads(out) == {"ok": True, "credits": 2, "rule": "voiceover.rules:14", "digest": engine.load().digest}


def test_quote_rejected_exits_1(capsys):
    code, out, err = run(capsys, "quote", "text-to-video", "Sora 2 Pro", "res=1080", "dur=6")
    assert (code, out) == (1, "")
    assert "unsupported" in err and "4, 8 or 12" in err
    code, out, _ = run(capsys, "quote", "text-to-video", "Sora 2 Pro", "res=1080", "dur=6", "--json")
    assert code == 1 and json.loads(out)["code"] == "unsupported"


def test_quote_word_forms(capsys):
    assert run(capsys, "quote", "image-to-video", "Veo 3", "audio=no", "res=720p", "dur=8s")[1] == "2400\n"
    code, _, err = run(capsys, "quote", "voiceover", "chars=12", "oops")
    assert code == 2 and "key=value" in err  # the words are wrong, not the request: a usage error
    code, _, err = run(capsys, "quote")
    assert code == 1 and "which tool" in err


def test_quote_with_a_broken_card_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.rules"
    bad.write_text("tool x {\n")
    code, out, err = run(capsys, "quote", "x", "--rules", str(bad))
    assert code == 2 and "error[E001 syntax]" in err and "Traceback" not in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["frobnicate"])
    assert stop.value.code == 2


def test_batch_answers_every_line_in_order(tmp_path, capsys):
    lines = [
        '{"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 12}',
        "this is not json",
        "",
        "[]",
        '{"tool": "voiceover", "chars": 123}',
        '{"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 6}',
        "[" * 100000,
    ]
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join(lines) + "\n")
    code, out, _ = run(capsys, "quote", "--batch", str(batch))
    answers = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(answers) == len(lines)
    digest = engine.load().digest
    assert answers[0] == {"ok": True, "credits": sora_price(), "rule": answers[0]["rule"], "digest": digest}
    assert all(a["digest"] == digest for a in answers)  # the lines' own rejections name the card too
    assert [a.get("code") for a in answers[1:4]] == ["invalid-request"] * 3
    assert answers[4]["credits"] == bundled_quote({"tool": "voiceover", "chars": 123}).credits
    assert answers[5] == {"ok": False, "code": "unsupported", "param": "dur",
                          "message": "Sora 2 Pro offers dur 4, 8 or 12; got 6", "digest": digest}
    assert answers[6]["code"] == "invalid-request"


def test_batch_from_stdin():
    proc = subprocess.run([sys.executable, "-m", "engine.cli", "quote", "--batch", "-"],
                          input='{"tool": "voice-clone"}\n{bad\n', capture_output=True, text=True)
    assert proc.returncode == 0
    assert [json.loads(x)["ok"] for x in proc.stdout.splitlines()] == [True, False]


def test_batch_missing_file_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, "quote", "--batch", str(tmp_path / "nope.jsonl"))
    assert code == 2 and "cannot read" in err


def test_check_bundled_card_is_clean(capsys):
    code, out, err = run(capsys, "check")
    assert code == 0 and out == "" and "no problems" in err


def test_check_reports_compiler_style(tmp_path, capsys):
    bad = tmp_path / "card"
    bad.mkdir()
    (bad / "a.rules").write_text(textwrap.dedent("""\
        tool v { res 720 | 1080 }
        model v "K"
        v "K" res 900 -> 1
        v "Q" res 720 -> 1
    """))
    code, out, err = run(capsys, "check", str(bad))
    assert code == 1
    assert f"{bad / 'a.rules'}:3:11: error[E104 out-of-domain]: `res` cannot be 900" in out
    assert "  hint: `res` takes 720 or 1080" in out
    assert "3 | v \"K\" res 900 -> 1" in out
    assert "2 errors" in err

    code, out, _ = run(capsys, "check", str(bad), "--format", "json")
    found = json.loads(out)
    assert code == 1 and [d["name"] for d in found] == ["out-of-domain", "unknown-name"]
    assert set(found[0]) == {"severity", "code", "name", "message", "file", "line", "column", "end_line",
                             "end_column", "hint", "related"}
    assert (found[0]["line"], found[0]["column"], found[0]["end_column"]) == (3, 11, 14)

    code, out, _ = run(capsys, "check", str(bad), "--format", "github")
    assert out.startswith(f"::error file={bad / 'a.rules'},line=3,col=11,")


def test_check_missing_path_exits_2(tmp_path, capsys):
    code, _, _ = run(capsys, "check", str(tmp_path / "missing"))
    assert code == 2


def test_installed_command_runs_from_any_folder(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "engine.cli", "quote", "voice-clone"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (0, f"{bundled_quote({'tool': 'voice-clone'}).credits}\n")
