"""Target `files`: folders of odd entries given to `engine.load` and `ratecard check`.

A case is a small tree: .rules files from the bundled card (some empty, some
starting with a byte-order mark), the same files inside hidden folders
(`.git/`), symlinks (to files, to folders, in a loop, dangling), a FIFO, files
that are not .rules, and entries made unreadable (simulated: reading them
raises PermissionError, since the tests may run as root). The card is loaded
from the tree, from a file in it, from the FIFO or from /dev/zero.
Oracles: loading gives a RateCard or RateCardError, in bounded time; `check`
prints no traceback and exits 0, 1 or 2 in agreement with loading; a hidden
folder changes nothing; an unreadable entry that would be read is an error,
never silently skipped; a byte-order mark either changes nothing or gets a
diagnostic that names it; every rejection message is whole.
"""

from __future__ import annotations

import builtins
import io
import os
import random
import tempfile
from pathlib import Path

import engine
from tests.fuzz import cards, quoting
from tests.fuzz.core import Finding, expect
from tests.fuzz.isolate import bounded
from tests.fuzz.loading import cli, warm

KINDS = ("file", "file", "file", "empty", "bom", "hidden", "link-file", "link-dir", "link-loop", "dangling", "fifo",
         "other", "unreadable-file", "unreadable-dir")


def generate(rng: random.Random) -> dict:
    bundled = [[n.removeprefix("rules/"), t] for n, t in cards.bundled()]
    entries = []
    for name, text in rng.sample(bundled, rng.randint(1, len(bundled))):
        folder = rng.choice(["", "", "sub/", "a/b/"])
        entries.append([folder + name, "file", text])
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(KINDS) if rng.random() < 0.85 else "bom"
        name, text = rng.choice(bundled)
        if kind == "hidden":
            entries.append([rng.choice([".git/", ".hidden/", "sub/.cache/"]) + name, "file", text])
        elif kind == "other":
            entries.append([rng.choice(["notes.txt", "x.rules.bak", "README"]), "file", "not rules {"])
        else:
            entries.append([rng.choice(["", "sub/"]) + f"extra{len(entries)}.rules", kind, text])
    if rng.random() < 0.1:  # a card of empty files only
        entries = [[e[0], "empty", ""] for e in entries[:2]]
    start = rng.choice(["tree", "tree", "tree", "tree", "file", "fifo", "/dev/zero", "missing"])
    return {"entries": entries, "start": start}


def _build(root: Path, entries: list) -> tuple[list[Path], Path | None, Path | None]:
    """Makes the tree; (unreadable paths, a plain file in it, a FIFO in it)."""
    unreadable, plain, fifo = [], None, None
    for rel, kind, text in entries:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind in ("file", "unreadable-file"):
            path.write_text(text, encoding="utf-8")
            plain = plain or path
            if kind == "unreadable-file":
                unreadable.append(path)
        elif kind == "empty":
            path.write_text("")
        elif kind == "bom":
            path.write_text("\ufeff" + text, encoding="utf-8")
        elif kind == "link-file" and plain is not None:
            path.symlink_to(plain)
        elif kind == "link-dir":
            path.with_suffix("").symlink_to(root, target_is_directory=True)
        elif kind == "link-loop":
            path.with_suffix("").symlink_to(path.with_suffix(""))
        elif kind == "dangling":
            path.symlink_to(root / "nowhere.rules")
        elif kind == "fifo" and hasattr(os, "mkfifo"):
            os.mkfifo(path)
            fifo = path
        elif kind == "unreadable-dir":
            folder = path.with_suffix("")
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "inside.rules").write_text(text, encoding="utf-8")
            unreadable.append(folder)
    return unreadable, plain, fifo


def _deny(paths: list[Path]) -> None:
    """From now on (in this child), reading these files or listing these folders raises PermissionError."""
    denied = {str(p) for p in paths}

    def check(path) -> None:
        if isinstance(path, (str, os.PathLike)) and os.fspath(path) in denied:
            raise PermissionError(13, "Permission denied", os.fspath(path))

    real_open, real_scandir, real_listdir = io.open, os.scandir, os.listdir

    def fake_open(file, *args, **kw):
        check(file)
        return real_open(file, *args, **kw)

    def fake_scandir(path="."):
        check(path)
        return real_scandir(path)

    def fake_listdir(path="."):
        check(path)
        return real_listdir(path)

    io.open = builtins.open = fake_open
    os.scandir, os.listdir = fake_scandir, fake_listdir


def _outcome(path) -> tuple[str, object]:
    try:
        card = engine.load(path, use_cache=False)
    except engine.RateCardError as exc:
        return "error", sorted(d.message for d in exc.diagnostics), exc
    except Exception as exc:  # noqa: BLE001 - the finding
        raise Finding(f"load of a tree raised {type(exc).__name__}", repr(exc)[:300]) from exc
    from engine.sheet import price_sheet

    return "ok", [(r.tool, r.model, r.params, r.credits, r.reason) for r in price_sheet(card)], card


def check(case: dict) -> None:
    warm()
    bounded(lambda: _check(case))


def _check(case: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="ratecard-fuzz-") as tmp:
        root = Path(tmp) / "tree"
        root.mkdir()
        unreadable, plain, fifo = _build(root, case["entries"])
        start = case["start"]
        path = {"tree": root, "file": plain, "fifo": fifo, "/dev/zero": Path("/dev/zero"),
                "missing": root / "missing.rules"}.get(start) or root
        # the same tree with nothing odd in it: what the odd entries must not change
        clean_root = Path(tmp) / "clean"
        clean_root.mkdir()
        _build(clean_root, [e for e in case["entries"] if e[1] in ("file", "empty", "other")
                            and not any(part.startswith(".") for part in Path(e[0]).parts)])
        clean = _outcome(clean_root) if path == root else None
        _deny(unreadable)
        got = _outcome(path)
        ran = cli(["check", str(path)])
        expect(ran.code in (0, 1, 2), "check exit status", str(ran.code))
        expect((ran.code == 0) == (got[0] == "ok"), "check's exit status disagrees with load",
               f"check {ran.code}, load {got[0]}: {ran.err[-300:]}")
        if got[0] == "ok":
            card = got[2]
            for name in list(card.index.tools) + ["nope"]:
                quoting.sane(card.quote({"tool": name}), "a card from a tree")
            quoting.sane(card.quote({}), "a card from a tree")
        if path != root:
            return
        read = [p for p in unreadable if not any(part.startswith(".") for part in p.relative_to(root).parts)]
        if read:
            expect(got[0] == "error", "an unreadable entry was skipped without an error",
                   ", ".join(p.relative_to(root).as_posix() for p in read))
            return
        odd = {e[1] for e in case["entries"]} - {"file", "empty", "other", "dangling", "fifo"}
        if not odd:  # hidden folders, FIFOs and symlinks to nowhere must change nothing
            expect(got[0] == clean[0] and got[1:2] == clean[1:2], "a hidden folder, FIFO or dangling link changed "
                   "the card",
                   f"with: {got[0]}, without: {clean[0]}")
        if odd == {"bom"}:  # the same files without their byte-order marks
            plain_root = Path(tmp) / "plain"
            plain_root.mkdir()
            _build(plain_root, [[e[0], "file" if e[1] == "bom" else e[1], e[2]] for e in case["entries"]])
            plain = _outcome(plain_root)
            if got[0] != plain[0] or got[1:2] != plain[1:2]:
                text = str(got[2]).lower() if got[0] == "error" else ""
                expect("byte-order" in text or "byte order" in text or "bom" in text,
                       "a byte-order mark changes the card without an error that names it", text[:400])
