"""docs/accounts.md, run exactly as written: the Python session (doctest) and the console session."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

from engine.cli import main

PAGE = Path(__file__).resolve().parents[2] / "docs" / "accounts.md"


def test_the_faq_session_runs_as_documented(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # its credits.db is made here
    failed, attempted = doctest.testfile(str(PAGE), module_relative=False, report=True,
                                         optionflags=doctest.NORMALIZE_WHITESPACE)
    assert attempted > 30 and failed == 0


def test_the_console_session_prints_what_the_page_shows(tmp_path, monkeypatch, capsys, card):
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```console\n(.*?)```", PAGE.read_text(), re.S)
    assert blocks
    ran = 0
    for block in blocks:
        for command, expected in re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", block, re.M):
            argv = shlex.split(command)
            assert argv[0] == "ratecard"
            assert main(argv[1:]) == 0, command
            assert capsys.readouterr().out == expected.replace("DIGEST", card.digest), command
            ran += 1
    assert ran == 8
