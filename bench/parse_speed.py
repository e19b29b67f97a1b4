"""Parse speed: this checkout's engine.syntax.parse against the one of a baseline commit.

    python bench/parse_speed.py                      # 1k, 10k, 30k rules against 0de55ed,
                                                     # the last commit that gave every line to Lark
    python bench/parse_speed.py --base d069d09       # against the last that parsed to a Tree
    python bench/parse_speed.py --base HEAD~1 1000 100000
    python bench/parse_speed.py --memory 10000       # and the peak memory of each
    python bench/parse_speed.py --typo 30000         # a card with one typo: finding and telling it
    python bench/parse_speed.py --construction       # start-up: building the parser

The baseline module is read with `git show BASE:engine/syntax.py` (and made
to read BASE's grammar) and imported under another name, so both run in this
process on the same texts (the cards of bench/check_scale.py) with the garbage
collector paused as `engine.load` does. Each figure is the best of --repeat
runs. Both results are also compared node by node, spans included, so a
faster parse that builds another AST is reported instead of timed. The
baseline builds this checkout's AST and Span classes, so what is measured is
the parsing alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from check_scale import card_text  # noqa: E402

from engine import syntax  # noqa: E402
from engine.gcpause import paused_gc  # noqa: E402


def _show(ref: str, path: str) -> str:
    return subprocess.run(["git", "show", f"{ref}:{path}"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout


def baseline(ref: str):
    """engine/syntax.py as of ref, reading the grammar as of ref."""
    grammar = Path(tempfile.mkdtemp(prefix="ratecard-bench-")) / "ratecard.lark"
    grammar.write_text(_show(ref, "grammar/ratecard.lark"))
    spec = importlib.util.spec_from_loader("baseline_syntax", loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(_show(ref, "engine/syntax.py"), f"{ref}:engine/syntax.py", "exec"), module.__dict__)
    module.grammar_path = lambda: grammar
    return module


def spans(node, out: list) -> list:
    """Every span in the tree, in order: AST equality ignores them, this does not."""
    if isinstance(node, (tuple, list)):
        for item in node:
            spans(item, out)
    elif hasattr(node, "__attrs_attrs__"):
        for field in node.__attrs_attrs__:
            value = getattr(node, field.name)
            if field.name.endswith("span"):
                out.append((type(node).__name__, field.name, value))
            else:
                spans(value, out)
    return out


def with_typo(text: str) -> str:
    """The card with `=>` for `->` on the middle price line."""
    lines = text.split("\n")
    middle = len(lines) // 2
    while "->" not in lines[middle]:
        middle += 1
    lines[middle] = lines[middle].replace("->", "=>")
    return "\n".join(lines)


def best(fn, text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        with paused_gc():
            start = time.perf_counter()
            fn(text, "card.rules")
            times.append(time.perf_counter() - start)
    return min(times)


def peak(fn, text: str) -> float:
    """Peak MB allocated while parsing (tracemalloc, in a run of its own: tracing slows it)."""
    with paused_gc():
        tracemalloc.start()
        fn(text, "card.rules")
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return top / 1e6


def construction(repeat: int) -> None:
    """Building the parser (start-up, once per process): as engine.syntax does, and from
    lark's cache=... file of the analysed tables, which engine.syntax does not use."""
    from lark import Lark

    from engine.sources import grammar_path

    cache = str(Path(tempfile.mkdtemp(prefix="ratecard-bench-")) / "lark.cache")

    def build(**options) -> float:
        start = time.perf_counter()
        Lark.open(str(grammar_path()), parser="lalr", maybe_placeholders=False,
                  transformer=syntax._ToAst(), **options)
        return time.perf_counter() - start

    build(cache=cache)  # writes the cache file
    plain = min(build() for _ in range(repeat))
    cached = min(build(cache=cache) for _ in range(repeat))
    print(f"parser construction: {plain * 1000:.1f} ms; from lark's cache file "
          f"{cached * 1000:.1f} ms ({cached / plain:.2f}x)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 30000])
    ap.add_argument("--base", default="0de55ed")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--memory", action="store_true", help="also the peak memory of each parse")
    ap.add_argument("--typo", action="store_true",
                    help="put one typo (`=>` for `->`) in the middle of each card: time reporting it")
    ap.add_argument("--construction", action="store_true",
                    help="only time building the parser, with and without lark's cache file")
    args = ap.parse_args()
    if args.construction:
        construction(max(args.repeat, 5))
        return
    old = baseline(args.base)
    for module in (old, syntax):  # build the parsers (and any cache) before timing
        module.parse("t -> 1\n")
    print(f"baseline {args.base}; best of {args.repeat}")
    print(f"{'rules':>8} {'base s':>8} {'new s':>8} {'new/base':>9}"
          + (f" {'base MB':>8} {'new MB':>8}" if args.memory else ""))
    for n in args.sizes:
        text, count = card_text(n)
        if args.typo:
            text = with_typo(text)
        a, a_errors = old.parse(text, "card.rules")
        b, b_errors = syntax.parse(text, "card.rules")
        if a != b or spans(a, []) != spans(b, []) or a_errors[:1] != b_errors[:1]:
            print(f"{count:>8} ASTs, spans or first errors differ: not timed")
            continue
        t_old = best(old.parse, text, args.repeat)
        t_new = best(syntax.parse, text, args.repeat)
        row = f"{count:>8} {t_old:8.2f} {t_new:8.2f} {t_new / t_old:9.2f}"
        if args.memory:
            row += f" {peak(old.parse, text):8.0f} {peak(syntax.parse, text):8.0f}"
        print(row)


if __name__ == "__main__":
    main()
