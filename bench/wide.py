"""Cards with wide ranges: compile time, compiled size, and first-seen quote time against the dict floor.

    python bench/wide.py [--side 4096] [--repeats 7] [--skip-wide]

Cards (each one rule over every parameter, so it checks clean):

- two:   tool t { x 1..SIDE  y 1..SIDE }            t x 1..SIDE y 1..SIDE -> 5
- three: tool t { x 1..SIDE  y 1..SIDE  z 1..SIDE }  (the same over three)
- steps: tool t { a >= 1  b 1..SIDE }, 200 rules on `a` (one range each) and a formula
- nested: tool t { a >= 1  b >= 1  c >= 1 }, 60 values of each cut where the previous
  ones leave off (178 rules; every combination of the pieces would be 60 ** 3 cells)
- the bundled card, for the paths a service takes on it, and, for scale, making
  a new Quote alone per request (what a price never seen costs at the least).

For each card: the time to compile it (engine.compile.compile_card on the
checked card, parsing and checks not included), the number of cells in its
tables, the size of the compiled card as the cache writes it (bytes), and
the time to quote distinct requests with the memo off (every request first
seen: engine.fastpath.make_quoter(index, limit=0)), against the floor: one
dict lookup per request keyed by tuple(request.items()), in the same run, the two timed in
turns.
Medians over repeats, microseconds per request.

To compare with another checkout, run it with that checkout first on
PYTHONPATH; `--side 256 --three-side 64` keeps the old compiler within memory
(it built SIDE ** 2 cells for `two`, SIDE ** 3 for `three`).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH, so another checkout can be timed

import engine  # noqa: E402
from engine import index_json  # noqa: E402
from engine.compile import compile_card  # noqa: E402
from engine.fastpath import make_quoter  # noqa: E402
from engine.results import new_quote  # noqa: E402
from workload import in_turns  # noqa: E402

N = 20_000


def wide_card(side: int, names: str) -> str:
    params = "\n".join(f"    {p} 1..{side}" for p in names)
    conditions = " ".join(f"{p} 1..{side}" for p in names)
    return f"tool t {{\n{params}\n}}\nt {conditions} -> 5\n"


def steps_card(side: int, rules: int = 200) -> str:
    lines = ["round up", "tool t {", "    a >= 1", f"    b 1..{side}", "}"]
    lines += [f"t a {10 * i + 1}..{10 * i + 10} -> {i + 1}" for i in range(rules)]
    lines.append(f"t a >= {10 * rules + 1} -> a / 50 + b")
    return "\n".join(lines) + "\n"


def nested_card(n: int = 60) -> str:
    lines = ["tool t {", "    a >= 1", "    b >= 1", "    c >= 1", "}"]
    lines += [f"t a {i} -> {i}" for i in range(1, n)]
    lines += [f"t a >= {n} b {i} -> {100 + i}" for i in range(1, n)]
    lines += [f"t a >= {n} b >= {n} c {i} -> {200 + i}" for i in range(1, n)]
    lines.append(f"t a >= {n} b >= {n} c >= {n} -> 1000")
    return "\n".join(lines) + "\n"


def requests_for(card, rng: random.Random) -> list[dict]:
    params = [s for s in card.index.tools["t"].models[None].slots]
    out = []
    for _ in range(N):
        request = {"tool": "t"}
        for slot in params:
            hi = max((iv.hi or iv.lo + 5000) for iv in slot.offer.intervals)
            request[slot.name] = rng.randint(1, hi)
        out.append(request)
    return out


def bundled_requests(rng: random.Random) -> dict[str, list[dict]]:
    return {
        "voiceover chars": [{"tool": "voiceover", "chars": rng.randint(1, 10**6)} for _ in range(N)],
        "image count": [{"tool": "text-to-image", "model": "Flux Pro Ultra", "images": rng.randint(1, 10**6)}
                        for _ in range(N)],
        "video grid": [{"tool": "text-to-video", "model": "Veo 3", "audio": rng.random() < 0.5,
                        "res": rng.choice((720, 1080)), "dur": rng.choice((4, 6, 8))} for _ in range(N)],
    }


def timed(card, requests: list[dict], repeats: int) -> tuple[float, float]:
    """(floor, quote) in microseconds per request; memo off, so every request is first seen. Timed in
    turns (workload.in_turns), so a machine whose speed drifts moves both alike."""
    floor_table = {tuple(r.items()): None for r in requests}

    def floor(items, get=floor_table.get):
        for r in items:
            get(tuple(r.items()))

    quote, _ = make_quoter(card.index, limit=0)

    def ours(items, quote=quote):
        for r in items:
            quote(r)

    timed = in_turns({"floor": lambda: floor, "quote": lambda: ours}, requests, repeats)
    return timed["floor"], timed["quote"]


def timed_new_quotes(requests: list[dict], repeats: int) -> tuple[float, float]:
    """(floor, making one new Quote per request with engine.results.new_quote), in turns: what a price
    never seen costs at the least, beyond working it out."""
    floor_table = {tuple(r.items()): None for r in requests}

    def floor(items, get=floor_table.get):
        for r in items:
            get(tuple(r.items()))

    def made(items, new=new_quote):
        for r in items:
            new(r["chars"], "voiceover.rules:9", "digest")

    timed = in_turns({"floor": lambda: floor, "made": lambda: made}, requests, repeats)
    return timed["floor"], timed["made"]


def cells(index) -> int:
    total = 0
    for tool in index.tools.values():
        for model in set(map(id, tool.models.values())):
            found = next(m for m in tool.models.values() if id(m) == model)
            total += len(found.table)
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", type=int, default=4096)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--three-side", type=int, help="the side of `three` (default: --side)")
    parser.add_argument("--skip-wide", action="store_true", help="only the bundled card")
    args = parser.parse_args()
    rng = random.Random(12)
    print(f"engine from {Path(engine.__file__).parent}")
    print(f"{'card':22} {'compile ms':>10} {'cells':>9} {'bytes':>9} {'floor us':>9} {'quote us':>9} {'ratio':>6}")
    three = args.three_side or args.side
    cards = [] if args.skip_wide else [(f"two {args.side}", wide_card(args.side, "xy")),
                                       (f"three {three}", wide_card(three, "xyz")),
                                       (f"steps {args.side}", steps_card(args.side)), ("nested 60", nested_card())]
    for name, text in cards:
        loaded = engine.loads(text)
        start = time.perf_counter()
        index = compile_card(loaded.card)
        compile_ms = (time.perf_counter() - start) * 1e3
        size = sum(len(line) + 1 for line in index_json.encode_lines(index))
        floor, ours = timed(loaded, requests_for(loaded, rng), args.repeats)
        print(f"{name:22} {compile_ms:10.1f} {cells(index):9d} {size:9d} "
              f"{floor:9.3f} {ours:9.3f} {ours / floor:6.2f}")
    card = engine.load(use_cache=False)
    start = time.perf_counter()
    index = compile_card(card.card)
    compile_ms = (time.perf_counter() - start) * 1e3
    size = sum(len(line) + 1 for line in index_json.encode_lines(index))
    print(f"{'bundled card':22} {compile_ms:10.1f} {cells(index):9d} {size:9d}")
    lists = bundled_requests(rng)
    for name, requests in lists.items():
        floor, ours = timed(card, requests, args.repeats)
        print(f"{'  ' + name:22} {'':10} {'':9} {'':9} {floor:9.3f} {ours:9.3f} {ours / floor:6.2f}")
    floor, made = timed_new_quotes(lists["voiceover chars"], args.repeats)
    print(f"{'  a new Quote alone':22} {'':10} {'':9} {'':9} {floor:9.3f} {made:9.3f} {made / floor:6.2f}")
    print(f"quote: make_quoter(index, limit=0) (memo off, every request first seen), {N} requests;")
    print("floor: dict.get(tuple(request.items())); ratio = quote / floor; medians of repeats")


if __name__ == "__main__":
    main()
