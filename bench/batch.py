"""Batch throughput: `ratecard quote --batch -` against a bare parse-and-serialise loop.

    python bench/batch.py [--lines 100000] [--repeats 5]

Writes JSONL files of `--lines` requests: "mixed", the list of bench/quote.py
repeated with a malformed line in every thousand (as a re-pricing job sees:
the same few hundred shapes again and again), and "distinct", where no line
repeats (voiceover chars=1..N), so no memory helps. For each it, in the same run, times as
fresh processes reading it on stdin and writing to a file:

- floor: a loop that only parses each line and writes a result of the same
  shape (`{"ok": true, "credits": 11400, "rule": "video.rules:42"}`) with the
  same JSON library;
- ratecard: `python -m engine.cli quote --batch -`.

Both ways: the stdlib json (RATECARD_JSON=stdlib) and orjson when installed.
Reports the median over repeats of requests/s and the ratio ratecard/floor.
Then, in this process: `card.quote_many(requests)` against a loop of `card.quote`.
"""

from __future__ import annotations

import argparse
import json
import os
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
from workload import mixed  # noqa: E402

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


def write_workload(card, count: int, folder: Path, distinct: bool) -> tuple[Path, Path, list]:
    good, bad = mixed(card)
    requests = good + bad
    lines, clean, parsed = [], [], []
    for i in range(count):
        request = {"tool": "voiceover", "chars": i + 1} if distinct else requests[i % len(requests)]
        text = json.dumps(request)
        lines.append("{not json" if i % 1000 == 999 else text)
        clean.append(text)
        parsed.append(request)
    kind = "distinct" if distinct else "mixed"
    batch, floor = folder / f"{kind}-batch.jsonl", folder / f"{kind}-floor.jsonl"
    batch.write_text("\n".join(lines) + "\n")
    floor.write_text("\n".join(clean) + "\n")
    return batch, floor, parsed


def timed(argv: list[str], stdin: Path, env: dict) -> float:
    with stdin.open("rb") as source, tempfile.TemporaryFile() as sink:
        start = time.perf_counter()
        subprocess.run(argv, stdin=source, stdout=sink, env=env, cwd=ROOT, check=True)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    card = engine.load()  # also warms the compiled-card cache the subprocesses read
    try:
        import orjson  # noqa: F401
        libraries = ["stdlib", "orjson"]
    except ImportError:
        libraries = ["stdlib"]
        print("orjson is not installed (pip install 'ratecard[fast]'): stdlib only")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for distinct in (False, True):
            batch, floor, parsed = write_workload(card, args.lines, Path(tmp), distinct)
            for library in libraries:
                env = dict(os.environ, RATECARD_JSON=library, PYTHONPATH=str(ROOT))
                floors, ours = [], []
                for _ in range(args.repeats):  # interleaved, so a busy moment hits both
                    floors.append(timed([sys.executable, "-c", FLOOR[library]], floor, env))
                    ours.append(timed([sys.executable, "-m", "engine.cli", "quote", "--batch", "-"], batch, env))
                f, o = args.lines / statistics.median(floors), args.lines / statistics.median(ours)
                rows.append(("distinct" if distinct else "mixed", library, f, o, o / f))
        batch, floor, parsed = write_workload(card, args.lines, Path(tmp), False)
    print(f"batch of {args.lines} lines, fresh processes, median of {args.repeats} runs")
    print(f"{'lines':9} {'json':7} {'floor req/s':>12} {'ratecard req/s':>15} {'ratio':>6}")
    for kind, library, f, o, ratio in rows:
        print(f"{kind:9} {library:7} {f:12,.0f} {o:15,.0f} {ratio:6.2f}")
    print("mixed: the quote.py list repeated (a malformed line in 1000); distinct: voiceover chars=1..N, "
          "every line new")

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
    print(f"in process: quote_many {len(parsed) / m:,.0f} req/s, loop of quote {len(parsed) / s:,.0f} req/s, "
          f"quote_many is {s / m:.2f}x the loop")


if __name__ == "__main__":
    main()
