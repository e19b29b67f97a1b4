"""The bundled card's own prices, for tests that use the card without being about its prices.

Such a test asks the card (or its source) for a price instead of writing the number
down, so that changing one price in rules/ fails only the tests that are about
prices: the price-sheet snapshot (tests/test_table.py), the seed oracle
(tests/test_seed.py, tests/test_expectations.py) and the examples of the docs.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import engine
from engine.sheet import price_sheet

# A copy of the bundled card as it was when the review tools' tests were written: tests of how
# diff, explain and table show a card read this one, so their snapshots pin the tools, not today's prices.
FROZEN_CARD = Path(__file__).parent / "data" / "card"

SORA = {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 12}


def sheet_price(card: engine.RateCard, request: dict) -> int:
    """The request's price as the card's price sheet lists it: the card's word, read another way than quote."""
    params = {k: v for k, v in request.items() if k not in ("tool", "model")}
    for row in price_sheet(card, request["tool"], request.get("model")):
        given = dict(row.params)
        if all(given.get(k) == v for k, v in params.items()) and row.credits is not None:
            return row.credits
    raise LookupError(f"the bundled card's price sheet has no price for {request}")


@functools.cache
def _built() -> engine.RateCard:
    return engine.load(use_cache=False)


def bundled_quote(request: dict):
    """The bundled card's answer, from a card built from the rules (not from any cache)."""
    return _built().quote(request)


def sora_price() -> int:
    return sheet_price(_built(), SORA)


def sora_row(text: str) -> str:
    """The line of video.rules whose last cell prices SORA: `    res 1080   ->  3800   7600   11400`."""
    block = text[text.index('video "Sora 2 Pro" {'):]
    return re.search(r"^ *res 1080 +->.*$", block, re.M).group()


def repriced_row(row: str, credits: int) -> str:
    """The row with its last price (dur 12) set to `credits`, the layout kept."""
    return re.sub(r"\d+$", str(credits), row)
