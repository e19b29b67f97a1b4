"""The on-disk cache of compiled cards: same answers, rebuilt on any change, never trusted blindly."""

from __future__ import annotations

import hashlib
import os
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import engine
from engine import cache, index_json, parser_cache
from engine.sources import Source, bundled_path
from tests.seed_requests import seed_requests
from tests.bundled import SORA, bundled_quote, repriced_row, sora_price, sora_row


def _only_file(folder: Path) -> Path:
    files = list(folder.glob("*.json"))
    assert len(files) == 1
    return files[0]


def _written(folder: Path) -> list[str]:
    """The names of what the card cache wrote in the folder. Lark's parsers are cached there too
    (engine.parser_cache, tests/test_parser_cache.py); whether a test writes one depends on whether
    this process built its parser before, so they are left out here."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if not parser_cache.PARSERS[0].fullmatch(p.name))


def test_a_cached_card_gives_the_same_answers(cache_dir):
    built = engine.load()
    assert built._card is not None and _only_file(cache_dir)
    cached = engine.load()
    assert cached._card is None  # came from the cache: nothing was parsed
    assert list(index_json.encode_lines(cached.index)) == list(index_json.encode_lines(built.index))
    requests = seed_requests(built.index)
    assert cached.quote_many(requests) == engine.load(use_cache=False).quote_many(requests)
    assert cached.card.tools.keys() == built.card.tools.keys()  # the model is still there on demand


def test_changed_rules_are_compiled_again(cache_dir, rules):
    price = sora_price()
    assert engine.load(rules).quote(SORA).credits == price
    video = rules / "video.rules"
    text = video.read_text()
    video.write_text(text.replace(sora_row(text), repriced_row(sora_row(text), price + 100)))
    changed = engine.load(rules)
    assert changed._card is not None
    assert changed.quote(SORA).credits == price + 100
    assert engine.load(rules).quote(SORA).credits == price + 100


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "retyped"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(cache_dir, damage):
    engine.load()
    path = _only_file(cache_dir)
    raw = path.read_bytes()
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "flip":
        price = str(sora_price()).encode()
        assert price in raw
        raw = raw.replace(price, str(int(price) + 1).encode(), 1)
    elif damage == "garbage":
        raw = b"\x00\xff not json"
    elif damage == "empty":
        raw = b""
    else:  # a well-formed file with a good checksum whose data has the wrong types
        head, _, body = raw.partition(b"\n")
        lines = body.split(b"\n")
        model = json.loads(lines[-1])
        model["keys"] = [1]
        body = b"\n".join(lines[:-1] + [json.dumps(model).encode()])
        header = json.loads(head)
        header["sha256"] = hashlib.sha256(body).hexdigest()
        raw = json.dumps(header).encode() + b"\n" + body
    path.write_bytes(raw)
    again = engine.load()
    assert again._card is not None  # rebuilt from the rules
    assert again.quote(SORA).credits == sora_price()
    assert engine.load()._card is None  # and the rebuilt file is good


def test_a_cache_file_others_may_write_is_not_read(cache_dir):
    engine.load()
    path = _only_file(cache_dir)
    path.chmod(0o666)
    assert engine.load()._card is not None


def test_decoding_refuses_data_of_the_wrong_shape(card):
    lines = list(index_json.encode_lines(card.index))
    assert index_json.decode_lines(lines).tools.keys() == card.index.tools.keys()
    for broken in (lines[:-1], lines + ["{}"], ['{"tools": [{"name": 1}], "plans": [], "models": 0}', '{"domains": []}'],
                   [], ["[]"], [lines[0], '{"domains": [{"type": "COLOUR", "intervals": [], "values": []}]}']):
        with pytest.raises(index_json.Corrupt):
            index_json.decode_lines(broken)


def test_an_unwritable_cache_directory_is_no_obstacle(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RATECARD_CACHE_DIR", str(blocker / "cache"))
    first, second = engine.load(), engine.load()
    assert second._card is not None
    assert first.quote({"tool": "voiceover", "chars": 11}) == second.quote({"tool": "voiceover", "chars": 11})


def test_xdg_cache_home_is_respected(tmp_path, monkeypatch):
    monkeypatch.delenv("RATECARD_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.directory() == tmp_path / "ratecard"


def test_ratecard_no_cache_turns_it_off(cache_dir, monkeypatch):
    monkeypatch.setenv("RATECARD_NO_CACHE", "1")
    engine.load()
    assert engine.load()._card is not None
    assert not cache_dir.exists()


def test_cards_with_warnings_are_not_cached_so_their_warnings_are_always_reported(cache_dir):
    text = "tool voiceover { chars >= 0 }\nvoiceover -> 1\nvoiceover -> 1\n"
    assert engine.loads(text, use_cache=True).warnings
    assert engine.loads(text, use_cache=True).warnings
    assert _written(cache_dir) == []
    engine.loads("tool voiceover { chars >= 0 }\nvoiceover -> 1\n", use_cache=True)
    assert _only_file(cache_dir)


def test_loads_is_not_cached_unless_asked(cache_dir):
    engine.loads("tool voiceover { chars >= 0 }\nvoiceover -> 1\n")
    assert _written(cache_dir) == []


def test_quoting_from_the_cache_does_not_load_the_parser(cache_dir):
    engine.load()
    code = "import sys, engine; c = engine.load(); print(c.quote({'tool': 'voiceover', 'chars': 11}).credits, " \
           "'lark' in sys.modules, c._card is None)"
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    price = bundled_quote({"tool": "voiceover", "chars": 11}).credits
    assert out.stdout.split() == [str(price), "False", "True"]


# ---------------------------------------------------------------- a folder the cache shares with other files


def _user_files(folder: Path, count: int) -> dict[Path, bytes]:
    """Files a user keeps beside the cache: JSON of their own, one named like a cache file, links."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for i in range(count):
        path = folder / f"notes-{i:03}.json"
        path.write_text(json.dumps({"note": i}))
        files[path] = path.read_bytes()
    lookalike = folder / f"{'a' * 64}.json"  # the cache's name pattern, but not its header
    lookalike.write_text('{"format": "something else", "key": "' + "a" * 64 + '"}\n{}')
    files[lookalike] = lookalike.read_bytes()
    return files


