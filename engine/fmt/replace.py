"""Replace a file's text all at once: the old text or the new, never a mix, never a stray file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def replace_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to a temporary file beside `path` (the target, when `path` is a symlink),
    with the old file's permission bits, flush it to disk and rename it over the old file.
    Any OSError (a full disk, a file or folder the user cannot write) leaves the old file as it
    was and the temporary file removed, and is raised for the caller to report."""
    target = Path(os.path.realpath(path))
    old = os.stat(target)
    if not os.access(target, os.W_OK):  # a read-only file stays read-only, as an in-place write would
        raise PermissionError(13, "Permission denied", str(path))
    data = text.encode("utf-8")
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, stat.S_IMODE(old.st_mode))
            if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):  # only root may give the file back to its owner
                    os.fchown(fd, old.st_uid, old.st_gid)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable, where the system allows opening a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
