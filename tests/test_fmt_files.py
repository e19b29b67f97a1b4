"""`ratecard fmt FOLDER` lays out the files `ratecard check FOLDER` reads: no file inside a hidden
folder, every file in a linked folder, and nothing that cannot be read passed over without a word."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from engine.cli import main
from engine.fmt import format_text

MESSY = "tool t {\n  n >= 1   # how many\n}\n\n\n\nt -> n * 2   # the price\n"
TIDY = format_text(MESSY)
OTHER = "tool u {\n  k >= 1\n}\nu ->   k * 3\n"  # another tool, for another file of the same card


@pytest.fixture
def card(tmp_path) -> Path:
    folder = tmp_path / "card"
    folder.mkdir()
    (folder / "t.rules").write_text(TIDY)
    return folder


def test_a_file_inside_a_hidden_folder_is_left_alone_as_check_leaves_it(card, capsys):
    hidden = card / ".git" / "old.rules"
    hidden.parent.mkdir()
    hidden.write_text(MESSY)
    assert main(["check", str(card)]) == 0
    assert main(["fmt", str(card)]) == 0
    assert hidden.read_text() == MESSY


def test_a_file_in_a_linked_folder_is_formatted_as_check_reads_it(card, tmp_path, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "u.rules").write_text(OTHER)
    (card / "shared").symlink_to(shared, target_is_directory=True)
    (shared / "back").symlink_to(card, target_is_directory=True)  # a link back up the tree: not twice
    assert main(["fmt", str(card)]) == 0
    assert (shared / "u.rules").read_text() == format_text(OTHER) != OTHER
    assert capsys.readouterr().out == f"reformatted {card / 'shared' / 'u.rules'}\n"


def test_a_broken_link_named_rules_is_an_error_as_in_check(card, capsys):
    (card / "gone.rules").symlink_to(card / "nowhere.rules")
    assert main(["fmt", "--check", str(card)]) == 2
    assert f"cannot read {card / 'gone.rules'}: no such file or directory" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_rules_is_an_error_and_fmt_does_not_wait_for_a_writer(card, capsys):
    os.mkfifo(card / "pipe.rules")
    assert main(["fmt", str(card)]) == 2
    assert "pipe.rules: not a regular file (a FIFO)" in capsys.readouterr().err


def test_a_subfolder_that_cannot_be_listed_is_an_error_as_in_check(card, capsys, monkeypatch):
    (card / "more").mkdir()
    (card / "more" / "u.rules").write_text(OTHER)
    listing = os.scandir

    def scandir(path):
        if Path(path) == card / "more":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert main(["fmt", str(card)]) == 2
    assert f"cannot read the folder {card / 'more'}: permission denied" in capsys.readouterr().err


def test_a_byte_order_mark_or_crlf_endings_alone_are_no_change_as_from_standard_input(card, capsys, monkeypatch):
    path = card / "t.rules"
    path.write_bytes("\ufeff".encode() + TIDY.replace("\n", "\r\n").encode())
    assert main(["fmt", "--check", str(card)]) == 0
    monkeypatch.setattr("sys.stdin", type("In", (), {"buffer": open(path, "rb")})())
    assert main(["fmt", "--check", "-"]) == 0
    assert capsys.readouterr().out == ""