def test_a_load_never_deletes_the_users_own_files(cache_dir):
    kept = _user_files(cache_dir, 40)  # more than the cache keeps of its own
    for path in kept:
        os.utime(path, ns=(1, 1))  # older than anything the cache writes
    engine.load()
    assert {p: p.read_bytes() for p in kept if p.exists()} == kept
    assert engine.load()._card is None  # and the cache still works beside them


def test_pruning_keeps_the_newest_cards_and_touches_nothing_else(cache_dir, tmp_path):
    kept = _user_files(cache_dir, 3)
    outside = tmp_path / "outside.json"
    engine.loads(VOICE.format(1), use_cache=True)
    (written,) = [p for p in cache_dir.glob("*.json") if p not in kept]
    outside.write_bytes(written.read_bytes())  # a file with the cache's header, outside the folder
    link = cache_dir / f"{'b' * 64}.json"
    link.symlink_to(outside)
    (cache_dir / "sub").mkdir()
    nested = cache_dir / "sub" / written.name
    nested.write_bytes(written.read_bytes())
    older = cache_dir / f"{'c' * 64}.json"  # a file an older version of the cache wrote: pruned too
    older.write_text(json.dumps({"format": "ratecard-index-1", "key": "c" * 64, "sha256": "0"}) + "\n{}")
    os.utime(older, ns=(1, 1))
    for n in range(1, 6):
        engine.loads(VOICE.format(n), use_cache=True)
    for n in range(1, 6):
        os.utime(_card_file(cache_dir, VOICE.format(n)), ns=(n * 10**9, n * 10**9))  # card 5 the newest
    cache._prune(cache_dir, keep=2)
    ours = sorted(p for p in cache_dir.glob("*.json") if p not in kept and p != link)
    assert len(ours) == 2 and not older.exists()
    assert all(engine.loads(VOICE.format(n), use_cache=True)._card is None for n in (4, 5))  # the newest two
    assert {p: p.read_bytes() for p in kept} == kept
    assert link.is_symlink() and outside.exists() and nested.exists()


