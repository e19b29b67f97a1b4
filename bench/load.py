"""Load time of the bundled card: `engine.load()`, warm and cold, with and without the cache.

    python bench/load.py [--repeats 21]

- warm: in this process, after a first load (modules imported, Lark's parser
  built); the median of repeats. "cache" reads the compiled card from the
  cache; "no cache" parses, checks and compiles the .rules every time.
- cold: a fresh process timing `import engine; engine.load()` from inside;
  the median over repeats.
Baseline in the same run: reading the .rules files alone (engine.sources.read).
Target: warm load under 50 ms.
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

COLD = """
import json, time
start = time.perf_counter()
import engine
imported = time.perf_counter()
engine.load()
done = time.perf_counter()
print(json.dumps([imported - start, done - imported]))
"""


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def cold(env: dict, repeats: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", COLD], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
        runs.append(json.loads(out.stdout))
    return (statistics.median(r[0] for r in runs) * 1000, statistics.median(r[1] for r in runs) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["RATECARD_CACHE_DIR"] = folder
        os.environ.pop("RATECARD_NO_CACHE", None)
        import engine
        from engine import sources

        engine.load()  # fills the cache, builds the parser
        read = median_ms(lambda: sources.read(None), args.repeats)
        warm_cache = median_ms(engine.load, args.repeats)
        warm_build = median_ms(lambda: engine.load(use_cache=False), max(5, args.repeats // 3))
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        cold_cache = cold(env, max(5, args.repeats // 3))
        cold_build = cold(dict(env, RATECARD_NO_CACHE="1"), max(5, args.repeats // 3))
    print(f"engine.load() of the bundled card, milliseconds, medians (warm of {args.repeats}, cold of "
          f"{max(5, args.repeats // 3)} fresh processes)")
    print(f"{'':32} {'ms':>7} {'x read':>7}")
    rows = [("read the .rules files (baseline)", read), ("warm, from the cache", warm_cache),
            ("warm, no cache (parse+check)", warm_build),
            ("cold, from the cache", cold_cache[1]), ("cold, no cache", cold_build[1])]
    for name, ms in rows:
        print(f"{name:32} {ms:7.2f} {ms / read:7.1f}")
    print(f"cold `import engine` before that: {cold_cache[0]:.1f} ms (cache) / {cold_build[0]:.1f} ms")


if __name__ == "__main__":
    main()
