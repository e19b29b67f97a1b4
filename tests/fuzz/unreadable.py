"""Files and folders that cannot be read, as `chmod 000` makes them, even for root.

Without permission to read, a file cannot be opened and a folder cannot be
listed; without permission to search, nothing inside a folder can be reached
(not even stat). Its own stat still works: the entry is there, it just cannot be
read. `denied(paths)` gives a block of code that world. Where permissions hold
(a user other than root) it sets them for real; root reads everything, so there
it patches every call a reader of files could use (`os.open`, `open`,
`os.scandir`, `os.listdir`, `os.stat`, `os.lstat`), matching paths by the file
they lead to, so a link to an unreadable file or a path through a link to an
unreadable folder is refused as the kernel would refuse it.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import io
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

PATCHED = ("open", "stat", "lstat", "scandir", "listdir")


def permissions_hold() -> bool:
    """Whether chmod 000 keeps this process out (it does not keep root out)."""
    return hasattr(os, "geteuid") and os.geteuid() != 0


@contextlib.contextmanager
def denied(paths: Iterable[Path], *, simulate: bool | None = None) -> Iterator[None]:
    """While the block runs, `paths` (files and folders) cannot be read, by their permissions or by a
    simulation of them (`simulate`: None chooses, True or False forces one)."""
    paths = list(paths)
    if simulate is None:
        simulate = not permissions_hold()
    if not paths:
        yield
    elif simulate:
        with _simulated(paths):
            yield
    else:
        with _chmod_000(paths):
            yield


@contextlib.contextmanager
def _chmod_000(paths: list[Path]) -> Iterator[None]:
    modes = [(p, p.stat().st_mode) for p in paths]
    try:
        for path in paths:
            path.chmod(0)
        yield
    finally:
        for path, mode in reversed(modes):
            path.chmod(mode)


@contextlib.contextmanager
def _simulated(paths: list[Path]) -> Iterator[None]:
    real = {name: getattr(os, name) for name in PATCHED}
    real_open = io.open

    def identity(path: str) -> tuple[int, int] | None:
        try:
            info = real["stat"](path)
        except OSError:
            return None
        return info.st_dev, info.st_ino

    files = {identity(str(p)) for p in paths if p.is_file()} - {None}
    folders = {identity(str(p)) for p in paths if p.is_dir()} - {None}

    def refuse(path, *, itself: bool) -> None:
        """Raise as the kernel would: for any path through an unreadable folder, and (itself) for
        opening or listing an unreadable file or folder."""
        if not isinstance(path, (str, bytes, os.PathLike)):
            return  # a file descriptor: opened already
        full = os.path.abspath(os.fsdecode(path))
        through = Path(full).parents
        if any(identity(str(folder)) in folders for folder in through) or (
                itself and identity(full) in files | folders):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), full)

    def os_open(path, *args, **kw):
        refuse(path, itself=True)
        return real["open"](path, *args, **kw)

    def any_open(file, *args, **kw):
        refuse(file, itself=True)
        return real_open(file, *args, **kw)

    def listing(name):
        def call(path=".", *args, **kw):
            refuse(path, itself=True)
            return real[name](path, *args, **kw)
        return call

    def looking(name):
        def call(path, *args, **kw):
            refuse(path, itself=False)
            return real[name](path, *args, **kw)
        return call

    patches = {"open": os_open, "scandir": listing("scandir"), "listdir": listing("listdir"),
               "stat": looking("stat"), "lstat": looking("lstat")}
    was_builtin = builtins.open
    try:
        for name, fake in patches.items():
            setattr(os, name, fake)
        io.open = builtins.open = any_open
        yield
    finally:
        for name, call in real.items():
            setattr(os, name, call)
        io.open, builtins.open = real_open, was_builtin
