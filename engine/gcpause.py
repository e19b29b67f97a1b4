"""Pausing the cyclic garbage collector while a card is loaded.

Loading builds millions of small objects (Lark's tree, the AST, priced rules,
or the compiled index read from the cache) and no reference cycles among them.
Every allocation still counts towards a collection that walks the whole,
growing heap, so on large cards those collections cost more than the work
itself: pausing them more than halves the time to parse and check a 30k-rule
card (bench/check_scale.py). Mercurial's `util.nogc` does the same while it
builds large containers. The previous state is restored, so a caller that
disabled the collector keeps it disabled.

A class rather than contextlib.contextmanager: a quote from the compiled-card
cache uses it too, and importing contextlib would cost its start-up time.
"""

from __future__ import annotations

import gc


class paused_gc:  # noqa: N801 - used like the function it replaced: `with paused_gc():`
    """`with paused_gc():` runs its block with the cyclic garbage collector off."""

    __slots__ = ("_was_enabled",)

    def __enter__(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self._was_enabled:
            gc.enable()
