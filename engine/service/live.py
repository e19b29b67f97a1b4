"""The card a server prices with, and the watcher that swaps in a changed card only when it is clean.

Handlers read `Live.current` once per request and use that one `Loaded` for
everything they answer, so a response is priced, explained and labelled by the
same card even while a reload happens. A reload builds and checks the new card
off the event loop and publishes it with a single reference assignment; a card
with errors is never published: the old one keeps serving and `refused` says why.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
from pathlib import Path

import attrs

from engine import sources as source_files
from engine.diagnostics import to_json_object
from engine.ratecard import RateCard, RateCardError

log = logging.getLogger("ratecard.service")


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


@attrs.frozen
class Loaded:
    """One published card: what priced a response and what the response says priced it."""

    card: RateCard
    digest: str
    version: int        # 1 for the card the server started with, +1 per reload swapped in
    loaded_at: str

    @property
    def diagnostics(self) -> list[dict]:
        return [to_json_object(d) for d in self.card.warnings]


@attrs.frozen
class Refused:
    """A changed card that was not swapped in, and every diagnostic that kept it out."""

    fingerprint: str
    diagnostics: tuple[dict, ...]
    at: str


class Live:
    def __init__(self, card: RateCard, rules: str | Path | None = None):
        self.rules = rules
        self.current = Loaded(card, card.digest, 1, _now())
        self.refused: Refused | None = None
        self._seen = card.digest

    def check(self) -> bool:
        """Read the rules again; swap in the card they make if it changed and is clean. True if swapped."""
        sources, read_errors = source_files.read(self.rules)
        fingerprint = source_files.digest(sources) + ("!" if read_errors else "")
        if fingerprint == self._seen:
            return False
        try:
            if read_errors and not sources:
                raise RateCardError(read_errors, {})
            card = RateCard.from_sources(sources, read_errors)
        except RateCardError as exc:
            if self.refused is None or self.refused.fingerprint != fingerprint:
                log.warning("the changed rate card has errors; still serving %s", self.current.digest[:12])
            self.refused = Refused(fingerprint, tuple(to_json_object(d) for d in exc.diagnostics), _now())
            return False
        except Exception:  # an engine bug must not stop the watcher; the old card keeps serving
            log.exception("reloading the rate card failed; still serving %s", self.current.digest[:12])
            self.refused = Refused(fingerprint, (), _now())
            return False
        self._seen = fingerprint
        self.refused = None
        self.current = Loaded(card, card.digest, self.current.version + 1, _now())
        log.info("rate card %s (version %d) is now serving", self.current.digest[:12], self.current.version)
        return True

    async def watch(self, interval: float) -> None:
        """Look at the rules every `interval` seconds, forever; building a card runs in a thread."""
        import anyio.to_thread

        while True:
            await asyncio.sleep(interval)
            try:
                await anyio.to_thread.run_sync(self.check)
            except Exception:
                log.exception("watching the rate card failed")
