"""Start-up: one quote as a fresh process, and a large card loaded from the compiled-card cache.

    python bench/startup.py [--repeats 21] [--rules 100000] [--large-repeats 3] [--no-large]

1. A quote as a fresh process. Interleaved, so a busy moment hits all alike,
   the median wall time and CPU time (user + system, the children's rusage) of
   each of these processes over --repeats runs:

   - `python -c pass`: the floor, what starting Python costs;
   - `python -c 'import json; ...'` decoding every line of the bundled card's
     compiled-card cache file with the stdlib: what the least program that
     reads that file costs (a second floor);
   - `ratecard quote text-to-video "Sora 2 Pro" res=1080 dur=12`, the card
     unchanged since it was last compiled (the compiled card is in the cache);
   - the same with `python -m engine` instead of the console script (runpy
     imports a few modules more);
   - the same after the card changed: the compiled card is not in the cache,
     Lark's parser is (its own cache, in the same folder); the card is parsed,
     checked and compiled;
   - the same with RATECARD_NO_CACHE=1: neither cache, Lark builds its parser too.

   Each is given as milliseconds and as a ratio to `python -c pass` of the
   same run. Target: the cached quote at most 3x `python -c pass`. On a
   machine shared with other work, wall time includes waiting for a core (more
   of it the longer a process runs), so the CPU ratio is the steadier figure.

2. A large card (bench/synthetic.py, --rules rules: 1,000 models of 10 x 10
   grids for 100,000), the median of --large-repeats loads each: built from
   its .rules text (`engine.load(folder, use_cache=False)`: read, parse, check,
   compile) against loaded from the compiled-card cache (`engine.load(folder)`:
   read the text to name the cache file, read and check the cached index),
   first as fresh processes (`import engine` included: what a process that
   needs the card pays), then again in this process (modules already imported,
   Lark's parser already built). For scale: decoding the cache file's JSON
   alone, with the collector paused as the cache reads it. Wall and CPU time.
   Target: from the cache in at most a third of the time of building from text.

Every process runs with bytecode written (PYTHONDONTWRITEBYTECODE is dropped
and each case runs once untimed first), as an installed package runs: a module
compiled from its source at every start would be timed instead.

The console script is the `ratecard` next to this Python (pip installs it
there); it is run as `python path/to/ratecard`, as its own first line would,
without a shell or a shim in front (pyenv's shims alone cost more than Python's
start here).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

REQUEST = ["quote", "text-to-video", "Sora 2 Pro", "res=1080", "dur=12"]
DECODE = "import json, sys\nraw = open(sys.argv[1], 'rb').read()\n[json.loads(line) for line in raw.split(b'\\n')]\n"


def run(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall time, CPU time: user + system) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *argv], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def console_script() -> list[str]:
    script = Path(sysconfig.get_path("scripts")) / "ratecard"
    if script.is_file():
        return [str(script)]
    print(f"(no console script at {script}: timing `python -m engine.cli` instead)")
    return ["-m", "engine.cli"]


def card_files(folder: Path) -> list[Path]:
    from engine import cache

    return [p for p in folder.glob("*.json") if cache._NAME.fullmatch(p.name)]


def quote_processes(repeats: int) -> None:
    script = console_script()
    with tempfile.TemporaryDirectory() as warm, tempfile.TemporaryDirectory() as changed:
        env = dict(os.environ, PYTHONPATH=str(ROOT), RATECARD_CACHE_DIR=warm)
        env.pop("RATECARD_NO_CACHE", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules read from their bytecode, not compiled
        out = subprocess.run([sys.executable, *script, *REQUEST], env=env, cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()  # fills the cache
        (cached,) = card_files(Path(warm))
        changed_env = dict(env, RATECARD_CACHE_DIR=changed)
        run([*script, *REQUEST], changed_env)  # Lark's parser cache, in its own folder

        def forget_card() -> None:  # the card "changed": its compiled form is not in the cache
            for path in card_files(Path(changed)):
                path.unlink()

        cases = {
            "python -c pass": (["-c", "pass"], env, None),
            "python: import json, decode the cache file": (["-c", DECODE, str(cached)], env, None),
            "ratecard quote (compiled card cached)": ([*script, *REQUEST], env, None),
            "python -m engine quote (cached)": (["-m", "engine", *REQUEST], env, None),
            "ratecard quote (card changed; parser cached)": ([*script, *REQUEST], changed_env, forget_card),
            "ratecard quote (RATECARD_NO_CACHE=1)": ([*script, *REQUEST], dict(env, RATECARD_NO_CACHE="1"), None),
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for argv, case_env, before in cases.values():  # a first run of each, not timed: bytecode written
            if before is not None:
                before()
            run(argv, case_env)
        for _ in range(repeats):
            for name, (argv, case_env, before) in cases.items():
                if before is not None:
                    before()
                times[name].append(run(argv, case_env))
    wall = {name: statistics.median(w for w, _ in ts) for name, ts in times.items()}
    cpu = {name: statistics.median(c for _, c in ts) for name, ts in times.items()}
    print(f"1. `ratecard quote text-to-video \"Sora 2 Pro\" res=1080 dur=12` (prints {out}) as a fresh process, "
          f"median of {repeats} interleaved runs each: wall time, and CPU time (user + system)")
    print(f"{'':46} {'wall ms':>8} {'x pass':>7} {'CPU ms':>7} {'x pass':>7}")
    for name in times:
        print(f"{name:46} {wall[name] * 1000:8.1f} {wall[name] / wall['python -c pass']:7.2f} "
              f"{cpu[name] * 1000:7.1f} {cpu[name] / cpu['python -c pass']:7.2f}")
    name = "ratecard quote (compiled card cached)"
    ratios = (wall[name] / wall["python -c pass"], cpu[name] / cpu["python -c pass"])
    print(f"target: the cached quote at most 3x python -c pass: {ratios[0]:.2f}x wall, {ratios[1]:.2f}x CPU, "
          f"{'met' if max(ratios) <= 3 else 'missed'}")


LOAD_CHILD = """
import json, sys, time
wall, cpu = time.perf_counter(), time.process_time()
import engine
card = engine.load(sys.argv[1], use_cache=sys.argv[2] == "cache")
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
assert (card._card is None) == (sys.argv[2] == "cache"), "the card did not come from where it should"
print(json.dumps([wall, cpu]))
"""


def fresh_loads(folder: Path, kind: str, repeats: int, env: dict) -> tuple[float, float]:
    """Median (wall, CPU) seconds of `import engine; engine.load(folder)` in fresh processes."""
    runs = [json.loads(subprocess.run([sys.executable, "-c", LOAD_CHILD, str(folder), kind], env=env, cwd=ROOT,
                                      check=True, capture_output=True, text=True).stdout) for _ in range(repeats)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def in_process(fn, repeats: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds of fn() in this process, nothing of the previous runs kept alive."""
    walls, cpus = [], []
    for _ in range(repeats):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def large_card(rules: int, repeats: int) -> None:
    from synthetic import write_card

    with tempfile.TemporaryDirectory() as folder:
        cache_dir = Path(folder) / "cache"
        os.environ["RATECARD_CACHE_DIR"] = str(cache_dir)
        os.environ.pop("RATECARD_NO_CACHE", None)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        card_folder = Path(folder) / "card"
        write_card(card_folder, rules)
        fresh_build = fresh_loads(card_folder, "text", repeats, env)
        subprocess.run([sys.executable, "-c", "import engine, sys; engine.load(sys.argv[1])", str(card_folder)],
                       env=env, cwd=ROOT, check=True)  # builds the card once more and writes its cache file
        fresh_cache = fresh_loads(card_folder, "cache", repeats, env)

        import engine
        from engine.gcpause import paused_gc

        build = in_process(lambda: engine.load(card_folder, use_cache=False), repeats)
        cached = in_process(lambda: engine.load(card_folder), repeats)
        card = engine.load(card_folder)
        assert card._card is None, "the card was not read from the cache"
        models = len(card.index.tools["synth"].models)
        request = {"tool": "synth", "model": "M000500", "q": 3, "dur": 7}
        assert card.quote(request) == engine.load(card_folder, use_cache=False).quote(request)
        del card
        (cached_file,) = card_files(cache_dir)
        raw = cached_file.read_bytes()

        def decode() -> None:
            with paused_gc():  # as the cache reads it
                [json.loads(line) for line in raw.partition(b"\n")[2].split(b"\n")]

        decode_only = in_process(decode, repeats)
    print(f"\n2. a {rules:,}-rule card ({models:,} models): engine.load(folder), median of {repeats}; "
          f"cache file {len(raw) / 1e6:.1f} MB")
    print(f"{'':48} {'wall s':>7} {'x build':>8} {'CPU s':>7} {'x build':>8}")
    rows = [("fresh process: built from text", fresh_build, fresh_build),
            ("fresh process: from the cache", fresh_cache, fresh_build),
            ("in this process: built from text", build, build),
            ("in this process: from the cache", cached, build),
            ("in this process: json.loads of the file, alone", decode_only, build)]
    for name, (wall, cpu), (base_wall, base_cpu) in rows:
        print(f"{name:48} {wall:7.3f} {wall / base_wall:8.2f} {cpu:7.3f} {cpu / base_cpu:8.2f}")
    ratios = (fresh_cache[0] / fresh_build[0], fresh_cache[1] / fresh_build[1])
    print(f"target: from the cache in at most a third of building from text, fresh processes: {ratios[0]:.2f} wall, "
          f"{ratios[1]:.2f} CPU, {'met' if max(ratios) <= 1 / 3 else 'missed'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=21, help="fresh processes per case (default 21)")
    parser.add_argument("--rules", type=int, default=100_000, help="rules of the large card (default 100,000)")
    parser.add_argument("--large-repeats", type=int, default=3, help="loads of the large card per case")
    parser.add_argument("--no-large", action="store_true", help="only part 1")
    args = parser.parse_args()
    if shutil.which("python3") and "shims" in (shutil.which("python3") or ""):
        print("(python3 on PATH is a shim; every process here is started as sys.executable)")
    quote_processes(args.repeats)
    if not args.no_large:
        large_card(args.rules, args.large_repeats)


if __name__ == "__main__":
    main()
