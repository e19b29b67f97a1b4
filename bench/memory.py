"""Peak memory of loading and quoting a synthetic 100,000-rule card.

    python bench/memory.py [--rules 100000]

Each figure is a fresh process's peak RSS (getrusage ru_maxrss), so they do
not pollute each other, with its wall time:

- baseline: `import engine` and nothing else;
- build: load the card from its .rules text (parse, check, compile; the
  compiled card is then written to a private cache folder) and quote 10,000 requests;
- cached: the same in a new process, the compiled card read from that cache.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import write_card  # noqa: E402

CHILD = """
import json, resource, sys, time
start = time.perf_counter()
import engine
result = {}
if sys.argv[1] != "-":
    card = engine.load(sys.argv[1])
    result["load_s"] = time.perf_counter() - start
    result["from_cache"] = card._card is None
    requests = [{"tool": "synth", "model": f"M{m:06d}", "q": m % 10 + 1, "dur": m % 7 + 1} for m in range(10_000)]
    requests = [{**r, "model": f"M{int(r['model'][1:]) % int(sys.argv[2]):06d}"} for r in requests]
    results = card.quote_many(requests)
    result["distinct"] = len({tuple(r.items()) for r in requests})
    assert all(r.ok for r in results), [r for r in results if not r.ok][:3]
result["total_s"] = time.perf_counter() - start
result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def child(args: list[str], env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, *args], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rules", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_card(Path(tmp) / "card", args.rules)
        models = max(1, args.rules // 100)
        env = dict(os.environ, RATECARD_CACHE_DIR=str(Path(tmp) / "cache"), PYTHONPATH=str(ROOT))
        env.pop("RATECARD_NO_CACHE", None)
        rows = [("baseline", child(["-", "0"], env)),
                ("build", child([str(path), str(models)], env)),
                ("cached", child([str(path), str(models)], env))]
        cache_files = list((Path(tmp) / "cache").glob("*.json"))
        size = cache_files[0].stat().st_size / 1e6 if cache_files else 0
        text = path.stat().st_size / 1e6
    base = rows[0][1]["peak_mb"]
    print(f"synthetic card: {args.rules} rules in {models} models, {text:.1f} MB of .rules, "
          f"{size:.1f} MB compiled cache; one run each, fresh processes; 10,000 quotes of "
          f"{rows[1][1]['distinct']} distinct requests (memo on)")
    print(f"{'':9} {'peak MB':>8} {'over import':>12} {'load s':>7} {'total s':>8}")
    for label, r in rows:
        print(f"{label:9} {r['peak_mb']:8.0f} {r['peak_mb'] - base:12.0f} {r.get('load_s', 0):7.2f} {r['total_s']:8.2f}")
    assert rows[2][1]["from_cache"], "the second load should have come from the cache"


if __name__ == "__main__":
    main()
