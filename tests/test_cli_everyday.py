"""The command line in everyday use: request words, standard input, table names and layout, --help."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.review.table import MAX_COLUMNS

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv, stdin: str | bytes | None = None, monkeypatch=None):
    if stdin is not None:
        data = stdin.encode() if isinstance(stdin, str) else stdin
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- quote words


def test_an_unquoted_model_name_is_a_usage_error_with_the_quoted_form(capsys):
    code, out, err = run(capsys, "quote", "text-to-video", "Sora", "2", "Pro", "res=1080")
    assert (code, out) == (2, "")
    assert 'ratecard quote text-to-video "Sora 2 Pro" ...' in err


def test_a_repeated_key_is_an_error_not_the_last_one(capsys):
    code, out, err = run(capsys, "quote", "text-to-video", "Sora 2 Pro", "res=1080", "dur=4", "dur=8")
    assert (code, out) == (2, "")
    assert "dur is given twice (dur=4 and dur=8)" in err
    code, _, err = run(capsys, "quote", "text-to-video", "Sora 2 Pro", "model=Veo 3", "res=720")
    assert code == 2 and "given twice" in err


# ---------------------------------------------------------------- standard input


def test_check_reads_standard_input(capsys, monkeypatch):
    good = (ROOT / "rules" / "voiceover.rules").read_text()
    code, _, err = run(capsys, "check", "-", stdin=good, monkeypatch=monkeypatch)
    assert code == 0 and err.startswith("<stdin>: no problems found")
    code, out, _ = run(capsys, "check", "-", stdin=good.replace("->", "=>", 1), monkeypatch=monkeypatch)
    assert code == 1 and out.startswith("<stdin>:")
    code, out, _ = run(capsys, "check", "-", stdin=b"\xff", monkeypatch=monkeypatch)
    assert code == 2 and "cannot read standard input" in out


def test_fmt_formats_standard_input_to_standard_output(capsys, monkeypatch):
    messy = "tool   t {\n  n >= 1\n}\nt ->   n\n"
    code, out, _ = run(capsys, "fmt", "-", stdin=messy, monkeypatch=monkeypatch)
    from engine.fmt import format_text
    assert (code, out) == (0, format_text(messy)) and out != messy
    assert run(capsys, "fmt", "--check", "-", stdin=messy, monkeypatch=monkeypatch)[0] == 1
    assert run(capsys, "fmt", "--check", "-", stdin=out, monkeypatch=monkeypatch)[:2] == (0, "")
    code, out, err = run(capsys, "fmt", "-", stdin="tool t {\n", monkeypatch=monkeypatch)
    assert (code, out) == (2, "") and "does not parse" in err


# ---------------------------------------------------------------- table


def test_table_takes_a_group_name(capsys, card):
    code, out, _ = run(capsys, "table", "--tool", "video")
    titles = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert code == 0 and set(titles) == set(card.card.groups["video"])


@pytest.mark.parametrize(("argv", "hint"), [
    (["--tool", "text-to-vidoe"], "did you mean text-to-video?"),
    (["--tool", "vidoe"], "did you mean video?"),
    (["--model", "Sora 2 Por"], 'did you mean "Sora 2 Pro"?'),
    (["--tool", "video", "--model", "Veo3"], 'did you mean "Veo 3"?'),
])
def test_table_suggests_the_nearest_name(capsys, argv, hint):
    code, out, err = run(capsys, "table", *argv)
    assert (code, out) == (2, "") and hint in err


def test_a_long_range_runs_down_not_across(capsys, tmp_path):
    (tmp_path / "a.rules").write_text("tool t {\n    n 1..60\n}\nt -> n * 2\n")
    code, out, _ = run(capsys, "table", "--rules", str(tmp_path))
    lines = out.splitlines()
    assert code == 0 and lines[1].split() == ["n", "credits"]
    assert [line.split() for line in lines[2:]] == [[str(n), str(2 * n)] for n in range(1, 61)]
    (tmp_path / "a.rules").write_text(f"tool t {{\n    n 1..{MAX_COLUMNS}\n}}\nt -> n * 2\n")
    run(capsys, "table", "--rules", str(tmp_path))  # a few values still run across
    assert main(["table", "--rules", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[-2:] == ["n", str(MAX_COLUMNS)]


# ---------------------------------------------------------------- --help


def test_help_names_every_environment_variable_the_command_reads(capsys):
    read = set()
    for path in (ROOT / "engine").rglob("*.py"):
        if "service" in path.parts:  # the server documents its own settings
            continue
        read |= set(re.findall(r"os\.environ\.get\(\"([A-Z_]+)\"", path.read_text()))
    assert {"RATECARD_CACHE_DIR", "RATECARD_NO_CACHE", "XDG_DATA_HOME"} <= read
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in read), read - {n for n in read if n in out}
    assert "exit codes:" in out and all(f"  {c} " in out for c in ("quote", "check", "table", "diff", "fmt"))


@pytest.mark.parametrize("command", ["check", "table", "diff"])
def test_help_says_what_each_format_is(capsys, command):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = " ".join(capsys.readouterr().out.split())
    found = re.search(r"--format \{([a-z,]+)\} (.*?)(?: -[-a-z]+|$)", out)
    formats, described = found.group(1).split(","), found.group(2)
    assert all(f in described for f in formats), described
