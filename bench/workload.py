"""The requests the benchmarks quote: every seed combination, plus rejections of each kind.

Shared by bench/quote.py, bench/batch.py and bench/peers.py so they time the same list.
"""

from __future__ import annotations

import itertools
import random
import statistics
import time

from engine.domain import Domain
from engine.results import Code

SAMPLES = (1, 7, 120, 1_000)  # values tried for an unbounded parameter (chars, images)


def priced(card) -> list[dict]:
    """Every combination the seed card prices, one request each, in the form a service sends."""
    out = []
    for tool in card.index.tools.values():
        names = tool.canonical or (None,)
        for name in names:
            model = tool.models[name]
            axes = []
            for slot in model.slots:
                offer = slot.offer
                if not isinstance(offer, Domain):
                    axes.append([None])
                elif offer.is_finite(64):
                    axes.append(list(offer))
                else:
                    axes.append([v for v in SAMPLES if v in offer])
            for combo in itertools.product(*axes):
                request = {"tool": tool.name}
                if name is not None:
                    request["model"] = name
                for slot, value in zip(model.slots, combo):
                    if value is not None and not slot.param.unpriced:
                        request[slot.param.name] = value
                if card.quote(request).ok:
                    out.append(request)
    return out


def rejections_by_code() -> dict[Code, list[object]]:
    """A few requests for each rejection code."""
    veo = {"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720}
    return {
        Code.INVALID_REQUEST: ["not a request", None, 12],
        Code.UNKNOWN_TOOL: [{"tool": "text-to-vidoe"}, {"tool": "music"}],
        Code.UNKNOWN_MODEL: [{"tool": "text-to-video", "model": "Sora 3"}, {"tool": "text-to-image", "model": "x"}],
        Code.MISSING_PARAM: [dict(veo), {"tool": "text-to-video", "model": "Sora 2 Pro", "dur": 4}],
        Code.UNKNOWN_PARAM: [{**veo, "dur": 4, "durr": 4}, {"tool": "voiceover", "chars": 10, "voice": "x"}],
        Code.INVALID_PARAM: [{**veo, "dur": "abc"}, {**veo, "dur": 4.5}, {"tool": "voiceover", "chars": -1}],
        Code.UNSUPPORTED: [{"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 6},
                           {"tool": "text-to-video", "model": "Kling 2.1 Master", "res": 720, "dur": 5}],
        Code.REJECTED: [],  # filled from the card below when it has reject rules
    }


def mixed(card, rejected_share: float = 0.2, seed: int = 5) -> tuple[list, list]:
    """(priced requests, rejected requests): rejections are about `rejected_share` of the whole,
    spread evenly over the codes the card can produce."""
    good = priced(card)
    kinds = rejections_by_code()
    kinds[Code.REJECTED] = _reject_rule_requests(card)
    kinds = {code: reqs for code, reqs in kinds.items() if reqs}
    for code, reqs in kinds.items():
        for r in reqs:
            got = card.quote(r)
            assert not got.ok and got.code is code, (r, got)
    wanted = int(len(good) * rejected_share / (1 - rejected_share))
    per_kind = max(1, wanted // len(kinds))
    bad = [reqs[i % len(reqs)] for reqs in kinds.values() for i in range(per_kind)]
    rng = random.Random(seed)
    rng.shuffle(good)
    rng.shuffle(bad)
    return good, bad


def _reject_rule_requests(card) -> list[dict]:
    """Requests that hit an explicit reject rule of the card, found through its index."""
    found = []
    for tool in card.index.tools.values():
        for name in tool.canonical or (None,):
            model = tool.models[name]
            for key, entries in model.table.items():
                if entries[0].reason is None or model.ranged:
                    continue
                request = {"tool": tool.name, **({"model": name} if name else {}), **dict(zip(model.keys, key))}
                result = card.quote(request)
                if not result.ok and result.code is Code.REJECTED:
                    found.append(request)
    found.append({"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 4,
                  "plan": "AI Voiceover"})
    found.append({"tool": "text-to-image", "model": "Flux Pro Ultra", "plan": "AI Voiceover"})
    return [r for r in found if not card.quote(r).ok][:4]


def per_item(loop, items, repeats: int) -> float:
    """Median microseconds per item of `loop(items)` over `repeats` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        loop(items)
        times.append(time.perf_counter() - start)
    return statistics.median(times) / len(items) * 1e6
