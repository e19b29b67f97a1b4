"""How parse and check time grow with the number of rules: synthetic cards of 1k, 10k, 100k rules.

    python bench/check_scale.py                 # 1k, 10k and 100k rules
    python bench/check_scale.py 1000 20000      # other sizes
    python bench/check_scale.py --profile 100000
    python bench/check_scale.py --keep-gc       # without pausing the garbage collector
    python bench/check_scale.py --base main 30000 100000   # against another commit, same process

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

With --base REV, the engine and grammar of commit REV are taken from `git archive`
into a temporary folder and imported beside this checkout's (each under the name
`engine`, swapped in and out of sys.modules), and check is timed for both in this
process, alternately, --repeat times on each card, with the garbage collector
paused; medians are reported with the ratio new/base. Each side parses the card
with its own parser. The two results are compared before anything is reported:
the priced rules (tool, model, conditions in the card's syntax, span, order) and
the diagnostics (count, and the text and JSON renderings), so a faster check that
finds something else is reported as a difference.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib
import io
import math
import pstats
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


# ---------------------------------------------------------------- against another commit

ENGINE_MODULES = ("syntax", "resolve", "lower", "model", "checks", "diagnostics", "gcpause")


def _own_modules() -> dict:
    return {k: m for k, m in sys.modules.items() if k == "engine" or k.startswith("engine.")}


def engine_at(rev: str) -> SimpleNamespace:
    """The engine of commit `rev` (its engine/ and grammar/), imported beside this checkout's."""
    folder = Path(tempfile.mkdtemp(prefix="ratecard-base-"))
    archive = subprocess.run(["git", "archive", rev, "engine", "grammar"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    mine = _own_modules()
    for name in mine:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    try:
        modules = {name: importlib.import_module(f"engine.{name}") for name in ENGINE_MODULES}
    finally:
        sys.path.remove(str(folder))
        for name in _own_modules():
            del sys.modules[name]
        sys.modules.update(mine)
    assert Path(modules["lower"].__file__).is_relative_to(folder)
    return _engine(rev, modules)


def this_engine() -> SimpleNamespace:
    return _engine("this checkout", {name: importlib.import_module(f"engine.{name}")
                                     for name in ENGINE_MODULES})


def _engine(label: str, m: dict) -> SimpleNamespace:
    def resolve(tree):
        decls = m["resolve"].Declarations()
        decls.collect([tree])
        rules, found = m["lower"].lower([tree], decls)
        card = m["model"].Card(tools=decls.tools, groups=decls.groups, models=decls.models,
                               rules=tuple(rules), plans=decls.plans, sources={})
        return card, decls.diagnostics + found

    def parse(text):
        tree, errors = m["syntax"].parse(text, "bench.rules")
        assert tree is not None and not errors, errors[:3]
        return tree

    return SimpleNamespace(label=label, parse=parse, resolve=resolve, run_checks=m["checks"].run_checks,
                           paused_gc=m["gcpause"].paused_gc, render_text=m["diagnostics"].render_text,
                           render_json=m["diagnostics"].render_json)


def _timed(side: SimpleNamespace, tree) -> tuple[float, float, object, list]:
    gc.collect()
    with side.paused_gc():
        t0 = time.perf_counter()
        card, found = side.resolve(tree)
        t1 = time.perf_counter()
        found += side.run_checks(card)
        t2 = time.perf_counter()
    return t1 - t0, t2 - t1, card, found


def _rules(card) -> list[tuple]:
    """The priced rules as plain values, whatever classes hold them (outcomes by their repr:
    the two sides' AST classes are different classes, with the same names and fields)."""
    return [(r.tool, r.model, tuple((p, d.source()) for p, d in r.box.items()), repr(r.outcome),
             r.rounding and r.rounding.value,
             (r.span.file, r.span.line, r.span.column, r.span.end_line, r.span.end_column), r.index)
            for r in card.rules]


def _same(base: SimpleNamespace, new: SimpleNamespace, text: str, a, b) -> str | None:
    """None when both sides found the same; else what differs."""
    (card_a, found_a), (card_b, found_b) = a, b
    if _rules(card_a) != _rules(card_b):
        return "the priced rules differ"
    if len(found_a) != len(found_b):
        return f"{len(found_a)} diagnostics against {len(found_b)}"
    sources = {"bench.rules": text}
    if base.render_text(found_a, sources) != new.render_text(found_b, sources):
        return "the diagnostics' text differs"
    if base.render_json(found_a) != new.render_json(found_b):
        return "the diagnostics' JSON differs"
    return None


def compare(rev: str, sizes: list[int], repeat: int, best: bool = False) -> None:
    base, new = engine_at(rev), this_engine()
    stat = min if best else statistics.median
    print(f"check (resolve + checks) of {rev} (base) and this checkout (new): {stat.__name__} of "
          f"{repeat} alternate runs, seconds")
    print(f"{'rules':>8} {'base res':>8} {'base chk':>8} {'base':>7} {'new res':>8} {'new chk':>8} "
          f"{'new':>7} {'new/base':>8}  diags")
    for size in sizes:
        text, lines = card_text(size)
        trees = {}
        for side in (base, new):
            with side.paused_gc():
                trees[side.label] = side.parse(text)
        times: dict[str, list[tuple[float, float]]] = {base.label: [], new.label: []}
        last = {}
        for r in range(repeat):
            for side in ((base, new) if r % 2 == 0 else (new, base)):
                res, chk, card, found = _timed(side, trees[side.label])
                times[side.label].append((res, chk))
                last[side.label] = (card, found)
                del card, found
        differs = _same(base, new, text, last[base.label], last[new.label])
        n_found = len(last[new.label][1])
        last.clear()
        trees.clear()
        if differs:
            print(f"{lines:>8} NOT THE SAME: {differs}")
            continue

        def med(label, part):
            return stat(t[part] if part < 2 else t[0] + t[1] for t in times[label])

        b, n = [med(base.label, p) for p in range(3)], [med(new.label, p) for p in range(3)]
        print(f"{lines:>8} {b[0]:>8.3f} {b[1]:>8.3f} {b[2]:>7.3f} {n[0]:>8.3f} {n[1]:>8.3f} "
              f"{n[2]:>7.3f} {n[2] / b[2]:>8.2f}  {n_found} same")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 100_000])
    args.add_argument("--profile", action="store_true", help="profile the check of the largest size")
    args.add_argument("--keep-gc", action="store_true",
                      help="leave the cyclic garbage collector running, to see what pausing it saves")
    args.add_argument("--base", metavar="REV", help="time check against commit REV in this process")
    args.add_argument("--repeat", type=int, default=5, help="runs of each side with --base (default 5)")
    args.add_argument("--best", action="store_true",
                      help="with --base, the fastest run of each side instead of the median")
    opts = args.parse_args()
    if opts.base:
        compare(opts.base, opts.sizes, opts.repeat, opts.best)
        return
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
