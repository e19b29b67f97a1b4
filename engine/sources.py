"""Finding and reading .rules files: a file, a folder of them, or the bundled card.

Every card's text goes through `Source`, which normalises it the one way both
`engine.load` (a file) and `engine.loads` (a text) need: a leading byte-order
mark is dropped and every line break ("\\r\\n", a lone "\\r", "\\n") becomes "\\n".

In a folder, every `*.rules` file below it is read, in every subfolder, except
hidden ones: a file or folder whose name starts with "." (`.git/`, an editor's
`.#card.rules` lock file, macOS's `._card.rules`) is passed over, as version
control and editors put copies there. Links are followed; a link back up the
tree is not walked twice. Nothing else is passed over silently: a file or
folder that cannot be read, a file that is not UTF-8, a path that is not a
regular file or folder (a FIFO, a device) and a file over MAX_BYTES are each an
error diagnostic, so such a card does not load.

Light to import (no pathlib, no attrs, diagnostics only once one is made): the
files are read on every quote from the compiled-card cache.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable

from engine.plain import Frozen, init
from engine.sha import sha256

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path

    from engine.diagnostics import Diagnostic

BOM = "\ufeff".encode()
MAX_BYTES = 64 * 1024 * 1024  # a rules file larger than this is refused (the real card is 28 kB; 100k rules, 6 MB)


def normalise(text: str) -> str:
    """The text as the parser and the spans see it: no byte-order mark, every line ending "\\n"."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


class Source(Frozen, fields=("name", "path", "text")):
    """One .rules file: `name`, as rules name it (`video.rules`, relative to the folder given);
    `path`, how a person finds it from here; `text`, as normalise() leaves it."""

    __slots__ = ("name", "path", "text")

    name: str
    path: str
    text: str

    def __init__(self, name: str, path: str, text: str) -> None:
        init(self, "name", name)
        init(self, "path", path)
        init(self, "text", normalise(text))


DIGEST_FORMAT = b"ratecard-card-digest-1"


def digest(sources: Iterable[Source]) -> str:
    """The card's identity: a SHA-256 (hex) of its files' names and texts.

    The same on every machine and for any order the files were found in (they
    are taken by name, relative to the card's folder), and different after any
    edit. Line endings count as the parser reads them: `\\r\\n` is `\\n`, so a
    card checked out with either ending has one digest. Each part is prefixed
    with its length, so no two cards can run together into one text.
    """
    sources = sorted(sources, key=lambda s: s.name)
    h = sha256(DIGEST_FORMAT, expected=sum(len(source.text) for source in sources))
    for source in sources:
        for part in (source.name, source.text):  # the text as normalise() left it, as the parser reads it
            data = part.encode("utf-8", "surrogatepass")
            h.update(len(data).to_bytes(8, "big"))
            h.update(data)
    return h.hexdigest()


_HERE = os.path.dirname(os.path.realpath(__file__))  # the package folder (importlib.resources costs start-up time)


def _bundled() -> str:
    packaged = os.path.join(_HERE, "rules")
    return packaged if os.path.isdir(packaged) else os.path.join(os.path.dirname(_HERE), "rules")


def _grammar() -> str:
    packaged = os.path.join(_HERE, "grammar", "ratecard.lark")
    return packaged if os.path.isfile(packaged) else os.path.join(os.path.dirname(_HERE), "grammar", "ratecard.lark")


def bundled_path() -> Path:
    """The rate card shipped in the wheel; in a source checkout, the repo's rules/."""
    from pathlib import Path

    return Path(_bundled())


def grammar_path() -> Path:
    """The grammar ships inside the package (see pyproject); fall back to the repo layout."""
    from pathlib import Path

    return Path(_grammar())


def _as_path(text: str) -> Path:
    """A path as messages and display paths have always shown it (pathlib's spelling): only when needed."""
    from pathlib import Path

    return Path(text)


def _io_error(message: str, where: str, hint: str | None = None) -> Diagnostic:
    from engine.diagnostics import Code, Span, error

    return error(Code.IO, message, Span(where, 1, 1, 1, 1), hint=hint)


def read(path: str | os.PathLike[str] | None) -> tuple[list[Source], list[Diagnostic]]:
    """The card's files as sources, and a diagnostic for each file or folder that cannot be read."""
    named, diagnostics = _find(path)
    sources = []
    for name, file, display in named:
        text, problem = read_file(file, name, display)
        if problem is not None:
            diagnostics.append(problem)
        else:
            sources.append(Source(name=name, path=display, text=text))
    return sources, diagnostics


def find(path: str | os.PathLike[str] | None) -> tuple[list[tuple[str, Path, str]], list[Diagnostic]]:
    """The files a card at `path` is read from, as (its name in rules, where it is, how a person finds it),
    and a diagnostic for each folder that cannot be listed or a path that is neither a file nor a folder.
    `ratecard fmt` formats exactly these files, so it lays out what `check` reads, no more, no less."""
    named, diagnostics = _find(path)
    return [(name, _as_path(file), display) for name, file, display in named], diagnostics


