"""Target `files`: folders of odd entries given to `engine.load` and `ratecard check`.

A case is a small tree: .rules files from the bundled card (some empty, some
starting with a byte-order mark), the same files inside hidden folders
(`.git/`), symlinks (to files, to folders, in a loop, dangling, named `.rules`
or not), a FIFO, files that are not .rules, and files and folders that cannot
be read (tests.fuzz.unreadable: chmod 000, or its simulation under root). The
card is loaded from the tree, from a file in it, from the FIFO or from
/dev/zero. The oracles are the contract engine/sources.py states:

- loading gives a RateCard or RateCardError, in bounded time; `check` prints no
  traceback and exits 0, 1 or 2 in agreement with loading;
- a file or folder that cannot be read, a broken link named `.rules` (to
  nowhere, or in a loop) and a FIFO named `.rules` are each an error diagnostic
  naming that entry, so the card does not load; so is a FIFO, a device or a
  missing path given as the card;
- anything else odd changes nothing: the card (its price sheet, or its
  diagnostics) is the one the same tree gives without its hidden folders,
  without links that lead back up the tree or nowhere under a name that is not
  `.rules`, and with every byte-order mark removed (the same entries being
  unreadable in both; a message naming the tree's folder counts as the same).
"""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

import attrs

import engine
from engine.diagnostics import Code
from tests.fuzz import cards, quoting
from tests.fuzz.core import Finding, expect
from tests.fuzz.isolate import bounded
from tests.fuzz.loading import cli, warm
from tests.fuzz.unreadable import denied

KINDS = ("file", "file", "file", "empty", "bom", "hidden", "link-file", "link-dir", "link-loop", "dangling", "fifo",
         "other", "unreadable-file", "unreadable-dir")
FOLDERS = ("link-dir", "unreadable-dir")   # named without .rules: a folder is listed whatever its name
BROKEN = ("link-loop", "dangling")         # a link that leads to no file: named .rules or not
# What each entry that cannot be read is, for a person reading a finding.
UNREADABLE = {"unreadable-file": "an unreadable file", "unreadable-dir": "an unreadable folder",
              "dangling": "a link to nowhere named .rules", "link-loop": "a link loop named .rules",
              "fifo": "a FIFO named .rules"}


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
            suffix = "" if kind in FOLDERS or (kind in BROKEN and rng.random() < 0.5) else ".rules"
            entries.append([rng.choice(["", "sub/"]) + f"extra{len(entries)}{suffix}", kind, text])
    if rng.random() < 0.1:  # a card of empty files only
        entries = [[e[0], "empty", ""] for e in entries[:2]]
    start = rng.choice(["tree", "tree", "tree", "tree", "file", "fifo", "/dev/zero", "missing"])
    return {"entries": entries, "start": start}


def _build(root: Path, entries: list) -> tuple[list[Path], Path | None, Path | None]:
    """Makes the tree; (the paths to make unreadable, a plain file in it, a FIFO in it)."""
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
            path.symlink_to(root, target_is_directory=True)
        elif kind == "link-loop":
            path.symlink_to(path)
        elif kind == "dangling":
            path.symlink_to(root / "nowhere.rules")
        elif kind == "fifo" and hasattr(os, "mkfifo"):
            os.mkfifo(path)
            fifo = path
        elif kind == "unreadable-dir":
            path.mkdir(parents=True, exist_ok=True)
            (path / "inside.rules").write_text(text, encoding="utf-8")
            unreadable.append(path)
    return unreadable, plain, fifo


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in Path(rel).parts)


def must_fail(entries: list) -> dict[str, str]:
    """The entries loading the whole tree must report as errors: {name relative to the tree: what it is}."""
    return {rel: UNREADABLE[kind] for rel, kind, _ in entries
            if kind in UNREADABLE and not _hidden(rel) and (kind in FOLDERS or rel.endswith(".rules"))
            and (kind != "fifo" or hasattr(os, "mkfifo"))}


