"""Start-up: one quote as a fresh process, against `python -c pass`, in the same run.

    python bench/startup.py [--repeats 21]

Times, interleaved so a busy moment hits all alike, the median wall time of:

- `python -c pass`, the floor;
- `python -c "import lark"`, for scale: the parser library alone;
- `python -m engine.cli quote text-to-video "Sora 2 Pro" res=1080 dur=12` with the
  compiled-card cache warm (the normal case: the card has not changed);
- the same with RATECARD_NO_CACHE=1, which parses and checks the card every time.

`python -m engine.cli` is what the `ratecard` console script runs, without a
shell shim in front (pyenv's shims alone cost more than Python's start here).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUOTE = ["-m", "engine.cli", "quote", "text-to-video", "Sora 2 Pro", "res=1080", "dur=12"]


def run(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *argv], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, RATECARD_CACHE_DIR=cache, PYTHONPATH=str(ROOT))
        env.pop("RATECARD_NO_CACHE", None)
        cases = {
            "python -c pass": (["-c", "pass"], env),
            "python -c 'import lark'": (["-c", "import lark"], env),
            "ratecard quote (cache warm)": (QUOTE, env),
            "ratecard quote (no cache)": (QUOTE, dict(env, RATECARD_NO_CACHE="1")),
        }
        run(QUOTE, env)  # fills the cache
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.repeats):
            for name, (argv, e) in cases.items():
                times[name].append(run(argv, e))
    base = statistics.median(times["python -c pass"])
    print(f"fresh processes, median of {args.repeats} runs each")
    print(f"{'':28} {'ms':>7} {'x python':>9}")
    for name, ts in times.items():
        ms = statistics.median(ts) * 1000
        print(f"{name:28} {ms:7.1f} {ms / 1000 / base:9.2f}")


if __name__ == "__main__":
    main()
