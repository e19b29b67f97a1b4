"""Reading .rules files: nothing is skipped without a word, nothing blocks, text and file read alike."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine import sources
from engine.sheet import price_sheet
from engine.sources import bundled_path

CASES = Path(__file__).resolve().parent / "cases"
VOICEOVER = "tool voiceover { chars >= 1 }\nvoiceover -> chars\n"


@pytest.fixture
def folder(tmp_path):
    card = tmp_path / "card"
    shutil.copytree(bundled_path(), card)
    return card


def _errors(path) -> list[str]:
    with pytest.raises(engine.RateCardError) as caught:
        engine.load(path, use_cache=False)
    return [d.message for d in caught.value.diagnostics]


def _check(path) -> subprocess.CompletedProcess:
    # a hang (a FIFO opened for reading waits for a writer) fails here rather than stalling the suite
    return subprocess.run([sys.executable, "-m", "engine.cli", "check", str(path)], capture_output=True,
                          text=True, timeout=120)


# ---------------------------------------------------------------- unreadable files and folders


def test_a_subfolder_that_cannot_be_listed_is_an_error_and_the_card_does_not_load(folder, monkeypatch):
    (folder / "more").mkdir()
    (folder / "video.rules").rename(folder / "more" / "video.rules")
    listing = os.scandir

    def scandir(path):
        if Path(path) == folder / "more":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found, diagnostics = sources.read(folder)
    assert "more/video.rules" not in {s.name for s in found}
    (problem,) = diagnostics
    assert problem.severity.value == "error" and problem.name == "io"
    assert problem.message == f"cannot read the folder {folder / 'more'}: permission denied"
    with pytest.raises(engine.RateCardError, match="cannot read the folder"):
        engine.load(folder, use_cache=False)


def test_a_file_that_cannot_be_opened_is_an_error(folder, monkeypatch):
    opening = os.open

    def refuse(path, *args, **kwargs):
        if Path(path) == folder / "video.rules":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return opening(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    assert f"cannot read {folder / 'video.rules'}: permission denied" in _errors(folder)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads a mode-000 folder; the monkeypatched tests above cover it")
def test_a_subfolder_without_read_permission_for_real(folder):
    (folder / "more").mkdir()
    (folder / "video.rules").rename(folder / "more" / "video.rules")
    (folder / "more").chmod(0)
    try:
        result = _check(folder)
        assert result.returncode != 0
        assert "cannot read the folder" in result.stdout
        with pytest.raises(engine.RateCardError, match="cannot read the folder"):
            engine.load(folder, use_cache=False)
    finally:
        (folder / "more").chmod(0o755)


def test_a_broken_link_named_rules_is_an_error(folder):
    (folder / "gone.rules").symlink_to(folder / "nowhere.rules")
    assert _errors(folder) == [f"cannot read {folder / 'gone.rules'}: no such file or directory"]


def test_linked_folders_are_read_and_a_link_back_up_the_tree_is_not_walked_twice(tmp_path):
    outside = tmp_path / "shared"
    outside.mkdir()
    (outside / "voice.rules").write_text(VOICEOVER)
    card = tmp_path / "card"
    card.mkdir()
    (card / "shared").symlink_to(outside, target_is_directory=True)
    (outside / "loop").symlink_to(card, target_is_directory=True)
    found, diagnostics = sources.read(card)
    assert diagnostics == [] and [s.name for s in found] == ["shared/voice.rules"]
    assert engine.load(card, use_cache=False).quote({"tool": "voiceover", "chars": 7}).credits == 7


@pytest.fixture
def low_recursion_limit():
    """A recursion limit of our own: other tests raise it, and a tree deeper than a high one
    would pass the system's limit on path length before it passed the recursion limit."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield 1000
    sys.setrecursionlimit(old)


def test_a_tree_deeper_than_the_recursion_limit_is_read(tmp_path, low_recursion_limit):
    depth = low_recursion_limit + 200
    folder = tmp_path / "card"
    deepest = folder
    for _ in range(depth + 1):  # os.makedirs recurses once per level too
        deepest.mkdir()
        deepest = deepest / "a"
    deepest = deepest.parent
    (deepest / "voice.rules").write_text(VOICEOVER)
    try:
        found, diagnostics = sources.read(folder)
        assert diagnostics == [] and [s.name for s in found] == ["a/" * depth + "voice.rules"]
    finally:  # shutil.rmtree (and so pytest's clean-up) recurses once per level: take the tree down by hand
        (deepest / "voice.rules").unlink()
        for level in range(depth, -1, -1):
            folder.joinpath(*["a"] * level).rmdir()


# ---------------------------------------------------------------- what is read and what is passed over


def test_hidden_files_and_folders_are_passed_over(folder):
    for hidden in (folder / ".git" / "old", folder / ".backup"):
        hidden.mkdir(parents=True)
        shutil.copy(folder / "video.rules", hidden / "video.rules")  # would overlap every video rule
    (folder / ".#video.rules").write_text("not even rules")  # an editor's lock file
    found, diagnostics = sources.read(folder)
    assert diagnostics == []
    assert sorted(s.name for s in found) == sorted(p.name for p in bundled_path().glob("*.rules"))
    assert engine.load(folder, use_cache=False).warnings == ()