def _find(path: str | os.PathLike[str] | None) -> tuple[list[tuple[str, str, str]], list[Diagnostic]]:
    """find's files, each where it is as a str (pathlib is imported for messages only)."""
    root = _bundled() if path is None else os.fspath(path)
    shown = str(path) if path is not None else None
    try:
        mode = os.stat(root).st_mode
    except OSError as exc:
        where = str(_as_path(root))
        if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
            return [], [_io_error(f"cannot find {where}", where, hint="give a .rules file or a folder of them")]
        return [], [_io_error(f"cannot read {where}: {_reason(exc)}", where)]
    if stat.S_ISDIR(mode):
        named, diagnostics = _walk(root)
        if not named and not diagnostics:
            where = str(_as_path(root))
            return [], [_io_error(f"there are no .rules files in {where}", where)]
        folder = _as_path(shown) if shown is not None else None
        return [(name, file, str(folder / name) if folder is not None else name) for name, file in named], \
            diagnostics
    if stat.S_ISREG(mode):
        return [(os.path.basename(root), root, shown or os.path.basename(root))], []
    where = str(_as_path(root))
    return [], [_io_error(f"{where} is not a regular file or folder ({_kind(mode)})", where,
                          hint="give a .rules file or a folder of them")]


def below(root: str | os.PathLike[str], suffix: str) -> tuple[list[tuple[str, str]], list[Diagnostic]]:
    """Every file named `*suffix` below the folder root, found as a card's .rules files are (hidden
    entries skipped, linked folders followed once): (its name relative to root, where it is), and a
    diagnostic per folder that cannot be listed. `ratecard test` finds its .expect files so."""
    return _walk(os.fspath(root), suffix)


def _walk(root: str, suffix: str = ".rules") -> tuple[list[tuple[str, str]], list[Diagnostic]]:
    """Every .rules file (or `*suffix`) below root, by its name relative to root; a diagnostic per folder
    it cannot list.

    A stack, not recursion: a tree nested thousands of folders deep is walked like any other.
    """
    found: list[tuple[str, str]] = []
    problems: list[Diagnostic] = []
    stack = [(root, "", frozenset({_identity(root)}))]  # (folder, its name relative to root + "/", folders above)
    while stack:
        folder, prefix, above = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            problems.append(_io_error(f"cannot read the folder {_as_path(folder)}: {_reason(exc)}",
                                      prefix.rstrip("/") or str(_as_path(root))))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden: .git/, editor lock files and the like (see the module docstring)
            name = prefix + entry.name
            try:
                is_dir = entry.is_dir()  # follows links
                identity = _identity(entry.path) if is_dir else None
            except OSError:
                is_dir = False
            if is_dir:
                if identity not in above:  # a link back up the tree would loop
                    stack.append((entry.path, name + "/", above | {identity}))
            elif entry.name.endswith(suffix):
                found.append((name, entry.path))  # a broken link is reported when it is read
    found.sort(key=lambda pair: pair[0].split("/"))
    problems.sort(key=lambda d: d.span.file.split("/"))
    return found, problems


def _identity(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino


def read_file(file: str | os.PathLike[str], name: str, display: str) -> tuple[str | None, Diagnostic | None]:
    """The file's text (without a byte-order mark; line endings as they are), or why it cannot be had.
    Never blocks on a FIFO nor reads a device forever."""
    try:
        mode = os.stat(file).st_mode  # before opening: opening a FIFO waits for a writer
        if not stat.S_ISREG(mode):
            return None, _io_error(f"cannot read {display}: not a regular file ({_kind(mode)})", name)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(file, flags)
        with open(fd, "rb") as handle:
            info = os.fstat(handle.fileno())  # the file opened may not be the one looked at
            if not stat.S_ISREG(info.st_mode):
                return None, _io_error(f"cannot read {display}: not a regular file ({_kind(info.st_mode)})", name)
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, _io_error(f"cannot read {display}: {_reason(exc)}", name)
    if len(data) > MAX_BYTES:
        return None, _io_error(f"cannot read {display}: it is larger than {MAX_BYTES // (1024 * 1024)} MiB, "
                               "the most a rules file may hold", name,
                               hint="split the card into several .rules files in one folder")
    if data.startswith(BOM):
        data = data[len(BOM):]  # a byte-order mark is no part of the text
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, _not_utf8(data, exc, name, display)


def _not_utf8(data: bytes, exc: UnicodeDecodeError, name: str, display: str) -> Diagnostic:
    """Where the first byte that is not UTF-8 is: line and column as the parser would count them."""
    from engine.diagnostics import Code, Span, error

    before = data[:exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    line = before.count(b"\n") + 1
    start_of_line = before.rfind(b"\n") + 1
    column = len(before[start_of_line:].decode("utf-8")) + 1
    byte = data[exc.start]
    return error(Code.IO, f"cannot read {display}: line {line}, column {column} holds byte 0x{byte:02x}, "
                          "which is not UTF-8", Span(name, line, column, line, column + 1),
                 hint="save the file as UTF-8")


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))
    return next((word for test, word in kinds if test(mode)), "not a file")


def _reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else str(exc)