VOICE = "tool voiceover {{ chars >= 1 }}\nvoiceover -> chars * {}\n"


def _card_file(folder: Path, text: str) -> Path:
    from engine.sources import Source

    return folder / f"{cache.key([Source('<string>', '<string>', text)])}.json"


# ---------------------------------------------------------------- writing


def test_a_write_that_fails_halfway_leaves_no_file_behind(cache_dir, monkeypatch):
    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    card = engine.load()
    assert card.quote({"tool": "voiceover", "chars": 11}).credits == 2
    assert list(cache_dir.iterdir()) == []  # neither a half-written card nor a temporary file


@pytest.mark.parametrize("where", ["mkdir", "mkstemp", "encode"])
def test_a_cache_that_cannot_be_written_is_silently_no_cache(cache_dir, monkeypatch, capsys, where):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied") if where != "encode" else TypeError("surprise")

    target = {"mkdir": (Path, "mkdir"), "mkstemp": (__import__("tempfile"), "mkstemp"),
              "encode": (index_json, "encode_lines")}[where]
    monkeypatch.setattr(*target, refuse)
    first, second = engine.load(), engine.load()
    assert second._card is not None
    assert first.quote({"tool": "voiceover", "chars": 11}) == second.quote({"tool": "voiceover", "chars": 11})
    assert capsys.readouterr() == ("", "")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes to a read-only folder; the monkeypatched test above covers it")
def test_a_read_only_cache_folder_for_real(cache_dir):
    cache_dir.mkdir()
    cache_dir.chmod(0o500)
    try:
        assert engine.load().quote({"tool": "voiceover", "chars": 11}).credits == 2
        assert engine.load()._card is not None
    finally:
        cache_dir.chmod(0o700)


def test_concurrent_writers_and_readers_only_ever_see_whole_files(cache_dir):
    import threading

    card = engine.load()
    good = list(index_json.encode_lines(card.index))
    seen, errors = [], []

    def writer():
        for _ in range(20):
            cache.write(card._sources, card.index)

    def reader():
        for _ in range(60):
            try:
                found = cache.read(card._sources)
            except BaseException as exc:  # noqa: BLE001 - the test reports it
                errors.append(exc)
            else:
                seen.append(found is None or list(index_json.encode_lines(found)) == good)

    threads = [threading.Thread(target=writer) for _ in range(3)] + [threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and all(seen)
    assert _written(cache_dir) == [f"{cache.key(card._sources)}.json"]  # no temporary left


def test_a_cache_file_that_is_a_link_is_not_read(cache_dir, tmp_path):
    engine.load()
    path = _only_file(cache_dir)
    moved = tmp_path / "elsewhere.json"
    path.rename(moved)
    path.symlink_to(moved)
    assert engine.load()._card is not None


# ---------------------------------------------------------------- reading: validated as strictly as text


def _rewrite(path: Path, change) -> None:
    """Change the body's JSON lines and write the file back with a checksum that matches again."""
    head, _, body = path.read_bytes().partition(b"\n")
    lines = [json.loads(line) for line in body.split(b"\n")]
    change(lines)
    body = b"\n".join(json.dumps(line).encode() for line in lines)
    header = json.loads(head)
    header["sha256"] = hashlib.sha256(body).hexdigest()
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)


def test_a_crafted_cache_file_that_divides_by_zero_is_rebuilt_not_a_crash(cache_dir):
    engine.load()
    path = _only_file(cache_dir)

    def divide_by_zero(lines):
        entry = next(m for m in lines[2:] if m["entries"])["entries"][0]  # a rule written out in full
        entry[1][3][1] = ["op", "DIV", ["n", 1], ["n", 0]]

    _rewrite(path, divide_by_zero)
    again = engine.load()
    assert again._card is not None
    assert again.quote({"tool": "voiceover", "chars": 11}).credits == 2


