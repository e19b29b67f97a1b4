"""Quote latency against the floor of Python: a plain dict lookup keyed by the request's items.

    python bench/quote.py [--repeats 31]

Times `card.quote` over a fixed mixed list (every seed combination, about 20%
rejections spread over every code) and, in the same process, the floor: one
dict lookup per request keyed by `tuple(request.items())`. Reports the median
over repeats of microseconds per quote, and the ratio to the floor, for priced
and rejected requests separately. Also the first (cold, memo empty) pass and the
reference interpreter alone, for comparison.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import engine  # noqa: E402
from engine.interpreter import quote as reference  # noqa: E402
from workload import mixed, per_item  # noqa: E402




def floor_key(request):
    return tuple(request.items()) if type(request) is dict else request


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=31)
    args = parser.parse_args()
    card = engine.load()
    good, bad = mixed(card)
    table = {floor_key(r): card.quote(r) for r in good + bad}

    def ours(items, quote=card.quote):
        for r in items:
            quote(r)

    def floor(items, get=table.__getitem__):
        for r in items:
            get(tuple(r.items()) if type(r) is dict else r)

    def ref(items, index=card.index):
        for r in items:
            reference(index, r)

    rows = []
    for label, items in (("priced", good), ("rejected", bad)):
        fresh = engine.load()  # memo empty: its first pass is all misses
        cold = per_item(lambda xs: [fresh.quote(r) for r in xs], items, 1)
        base = per_item(floor, items, args.repeats)
        warm = per_item(ours, items, args.repeats)
        slow = per_item(ref, items, max(3, args.repeats // 5))
        rows.append((label, len(items), base, warm, warm / base, cold, slow))
    print(f"quote latency, median of {args.repeats} repeats, microseconds per request")
    print(f"{'':9} {'n':>5} {'floor':>7} {'quote':>7} {'ratio':>6} {'cold':>7} {'reference':>9}")
    for label, n, base, warm, ratio, cold, slow in rows:
        print(f"{label:9} {n:5d} {base:7.3f} {warm:7.3f} {ratio:6.2f} {cold:7.2f} {slow:9.2f}")
    print("floor: dict[tuple(request.items())]; quote: card.quote (memo warm); cold: first pass, memo empty;")
    print("reference: engine.interpreter.quote, no memo")


if __name__ == "__main__":
    main()
