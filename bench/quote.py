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

Each quoter's ratio is to the floor of the same list timed in turns with that
quoter alone (each repeat runs the floor, then the quoter), so a machine whose
speed drifts during the run moves both alike; the floor column is the median of
those floors. (Timed in turns with all four quoters at once, the floor ran
slower after the heavy ones, 0.43-0.67 us against 0.33-0.35 us, which flattered
every ratio.) The first-seen lists
never repeat a request: "priced" is every priced combination in every common
spelling (`1080`, `"1080"`, `1080.0`, `"yes"`), "voiceover" chars=1..N, then one
list per rejection code. "seed mix" is the repeating mix of bench/workload.py
`mixed` (every priced combination once, about 20% rejections cycling over a few
requests per code).
"""

from __future__ import annotations

import argparse
import statistics
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


def paired(floor, quoters: dict, items, repeats: int, every: dict | None = None) -> dict[str, tuple[float, float]]:
    """name -> (median us per request of its loop, that over the floor's), each loop timed in turns with
    the floor alone (workload.in_turns); `every`: name -> n, a slow loop timed over repeats // n turns."""
    out = {}
    for name, make in quoters.items():
        turns = max(3, repeats // (every or {}).get(name, 1))
        timed = in_turns({"floor": lambda: floor, name: make}, items, turns)
        out[name] = (timed[name], timed["floor"])
    return out


def measure(card, items, repeats: int) -> dict[str, tuple[float, float]]:
    """name -> (median us per request, its paired floor's) of memo off, first seen, warm and reference
    (the reference, slow, over a fifth of the turns)."""
    floor = floor_of(items)
    answer = make_answer(card.index)  # the card's road, shared as a loaded card's quoters share it
    off, _ = make_quoter(card.index, limit=0, answer=answer)
    warm, _ = make_quoter(card.index, answer=answer)

    def ref(xs, index=card.index):
        for r in xs:
            reference(index, r)

    runs = {"off": lambda: loop(off),
            "first": lambda: loop(make_quoter(card.index, answer=answer)[0]),  # a fresh, empty memo
            "warm": lambda: loop(warm), "ref": lambda: ref}
    return paired(floor, runs, items, repeats, every={"ref": 5})


def quoters_alone(card, items, repeats: int) -> dict[str, tuple[float, float]]:
    """measure's figures of memo off and first seen, each quoter answering with one stored Quote."""
    floor = floor_of(items)
    stored = card.quote(items[0])
    answer = (lambda request: stored, lambda request: stored)
    runs = {"off": lambda: loop(make_quoter(card.index, limit=0, answer=answer)[0]),
            "first": lambda: loop(make_quoter(card.index, answer=answer)[0])}
    return paired(floor, runs, items, repeats)


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
          "ratio = time / the floor of the same list, timed in turns with that quoter alone")
    print(f"{'list':11} {'kind':16} {'n':>5} {'distinct':>8} {'floor':>6} {'memo off':>14} "
          f"{'first seen':>14} {'warm':>13} {'reference':>14}")
    for label, kind, items in rows:
        timed = measure(card, items, args.repeats)
        base = statistics.median(floor for _, floor in timed.values())
        cells = " ".join(f"{us:7.2f} {us / floor:5.1f}x" for us, floor in timed.values())
        print(f"{label:11} {kind:16} {len(items):5d} {distinct(items):8d} {base:6.3f} {cells}")
    print("first-seen priced: every priced combination in every spelling, then voiceover chars=1..N; "
          "first-seen rejected: every rejection-code list below it")
    alone = quoters_alone(card, priced, args.repeats)
    (off, off_floor), (first, first_floor) = alone["off"], alone["first"]
    print(f"the quoters alone on first-seen priced (an answer that hands back one stored Quote): "
          f"memo off {off:.2f} us {off / off_floor:.1f}x, first seen (memo on) {first:.2f} us {first / first_floor:.1f}x")


if __name__ == "__main__":
    main()
