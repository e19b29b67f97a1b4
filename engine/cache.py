"""A cache of compiled rate cards on disk, so quoting from an unchanged card skips the parser.

One file per card, named by key(): a hash of everything the compiled index
depends on (the cache format, the engine's own source, the grammar, the
installed Lark, and every .rules file's name and text). Any change gives a new
name, so an edited card is never answered from a stale file. The file is JSON
(never pickle: reading it cannot run code): a header line (format, key, SHA-256
of the body), then the body. It is written to a temporary file in the same
folder and renamed into place, so readers and concurrent writers only ever see
whole files.

Reading trusts nothing: only a regular file (not a link) this user owns and
nobody else may write is opened, its header must match the name and the body's
checksum, and index_json (by way of versions_json, which adds a dated card's
slices of time) checks the body as strictly as the checks check a card read
from text. Any failure at all means "build the card again"; nothing here
raises: an unreadable or unwritable cache directory just means no cache.

The directory may be shared with other files (RATECARD_CACHE_DIR can point
anywhere): pruning removes only files this cache provably wrote (their name is
a key and they start with this cache's header for that key), never follows a
link and never leaves the folder.

Where: $RATECARD_CACHE_DIR, else $XDG_CACHE_HOME/ratecard, else ~/.cache/ratecard.
RATECARD_NO_CACHE=1 turns it off."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path

from engine import versions_json
from engine.compile import Index
from engine.sources import Source, grammar_path

FORMAT = "ratecard-index-4"
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
    """A hash of the card's text and of everything that turns text into an index.

    That is: the cache format, every module of the engine and the grammar (so
    any other version of ratecard has other names), the installed Lark (its
    version is in its __init__), and each file's name and text, in order.
    """
    h = hashlib.sha256(FORMAT.encode())
    for part in _engine_files():
        _feed(h, part.read_bytes())
    _feed(h, _lark_version())
    for source in sources:
        for text in (source.name, source.text):
            _feed(h, text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _feed(h, data: bytes) -> None:
    h.update(len(data).to_bytes(8, "big"))  # the length first, so no two lists of parts hash alike
    h.update(data)


def _engine_files() -> list[Path]:
    here = Path(__file__).resolve().parent
    return sorted(here.rglob("*.py")) + [grammar_path()]


def _lark_version() -> bytes:
    """Lark's __init__ (it holds __version__), found without importing Lark: a cached quote never loads it."""
    from importlib.util import find_spec

    spec = find_spec("lark")
    return Path(spec.origin).read_bytes() if spec is not None and spec.origin else b"no lark"


def read(sources: Sequence[Source]) -> Index | None:
    """The cached index of this card, or None when there is none to trust."""
    if not enabled():
        return None
    try:
        name = key(sources)
        raw = _read_own(directory() / f"{name}.json")
        if raw is None:
            return None
        head, sep, body = raw.partition(b"\n")
        header = json.loads(head)
        if not sep or header != _header(name, body):
            return None
        return versions_json.decode_lines(io.BytesIO(body), files=[s.name for s in sources])
    except Exception:  # noqa: BLE001 - whatever is wrong with a cache file, the card is built again
        return None


def _header(name: str, body: bytes) -> dict:
    return {"format": FORMAT, "key": name, "sha256": hashlib.sha256(body).hexdigest()}


def _read_own(path: Path, limit: int | None = None) -> bytes | None:
    """The file's bytes (its first `limit` at most), if it is a regular file this user owns and only they
    can change: it decides prices. Never follows a link, never blocks on a FIFO."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022:
            return None
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return None
        return handle.read() if limit is None else handle.read(limit)


def write(sources: Sequence[Source], index: Index) -> None:
    """Store the index for next time; quietly does nothing when it cannot.

    The file is written whole under a temporary name in the same folder and
    renamed into place, so a reader (or a second writer) never sees half a file.
    """
    if not enabled():
        return
    try:
        name = key(sources)
        body = "\n".join(versions_json.encode_lines(index)).encode()
        header = json.dumps(_header(name, body)).encode()
        folder = directory()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        import tempfile  # only when writing: it costs start-up time

        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(header + b"\n" + body)
            os.replace(tmp, folder / f"{name}.json")
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(folder)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is no cache, never an error
        return


_NAME = re.compile(r"[0-9a-f]{64}\.json")  # what key() names a file, and nothing else


def _prune(folder: Path, keep: int = KEEP) -> None:
    """Drop all but the `keep` most recently written cards, so old versions do not pile up.

    Only files this cache provably wrote are touched: named as key() names them,
    regular files (a link is never followed nor removed), owned by this user, and
    starting with this cache's header for that very name. Nothing outside the
    folder is looked at: names come from the folder's own listing.
    """
    ours = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if _NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False) and _written_here(entry.path):
                ours.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name))
    ours.sort(reverse=True)
    for _, name in ours[keep:]:
        (folder / name).unlink(missing_ok=True)


def _written_here(path: str) -> bool:
    """Whether the file starts with the header this cache writes, for the name it has."""
    try:
        raw = _read_own(path, 4096)
        if raw is None or b"\n" not in raw:
            return False
        header = json.loads(raw.partition(b"\n")[0])
        return (type(header) is dict and header.keys() == {"format", "key", "sha256"}
                and str(header["format"]).startswith("ratecard-index-") and f"{header['key']}.json" == os.path.basename(path))
    except (OSError, ValueError):
        return False
