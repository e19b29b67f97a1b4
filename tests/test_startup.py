"""A quote from the compiled-card cache imports the standard library and the quoting code, nothing else.

No timing here (bench/startup.py times it): these tests hold the imports that
make start-up fast. A process that quotes from an unchanged card must not load
Lark, attrs, the AST or the checks (attrs generates every class's methods at
import, the AST alone has dozens), nor the costliest parts of the standard
library the quote path was changed to avoid.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine.cli import build_parser, plain_quote
from tests.bundled import SORA, bundled_quote

ROOT = Path(__file__).resolve().parent.parent

# Modules the cached quote path must not import: the parser and attrs (third-party), the engine's
# AST and analysis (attrs classes), and standard modules it no longer needs (each costs a quote's
# start-up a millisecond or more: typing, pathlib, argparse and the compression modules argparse's
# help formatter brings in, decimal and fractions, difflib, tempfile, dataclasses, inspect), and what
# only a model's compiled road needs (made at the model's second request: cut tables, bisect).
HEAVY = ("lark", "attr", "attrs", "engine.ast", "engine.syntax", "engine.model", "engine.compile", "engine.checks",
         "engine.cells", "bisect",
         "engine.diagnostics", "engine.lower", "engine.resolve", "engine.formula", "engine.index_write",
         "engine.parser_cache", "engine.service", "typing", "pathlib", "argparse", "shutil", "decimal", "fractions",
         "difflib", "tempfile", "dataclasses", "inspect", "contextlib")

CLI = """
import sys
from engine.cli import main
code = main(sys.argv[1:])
print("MODULES", " ".join(sorted(sys.modules)))
sys.exit(code)
"""

API = """
import json, sys
import engine
card = engine.load()
result = card.quote(json.loads(sys.argv[1]))
print("CACHED" if card._card is None else "BUILT", result.credits)
print("MODULES", " ".join(sorted(sys.modules)))
"""


def _run(code: str, args: list[str], cache_dir: Path) -> tuple[list[str], list[str]]:
    """(the lines printed before the module list, the modules loaded when the process ended)."""
    env = {"RATECARD_CACHE_DIR": str(cache_dir), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode in (0, 1), done.stderr
    out = done.stdout.splitlines()
    modules = out[-1].split()
    assert modules[0] == "MODULES"
    return out[:-1], modules[1:]


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def _third_party(modules: list[str]) -> list[str]:
    stdlib = sys.stdlib_module_names
    return [m for m in modules if m.split(".")[0] not in stdlib and m.split(".")[0] != "engine"
            and not m.startswith("_")  # C helpers of the standard library (_json, _sre, ...)
            and m not in ("sitecustomize", "_distutils_hack")]  # installed into site-packages, run by site


def test_a_quote_from_the_cache_loads_no_parser_no_attrs_no_ast(cache_dir):
    words = ["quote", "text-to-video", "Sora 2 Pro", "res=1080", "dur=12"]
    first, built = _run(CLI, words, cache_dir)  # a cold cache: the card is parsed, checked, compiled
    assert "lark" in built and "attrs" in built  # (so the test below could fail)
    printed, modules = _run(CLI, words, cache_dir)
    assert printed == first == [str(bundled_quote(SORA).credits)]
    assert _heavy(modules) == []
    assert _third_party(modules) == []


def test_the_python_api_from_the_cache_loads_no_parser_no_attrs_no_ast(cache_dir):
    request = json.dumps({"tool": "voiceover", "chars": 123})  # a formula's price: compiled from its tree
    _run(API, [request], cache_dir)
    printed, modules = _run(API, [request], cache_dir)
    assert printed == [f"CACHED {bundled_quote(json.loads(request)).credits}"]
    assert _heavy(modules) == [] and _third_party(modules) == []


def test_a_rejection_from_the_cache_stays_light_too(cache_dir):
    words = ["quote", "text-to-video", "Sora 2 Pro", "res=1080", "dur=7"]  # dur 7 is not on offer: unsupported
    _run(CLI, words, cache_dir)
    _, modules = _run(CLI, words, cache_dir)
    assert _heavy(modules) == []


# ---------------------------------------------------------------- the command line without argparse


@pytest.mark.parametrize("argv", [
    ["quote", "text-to-video", "Sora 2 Pro", "res=1080", "dur=12"],
    ["quote", "voiceover", "chars=12"],
    ["quote"],
    ["quote", "text-to-video", "Sora", "2", "Pro"],
    ["quote", "", "=", "a=b=c", "dur= 12", "äöü=ß"],
])
def test_a_plain_quote_is_read_as_argparse_reads_it(argv):
    assert vars(plain_quote(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [
    ["quote", "--json", "voiceover", "chars=12"],
    ["quote", "voiceover", "--rules", "x"],
    ["quote", "-h"],
    ["quote", "voiceover", "chars=-5", "-5"],
    ["quote", "--", "voiceover"],
    ["check"],
    ["table", "quote"],
    [],
])
def test_anything_else_is_left_to_argparse(argv):
    assert plain_quote(argv) is None


def test_a_plain_quote_answers_as_before(capsys):
    from engine.cli import main

    assert main(["quote", "text-to-video", "Sora 2 Pro", "res=1080", "dur=12"]) == 0
    assert capsys.readouterr().out == f"{engine.load().quote(SORA).credits}\n"
    assert main(["quote", "text-to-video", "Sora", "2", "Pro", "res=1080"]) == 2  # the usage error, as before
    assert "goes in quotes" in capsys.readouterr().err
