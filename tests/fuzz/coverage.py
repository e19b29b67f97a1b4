"""Coverage-guided runs with atheris (the `fuzz` extra): libFuzzer picks the inputs that reach new code.

For the `rules` target the input bytes are the rules text itself (started from
the bundled card and the test cases); for the others they seed the target's
generator, so inputs that reach new branches of ratecard are kept and mutated.
Checks run in this process (no fork), so libFuzzer sees their coverage; its own
limits (-rss_limit_mb, -timeout) bound memory and time. Every distinct finding
is saved as a reproducer (and printed) when first seen, and the run goes on; libFuzzer prints the
count of runs at the end.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

from tests.fuzz import cards, core


def instrument() -> bool:
    """Import every engine module under atheris' instrumentation (before anything else imports them)."""
    try:
        import atheris
    except ImportError:
        return False
    import importlib
    import pkgutil

    with atheris.instrument_imports(include=["engine"]):
        import engine

        for info in pkgutil.walk_packages(engine.__path__, "engine."):
            if not info.name.startswith(("engine.accounts", "engine.service")):
                importlib.import_module(info.name)
    return True


def fuzz(target: core.Target, seconds: float, seed: int, out: Path | None) -> int:
    try:
        import atheris
    except ImportError:
        print("atheris is not installed: pip install -e '.[fuzz]'", file=sys.stderr)
        return 2
    os.environ["RATECARD_FUZZ_NO_FORK"] = "1"
    out = out or Path(tempfile.mkdtemp(prefix="ratecard-fuzz-"))
    tally = core.Run()
    corpus = Path(tempfile.mkdtemp(prefix="ratecard-corpus-"))
    if target.name == "rules":
        for i, (_, text) in enumerate(cards.corpus()):
            (corpus / f"{i}.rules").write_text(text, encoding="utf-8")

    def one(data: bytes) -> None:
        if target.name == "rules":
            text = data.decode("utf-8", "replace")
            case = {"files": [["card.rules", text]], "original": [["card.rules", text]], "seed": 0,
                    "subprocess": False}
        else:
            case = target.generate(random.Random(data))
        found = core.outcome(target, case)
        new = found is not None and (target.name, found.kind) not in tally.failures
        tally.record(target, case, found)
        if new:  # saved at once: libFuzzer ends the process without running exit handlers
            path = core.save(tally.failures[(target.name, found.kind)], out)
            print(f"- [{target.name}] {found.kind}\n  replay: python -m tests.fuzz --replay {path}", flush=True)
    atheris.Setup([sys.argv[0], f"-max_total_time={int(seconds)}", f"-seed={seed or 1}", "-rss_limit_mb=2048",
                   "-timeout=30", str(corpus)], one)
    atheris.Fuzz()
    return 0
