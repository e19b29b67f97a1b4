"""python -m tests.fuzz --target NAME|all --seconds N --seed S [--out DIR] | --replay FILE

Runs the targets round-robin for N seconds, prints the cases tried and every
distinct failure, and saves one reproducer per failure (a JSON file) to --out.
`--replay FILE` runs a saved case again and prints what it shows now.
Exit 0 when nothing failed, 1 when something did, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.splitlines()[0])
    p.add_argument("--target", default="all", help="rules, requests, cache, files, or all (default)")
    p.add_argument("--seconds", type=float, default=60.0, help="time budget for the whole run (default 60)")
    p.add_argument("--seed", type=int, default=0, help="the run's seed (default 0)")
    p.add_argument("--out", help="folder for reproducers (default: a new temporary folder)")
    p.add_argument("--ignore", action="append", default=[], metavar="REGEX",
                   help="do not count failures whose kind matches (to look past known defects); repeatable")
    p.add_argument("--replay", metavar="FILE", help="run one saved reproducer again")
    p.add_argument("--atheris", action="store_true",
                   help="coverage-guided: drive the target with atheris instead (needs the `fuzz` extra)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Compiled cards go to a cache folder of the run's own, never the user's.
    os.environ.setdefault("RATECARD_CACHE_DIR", tempfile.mkdtemp(prefix="ratecard-fuzz-cache-"))
    if args.atheris:
        from tests.fuzz.coverage import instrument

        if not instrument():
            print("atheris is not installed: pip install -e '.[fuzz]'", file=sys.stderr)
            return 2
    from tests.fuzz import core
    from tests.fuzz.targets import TARGETS

    if args.replay:
        name, case, kind, detail = core.load_reproducer(Path(args.replay))
        found = core.outcome(TARGETS[name], case)
        if found is None:
            print(f"{args.replay}: passes now (was: {kind})")
            if detail:
                print(f"what it showed then:\n{detail}")
            return 0
        print(f"{args.replay}: FAILS: {found.kind}\n{found.detail}")
        return 1
    names = list(TARGETS) if args.target == "all" else args.target.split(",")
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        print(f"unknown target {unknown[0]!r}; the targets are {', '.join(TARGETS)}, or all", file=sys.stderr)
        return 2
    targets = [TARGETS[n] for n in names]
    if args.atheris:
        from tests.fuzz.coverage import fuzz

        return fuzz(targets[0], args.seconds, args.seed, Path(args.out) if args.out else None)
    patterns = [re.compile(p) for p in args.ignore]
    tally = core.run(targets, args.seconds, args.seed, ignore=lambda kind: any(p.search(kind) for p in patterns))
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="ratecard-fuzz-"))
    for name in names:
        print(f"{name}: {tally.tried.get(name, 0)} cases tried")
    print(f"{len(tally.failures)} failures found")
    for failure in sorted(tally.failures.values(), key=lambda f: (f.target, f.kind)):
        path = core.save(failure, out)
        print(f"- [{failure.target}] {failure.kind}\n  replay: python -m tests.fuzz --replay {path}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
