"""`ratecard fmt` replaces a file whole or not at all: a full disk or a file the user cannot write
is a clear error (exit 2), the old text stays, and no temporary file is left behind."""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.fmt import format_text

ROOT = Path(__file__).resolve().parent.parent
MESSY = "tool t {\n  n >= 1   # how many\n}\n\n\n\nt -> n * 2   # the price\n" + "# padding the card out\n" * 40


def _card(tmp_path: Path, mode: int = 0o640) -> Path:
    folder = tmp_path / "card"
    folder.mkdir()
    path = folder / "t.rules"
    path.write_text(MESSY)
    path.chmod(mode)
    return path


def test_fmt_keeps_the_files_mode_and_leaves_nothing_beside_it(tmp_path, capsys):
    path = _card(tmp_path, 0o640)
    assert main(["fmt", str(path)]) == 0
    assert path.read_text() == format_text(MESSY) != MESSY
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["t.rules"]


def test_fmt_through_a_symlink_rewrites_the_target(tmp_path, capsys):
    path = _card(tmp_path)
    link = tmp_path / "link.rules"
    link.symlink_to(path)
    assert main(["fmt", str(link)]) == 0
    assert link.is_symlink() and path.read_text() == format_text(MESSY)


def test_a_full_disk_leaves_the_card_as_it_was(tmp_path, capsys, monkeypatch):
    path = _card(tmp_path)
    real_write = os.write
    calls = []

    def write(fd, data):
        calls.append(len(data))
        if len(calls) == 1:  # some of it goes out, then the disk is full
            return real_write(fd, bytes(data[:10]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write)
    code = main(["fmt", str(path)])
    monkeypatch.undo()
    _, err = capsys.readouterr()
    assert len(calls) == 2
    assert code == 2 and "No space left on device" in err and str(path) in err and "Traceback" not in err
    assert path.read_text() == MESSY
    assert sorted(p.name for p in path.parent.iterdir()) == ["t.rules"]


def _no_big_files():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))


def test_a_write_that_fails_part_way_leaves_the_card_as_it_was(tmp_path):
    # a real failed write from the system: the file-size limit lets 64 bytes out, then refuses
    path = _card(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "engine.cli", "fmt", str(path)], capture_output=True, text=True,
                          cwd=ROOT, preexec_fn=_no_big_files)
    assert proc.returncode == 2 and "cannot write" in proc.stderr and "Traceback" not in proc.stderr
    assert path.read_text() == MESSY
    assert sorted(p.name for p in path.parent.iterdir()) == ["t.rules"]


def _as_a_plain_user() -> list[str]:
    """A prefix that runs a command without root's power to write any file (none when not root)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "running the tests as root needs setpriv (util-linux) to drop root's file powers"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_card_the_user_cannot_write_is_an_error_not_a_traceback(tmp_path, what):
    path = _card(tmp_path, 0o444 if what == "file" else 0o644)
    if what == "folder":
        path.parent.chmod(0o555)
    try:
        proc = subprocess.run(_as_a_plain_user() + [sys.executable, "-m", "engine.cli", "fmt", str(path)],
                              capture_output=True, text=True, cwd=ROOT)
    finally:
        path.parent.chmod(0o755)
    assert proc.returncode == 2, proc.stderr
    assert f"cannot write {path}: Permission denied" in proc.stderr and "Traceback" not in proc.stderr
    assert path.read_text() == MESSY
    assert sorted(p.name for p in path.parent.iterdir()) == ["t.rules"]
