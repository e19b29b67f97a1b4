"""A cache of compiled rate cards on disk, so quoting from an unchanged card skips the parser.

One file per card, named by a hash of everything the compiled index depends
on: the cache format, the engine's own source, the grammar, and every .rules
file's name and text. Any change gives a new name, so a stale file is never
read. The file is JSON (never pickle: reading it cannot run code), written
atomically and privately, and carries a SHA-256 of its body, checked before
the body is decoded; decoding checks every type. A file another user owns, or
one others may write to, is not read: the cache decides prices, so it is
trusted only as far as the user's own files are. A file that fails any check is ignored
and rebuilt. Nothing here raises: an unreadable or unwritable cache directory
just means no cache.

Where: $RATECARD_CACHE_DIR, else $XDG_CACHE_HOME/ratecard, else ~/.cache/ratecard.
RATECARD_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path

from engine import index_json
from engine.compile import Index
from engine.sources import Source, grammar_path

FORMAT = "ratecard-index-3"
KEEP = 32  # cached cards kept in the directory


def enabled() -> bool:
    return os.environ.get("RATECARD_NO_CACHE", "") in ("", "0")


def directory() -> Path:
    explicit = os.environ.get("RATECARD_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ratecard"


def key(sources: Sequence[Source]) -> str:
    """A hash of the card's text and of everything that turns text into an index."""
    h = hashlib.sha256(FORMAT.encode())
    for part in _engine_files():
        h.update(part.read_bytes())
    for source in sources:
        for text in (source.name, source.text):
            data = text.encode("utf-8", "surrogatepass")
            h.update(len(data).to_bytes(8, "big"))
            h.update(data)
    return h.hexdigest()


def _engine_files() -> list[Path]:
    here = Path(__file__).resolve().parent
    return sorted(here.rglob("*.py")) + [grammar_path()]


def read(sources: Sequence[Source]) -> Index | None:
    """The cached index of this card, or None when there is none to trust."""
    if not enabled():
        return None
    try:
        name = key(sources)
        path = directory() / f"{name}.json"
        if not _ours(path):
            return None
        raw = path.read_bytes()
        head, sep, body = raw.partition(b"\n")
        header = json.loads(head)
        if (not sep or type(header) is not dict or header.get("format") != FORMAT or header.get("key") != name
                or header.get("sha256") != hashlib.sha256(body).hexdigest()):
            return None
        return index_json.decode_lines(io.BytesIO(body))
    except (OSError, ValueError, RecursionError, UnicodeError):  # Corrupt is a ValueError
        return None


def _ours(path: Path) -> bool:
    """Only a file this user wrote and nobody else can change is read: it decides prices."""
    info = path.stat()
    if info.st_mode & 0o022:
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def write(sources: Sequence[Source], index: Index) -> None:
    """Store the index for next time; quietly does nothing when it cannot."""
    if not enabled():
        return
    try:
        name = key(sources)
        body = "\n".join(index_json.encode_lines(index)).encode()
        header = json.dumps({"format": FORMAT, "key": name, "sha256": hashlib.sha256(body).hexdigest()}).encode()
        folder = directory()
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # only when writing: it costs start-up time

        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(header + b"\n" + body)
            os.replace(tmp, folder / f"{name}.json")
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(folder)
    except (OSError, ValueError, RecursionError):
        return


def _prune(folder: Path, keep: int = KEEP) -> None:
    """Drop all but the `keep` most recently written cards, so old versions do not pile up."""
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)
