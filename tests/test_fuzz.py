"""Short, derandomized runs of every fuzzing target (tests/fuzz; docs/fuzzing.md), and the harness's own checks.

Each target runs a fixed number of cases whose seeds hypothesis draws, derandomized,
so a failure here reproduces on every machine. A run collects every distinct
finding and fails listing them all, each with the command that replays it.
RATECARD_FUZZ_SCALE=10 runs ten times as many cases.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz import core, values
from tests.fuzz.isolate import bounded
from tests.fuzz.targets import TARGETS

ROOT = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("RATECARD_FUZZ_SCALE", "1"))
CASES = {"rules": 40, "requests": 200, "cache": 40, "files": 40}  # about a minute in all on two cores


def short_run(name: str, folder: Path) -> list[str]:
    target = TARGETS[name]
    tally = core.Run()

    @settings(max_examples=max(1, int(CASES[name] * SCALE)), derandomize=True, deadline=None, database=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(st.integers(min_value=0, max_value=2 ** 64))
    def one(seed):
        # Hypothesis picks the seed, the generator does the rest with random.Random, as in a long run:
        # a HypothesisRandom steers every draw towards the simplest value, and so towards the same few cases.
        case = target.generate(random.Random(seed))
        tally.record(target, case, core.outcome(target, case))

    one()
    assert tally.tried[name] >= CASES[name] * SCALE * 0.9
    return [f"{f.kind}\n    replay: python -m tests.fuzz --replay {core.save(f, folder)}\n    {f.detail[:300]}"
            for f in tally.failures.values()]


@pytest.mark.parametrize("name", list(CASES))
def test_short_fuzz_run_finds_nothing(name, tmp_path):
    found = short_run(name, tmp_path)
    assert not found, f"{len(found)} distinct failures:\n" + "\n".join(found)


# ---------------------------------------------------------------- the harness itself


@settings(max_examples=200, deadline=None)
@given(st.randoms(use_true_random=False))
def test_every_generated_value_survives_the_codec(rng):
    value = values.container(rng)
    again = values.decode(json.loads(json.dumps(values.encode(value))))
    assert type(again) is type(value)
    assert values.encode(again) == values.encode(value)


def test_bounded_turns_a_memory_blow_up_into_a_finding():
    def hog():
        bytearray(1 << 34)

    with pytest.raises(core.Finding, match="memory"):
        bounded(hog, memory=256 << 20)


def test_bounded_turns_a_spin_into_a_finding():
    def spin():
        while True:
            pass

    with pytest.raises(core.Finding, match="too slow"):
        bounded(spin, cpu=1)


def test_the_request_oracle_catches_a_path_that_answers_differently(card, monkeypatch):
    from engine.fastpath import make_quoter
    from tests.fuzz import quoting

    def wrong(index, limit=0):
        quote, many = make_quoter(index)
        return (lambda request: quote({"tool": "voiceover", "chars": 1})), many

    monkeypatch.setattr(quoting, "make_quoter", wrong)
    with pytest.raises(core.Finding, match="memo .*differs from the reference"):
        quoting.check_paths(card, [{"tool": "voice-clone"}], [[]])


def _documented(marker: str) -> str:
    text = (ROOT / "docs" / "fuzzing.md").read_text(encoding="utf-8")
    return next(line.strip() for line in text.splitlines() if line.strip().startswith(marker))


def test_the_documented_short_run_and_its_replays(tmp_path):
    command = _documented("python -m tests.fuzz --target all --seconds 2")
    argv = command.split()
    argv[argv.index("--out") + 1] = str(tmp_path / "found")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, *argv[1:]], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=600)
    assert "Traceback" not in done.stderr, done.stderr
    for name in TARGETS:
        assert re.search(rf"^{name}: [1-9][0-9]* cases tried$", done.stdout, re.M), done.stdout
    failures = int(re.search(r"^([0-9]+) failures found$", done.stdout, re.M).group(1))
    assert done.returncode == (1 if failures else 0)
    saved = sorted((tmp_path / "found").glob("*.json")) if failures else []
    assert len(saved) == failures
    for path in saved:
        kind = json.loads(path.read_text())["kind"]
        again = subprocess.run([sys.executable, "-m", "tests.fuzz", "--replay", str(path)], cwd=ROOT,
                               capture_output=True, text=True, env=env, timeout=600)
        assert again.returncode == 1 and kind in again.stdout, again.stdout + again.stderr


def test_a_reproducer_keeps_what_the_oracle_said_and_replay_shows_it_when_the_case_passes_now(tmp_path):
    failure = core.Failure("requests", "a kind", "what the oracle said, traceback and all",
                           {"card": {"kind": "bundled"}, "ascii": True,
                            "requests": [{"$": "dict", "v": [["tool", "voice-clone"]]}], "warm": [[]]}, 0)
    path = core.save(failure, tmp_path)
    assert core.load_reproducer(path) == ("requests", failure.case, "a kind", failure.detail)
    done = subprocess.run([sys.executable, "-m", "tests.fuzz", "--replay", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "passes now (was: a kind)" in done.stdout, done.stdout + done.stderr
    assert "what the oracle said, traceback and all" in done.stdout


def test_the_documented_replay_command_replays_a_passing_case(tmp_path):
    case = {"target": "requests", "kind": "none", "case": {"card": {"kind": "bundled"}, "ascii": True,
                                                          "requests": [{"$": "dict", "v": [["tool", "voice-clone"]]}],
                                                          "warm": [[]]}}
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    argv = _documented("python -m tests.fuzz --replay").split()
    argv[-1] = str(path)
    done = subprocess.run([sys.executable, *argv[1:]], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "passes now" in done.stdout, done.stdout + done.stderr