@pytest.mark.parametrize("damage", ["zero price", "negative number", "unknown parameter", "unrounded division",
                                    "rule of another tool", "unsorted domain", "text in a number domain",
                                    "key outside the model", "span outside the card", "plan for no tool",
                                    "unpriced key", "formula of an unpriced parameter", "divisor rounded to 0"])
def test_a_well_typed_cache_file_with_a_meaning_no_card_has_is_rebuilt(cache_dir, damage):
    engine.load()
    path = _only_file(cache_dir)

    def change(lines):
        model = next(m for m in lines[2:] if any(e[1][3][0] == "price" for e in m["entries"]))
        price = next(e[1] for e in model["entries"] if e[1][3][0] == "price")
        if damage == "zero price":
            price[3][1] = ["n", 0]
        elif damage == "negative number":
            price[3][1] = ["op", "ADD", ["n", 5], ["n", -1]]
        elif damage == "unknown parameter":
            price[3][1] = ["p", "nothing-of-the-sort"]
        elif damage == "unrounded division":
            price[3][1], price[4] = ["op", "DIV", ["n", 10], ["n", 3]], None
        elif damage == "rule of another tool":
            price[0] = "some-other-tool"
        elif damage == "unsorted domain":
            lines[1]["domains"].append({"type": "INT", "intervals": [[5, 9], [1, 2]], "values": []})
            price[2].append([model["slots"][0]["param"]["name"], len(lines[1]["domains"]) - 1])
        elif damage == "text in a number domain":
            lines[1]["domains"].append({"type": "INT", "intervals": [], "values": ["x"]})
        elif damage == "key outside the model":
            keyed = next(m for m in lines[2:] if m["keys"])
            cells = keyed["cells"] or keyed["table"][0]  # the first cell, of a flat table or not
            cells[:len(keyed["keys"])] = ["not offered"] * len(keyed["keys"])
        elif damage in ("unpriced key", "formula of an unpriced parameter"):
            keyed = next(m for m in lines[2:] if m["keys"])  # a number the table is keyed by: unpriced now
            if damage == "unpriced key":
                next(s for s in keyed["slots"] if s["param"]["name"] == keyed["keys"][0])["param"]["unpriced"] = True
            else:
                slot = next(s for s in model["slots"] if s["param"]["name"] not in model["keys"] + model["ranged"]
                            and lines[1]["domains"][s["param"]["domain"]]["type"] == "INT")
                slot["param"]["unpriced"] = True
                price[3][1] = ["op", "ADD", ["n", 1], ["p", slot["param"]["name"]]]
        elif damage == "divisor rounded to 0":  # 1 / 2 is positive, but `round down` makes it floor(1 / 2) = 0
            price[3][1], price[4] = ["op", "DIV", ["n", 10], ["op", "DIV", ["n", 1], ["n", 2]]], "DOWN"
        elif damage == "span outside the card":
            price[5][0] = "another-card.rules"
        else:
            lines[0]["plans"].append(["free", ["no-such-tool"]])

    _rewrite(path, change)
    body = path.read_bytes().partition(b"\n")[2]
    with pytest.raises(index_json.Corrupt):  # refused as such, not by way of some other exception
        index_json.decode_lines(body.split(b"\n"), files=[p.name for p in bundled_path().glob("*.rules")])
    assert engine.load()._card is not None


def test_every_card_in_the_tests_reads_back_from_its_cache(cache_dir):
    cards = [engine.load()] + [engine.load(p) for p in sorted((Path(__file__).parent / "cases" / "valid").glob("*"))]
    for card in cards:
        assert engine.load(card._sources[0].path if len(card._sources) == 1 else None)._card is None


