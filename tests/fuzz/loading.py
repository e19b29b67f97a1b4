"""Loading the cards a case names, and running the `ratecard` command on them, in process or not.

`cli` runs engine.cli.main in this process with standard input, output and
error captured; `cli_subprocess` runs `python -m engine.cli` in a child limited
in CPU time and memory (resource limits), as a user would meet it.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import subprocess
import sys

import attrs

import engine
from engine.cli import main
from tests.fuzz.core import Finding, expect


@functools.lru_cache(maxsize=64)
def _loads(text: str) -> engine.RateCard:
    return engine.loads(text, "card.rules")


@functools.cache
def _bundled() -> engine.RateCard:
    return engine.load(use_cache=False)


def card_from(spec: dict) -> engine.RateCard:
    if spec["kind"] == "bundled":
        return _bundled()
    return _loads(spec["text"])


@functools.cache
def warm() -> None:
    """Build the parsers and tables ratecard builds lazily, once, before forking children that would each
    build them again (seconds per child)."""
    from engine.fmt import format_text

    for text in ("tool t { n 1 | 2 }\nt n 1 -> 1\nt n 2 -> 2\n", "tool t {\nt -> \n", "t n 1 1 -> 2\n"):
        try:
            engine.loads(text)
            format_text(text)
        except Exception:  # noqa: BLE001 - only warming up
            pass


@attrs.frozen
class Ran:
    code: int
    out: str
    err: str


def cli(argv: list[str], stdin: bytes | str = b"") -> Ran:
    """engine.cli.main(argv) in this process; what it printed and its exit status."""
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    # What a terminal or pipe under a UTF-8 locale is: text that cannot be encoded is an error there.
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", errors="strict", write_through=True)
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="backslashreplace", write_through=True)
    data = stdin.encode("utf-8", "surrogatepass") if isinstance(stdin, str) else stdin
    fake_in = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="strict")
    old_in = sys.stdin
    sys.stdin = fake_in
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
            except Exception as exc:  # noqa: BLE001 - what a user would see as a traceback
                import traceback

                where = traceback.extract_tb(exc.__traceback__)[-1]
                raise Finding(f"`ratecard {argv[0]}` traceback: {type(exc).__name__} at "
                              f"{os.path.basename(where.filename)}:{where.name}",
                              f"argv {argv!r:.300}\n{traceback.format_exc(limit=-6)}") from exc
    finally:
        sys.stdin = old_in
    out.flush()
    err.flush()
    try:
        printed = out_bytes.getvalue().decode("utf-8")
    except UnicodeDecodeError:
        raise Finding(f"`ratecard {argv[0]}` printed invalid UTF-8", repr(out_bytes.getvalue()[:300])) from None
    ran = Ran(code, printed, err_bytes.getvalue().decode("utf-8", "replace"))
    expect("Traceback (most recent call last)" not in ran.err + ran.out,
           f"`ratecard {argv[0]}` printed a traceback", ran.err[-2000:])
    return ran


CPU_SECONDS = 30
MEMORY_BYTES = 1 << 30


def _limits() -> None:  # runs in the child before exec
    import resource

    for limit, value in ((resource.RLIMIT_CPU, CPU_SECONDS), (resource.RLIMIT_AS, MEMORY_BYTES)):
        _, hard = resource.getrlimit(limit)
        if hard != resource.RLIM_INFINITY:  # a fuzzing child may already be limited: never ask for more
            value = min(value, hard)
        resource.setrlimit(limit, (value, value if hard == resource.RLIM_INFINITY else hard))


def cli_subprocess(argv: list[str], stdin: bytes = b"", env: dict | None = None) -> Ran:
    """`python -m engine.cli argv` in a child process with CPU and memory limits."""
    full_env = {**os.environ, **(env or {})}
    try:
        done = subprocess.run([sys.executable, "-m", "engine.cli", *argv], input=stdin, capture_output=True,
                              env=full_env, preexec_fn=_limits if os.name == "posix" else None,
                              timeout=CPU_SECONDS * 4)
    except subprocess.TimeoutExpired:
        raise Finding(f"`ratecard {argv[0]}` (subprocess) too slow", f"argv {argv!r:.300}") from None
    err = done.stderr.decode("utf-8", "replace")
    out = done.stdout.decode("utf-8", "replace")
    expect(done.returncode >= 0, f"`ratecard {argv[0]}` (subprocess) killed by a signal (time or memory limit)",
           f"argv {argv!r:.300} signal {-done.returncode}")
    expect("Traceback (most recent call last)" not in err, f"`ratecard {argv[0]}` (subprocess) printed a traceback",
           err[-2000:])
    expect("MemoryError" not in err, f"`ratecard {argv[0]}` (subprocess) ran out of memory", err[-500:])
    return Ran(done.returncode, out, err)
