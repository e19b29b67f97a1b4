"""A cache of compiled rate cards on disk, so quoting from an unchanged card skips the parser.

One file per card, named by key(): a hash of everything the compiled index
depends on (the cache format, the engine's own modules and the grammar, the
installed Lark, and every .rules file's name and text). Any change gives a new
name, so an edited card is never answered from a stale file. The card's text is
hashed whole; the engine's files and Lark's by what the file system says of
them (as Python's own bytecode cache does), which costs a tenth as much.

The file is JSON (never pickle: reading it cannot run code): a header line
(format, key, SHA-256 of the body), then the body. It is written to a temporary
file in the same folder and renamed into place, so readers and concurrent
writers only ever see whole files.

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

import json
import os
import re
import stat
import sys
from collections.abc import Sequence

from engine import versions_json
from engine.gcpause import paused_gc
from engine.sha import sha256
from engine.sources import Source, _grammar

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path

    from engine.index import Index

FORMAT = "ratecard-index-5"
KEEP = 32  # cached cards kept in the directory


def enabled() -> bool:
    return os.environ.get("RATECARD_NO_CACHE", "") in ("", "0")


def directory() -> Path:
    from pathlib import Path

    return Path(folder())


def folder() -> str:
    """directory(), as a text: reading the cache needs no pathlib."""
    explicit = os.environ.get("RATECARD_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "ratecard")


def key(sources: Sequence[Source]) -> str:
    """A hash of the card's text and of everything that turns text into an index.

    That is: the cache format, every module of the engine that builds, reads
    or quotes a card and the grammar (so any other version of ratecard has
    other names), the installed Lark (its version is in its __init__), and each
    file's name and text, in order.
    """
    h = sha256(FORMAT.encode(), expected=sum(len(source.text) for source in sources))
    _feed(h, _engine_digest())
    _feed(h, _lark_version())
    for source in sources:
        for text in (source.name, source.text):
            _feed(h, text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _feed(h, data: bytes) -> None:
    h.update(len(data).to_bytes(8, "big"))  # the length first, so no two lists of parts hash alike
    h.update(data)


def _stamp(path: str) -> bytes:
    """What the file system says of a file: which file (device, inode, path), its size, when its text last
    changed and when anything of it last changed. Rewriting a file changes its change time (ctime) even where
    the writer keeps its size and sets its modified time back, and no program can set a ctime; a file put in
    place of another is another inode. Reading and hashing the text of the engine's 58 modules instead took
    3 ms of a 35 ms cached quote (bench/startup.py); their stamps take 0.3 ms."""
    info = os.stat(path)
    return (f"{path}\0{info.st_dev}\0{info.st_ino}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}"
            .encode("utf-8", "surrogatepass"))


_ENGINE: list[bytes] = []  # the running engine's digest, once worked out


def _engine_digest() -> bytes:
    """A SHA-256 of the stamps of the engine's modules (but those of READERS) and of the grammar.

    Worked out once per process: the engine that runs does not change while it
    runs, and a long-running service reads the card again without looking at
    every module again.
    """
    if not _ENGINE:
        h = sha256()
        for path in _engine_files():
            _feed(h, _stamp(path))
        _ENGINE.append(h.digest())
    return _ENGINE[0]


# Parts of the package that only use a card once it is built: the command line, the review tools, the
# formatter, credit accounts and the HTTP service. A change to them cannot change an index, so the key
# leaves them out (a quote from the cache stamps a third fewer files); tests/test_cache.py checks that building
# and caching a card imports none of them.
READERS = frozenset({"__main__.py", "cli.py", "cli_args.py", "batch.py", "reload.py", "sheet.py", "samples.py",
                     "accounts", "fmt", "review", "service"})


def _engine_files() -> list[str]:
    """The package's .py files but READERS, in the order of their paths inside it, then the grammar."""
    found: list[tuple[tuple[str, ...], str]] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(os.path.dirname(os.path.realpath(__file__)), ())]
    while stack:
        folder, parts = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if not parts and entry.name in READERS:
                    continue
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    stack.append((entry.path, (*parts, entry.name)))
                elif entry.name.endswith(".py") and entry.is_file():
                    found.append(((*parts, entry.name), entry.path))
    return [path for _, path in sorted(found)] + [_grammar()]


