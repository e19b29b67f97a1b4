"""Pausing the cyclic garbage collector while a card is loaded.

Loading builds millions of small objects (Lark's tree, the AST, priced rules)
and no reference cycles among them. Every allocation still counts towards a
collection that walks the whole, growing heap, so on large cards those
collections cost more than the work itself: pausing them more than halves the
time to parse and check a 30k-rule card (bench/check_scale.py). Mercurial's
`util.nogc` does the same while it builds large containers. The previous state
is restored, so a caller that disabled the collector keeps it disabled.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