def test_a_hidden_file_given_by_name_is_read(tmp_path):
    card = tmp_path / ".card.rules"
    card.write_text(VOICEOVER)
    assert engine.load(card, use_cache=False).quote({"tool": "voiceover", "chars": 3}).credits == 3


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_not_a_rules_file_and_never_blocks(tmp_path):
    fifo = tmp_path / "card.rules"
    os.mkfifo(fifo)
    result = _check(fifo)
    assert result.returncode == 2
    assert f"{fifo} is not a regular file or folder (a FIFO)" in result.stdout
    card = tmp_path / "card"
    card.mkdir()
    (card / "voice.rules").write_text(VOICEOVER)
    os.mkfifo(card / "pipe.rules")
    result = _check(card)
    assert result.returncode != 0
    assert f"cannot read {card / 'pipe.rules'}: not a regular file (a FIFO)" in result.stdout


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this system")
def test_a_device_is_not_a_rules_file():
    assert _errors("/dev/zero") == ["/dev/zero is not a regular file or folder (a character device)"]


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(tmp_path, monkeypatch):
    card = tmp_path / "card.rules"
    card.write_text(VOICEOVER + "#" * 100 + "\n")
    monkeypatch.setattr(sources, "MAX_BYTES", 2 * 1024 * 1024)
    assert engine.load(card, use_cache=False).quote({"tool": "voiceover", "chars": 3}).credits == 3
    card.write_text(VOICEOVER + "#" * (2 * 1024 * 1024) + "\n")
    assert _errors(card) == [f"cannot read {card}: it is larger than 2 MiB, the most a rules file may hold"]


def test_a_byte_order_mark_is_accepted(tmp_path):
    card = tmp_path / "card.rules"
    card.write_bytes(b"\xef\xbb\xbf" + VOICEOVER.encode())
    assert engine.load(card, use_cache=False).quote({"tool": "voiceover", "chars": 3}).credits == 3
    assert engine.loads("\ufeff" + VOICEOVER).quote({"tool": "voiceover", "chars": 3}).credits == 3


def test_invalid_utf8_names_the_file_line_column_and_byte(tmp_path):
    card = tmp_path / "card.rules"
    card.write_bytes(b"\xef\xbb\xbftool voiceover { chars >= 1 }\r\n# caf\xc3\xa9\rvoiceover -> \xff chars\n")
    with pytest.raises(engine.RateCardError) as caught:
        engine.load(card, use_cache=False)
    (problem,) = caught.value.diagnostics
    assert problem.message == f"cannot read {card}: line 3, column 14 holds byte 0xff, which is not UTF-8"
    assert (problem.span.file, problem.span.line, problem.span.column) == ("card.rules", 3, 14)


@pytest.mark.parametrize("text", ["", "# nothing here yet\n", "\n\n"])
def test_an_empty_card_is_an_error_not_a_card_that_rejects_everything(tmp_path, text):
    with pytest.raises(engine.RateCardError, match="no rules found in card.rules"):
        engine.loads(text, name="card.rules")
    (tmp_path / "card.rules").write_text(text)
    result = _check(tmp_path)
    assert result.returncode == 1 and "error[E202 gap]: no rules found in card.rules" in result.stdout


# ---------------------------------------------------------------- line endings: loads and load agree


def _endings(text: str, style: str) -> str:
    lines = text.split("\n")
    if style == "mixed":
        ends = ["\n", "\r", "\r\n"]  # never a "\r" then a "\n": that would be one CRLF, not two breaks
        return "".join(line + ends[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]
    return text.replace("\n", style)


@pytest.mark.parametrize("style", ["\r", "\r\n", "mixed"])
@pytest.mark.parametrize("case", sorted(p.name for p in (CASES / "valid").glob("*.rules")))
def test_line_endings_give_the_same_card_from_text_and_from_file(tmp_path, style, case):
    text = _endings((CASES / "valid" / case).read_text(encoding="utf-8"), style)
    path = tmp_path / "card.rules"
    path.write_bytes(text.encode())
    from_text = engine.loads(text, name="card.rules")
    from_file = engine.load(path, use_cache=False)
    plain = engine.loads((CASES / "valid" / case).read_text(encoding="utf-8"), name="card.rules")
    assert price_sheet(from_text) == price_sheet(from_file) == price_sheet(plain)
    assert price_sheet(plain)  # the card prices something, so the comparison means something


@pytest.mark.parametrize("style", ["\r", "\r\n", "mixed"])
@pytest.mark.parametrize("case", sorted(p.name for p in (CASES / "invalid").glob("*.rules")))
def test_line_endings_give_the_same_diagnostics_from_text_and_from_file(tmp_path, style, case):
    original = (CASES / "invalid" / case).read_text(encoding="utf-8")
    text = _endings(original, style)
    path = tmp_path / "card.rules"
    path.write_bytes(text.encode())

    def found(load) -> list:
        with pytest.raises(engine.RateCardError) as caught:
            load()
        return [(d.code, d.span, d.message) for d in caught.value.diagnostics]

    expected = found(lambda: engine.loads(original, name="card.rules"))
    assert found(lambda: engine.loads(text, name="card.rules")) == expected
    assert found(lambda: engine.load(path, use_cache=False)) == expected
