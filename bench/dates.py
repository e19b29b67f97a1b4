"""What dates cost a quote: the bundled card, with and without dated prices, in one process.

    python bench/dates.py [--repeats 31]

The dated card is the bundled one plus a file that dates one model's prices
(a promotion until a date, the regular price from it) and a block of prices
from a later date, so it has three slices of time. Both cards quote the seed
mix of bench/workload.py (every priced combination once, about 20% rejections),
through `RateCard.quote` as a service calls it, each quoter warm (its memo
filled by a first pass), the median over repeats of microseconds per request:

- plain: the card without dates, `card.quote(r)`: the baseline of every ratio;
- plain, at=datetime: the same card given a time, which it checks and ignores;
- dated, now: `dated.quote(r)`: reads the clock, finds the slice, asks its quoter;
- dated, at=datetime: the time given as an aware datetime;
- dated, at=text: the time given as RFC 3339 text, parsed on every call;
- dated, one slice: `dated.at(t).quote(r)`, what `--batch` and the service's batch use.

Ratios are to `plain` in the same run. Loading is timed too (no cache): the
dated card checks and compiles each slice; its undated models once.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import engine  # noqa: E402
from engine.sources import Source, bundled_path, read  # noqa: E402
from workload import mixed, per_item  # noqa: E402

DATED = """\
# Nano Banana at half price until 1 December, then its price again; a new Flux price from 2027.
image-to-image "Nano Banana" -> 50 until 2026-12-01
image-to-image "Nano Banana" -> 100 from 2026-12-01
image-to-image "Flux 2.0 Dev" -> 50 until 2027-01-01
from 2027-01-01 {
    image-to-image "Flux 2.0 Dev" -> 60
}
"""


def dated_sources() -> list[Source]:
    sources, _ = read(bundled_path())
    out = []
    for s in sources:
        text = s.text
        if s.name == "image-to-image.rules":
            text = "\n".join(line for line in text.split("\n")
                             if not line.startswith(('image-to-image "Nano Banana" ', 'image-to-image "Flux 2.0 Dev" ')))
        out.append(Source(name=s.name, path=s.path, text=text))
    return out + [Source(name="dated.rules", path="dated.rules", text=DATED)]


def timed_load(sources) -> tuple[engine.RateCard, float]:
    start = time.perf_counter()
    card = engine.RateCard.from_sources(sources, use_cache=False)
    return card, (time.perf_counter() - start) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=31)
    args = parser.parse_args()
    timed_load(read(bundled_path())[0])  # builds the parser once, for both
    plain, plain_ms = timed_load(read(bundled_path())[0])
    dated, dated_ms = timed_load(dated_sources())
    assert len(dated.periods) == 3
    good, bad = mixed(plain)
    items = good + bad
    when = datetime.datetime(2026, 11, 15, 12, tzinfo=datetime.UTC)
    text = "2026-11-15T12:00:00Z"
    one = dated.at(when)

    def loop(quote, **kw):
        def run(xs):
            for r in xs:
                quote(r, **kw)
        run(items)  # warm the memo
        return run

    rows = [("plain", loop(plain.quote)), ("plain, at=datetime", loop(plain.quote, at=when)),
            ("dated, now", loop(dated.quote)), ("dated, at=datetime", loop(dated.quote, at=when)),
            ("dated, at=text", loop(dated.quote, at=text)), ("dated, one slice", loop(one.quote))]
    print(f"quote latency, seed mix ({len(items)} requests), warm, median of {args.repeats} repeats; "
          "ratio = time / plain")
    base = None
    for label, run in rows:
        us = per_item(run, items, args.repeats)
        base = base or us
        print(f"  {label:20} {us:6.3f} us  {us / base:5.2f}x")
    print(f"load without cache: plain {plain_ms:.0f} ms, dated (3 slices) {dated_ms:.0f} ms "
          f"({dated_ms / plain_ms:.2f}x)")


if __name__ == "__main__":
    main()
