"""Batch throughput: `ratecard quote --batch` against a bare parse-and-serialise loop.

    python bench/batch.py [--lines 100000] [--repeats 5] [--processes]

Two workloads of `--lines` JSON lines, each saying how many distinct requests it holds:

- "repeated": the seed mix of bench/workload.py (every priced combination and
  about 20% rejections) cycled, with a malformed line in every thousand, as a
  re-pricing job sees: the same few hundred requests again and again;
- "distinct": no line repeats: every first-seen list of bench/workload.py
  (every spelling of every priced combination, every rejection code), then
  voiceover chars=1.., shuffled.

The floor is a bare loop that parses each line and writes a result of the same
shape (`{"ok": true, "credits": 11400, "rule": "video.rules:42"}`) with the same
JSON library, the stdlib's json or orjson (when installed). In this process,
over the same lines in memory (bytes, as a binary stdin gives them) and into
the same kind of sink (io.BytesIO), it is timed against `engine.batch.run` with
a fresh card quoter (empty memo) each repeat and the parser the CLI picks
(RATECARD_JSON=stdlib or orjson): requests/s, medians over repeats, and the
ratio ratecard/floor (the target is 0.8 or more). Then distinct lines in
microseconds a line, split: the quotes alone (a fresh quoter over the lines
parsed beforehand) and the rest, the batch layer's (reading, remembering, writing).

With --processes, also as fresh processes reading a file on stdin and writing
to a file (`python -m engine.cli quote --batch -` against the floor loop run
with `python -c`), which adds each process's start-up to its time.
Then, in this process: `card.quote_many(requests)` against a loop of `card.quote`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import engine  # noqa: E402
from engine import batch as batch_module  # noqa: E402
from engine.fastpath import make_quoter  # noqa: E402
from workload import distinct as count_distinct  # noqa: E402
from workload import first_seen, mixed  # noqa: E402

RESULT = {"ok": True, "credits": 11400, "rule": "video.rules:42"}

FLOOR = {
    "stdlib": """
import json, sys
loads, dumps, write = json.loads, json.dumps, sys.stdout.write
for line in sys.stdin:
    request = loads(line)  # malformed lines are left out of the file given to the floor
    write(dumps({"ok": True, "credits": 11400, "rule": "video.rules:42"}, ensure_ascii=False) + "\\n")
""",
    "orjson": """
import orjson, sys
loads, dumps, write = orjson.loads, orjson.dumps, sys.stdout.buffer.write
for line in sys.stdin.buffer:
    request = loads(line)
    write(dumps({"ok": True, "credits": 11400, "rule": "video.rules:42"}) + b"\\n")
""",
}


def requests_of(card, count: int, distinct: bool) -> list:
    if distinct:
        pool = [r for reqs in first_seen(card).values() for r in reqs]
        pool += [{"tool": "voiceover", "chars": n} for n in range(10_001, 10_001 + max(0, count - len(pool)))]
        random.Random(5).shuffle(pool)
        return pool[:count]
    good, bad = mixed(card)
    pool = good + bad
    return [pool[i % len(pool)] for i in range(count)]


def write_workload(card, count: int, folder: Path, distinct: bool) -> tuple[Path, Path, list]:
    requests = requests_of(card, count, distinct)
    lines, clean = [], []
    for i, request in enumerate(requests):
        text = json.dumps(request)
        lines.append("{not json" if not distinct and i % 1000 == 999 else text)
        clean.append(text)
    kind = "distinct" if distinct else "repeated"
    batch, floor = folder / f"{kind}-batch.jsonl", folder / f"{kind}-floor.jsonl"
    batch.write_text("\n".join(lines) + "\n")
    floor.write_text("\n".join(clean) + "\n")
    return batch, floor, requests


def floor_loop(library: str):
    """The bare loop: parse each line, write a result of the same shape, with one JSON library."""
    if library == "orjson":
        import orjson

        def floor(lines, write, loads=orjson.loads, dumps=orjson.dumps):
            for line in lines:
                loads(line)
                write(dumps(RESULT) + b"\n")
        return floor

    def floor(lines, write, loads=json.loads, dumps=json.dumps):
        for line in lines:
            loads(line)
            write((dumps(RESULT, ensure_ascii=False) + "\n").encode("utf-8"))
    return floor


def in_process(card, lines: list[bytes], library: str, repeats: int) -> tuple[float, float, float]:
    """(floor, ratecard, quote alone) in seconds a line, medians, interleaved so a busy moment hits all.
    Quote alone: a fresh quoter over the lines already parsed, once each, as the batch quotes them; what
    ratecard takes beyond it is the batch layer's (reading, remembering, writing)."""
    os.environ["RATECARD_JSON"] = library
    loads = batch_module.fast_loads()
    takes_bytes = getattr(loads, "takes_bytes", False)
    requests = [loads(line if takes_bytes else line.decode()) for line in lines]
    floor = floor_loop(library)
    floors, ours, quotes = [], [], []
    for _ in range(repeats):
        sink = io.BytesIO()
        start = time.perf_counter()
        floor(lines, sink.write)
        floors.append(time.perf_counter() - start)
        quote = make_quoter(card.index)[0]
        sink = io.BytesIO()
        start = time.perf_counter()
        batch_module.run(quote, lines, batch_module.utf8_writer(sink.write), loads)
        ours.append(time.perf_counter() - start)
        quote = make_quoter(card.index)[0]
        start = time.perf_counter()
        for request in requests:
            quote(request)
        quotes.append(time.perf_counter() - start)
    return tuple(statistics.median(times) / len(lines) for times in (floors, ours, quotes))


