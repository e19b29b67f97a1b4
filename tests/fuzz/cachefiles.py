"""Target `cache`: the compiled-card cache (engine.cache, engine.index_json) under attack.

A case loads a card once so its compiled index is cached, then:
- `flip`: corrupts bytes of the cache file (the checksum no longer matches);
- `swap`: changes values inside the body (swapped, zeroed, negative, huge,
  retyped) and writes a correct checksum, as a crafted file would;
- `edit`: edits the card, keeping the file's size and modification time
  where it can;
- `foreign`: the cache folder also holds files ratecard did not write
  (other JSON files, a symlink to a file outside it).
Then it loads again. Oracles: loading never raises anything but RateCardError;
a flipped file is ignored (the answers are the fresh card's); a crafted one never
makes a quote raise or print a non-positive price; an edited card is never answered
from the old card's cache; files ratecard did not write are never touched.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import tempfile
from pathlib import Path

import engine
from tests.fuzz import cards, quoting
from tests.fuzz.core import Finding, expect
from tests.fuzz.isolate import bounded
from tests.fuzz.loading import warm
from tests.fuzz.mutate import mutate

MODES = ("flip", "swap", "swap", "edit", "foreign")


def generate(rng: random.Random) -> dict:
    if rng.random() < 0.5:
        files = [[n.removeprefix("rules/"), t] for n, t in cards.bundled()]
    else:
        files = [["card.rules", quoting._loadable_random(rng) or cards.bundled()[0][1]]]
    return {"files": files, "mode": rng.choice(MODES), "seed": rng.randrange(1 << 30)}


def _load(path: Path, **kw) -> engine.RateCard | None:
    try:
        return engine.load(path, **kw)
    except engine.RateCardError:
        return None
    except Exception as exc:  # noqa: BLE001 - the finding
        raise Finding(f"load (with the cache) raised {type(exc).__name__}", repr(exc)[:300]) from exc


def _cached(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.json") if not p.name.startswith(".tmp"))


def _leaves(data, path=()):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _leaves(v, path + (i,))
    else:
        yield path, data


def _set(data, path, value):
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def _craft(raw: bytes, rng: random.Random) -> bytes:
    head, _, body = raw.partition(b"\n")
    lines = [json.loads(line) for line in body.split(b"\n")]
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(lines))
        leaves = list(_leaves(lines[at]))
        if not leaves:
            continue
        path, value = rng.choice(leaves)
        roll = rng.random()
        if roll < 0.4 and len(leaves) > 1:
            other_path, other = rng.choice(leaves)
            _set(lines[at], path, other)
            _set(lines[at], other_path, value)
        elif isinstance(value, int) and not isinstance(value, bool):
            _set(lines[at], path, rng.choice([0, -1, -value, value + 1, 10 ** 400, None, "1", 1.5, True]))
        else:
            _set(lines[at], path, rng.choice([0, -1, "", None, [], {}, "x", 10 ** 30]))
    body = b"\n".join(json.dumps(line, separators=(",", ":")).encode() for line in lines)
    header = json.loads(head)
    header["sha256"] = hashlib.sha256(body).hexdigest()
    return json.dumps(header).encode() + b"\n" + body


def check(case: dict) -> None:
    warm()
    bounded(lambda: _check(case))


def _check(case: dict) -> None:
    rng = random.Random(case["seed"])
    with tempfile.TemporaryDirectory(prefix="ratecard-fuzz-") as tmp:
        root = Path(tmp)
        card_dir, cache_dir = root / "card", root / "cache"
        card_dir.mkdir()
        for name, text in case["files"]:
            (card_dir / name).write_text(text, encoding="utf-8", newline="")
        os.environ["RATECARD_CACHE_DIR"] = str(cache_dir)  # this child's own
        os.environ.pop("RATECARD_NO_CACHE", None)
        mode = case["mode"]
        foreign = []
        if mode == "foreign":
            cache_dir.mkdir()
            outside = root / "outside.json"
            outside.write_text("{}")
            for i in range(40):
                path = cache_dir / f"notes-{i}.json"
                path.write_text(json.dumps({"mine": i}))
                foreign.append(path)
            (cache_dir / "link.json").symlink_to(outside)
            foreign += [cache_dir / "link.json", outside]
        fresh = _load(card_dir, use_cache=False)
        first = _load(card_dir)
        expect((fresh is None) == (first is None), "the cache changes whether a card loads")
        if fresh is None:
            return
        requests = [quoting.base_request(fresh.index, rng) for _ in range(12)]
        files = _cached(cache_dir)
        if mode == "flip" and files:
            target = rng.choice(files)
            raw = bytearray(target.read_bytes())
            for _ in range(rng.randint(1, 4)):
                raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
            target.write_bytes(bytes(raw))
        elif mode == "swap" and files:
            target = rng.choice(files)
            target.write_bytes(_craft(target.read_bytes(), rng))
        elif mode == "edit":
            at = rng.randrange(len(case["files"]))
            name, text = case["files"][at]
            path = card_dir / name
            stat = path.stat()
            new = mutate(text, rng)
            path.write_text(new, encoding="utf-8", newline="")
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            fresh = _load(card_dir, use_cache=False)
        again = _load(card_dir)
        expect((fresh is None) == (again is None), "a card loads differently from the cache",
               f"mode {mode}: fresh {'loads' if fresh else 'fails'}, cached {'loads' if again else 'fails'}")
        if mode == "foreign":
            _load(card_dir)  # a second write and prune
            gone = [p for p in foreign if not p.exists() and not p.is_symlink()]
            expect(not gone, "the cache deleted files it did not write", f"{len(gone)} gone, e.g. {gone[0].name}"
                   if gone else "")
        if again is None:
            return
        for request in requests:
            got = quoting._call("quote (from a cached card)", again.quote, request)
            quoting.sane(got, f"a card from a {mode} cache")
            if mode != "swap":
                want = fresh.quote(request)
                if got != want:
                    raise Finding(f"a card from the cache answers differently ({mode})",
                                  f"{request!r:.200}: {got!r:.200} vs {want!r:.200}")
