"""Finding and reading .rules files: a file, a folder of them, or the bundled card."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import attrs

from engine.diagnostics import Code, Diagnostic, Span, error


@attrs.frozen
class Source:
    name: str   # how rules name it: `video.rules`, relative to the folder given
    path: str   # how a person finds it from here
    text: str


DIGEST_FORMAT = b"ratecard-card-digest-1"


def digest(sources: Iterable[Source]) -> str:
    """The card's identity: a SHA-256 (hex) of its files' names and texts.

    The same on every machine and for any order the files were found in (they
    are taken by name, relative to the card's folder), and different after any
    edit. Line endings count as the parser reads them: `\\r\\n` is `\\n`, so a
    card checked out with either ending has one digest. Each part is prefixed
    with its length, so no two cards can run together into one text.
    """
    h = hashlib.sha256(DIGEST_FORMAT)
    for source in sorted(sources, key=lambda s: s.name):
        for part in (source.name, source.text.replace("\r\n", "\n")):
            data = part.encode("utf-8", "surrogatepass")
            h.update(len(data).to_bytes(8, "big"))
            h.update(data)
    return h.hexdigest()


def bundled_path() -> Path:
    """The rate card shipped in the wheel; in a source checkout, the repo's rules/."""
    here = Path(__file__).resolve().parent  # the package folder (importlib.resources costs start-up time)
    packaged = here / "rules"
    if packaged.is_dir():
        return packaged
    return here.parent / "rules"


def grammar_path() -> Path:
    """The grammar ships inside the package (see pyproject); fall back to the repo layout."""
    here = Path(__file__).resolve().parent
    packaged = here / "grammar" / "ratecard.lark"
    if packaged.is_file():
        return packaged
    return here.parent / "grammar" / "ratecard.lark"


def read(path: str | Path | None) -> tuple[list[Source], list[Diagnostic]]:
    root = bundled_path() if path is None else Path(path)
    shown = str(path) if path is not None else None
    nowhere = Span(str(root), 1, 1, 1, 1)
    if root.is_dir():
        files = sorted(p for p in root.rglob("*.rules") if p.is_file())
        if not files:
            return [], [error(Code.IO, f"there are no .rules files in {root}", nowhere)]
        named = [(p.relative_to(root).as_posix(), p) for p in files]
    elif root.is_file():
        named = [(root.name, root)]
    else:
        return [], [error(Code.IO, f"cannot find {root}", nowhere, hint="give a .rules file or a folder of them")]
    sources, diagnostics = [], []
    for name, file in named:
        display = str(Path(shown) / name) if shown is not None and root.is_dir() else (shown or name)
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            diagnostics.append(error(Code.IO, f"cannot read {display}: {exc}", Span(name, 1, 1, 1, 1)))
            continue
        sources.append(Source(name=name, path=display, text=text))
    return sources, diagnostics
