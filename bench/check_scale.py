"""How parse and check time grow with the number of rules: synthetic cards of 1k, 10k, 100k rules.

    python bench/check_scale.py                 # 1k, 10k and 100k rules
    python bench/check_scale.py 1000 20000      # other sizes
    python bench/check_scale.py --profile 100000
    python bench/check_scale.py --keep-gc       # without pausing the garbage collector

Each card is written as .rules text (so parsing is measured), with many models,
rules per model ranging from a few to a few hundred, wide ranges (`dur >= 60`),
and an overlap and a gap injected into every 40th model, so the checks have
something to find. Reported per size: parse time (text -> AST), resolve time (names,
declarations and lowering to priced rules), checks time (every function in
CHECKS: formulas, overlaps, gaps, dead rules), check time (resolve + checks:
what `ratecard check` does after parsing),
the number of diagnostics, and peak memory of parse + check (tracemalloc, in a
second run so the timings are not slowed by tracing). Growth is reported as
the ratio of times between sizes next to n log n's ratio. Speed is never
asserted by the test suite.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import math
import pstats
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.checks import run_checks  # noqa: E402
from engine.gcpause import paused_gc  # noqa: E402
from engine.lower import lower  # noqa: E402
from engine.model import Card  # noqa: E402
from engine.resolve import Declarations  # noqa: E402
from engine.syntax import parse  # noqa: E402

HEADER = """\
round up
tool gen, t2v, i2v {
    audio   yes | no
    res     720 | 1080
    dur     >= 1   unit "s"
    aspect  "16:9" | "9:16"  unpriced
}
group video = t2v, i2v
tool say { chars >= 1 }
"""


def model_block(rng: random.Random, m: int, bands: int, inject: bool) -> list[str]:
    """One model: audio x res x `bands` duration bands, the last one open (`dur >= ...`).

    One model in ten is declared for a group of two tools, so its rules are lowered twice.
    """
    name = f'"Model {m}"'
    tool = "video" if m % 10 == 0 else "gen"
    lines = [f"model {tool} {name} {{", "    audio yes | no", "    res 720 | 1080", "}"]
    cuts = sorted(rng.sample(range(2, 5 * bands), bands - 1)) if bands > 1 else []
    starts = [1] + cuts
    rules = []
    for audio in ("yes", "no"):
        for res in (720, 1080):
            for i, lo in enumerate(starts):
                dur = f"{lo}..{starts[i + 1] - 1}" if i + 1 < len(starts) else f">= {lo}"
                price = rng.randint(1, 50) * 10
                outcome = f"{price} * dur" if i + 1 == len(starts) else str(price)
                rules.append(f"{tool} {name} audio {audio} res {res} dur {dur} -> {outcome}")
    if inject:
        rules.pop(len(rules) // 2)                                          # a gap
        rules.append(f"{tool} {name} audio yes res 720 dur 1..3 -> 9999")    # an overlap
    return lines + rules


def card_text(n_rules: int, seed: int = 7) -> tuple[str, int]:
    """About n_rules price lines, and the exact count."""
    rng = random.Random(seed)
    lines = [HEADER]
    count, m = 0, 0
    while count < n_rules:
        bands = rng.choice([1, 2, 5, 10, 25, 25, 50, 100])
        block = model_block(rng, m, bands, inject=(m % 40 == 39))
        lines += block
        count += sum(1 for line in block if "->" in line)
        m += 1
    lines.append("say chars / 10")
    return "\n".join(lines) + "\n", count + 1


def resolve(tree) -> tuple[Card, list]:
    decls = Declarations()
    decls.collect([tree])
    rules, found = lower([tree], decls)
    card = Card(tools=decls.tools, groups=decls.groups, models=decls.models, rules=tuple(rules),
                plans=decls.plans, sources={})
    return card, decls.diagnostics + found


def check(tree) -> tuple[Card, list]:
    card, found = resolve(tree)
    return card, found + run_checks(card)


def measure(n: int, keep_gc: bool = False) -> dict:
    """Parse and check as engine.ratecard.analyse does: with the cyclic collector paused."""
    text, lines = card_text(n)
    gc.collect()
    if keep_gc:
        return _measure(text, lines)
    with paused_gc():
        return _measure(text, lines)


def _measure(text: str, lines: int) -> dict:
    t0 = time.perf_counter()
    tree, errors = parse(text, "bench.rules")
    t1 = time.perf_counter()
    assert tree is not None and not errors, errors[:3]
    card, diagnostics = resolve(tree)
    t2 = time.perf_counter()
    diagnostics += run_checks(card)
    t3 = time.perf_counter()
    del card, tree
    gc.collect()
    tracemalloc.start()
    tree, _ = parse(text, "bench.rules")
    card, _ = check(tree)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"n": lines, "lowered": len(card.rules), "parse": t1 - t0, "resolve": t2 - t1,
            "checks": t3 - t2, "check": t3 - t1,
            "diagnostics": len(diagnostics), "peak_mb": peak / 2**20}


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 100_000])
    args.add_argument("--profile", action="store_true", help="profile the check of the largest size")
    args.add_argument("--keep-gc", action="store_true",
                      help="leave the cyclic garbage collector running, to see what pausing it saves")
    opts = args.parse_args()
    parse("tool x\n", "warmup.rules")  # build the cached parser outside the timings
    if opts.profile:
        text, _ = card_text(max(opts.sizes))
        tree, _ = parse(text, "bench.rules")
        cProfile.runctx("check(tree)", globals(), {"tree": tree, "check": check}, "/tmp/check.prof")
        pstats.Stats("/tmp/check.prof").sort_stats("cumulative").print_stats(25)
        return
    print(f"{'rules':>8} {'lowered':>8} {'parse s':>8} {'resolve':>8} {'checks':>8} {'check s':>8} "
          f"{'total s':>8} {'peak MB':>8} {'diags':>6}  growth: parse  check   n log n")
    previous = None
    for size in opts.sizes:
        r = measure(size, opts.keep_gc)
        growth = ""
        if previous is not None:
            nlogn = (r["n"] * math.log(r["n"])) / (previous["n"] * math.log(previous["n"]))
            growth = (f"{r['parse'] / previous['parse']:>14.1f}x {r['check'] / previous['check']:>5.1f}x "
                      f"{nlogn:>8.1f}x")
        print(f"{r['n']:>8} {r['lowered']:>8} {r['parse']:>8.3f} {r['resolve']:>8.3f} {r['checks']:>8.3f} "
              f"{r['check']:>8.3f} "
              f"{r['parse'] + r['check']:>8.3f} {r['peak_mb']:>8.1f} {r['diagnostics']:>6} {growth}")
        previous = r


if __name__ == "__main__":
    main()
