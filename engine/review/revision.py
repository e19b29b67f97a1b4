"""One side of a diff: a rules file or folder on disk, or `REV:PATH` read from git.

Git is asked with `git ls-tree` and `git show` in a subprocess; nothing is
checked out and no temporary folder is written.
"""

from __future__ import annotations

import posixpath
import subprocess
from pathlib import Path

from engine.ratecard import RateCard, RateCardError, load
from engine.sources import Source


class DiffInputError(Exception):
    """A side that cannot be read or loaded; the text is for a person."""


def read_side(spec: str) -> RateCard:
    if Path(spec).exists() or ":" not in spec:
        return _load(spec, lambda: load(spec))
    rev, _, path = spec.partition(":")
    if not rev:
        raise DiffInputError(f"{spec!r}: give a revision before the colon, as in main:rules")
    return _load(spec, lambda: RateCard.from_sources(git_sources(rev, path or ".")))


def _load(spec: str, loader) -> RateCard:
    try:
        return loader()
    except RateCardError as exc:
        raise DiffInputError(f"cannot load {spec}\n\n{exc}") from None


def _git(args: list[str], cwd: str | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", check=False)
    except OSError as exc:
        raise DiffInputError(f"cannot run git: {exc.strerror}") from None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()
        raise DiffInputError(f"git {args[0]} failed: {detail[-1] if detail else 'exit ' + str(done.returncode)}")
    return done.stdout


def git_sources(rev: str, path: str) -> list[Source]:
    """The .rules files at `path` (relative to the current folder) in revision `rev`."""
    try:
        top = _git(["rev-parse", "--show-toplevel"]).strip()
        prefix = _git(["rev-parse", "--show-prefix"]).strip()
    except DiffInputError:
        raise DiffInputError(f"cannot read {rev}:{path}: this is not inside a git repository") from None
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=top)
    except DiffInputError:
        raise DiffInputError(f"cannot read {rev}:{path}: there is no revision {rev!r}") from None
    full = posixpath.normpath(posixpath.join(prefix, path)) if path not in ("", ".") or prefix else "."
    listed = _git(["ls-tree", "-r", "--name-only", "--full-tree", rev, "--", full], cwd=top).splitlines()
    files = sorted(f for f in listed if f.endswith(".rules"))
    single = files == [full]
    if not single:  # as check reads a folder: hidden files and folders (.git/, an editor's) are passed over
        files = [f for f in files if not any(part.startswith(".") for part in posixpath.relpath(f, full).split("/"))]
    if not files:
        raise DiffInputError(f"{rev}:{path} has no .rules files")
    sources = []
    for name in files:
        relative = posixpath.basename(name) if single else posixpath.relpath(name, full)
        text = _git(["show", f"{rev}:{name}"], cwd=top)
        shown = f"{rev}:{path}" if single else f"{rev}:{posixpath.join(path, relative)}"
        sources.append(Source(name=relative, path=shown, text=text))
    return sources
