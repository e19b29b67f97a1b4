"""Quote latency against the floor of Python: a plain dict lookup keyed by the request's items.

    python bench/quote.py [--repeats 31] [--count 600]

In one process, for each list of bench/workload.py (each line says how many
requests it holds and how many of them are distinct), the median over repeats
of microseconds per request of:

- floor: `table.get(tuple(request.items()))` on a dict holding every request of
  the list (the request itself for a request that is not a dict);
- memo off: a quoter that remembers nothing (`make_quoter(index, limit=0)`), so
  every request takes the road a new one takes; its bounded memories of card
  pieces (a typo's "did you mean", what a model offers) are warm after the first repeat;
- first seen: a fresh quoter per repeat (made outside the timing), memo on (empty), each request quoted once:
  every request is a miss and goes into the memo. The quoters share the card's
  answering road (engine.fastpath.make_answer: each model's compiled road and the
  bounded memories of card pieces), as every quoter of a loaded card does, so
  those are warm after the first repeat; the memo of requests never is;
- warm: the same quoter again and again, so every request after the first pass is
  a memo hit (what a list that repeats itself measures);
- reference: engine.interpreter.quote alone.

Then, for the first-seen priced list, the quoters' own share: the same fresh
memo (and memo off) with an answer that hands back one stored Quote, so only
the checks of the request's types and, memo on, its key, lookup and insertion
are timed, against the floor in turns.

Ratios are to the floor of the same list in the same run, timed in turns (each
repeat runs the floor and every quoter once), so a machine whose speed drifts
during the run moves them all alike. The first-seen lists
never repeat a request: "priced" is every priced combination in every common
spelling (`1080`, `"1080"`, `1080.0`, `"yes"`), "voiceover" chars=1..N, then one
list per rejection code. "seed mix" is the repeating mix of bench/workload.py
`mixed` (every priced combination once, about 20% rejections cycling over a few
requests per code).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import engine  # noqa: E402
from engine.fastpath import make_answer, make_quoter  # noqa: E402
from engine.interpreter import quote as reference  # noqa: E402
from workload import distinct, first_seen, in_turns, mixed  # noqa: E402


def floor_key(request):
    return tuple(request.items()) if type(request) is dict else request


def floor_of(items):
    """The floor's loop: each request looked up in a dict holding every request of the list."""
    table = {floor_key(r): None for r in items}

    def floor(xs, get=table.get):
        for r in xs:
            get(tuple(r.items()) if type(r) is dict else r)

    return floor


def loop(quote):
    """A loop quoting each request of a list with `quote`."""
    def run(xs):
        for r in xs:
            quote(r)
    return run


def measure(card, items, repeats: int) -> tuple:
    """Median us per request of (floor, memo off, first seen, warm, reference), timed in turns
    (workload.in_turns; the reference, slow, takes every fifth turn)."""
    floor = floor_of(items)
    answer = make_answer(card.index)  # the card's road, shared as a loaded card's quoters share it
    off, _ = make_quoter(card.index, limit=0, answer=answer)
    warm, _ = make_quoter(card.index, answer=answer)

    def ref(xs, index=card.index):
        for r in xs:
            reference(index, r)

    runs = {"floor": lambda: floor, "off": lambda: loop(off),
            "first": lambda: loop(make_quoter(card.index, answer=answer)[0]),  # a fresh, empty memo
            "warm": lambda: loop(warm), "ref": lambda: ref}
    return tuple(in_turns(runs, items, repeats, every={"ref": 5}).values())


def quoters_alone(card, items, repeats: int) -> tuple:
    """Median us per request of (floor, memo off, first seen), each quoter answering with one stored Quote."""
    floor = floor_of(items)
    stored = card.quote(items[0])
    answer = (lambda request: stored, lambda request: stored)
    runs = {"floor": lambda: floor, "off": lambda: loop(make_quoter(card.index, limit=0, answer=answer)[0]),
            "first": lambda: loop(make_quoter(card.index, answer=answer)[0])}
    return tuple(in_turns(runs, items, repeats).values())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=31)
    parser.add_argument("--count", type=int, default=600, help="requests per first-seen list")
    args = parser.parse_args()
    card = engine.load()
    lists = first_seen(card, args.count)
    priced = [r for key in ("priced", "voiceover") for r in lists.pop(key)]
    rejected = [r for reqs in lists.values() for r in reqs]
    good, bad = mixed(card)
    rows = [("first seen", "priced", priced), ("first seen", "rejected", rejected)]
    rows += [("first seen", code, reqs) for code, reqs in lists.items()]
    rows += [("seed mix", "priced", good), ("seed mix", "rejected", bad)]
    print(f"quote latency, median of {args.repeats} repeats, microseconds per request; "
          "ratio = time / floor of the same list")
    print(f"{'list':11} {'kind':16} {'n':>5} {'distinct':>8} {'floor':>6} {'memo off':>14} "
          f"{'first seen':>14} {'warm':>13} {'reference':>14}")
    for label, kind, items in rows:
        base, off, first, warm, slow = measure(card, items, args.repeats)
        cells = " ".join(f"{us:7.2f} {us / base:5.1f}x" for us in (off, first, warm, slow))
        print(f"{label:11} {kind:16} {len(items):5d} {distinct(items):8d} {base:6.3f} {cells}")
    print("first-seen priced: every priced combination in every spelling, then voiceover chars=1..N; "
          "first-seen rejected: every rejection-code list below it")
    base, off, first = quoters_alone(card, priced, args.repeats)
    print(f"the quoters alone on first-seen priced (an answer that hands back one stored Quote): floor {base:.3f} us, "
          f"memo off {off:.2f} us {off / base:.1f}x, first seen (memo on) {first:.2f} us {first / base:.1f}x")


if __name__ == "__main__":
    main()
