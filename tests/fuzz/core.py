"""What every target shares: findings, the case loop with a time budget, reproducers and replay.

A target is a name, `generate(rng) -> case` (a JSON-able dict, so any case can
be saved and replayed) and `check(case)`, which returns quietly or raises
`Finding`. Any other exception escaping `check` is a finding too (a crash in
ratecard, or in the harness: either way, someone must look). Findings are told
apart by their `kind`, a short label with no case-specific data in it, so a
long run reports each distinct defect once with the first (smallest seen) case
that showed it.
"""

from __future__ import annotations

import json
import random
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import attrs


class Finding(AssertionError):
    """An oracle said no. `kind` groups findings of one defect; `detail` is for a person."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


def expect(condition: object, kind: str, detail: str = "") -> None:
    if not condition:
        raise Finding(kind, detail)


@attrs.frozen
class Target:
    name: str
    generate: Callable[[random.Random], dict]
    check: Callable[[dict], None]
    doc: str


@attrs.frozen
class Failure:
    target: str
    kind: str
    detail: str
    case: dict
    size: int  # of the case as JSON: the smallest case of a kind is kept


def outcome(target: Target, case: dict) -> Finding | None:
    """Run one case; the finding it shows, or None."""
    try:
        target.check(case)
    except Finding as found:
        return found
    except RecursionError:
        return Finding("harness or engine: RecursionError", traceback.format_exc(limit=-8))
    except Exception as exc:  # anything else escaping a check is a crash somewhere
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Finding(f"uncaught {type(exc).__name__} at {Path(where.filename).name}:{where.name}",
                       traceback.format_exc(limit=-8))
    return None


def case_text(target: str, case: dict) -> str:
    return json.dumps({"target": target, "case": case}, ensure_ascii=True, sort_keys=True)


@attrs.define
class Run:
    """The tally of a run: cases tried per target and the distinct failures."""

    tried: dict[str, int] = attrs.Factory(dict)
    failures: dict[tuple[str, str], Failure] = attrs.Factory(dict)

    def record(self, target: Target, case: dict, found: Finding | None) -> None:
        self.tried[target.name] = self.tried.get(target.name, 0) + 1
        if found is None:
            return
        size = len(case_text(target.name, case))
        key = (target.name, found.kind)
        old = self.failures.get(key)
        if old is None or size < old.size:
            self.failures[key] = Failure(target.name, found.kind, found.detail, case, size)


def run(targets: list[Target], seconds: float, seed: int, ignore: Callable[[str], bool] = lambda kind: False,
        max_cases: int | None = None) -> Run:
    """Round-robin over the targets until the time (or the case count) is spent; deterministic per seed
    except for where the time budget cuts the run."""
    tally = Run()
    rngs = {t.name: random.Random(f"{seed}:{t.name}") for t in targets}
    deadline = time.monotonic() + seconds
    count = 0
    while time.monotonic() < deadline and (max_cases is None or count < max_cases):
        for target in targets:
            case = target.generate(rngs[target.name])
            found = outcome(target, case)
            if found is not None and ignore(found.kind):
                found = None
            tally.record(target, case, found)
            count += 1
            if time.monotonic() >= deadline and count >= len(targets):  # every target runs at least once
                break
    return tally


def save(failure: Failure, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    import hashlib

    text = case_text(failure.target, failure.case)
    path = folder / f"{failure.target}-{hashlib.sha256(text.encode()).hexdigest()[:12]}.json"
    # what the oracle said, so a failure that does not come back on replay (one that depended on the
    # machine's load, say) can still be read
    record = {"target": failure.target, "kind": failure.kind, "case": failure.case, "detail": failure.detail}
    path.write_text(json.dumps(record, ensure_ascii=True, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load_reproducer(path: Path) -> tuple[str, dict, str | None, str]:
    record = json.loads(Path(path).read_text(encoding="utf-8"))
    return record["target"], record["case"], record.get("kind"), record.get("detail", "")
