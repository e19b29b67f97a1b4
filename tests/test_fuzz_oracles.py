"""The fuzzing oracles themselves (tests/fuzz): they pass what ratecard does by design, and they catch
what they are there to catch.

An oracle that lags a deliberate change in ratecard reports a false failure on every long run; one
that accepts anything finds nothing. Each oracle here is run on real output for both.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import engine.diagnostics
from engine import sources
from engine.diagnostics import NOWHERE, Code, error
from tests.fuzz import rules, trees
from tests.fuzz.core import Finding
from tests.fuzz.loading import cli
from tests.fuzz.unreadable import denied

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- carets under diagnostics (rules target)

CARD = "tool t { n 1 | 2 }\nt n 2 -> 2\n"
ODD_LINES = {
    "a NUL, shown as its picture": "t n 1 -> 1 \x00 zz\n",
    "a form feed and an escape": "t n 1 -> 1 \x0c\x1b zz\n",
    "a tab first": "\tt n 1 -> 1 zz\n",
    "wide characters": 't "模型" n 1 -> 1 zz\n',
    "a combining mark": 't "e\u0301" n 1 -> 1 zz\n',
    "after a byte-order mark and CRLF endings": "\ufeff" + CARD.replace("\n", "\r\n") + "t n 1 -> 1 zz\r\n",
    "after lone CR endings": CARD.replace("\n", "\r") + "t n 1 -> 1 zz\r",
    "on the first line, after a byte-order mark": "\ufefftool t { n 1 | 2 } zz\n",
}


def _check_output(tmp_path, text: str) -> tuple[str, list]:
    files = [["card.rules", text]]
    (tmp_path / "card.rules").write_bytes(text.encode("utf-8"))
    ran = cli(["check", str(tmp_path)])
    assert ran.code == 1 and "^" in ran.out, ran.out
    return ran.out, files


@pytest.mark.parametrize("line", list(ODD_LINES.values()), ids=list(ODD_LINES))
def test_the_caret_oracle_passes_a_caret_under_the_character_as_the_renderer_draws_it(tmp_path, line):
    text = line if line.startswith(("\ufeff", "tool")) else CARD + line
    out, files = _check_output(tmp_path, text)
    rules._carets(out, files, tmp_path)


def test_the_caret_oracle_catches_a_caret_placed_by_character_instead_of_screen_column(tmp_path, monkeypatch):
    monkeypatch.setattr(engine.diagnostics, "_screen_column", lambda at, column: column - 1)
    out, files = _check_output(tmp_path, CARD + ODD_LINES["a tab first"])
    with pytest.raises(Finding, match="caret is not under"):
        rules._carets(out, files, tmp_path)


def test_the_caret_oracle_catches_a_line_drawn_other_than_the_renderer_draws_it(tmp_path, monkeypatch):
    monkeypatch.setattr(engine.diagnostics, "on_screen", lambda line: (line, list(range(len(line) + 1))))
    out, files = _check_output(tmp_path, CARD + ODD_LINES["a NUL, shown as its picture"])
    with pytest.raises(Finding, match="source line"):
        rules._carets(out, files, tmp_path)


# ---------------------------------------------------------------- odd entries in a card's folder (files target)

VOICE = (ROOT / "rules" / "voiceover.rules").read_text(encoding="utf-8")
IMAGE = (ROOT / "rules" / "text-to-image.rules").read_text(encoding="utf-8")
EDIT = (ROOT / "rules" / "image-to-image.rules").read_text(encoding="utf-8")  # what the odd entries hold


def _tree(*odd: tuple[str, str]) -> dict:
    """A files-target case: two files of the bundled card and the odd entries (name, kind) beside them,
    which hold a third file (so the card loads with the odd entry as well as without it)."""
    entries = [["voiceover.rules", "file", VOICE], ["sub/text-to-image.rules", "file", IMAGE]]
    return {"entries": entries + [[name, kind, EDIT] for name, kind in odd], "start": "tree"}


CANNOT_BE_READ = {
    "an unreadable file": [("extra.rules", "unreadable-file")],
    "an unreadable folder": [("sub/extra", "unreadable-dir")],
    "a link to nowhere named .rules": [("extra.rules", "dangling")],
    "a link loop named .rules": [("sub/extra.rules", "link-loop")],
    "a FIFO named .rules": [("extra.rules", "fifo")],
}
CHANGE_NOTHING = {
    "a hidden folder": [(".git/voiceover.rules", "hidden")],
    "a link back up the tree": [("sub/up", "link-dir")],
    "a link to nowhere not named .rules": [("gone", "dangling")],
    "a byte-order mark": [("sub/extra.rules", "bom")],
    "a byte-order mark beside a link to nowhere": [("sub/extra.rules", "bom"), ("extra.rules", "dangling")],
    "a byte-order mark beside a FIFO": [("extra.rules", "bom"), ("sub/extra.rules", "fifo")],
}


@pytest.mark.parametrize("odd", list(CANNOT_BE_READ.values()) + list(CHANGE_NOTHING.values()),
                         ids=list(CANNOT_BE_READ) + list(CHANGE_NOTHING))
def test_the_files_oracle_passes_what_the_loader_does_by_design(odd):
    trees.check(_tree(*odd))


def test_an_entry_that_cannot_be_read_is_an_error_naming_it_and_the_card_does_not_load(tmp_path):
    odd = [(f"sub/{n}-{kind}.rules" if kind != "unreadable-dir" else f"sub/{n}-{kind}", kind)
           for n, ((_, kind),) in enumerate(CANNOT_BE_READ.values())]
    entries = _tree(*odd)["entries"]
    unreadable, _, _ = trees._build(tmp_path, entries)
    with denied(unreadable):
        got = trees.outcome(tmp_path, tmp_path)
    assert not got.loads
    assert set(trees.must_fail(entries)) == got.failed == {name for name, _ in odd}


def _skips_what_it_cannot_read(monkeypatch):
    """ratecard as it was before every unreadable entry became an error: such an entry is passed over."""
    real_read, real_walk = sources.read_file, sources._walk
    monkeypatch.setattr(sources, "read_file", lambda *args: (real_read(*args)[0] or "", None))
    monkeypatch.setattr(sources, "_walk", lambda root: (real_walk(root)[0], []))


@pytest.mark.parametrize("odd", list(CANNOT_BE_READ.values()), ids=list(CANNOT_BE_READ))
def test_the_files_oracle_catches_an_entry_passed_over_without_an_error(monkeypatch, odd):
    _skips_what_it_cannot_read(monkeypatch)
    with pytest.raises(Finding, match="was passed over without an error naming it"):
        trees.check(_tree(*odd))


BOMS = {k: v for k, v in CHANGE_NOTHING.items() if "byte-order" in k}


@pytest.mark.parametrize("odd", list(BOMS.values()), ids=list(BOMS))
def test_the_files_oracle_catches_a_byte_order_mark_that_changes_the_card(monkeypatch, odd):
    real_read = sources.read_file

    def refuses_a_mark(file, name, display):
        text, problem = real_read(file, name, display)
        if text is not None and Path(file).read_bytes().startswith(sources.BOM):
            return None, error(Code.IO, f"cannot read {display}: it starts with a byte-order mark", NOWHERE)
        return text, problem

    monkeypatch.setattr(sources, "read_file", refuses_a_mark)
    with pytest.raises(Finding, match="a byte-order mark changes the card"):
        trees.check(_tree(*odd))


# ---------------------------------------------------------------- the simulation of chmod 000


def test_a_simulated_unreadable_file_cannot_be_opened_but_is_there(tmp_path):
    secret = tmp_path / "secret.rules"
    secret.write_text("x")
    (tmp_path / "link.rules").symlink_to(secret)
    with denied([secret], simulate=True):
        for path in (secret, tmp_path / "link.rules"):
            with pytest.raises(PermissionError):
                os.open(path, os.O_RDONLY)
            with pytest.raises(PermissionError):
                open(path, "rb")
        assert os.stat(secret).st_size == 1
        assert sorted(os.listdir(tmp_path)) == ["link.rules", "secret.rules"]
    assert secret.read_text() == "x"


def test_nothing_in_a_simulated_unreadable_folder_can_be_reached(tmp_path):
    folder = tmp_path / "folder"
    (folder / "deeper").mkdir(parents=True)
    (folder / "deeper" / "card.rules").write_text("x")
    (tmp_path / "via").symlink_to(folder, target_is_directory=True)
    with denied([folder], simulate=True):
        assert os.stat(folder).st_mode  # the folder itself is there
        for path in (folder, tmp_path / "via"):
            with pytest.raises(PermissionError):
                os.scandir(path)
            with pytest.raises(PermissionError):
                os.listdir(path)
        for path in (folder / "deeper", tmp_path / "via" / "deeper" / "card.rules"):
            with pytest.raises(PermissionError):
                os.stat(path)
        with pytest.raises(PermissionError):
            os.open(folder / "deeper" / "card.rules", os.O_RDONLY)
    assert (folder / "deeper" / "card.rules").read_text() == "x"
