"""ratecard as a Python package: its version, `python -m engine`, and types a checker can use."""

import subprocess
import sys
import textwrap
from importlib.metadata import version
from pathlib import Path

import mypy.api
import pytest

import engine
from engine.cli import main

ROOT = Path(__file__).parent.parent


def test_the_version_is_the_installed_distributions():
    assert engine.__version__ == version("ratecard")


def test_version_option(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"ratecard {version('ratecard')}\n"


def test_python_dash_m_engine_is_the_command(tmp_path):
    done = subprocess.run([sys.executable, "-m", "engine", "quote", "voice-clone"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, f"{engine.load().quote({'tool': 'voice-clone'}).credits}\n")


def test_check_strict_fails_on_warnings_only_when_asked(tmp_path, capsys):
    card = tmp_path / "a.rules"
    card.write_text('tool t { n 1 | 2 }\nmodel t "M" { n 1 }\nt "M" n 2 -> 5\nt "M" n 1 -> 3\n')
    assert main(["check", str(card)]) == 0
    assert main(["check", "--strict", str(card)]) == 1
    assert main(["check", "--strict"]) == 0  # the bundled card has no warnings
    capsys.readouterr()


def test_the_package_is_typed():
    assert (ROOT / "engine" / "py.typed").is_file()


def test_ok_narrows_a_result_for_mypy(tmp_path):
    """`if result.ok:` tells a type checker which of Quote | Rejection it holds."""
    example = tmp_path / "example.py"
    example.write_text(textwrap.dedent("""\
        import engine

        def describe(result: engine.Quote | engine.Rejection) -> str:
            if result.ok:
                return str(result.credits + 1)
            return result.message + result.code

        def wrong(result: engine.Quote | engine.Rejection) -> int:
            return result.credits
        """))
    out, _, status = mypy.api.run(["--strict", "--follow-imports=silent", "--no-incremental", "--cache-dir", str(tmp_path / "c"), str(example)])
    # exactly one error, on the line that uses .credits without looking at .ok
    assert status == 1, out
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "example.py:9:" in errors[0] and "credits" in errors[0], out
