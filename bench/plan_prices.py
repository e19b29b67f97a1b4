"""What prices by plan and parameters left out cost: loading and quoting, against the same card
written with an ordinary text parameter in the plan's place, timed in the same run.

    python bench/plan_prices.py            # 2,000 models
    python bench/plan_prices.py 500        # another size

Two cards with the same shape: N models, each priced in a grid of 4 plans (3 plans and
`unset`) by 3 durations and `unset`, i.e. 16 cells a model. The baseline card has a tool
parameter `tier "a" | "b" | "c" | "d"` where the other has `plan "A" "B" "C" unset`, so
the ratio is the price of the plan being a dimension read after the plan gate (and of
`unset` being filled in for a request that leaves it out). Reported: load time (parse,
check, compile; no cache), the share of grid lines engine/rule_lines.py read without
Lark, and the time to quote every cell once (memo misses) and again (memo hits), as
medians of 5 runs, with the ratio plan card / baseline.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine import rule_lines, syntax  # noqa: E402


def card_text(models: int, by_plan: bool) -> str:
    lines = ['plan "A" allows all', 'plan "B" allows all', 'plan "C" allows all']
    lines += ["tool clip {", "    dur  5 | 10 | 15 | unset"]
    if not by_plan:
        lines.append('    tier "a" | "b" | "c" | "d"')
    lines += ["}"]
    header = '    plan          "A"    "B"    "C"    unset' if by_plan else \
        '    tier          "a"    "b"    "c"    "d"'
    for m in range(models):
        lines.append(f'model clip "M{m}"')
        lines.append(f'clip "M{m}" {{')
        lines.append(header)
        for i, dur in enumerate(["5", "10", "15", "unset"]):
            cells = "    ".join(str(100 + m % 7 + 10 * i + k) for k in range(4))
            lines.append(f"    dur {dur:<5} ->  {cells}")
        lines.append("}")
    return "\n".join(lines) + "\n"


def requests(models: int, by_plan: bool) -> list[dict]:
    out = []
    key, values = ("plan", ["A", "B", "C", None]) if by_plan else ("tier", ["a", "b", "c", "d"])
    for m in range(models):
        for dur in (5, 10, 15, None):
            for v in values:
                r = {"tool": "clip", "model": f"M{m}"}
                if dur is not None:
                    r["dur"] = dur
                if v is not None:
                    r[key] = v
                out.append(r)
    return out


def measure(models: int, by_plan: bool) -> dict:
    text = card_text(models, by_plan)
    start = time.perf_counter()
    card = engine.loads(text)
    load = time.perf_counter() - start
    taken = len(rule_lines.take_rules(text, "c", syntax._lexicon())[1])
    asked = requests(models, by_plan)
    start = time.perf_counter()
    first = card.quote_many(asked)
    miss = time.perf_counter() - start
    start = time.perf_counter()
    again = card.quote_many(asked)
    hit = time.perf_counter() - start
    assert all(r.ok for r in first) and first == again
    return {"load": load, "taken": taken / models, "miss": miss / len(asked), "hit": hit / len(asked)}


def main() -> None:
    models = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    runs = {True: [], False: []}
    for _ in range(5):
        for by_plan in (False, True):  # alternated, so drift hits both alike
            runs[by_plan].append(measure(models, by_plan))
    print(f"{models} models, 16 cells each; medians of 5 runs")
    print(f"{'':22}{'baseline (tier)':>18}{'by plan':>14}{'ratio':>8}")
    for what, unit, scale in (("load", "s", 1), ("miss", "µs/quote", 1e6), ("hit", "µs/quote", 1e6)):
        base = statistics.median(r[what] for r in runs[False]) * scale
        plan = statistics.median(r[what] for r in runs[True]) * scale
        print(f"{what + ' (' + unit + ')':22}{base:18.3f}{plan:14.3f}{plan / base:8.2f}")
    print(f"grids read without Lark: {runs[True][0]['taken']:.0%} (baseline {runs[False][0]['taken']:.0%})")


if __name__ == "__main__":
    main()