def plain_entries(entries: list) -> list:
    """The same tree with nothing in it that must change nothing: no hidden folders, no links back up the
    tree or to no file under a name that is not .rules, no byte-order marks."""
    out = []
    for rel, kind, text in entries:
        if _hidden(rel) or kind == "link-dir" or (kind in BROKEN and not rel.endswith(".rules")):
            continue
        out.append([rel, "file" if kind == "bom" else kind, text])
    return out


@attrs.frozen
class Outcome:
    """What loading a path gave: `seen` is comparable between trees (the price sheet, or the diagnostics
    with the tree's own folder written as <root>); `failed` names the entries an I/O error was about."""

    loads: bool
    seen: tuple
    failed: frozenset[str] = frozenset()
    card: engine.RateCard | None = None
    text: str = ""


def outcome(path: Path, root: Path) -> Outcome:
    try:
        card = engine.load(path, use_cache=False)
    except engine.RateCardError as exc:
        here = str(root)
        seen = tuple(sorted((d.code.id, d.span.file.replace(here, "<root>"), d.span.line, d.span.column,
                             d.message.replace(here, "<root>"), d.hint or "") for d in exc.diagnostics))
        failed = frozenset(d.span.file for d in exc.diagnostics if d.code is Code.IO)
        return Outcome(False, seen, failed, text=str(exc).replace(here, "<root>"))
    except Exception as exc:  # noqa: BLE001 - the finding
        raise Finding(f"load of a tree raised {type(exc).__name__}", repr(exc)[:300]) from exc
    from engine.sheet import price_sheet

    return Outcome(True, tuple((r.tool, r.model, r.params, r.credits, r.reason) for r in price_sheet(card)),
                   card=card)


def check(case: dict) -> None:
    warm()
    bounded(lambda: _check(case))


def _check(case: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="ratecard-fuzz-") as tmp:
        root = Path(tmp) / "tree"
        root.mkdir()
        entries, start = case["entries"], case["start"]
        unreadable, plain, fifo = _build(root, entries)
        path = {"tree": root, "file": plain, "fifo": fifo, "/dev/zero": Path("/dev/zero"),
                "missing": root / "missing.rules"}.get(start) or root
        # the same tree with nothing in it that may change the card
        same_root = Path(tmp) / "plain"
        same_root.mkdir()
        same_unreadable, _, _ = _build(same_root, plain_entries(entries))
        with denied(unreadable + same_unreadable):
            same = outcome(same_root, same_root) if path == root else None
            got = outcome(path, root)
            ran = cli(["check", str(path)])
        expect(ran.code in (0, 1, 2), "check exit status", str(ran.code))
        expect((ran.code == 0) == got.loads, "check's exit status disagrees with load",
               f"check {ran.code}, load {'ok' if got.loads else 'error'}: {ran.err[-300:]}")
        if got.loads:
            for name in list(got.card.index.tools) + ["nope"]:
                quoting.sane(got.card.quote({"tool": name}), "a card from a tree")
            quoting.sane(got.card.quote({}), "a card from a tree")
        if path != root:
            expect(not got.loads or path == plain and path not in unreadable,
                   "a FIFO, a device, a missing path or an unreadable file given as the card loaded", str(start))
            return
        failing = must_fail(entries)
        for rel, what in sorted(failing.items()):
            expect(rel in got.failed, f"{what} was passed over without an error naming it",
                   f"{rel}: {'the card loads' if got.loads else got.text[:400]}")
        if any(kind == "link-file" for _, kind, _ in entries):
            return  # a link to a file of the card declares its names twice: what that gives is the checks' business
        kind = ("a byte-order mark changes the card" if any(k == "bom" for _, k, _ in entries) else
                "a hidden folder, a link back up the tree or a broken link not named .rules changed the card")
        expect(got.loads == same.loads and got.seen == same.seen, kind,
               f"with: {got.text[:300] or 'loads'}\nwithout: {same.text[:300] or 'loads'}")
