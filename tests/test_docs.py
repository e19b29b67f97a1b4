"""Every console example in README.md and docs/ runs, and prints what the page says it prints."""

from __future__ import annotations

import doctest
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs_examples import ROOT, documents, examples, python_sessions

DOCUMENTS = [d for d in documents() if examples(d)]


def _environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    # the `ratecard` of the Python running the tests, whichever virtual environment that is
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["RATECARD_REPO"] = str(ROOT)
    env["RATECARD_CACHE_DIR"] = str(tmp_path / ".cache")
    env["XDG_DATA_HOME"] = str(tmp_path / ".data")
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "80"
    return env


class Session:
    """A shell that keeps its folder from one command to the next, as a terminal does."""

    def __init__(self, cwd: Path, env: dict[str, str], tmp_path: Path):
        self.cwd, self.env, self.status = cwd, env, 0
        self._where = tmp_path / ".cwd"

    def run(self, script: str) -> str:
        # `(exit N)` first, so `echo $?` shows the status of the previous command
        wrapped = (f"cd {shlex.quote(str(self.cwd))}; (exit {self.status}); {script}\n"
                   f"__status=$?; pwd > {shlex.quote(str(self._where))}; exit $__status")
        done = subprocess.run(["bash", "-c", wrapped], env=self.env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
        self.status = done.returncode
        self.cwd = Path(self._where.read_text().strip())
        return done.stdout


def _matches(expected: str, printed: str) -> bool:
    """Equal, where `...` in what the page says stands for any text (doctest's ELLIPSIS)."""
    return doctest.OutputChecker().check_output(expected, printed, doctest.ELLIPSIS)


def _tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n")).strip("\n")


@pytest.mark.parametrize("document", DOCUMENTS, ids=[str(d.relative_to(ROOT)) for d in DOCUMENTS])
def test_console_examples_print_what_the_page_says(document, tmp_path):
    env = _environment(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    session = Session(work, env, tmp_path)
    wrong = []
    for example in examples(document):
        if example.setup:
            printed = session.run("set -e\n" + example.setup)
            assert session.status == 0, f"{example.where}: setup failed:\n{printed}"
        for command, expected in example.commands:
            printed = session.run(command)
            if not _matches(_tidy(expected), _tidy(printed)):
                wrong.append(f"{example.where}: $ {command}\n--- the page says:\n{expected}\n"
                             f"--- it printed:\n{printed}")
    assert not wrong, "\n\n".join(wrong)


def test_examples_are_found():
    """The reader finds the README's examples: a broken reader would pass everything above."""
    readme = examples(ROOT / "README.md")
    commands = [command for example in readme for command, _ in example.commands]
    assert any(c.startswith("ratecard quote") for c in commands)
    assert len(readme) >= 5


PAGES = [d for d in documents() if python_sessions(d)]


@pytest.mark.parametrize("document", PAGES, ids=[str(d.relative_to(ROOT)) for d in PAGES])
def test_python_examples_give_what_the_page_says(document, tmp_path, monkeypatch):
    """A page's Python blocks are one session, as a reader types them one after another."""
    monkeypatch.chdir(tmp_path)  # what an example writes (a database, a file) goes here
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    names: dict = {}
    out: list[str] = []
    for line, text in python_sessions(document):
        test = parser.get_doctest(text, names, str(document.relative_to(ROOT)), str(document), line - 1)
        runner.run(test, out=out.append, clear_globs=False)
        names = test.globs  # a DocTest works on a copy: the next block goes on from this one's
    assert runner.failures == 0, "".join(out)
