"""Running one check in a forked child under CPU-time and memory limits, so a hang or a memory blow-up
is a finding instead of a stuck or killed test run.

The child is a fork of this process (the parser and everything else already
imported), so a case costs a few milliseconds more than running it in place.
Where fork or the limits are not available, the check runs in place.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable

from tests.fuzz.core import Finding

CPU_SECONDS = 20        # per case: no card that loads should take longer to check, quote or print
MEMORY_BYTES = 768 << 20  # per case, on top of what the process already holds
WALL_SECONDS = 90       # a shared machine may be slow; CPU time is the real bound


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def bounded(check: Callable[[], None], cpu: int = CPU_SECONDS, memory: int = MEMORY_BYTES) -> None:
    """check() in a child limited to `cpu` seconds and `memory` more bytes; re-raises its Finding here,
    and turns running out of time or memory into one."""
    if not hasattr(os, "fork") or os.environ.get("RATECARD_FUZZ_NO_FORK"):
        check()
        return
    import resource

    base = _address_space()
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 0
        try:
            os.close(read_end)
            if base:
                resource.setrlimit(resource.RLIMIT_AS, (base + memory, base + memory))
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
            try:
                check()
                result = ("ok",)
            except Finding as found:
                result = ("finding", found.kind, found.detail)
            except MemoryError:
                result = ("finding", "out of memory (over the per-case limit)", "")
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                import traceback

                where = traceback.extract_tb(exc.__traceback__)[-1]
                result = ("finding", f"uncaught {type(exc).__name__} at {os.path.basename(where.filename)}:"
                          f"{where.name}", traceback.format_exc(limit=-8))
            data = pickle.dumps(result)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
        except BaseException:  # noqa: BLE001 - e.g. MemoryError while reporting
            status = 3
        os._exit(status)
    os.close(write_end)
    chunks = []
    deadline = time.monotonic() + WALL_SECONDS
    timed_out = False
    with os.fdopen(read_end, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                os.kill(pid, signal.SIGKILL)
                break
            ready, _, _ = select.select([pipe], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(pipe.fileno(), 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if timed_out:
        raise Finding("too slow (wall-clock limit per case)", f"over {WALL_SECONDS} s")
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            raise Finding("too slow (CPU limit per case)", f"over {cpu} s of CPU")
        raise Finding(f"child killed by signal {signal.Signals(sig).name}")
    try:
        result = pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001 - nothing (or half) was written: it ran out of memory reporting
        raise Finding("out of memory (over the per-case limit)", f"child exit status {status}") from None
    if result[0] == "finding":
        raise Finding(result[1], result[2])