def test_the_key_covers_everything_that_makes_the_index(monkeypatch):
    from engine.sources import Source

    base = [Source("a.rules", "a.rules", "tool t { }\n"), Source("b.rules", "b.rules", "t -> 1\n")]
    variants = [
        [Source("a2.rules", "a.rules", "tool t { }\n"), base[1]],            # a file renamed
        [Source("a.rules", "a.rules", "tool t { } \n"), base[1]],            # a file edited
        [Source("a.rules", "a.rules", "tool t { }\nt"), Source("b.rules", "b.rules", " -> 1\n")],  # text moved
        base[::-1],                                                          # files in another order
    ]
    keys = {cache.key(base)} | {cache.key(v) for v in variants}
    assert len(keys) == 1 + len(variants)
    assert cache.key(base) == cache.key(list(base))
    monkeypatch.setattr(cache, "_lark_version", lambda: b"__version__ = '9.9.9'")
    assert cache.key(base) not in keys  # another Lark may parse the same text otherwise
    monkeypatch.undo()
    monkeypatch.setattr(cache, "FORMAT", "ratecard-index-999")
    assert cache.key(base) not in keys


def test_the_key_follows_every_change_to_an_engine_module(tmp_path, monkeypatch):
    """The engine's modules enter the key by their stamps, not their text: an edit of the same size with
    its modified time set back, a file put in place of another, a file added, each gives another key."""
    modules = [tmp_path / "a.py", tmp_path / "b.py"]
    for module in modules:
        module.write_text("PRICE = 1\n")
    listed = list(modules)
    monkeypatch.setattr(cache, "_engine_files", lambda: [str(path) for path in listed])
    card = [Source("a.rules", "a.rules", "tool t { }\nt -> 1\n")]

    def key() -> str:
        monkeypatch.setattr(cache, "_ENGINE", [])  # a new process: the digest worked out again
        return cache.key(card)

    keys = [key()]
    assert key() == keys[0]  # nothing changed, nothing to build again
    before = os.stat(modules[0])
    time.sleep(0.02)  # a change time is as fine as the kernel's clock: one tick (up to 10 ms) on some systems
    modules[0].write_text("PRICE = 2\n")
    os.utime(modules[0], ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(modules[0]).st_size == before.st_size
    keys.append(key())
    replacement = tmp_path / "new.py"
    replacement.write_text("PRICE = 3\n")
    os.replace(replacement, modules[1])
    keys.append(key())
    listed.append(tmp_path / "c.py")
    listed[-1].write_text("")
    keys.append(key())
    assert len(set(keys)) == len(keys)


def test_the_key_hashes_every_module_that_builds_reads_or_quotes_a_card(cache_dir):
    """cache.READERS leaves modules out of the key: none of them may take part in making an index."""
    code = ("import sys, engine\nfrom engine import cache\ncard = engine.load(use_cache=False)\n"
            "cache.write(card._sources, card.index)\nassert cache.read(card._sources) is not None\n"
            "card.quote({'tool': 'voiceover', 'chars': 11})\n"
            "print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.split('.')[0] == 'engine'))")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True,
                         env={**os.environ, "RATECARD_CACHE_DIR": str(cache_dir)})
    used = {os.path.realpath(path) for path in out.stdout.split()}
    hashed = {os.path.realpath(path) for path in cache._engine_files()}
    assert used and used <= hashed, used - hashed
    assert any(path.endswith(os.path.join("engine", "compile.py")) for path in hashed)


def test_a_cached_card_explains_and_lists_its_prices_as_the_built_one(cache_dir):
    """What only explain and the price sheet read (a rule's AST, its spans) is made from the cache's data on demand."""
    from engine.review.explain import explanation, render
    from engine.sheet import price_sheet

    built = engine.load()
    cached = engine.load()
    assert cached._card is None
    requests = [SORA, {"tool": "voiceover", "chars": 123}, {"tool": "text-to-video", "model": "Sora 2 Pro", "dur": 6},
                {"tool": "voiceover", "chars": "many"}]
    for request in requests:
        assert render(explanation(cached, request)) == render(explanation(built, request))
    for tool in built.index.tools:
        assert list(price_sheet(cached, tool)) == list(price_sheet(built, tool))
    entry = next(iter(cached.index.tools["voiceover"].models[None].table.values()))[0]
    built_entry = next(iter(built.index.tools["voiceover"].models[None].table.values()))[0]
    assert entry.rule == built_entry.rule and entry.rule.span == built_entry.rule.span
    assert entry.expr == built_entry.expr and entry.label == built_entry.label == entry.rule.label