def timed(argv: list[str], stdin: Path, env: dict) -> float:
    with stdin.open("rb") as source, tempfile.TemporaryFile() as sink:
        start = time.perf_counter()
        subprocess.run(argv, stdin=source, stdout=sink, env=env, cwd=ROOT, check=True)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--processes", action="store_true", help="also time fresh processes (start-up included)")
    args = parser.parse_args()
    card = engine.load()  # also warms the compiled-card cache the subprocesses read
    try:
        import orjson  # noqa: F401
        libraries = ["stdlib", "orjson"]
    except ImportError:
        libraries = ["stdlib"]
        print("orjson is not installed (pip install '.[fast]'): stdlib only")
    workloads = {kind: requests_of(card, args.lines, kind == "distinct") for kind in ("repeated", "distinct")}
    print(f"batch of {args.lines} lines in this process, median of {args.repeats} runs; ratio = ratecard / floor")
    print(f"{'lines':9} {'distinct':>8} {'json':7} {'floor lines/s':>14} {'ratecard lines/s':>17} {'ratio':>6}")
    splits = []
    for kind, requests in workloads.items():
        lines = [json.dumps(r).encode() + b"\n" for r in requests]
        for library in libraries:
            f, o, q = in_process(card, lines, library, args.repeats)
            print(f"{kind:9} {count_distinct(requests):8d} {library:7} {1 / f:14,.0f} {1 / o:17,.0f} {f / o:6.2f}")
            if kind == "distinct":  # repeated lines are answered from the batch's memory of lines, most unquoted
                splits.append((kind, library, f, o, q))
    print("distinct lines, microseconds a line: ratecard = quote alone (fresh quoter, lines parsed before) + batch layer")
    print(f"{'lines':9} {'json':7} {'floor':>7} {'ratecard':>9} {'quote':>7} {'layer':>7}")
    for kind, library, f, o, q in splits:
        print(f"{kind:9} {library:7} {f * 1e6:7.2f} {o * 1e6:9.2f} {q * 1e6:7.2f} {(o - q) * 1e6:7.2f}")
    if args.processes:
        processes(card, args, libraries)
    parsed = workloads["repeated"]

    def loop(requests, quote=card.quote):
        return [quote(r) for r in requests]

    many, single = [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        card.quote_many(parsed)
        many.append(time.perf_counter() - start)
        start = time.perf_counter()
        loop(parsed)
        single.append(time.perf_counter() - start)
    m, s = statistics.median(many), statistics.median(single)
    print(f"in process, repeated list, memo warm: quote_many {len(parsed) / m:,.0f} req/s, loop of quote "
          f"{len(parsed) / s:,.0f} req/s, quote_many is {s / m:.2f}x the loop")


def processes(card, args, libraries) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for distinct in (False, True):
            batch, floor, requests = write_workload(card, args.lines, Path(tmp), distinct)
            for library in libraries:
                env = dict(os.environ, RATECARD_JSON=library, PYTHONPATH=str(ROOT))
                floors, ours = [], []
                for _ in range(args.repeats):  # interleaved, so a busy moment hits both
                    floors.append(timed([sys.executable, "-c", FLOOR[library]], floor, env))
                    ours.append(timed([sys.executable, "-m", "engine.cli", "quote", "--batch", "-"], batch, env))
                f, o = args.lines / statistics.median(floors), args.lines / statistics.median(ours)
                rows.append(("distinct" if distinct else "repeated", count_distinct(requests), library, f, o, o / f))
    print(f"batch of {args.lines} lines, fresh processes (start-up included), median of {args.repeats} runs")
    print(f"{'lines':9} {'distinct':>8} {'json':7} {'floor lines/s':>14} {'ratecard lines/s':>17} {'ratio':>6}")
    for kind, n, library, f, o, ratio in rows:
        print(f"{kind:9} {n:8d} {library:7} {f:14,.0f} {o:17,.0f} {ratio:6.2f}")
    print("repeated lines hold a malformed line in every thousand (the floor's file leaves them out)")


if __name__ == "__main__":
    main()