def _lark_version() -> bytes:
    """The stamp of Lark's __init__ (it holds __version__), found as `import lark` would find it, without
    importing it (a cached quote never loads Lark) and without importlib.util (costly to import)."""
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        try:
            spec = find("lark", None) if find is not None else None
        except Exception:  # noqa: BLE001 - a finder that fails finds nothing
            continue
        if spec is not None:
            if not spec.origin or not os.path.isfile(spec.origin):
                return b"no lark file"
            return _stamp(spec.origin)
    return b"no lark"


def read(sources: Sequence[Source]) -> Index | None:
    """The cached index of this card, or None when there is none to trust."""
    if not enabled():
        return None
    try:
        name = key(sources)
        raw = read_own(os.path.join(folder(), f"{name}.json"))
        if raw is None:
            return None
        head, sep, body = raw.partition(b"\n")
        header = json.loads(head)
        if not sep or header != _header(name, body):
            return None
        files = [s.name for s in sources]
        loads = _loads(len(body))
        with paused_gc():  # a large index is millions of objects (engine.gcpause)
            try:
                return versions_json.decode_lines(body.split(b"\n"), files, loads)
            except ValueError:
                if loads is json.loads:
                    raise
                # orjson reads whole numbers past 64 bits as floats (which no check lets through): what
                # it refuses, or makes refused, is decided by the standard library's reading
                return versions_json.decode_lines(body.split(b"\n"), files, json.loads)
    except Exception:  # noqa: BLE001 - whatever is wrong with a cache file, the card is built again
        return None


LARGE = 1 << 20  # bytes of a cached card from which orjson decodes it, when it is installed


def _loads(size: int):  # noqa: ANN202 - (bytes) -> object
    """How to decode a line of a cached card of `size` bytes: the standard library's json, or, for a large
    card (tens of thousands of rules), orjson's when it is installed (the `fast` extra), about twice as fast.
    A small card never imports orjson: it would cost a quote's start-up more than it saves."""
    if size < LARGE:
        return json.loads
    try:
        import orjson
    except ImportError:
        return json.loads
    return orjson.loads


def _header(name: str, body: bytes) -> dict:
    return {"format": FORMAT, "key": name, "sha256": sha256(body).hexdigest()}


def read_own(path: str | os.PathLike[str], limit: int | None = None) -> bytes | None:
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
        folder = write_own(f"{name}.json", json.dumps(_header(name, body)).encode() + b"\n" + body)
        _prune(folder)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is no cache, never an error
        return


def write_own(name: str, data: bytes) -> Path:
    """Write `data` as the file `name` of the cache folder, whole or not at all; the folder.

    Under a temporary name in the same folder (mode 0600), renamed into place:
    a reader or a second writer never sees half a file, and a link at `name` is
    replaced, never followed. Raises OSError when it cannot.
    """
    folder = directory()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    import tempfile  # only when writing: it costs start-up time

    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, folder / name)
    except BaseException:
        os.unlink(tmp)
        raise
    return folder


_NAME = re.compile(r"[0-9a-f]{64}\.json")  # what key() names a file, and nothing else
# What prune() may remove: files named so, starting with a header whose format starts so, naming the key
# the file is named for. engine.parser_cache keeps Lark's parsers beside the cards with its own.
CARDS = (_NAME, "ratecard-index-", "{}.json")


def _prune(folder: Path, keep: int = KEEP, kind: tuple = CARDS) -> None:
    """Drop all but the `keep` most recently written cards, so old versions do not pile up.

    Only files this cache provably wrote are touched: named as key() names them,
    regular files (a link is never followed nor removed), owned by this user, and
    starting with this cache's header for that very name. Nothing outside the
    folder is looked at: names come from the folder's own listing.
    """
    pattern = kind[0]
    ours = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if (pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)
                    and _written_here(entry.path, kind)):
                ours.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name))
    ours.sort(reverse=True)
    for _, name in ours[keep:]:
        (folder / name).unlink(missing_ok=True)


def _written_here(path: str, kind: tuple = CARDS) -> bool:
    """Whether the file starts with the header this cache writes, for the name it has."""
    _, prefix, named = kind
    try:
        raw = read_own(path, 4096)
        if raw is None or b"\n" not in raw:
            return False
        header = json.loads(raw.partition(b"\n")[0])
        return (type(header) is dict and header.keys() == {"format", "key", "sha256"}
                and str(header["format"]).startswith(prefix) and named.format(header["key"]) == os.path.basename(path))
    except (OSError, ValueError):
        return False
