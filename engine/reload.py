"""Serving a rate card that changes: build the new card aside, swap one reference, keep the old on errors.

    holder = engine.CardHolder("rules/")     # loads now; raises RateCardError if the card is broken
    holder.watch(interval=2.0)               # a daemon thread calls holder.reload() every 2 seconds
    ...
    card = holder.card                       # once per request: use this card for the whole answer
    result = card.quote(request)             # result.digest == card.digest

A reader sees the old card or the new one, never one half built: the new card is
loaded, checked and compiled completely before `card` is assigned, and that single
assignment is the swap. A changed card with errors is not swapped in: the old card
keeps serving and `error` holds the RateCardError that kept the new one out. The same
broken text is not loaded again; the next edit is.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from engine import sources as source_files
from engine.ratecard import RateCard, RateCardError, load

log = logging.getLogger("ratecard.reload")


class CardHolder:
    """The card a service prices with, reloaded from `path` (a file or folder; None: the bundled card).

    `card` is the serving RateCard, `version` counts the cards swapped in (1 for the first),
    `error` is why the latest change was refused (None once a clean card is in).
    `on_swap(card)` is called after each swap, in the thread that reloaded.
    """

    def __init__(self, path: str | Path | None = None, *, card: RateCard | None = None, use_cache: bool = True,
                 on_swap: Callable[[RateCard], object] | None = None):
        self.path = path
        self.card: RateCard = card if card is not None else load(path, use_cache=use_cache)
        self.version = 1
        self.error: RateCardError | None = None
        self._use_cache = use_cache
        self._on_swap = on_swap
        self._seen = self.card.digest  # the files last looked at (a read error marks them with "!")
        self._lock = threading.Lock()  # one reload at a time; readers never take it
        self._stop = threading.Event()

    def reload(self) -> bool:
        """Read the files again; swap in the card they make if it changed and has no errors.
        True when a new card was swapped in. Never raises for a broken card (see `error`)."""
        with self._lock:
            sources, read_errors = source_files.read(self.path)
            fingerprint = source_files.digest(sources) + ("!" if read_errors else "")
            if fingerprint == self._seen:
                return False
            self._seen = fingerprint
            try:
                if read_errors and not sources:
                    raise RateCardError(read_errors, {})
                card = RateCard.from_sources(sources, read_errors, self._use_cache)
            except RateCardError as exc:
                log.warning("the changed rate card has errors (%d); still serving %s",
                            len(exc.diagnostics), self.card.digest[:12])
                self.error = exc
                return False
            self.error = None
            self.card = card  # the swap: one assignment
            self.version += 1
        log.info("rate card %s (version %d) is now serving", card.digest[:12], self.version)
        if self._on_swap is not None:
            self._on_swap(card)
        return True

    def watch(self, interval: float = 2.0) -> threading.Thread:
        """Call `reload` every `interval` seconds in a daemon thread until `stop()`; returns the thread."""
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    self.reload()
                except Exception:  # an engine fault must not end the watch: the old card keeps serving
                    log.exception("reloading the rate card failed; still serving %s", self.card.digest[:12])

        thread = threading.Thread(target=loop, name="ratecard-reload", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """End `watch` (after the reload in progress, if any)."""
        self._stop.set()
