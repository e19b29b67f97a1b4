"""The requests the benchmarks quote: every seed combination, plus rejections of each kind.

Shared by bench/quote.py, bench/batch.py and bench/peers.py so they time the same lists.
Every benchmark says how many distinct requests a list holds (`distinct`): a list that
repeats itself measures the quote memo, not the engine. `first_seen` gives lists in which
no request repeats, for timing the road a new request takes.
"""

from __future__ import annotations

import itertools
import random
import statistics
import time

from engine.domain import Domain
from engine.results import Code

SAMPLES = (1, 7, 120, 1_000)  # values tried for an unbounded parameter (chars, images)


def distinct(requests) -> int:
    """How many different requests a list holds, as the memo tells them apart (`True` is not `1`)."""
    return len({_identity(r) for r in requests})


def _identity(request):
    if type(request) is dict:
        return tuple((k, type(v), v) for k, v in request.items())
    return (type(request), request)


def priced(card) -> list[dict]:
    """Every combination the seed card prices, one request each, in the form a service sends.
    (An unpriced parameter is left out, so its values would give the same request again: kept once.)"""
    out, seen = [], set()
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
                if _identity(request) not in seen and card.quote(request).ok:
                    seen.add(_identity(request))
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


_TRUE, _FALSE = (True, "yes", "true", "Yes", "YES", "True"), (False, "no", "false", "No", "NO", "False")


def spellings(request: dict) -> list[dict]:
    """The request in every common form of its values (`1080`, `1080.0`, `"1080"`, `"yes"`...): all distinct."""
    axes = []
    for value in request.values():
        if type(value) is bool:
            axes.append(_TRUE if value else _FALSE)
        elif type(value) is int:
            axes.append((value, float(value), str(value)))
        else:
            axes.append((value,))
    return [dict(zip(request, combo)) for combo in itertools.product(*axes)]


def first_seen(card, count: int = 600) -> dict[str, list]:
    """Lists of requests none of which repeats, by kind: "priced" (every priced combination in every
    spelling), "voiceover" (a formula, chars=1..count), and one per rejection code."""
    def take(requests, code=None):
        out, seen = [], set()
        for r in requests:
            key = _identity(r)
            if key in seen:
                continue
            got = card.quote(r)
            if (code is None and got.ok) or (code is not None and not got.ok and got.code is code):
                seen.add(key)
                out.append(r)
            if len(out) == count:
                break
        return out

    good = priced(card)
    video = [r for r in good if r["tool"] == "text-to-video"]
    lists = {
        "priced": take(_shuffled([s for r in good for s in spellings(r)])),
        "voiceover": take(({"tool": "voiceover", "chars": i} for i in range(1, count + 1))),
        Code.INVALID_REQUEST: take((x for i in range(count) for x in (f"request {i}", i, float(i) + 0.5)),
                                   Code.INVALID_REQUEST),
        Code.UNKNOWN_TOOL: take(({"tool": name, "dur": i} for i in range(count)
                                 for name in ("text-to-vidoe", "music", "Text to video")), Code.UNKNOWN_TOOL),
        Code.UNKNOWN_MODEL: take(({"tool": "text-to-video", "model": name, "dur": i} for i in range(count)
                                  for name in ("Sora 3", "veo3", "Kling")), Code.UNKNOWN_MODEL),
        Code.MISSING_PARAM: take((s for r in video for s in spellings({k: v for k, v in r.items() if k != "dur"})),
                                 Code.MISSING_PARAM),
        Code.UNKNOWN_PARAM: take(({**r, "durr": i} for i in range(count) for r in video[:3]), Code.UNKNOWN_PARAM),
        Code.INVALID_PARAM: take((x for i in range(1, count) for x in (
            {"tool": "voiceover", "chars": -i}, {**video[0], "dur": f"{i}x"}, {**video[0], "dur": i + 0.5})),
            Code.INVALID_PARAM),
        Code.UNSUPPORTED: take(({**r, "dur": d} for d in range(13, 13 + count) for r in video[::7]),
                               Code.UNSUPPORTED),
        Code.REJECTED: take((s for r in _reject_rule_requests(card) for s in spellings(r)), Code.REJECTED),
    }
    return {str(label): requests for label, requests in lists.items()}


def _shuffled(items: list) -> list:
    random.Random(5).shuffle(items)
    return items


def per_item(loop, items, repeats: int) -> float:
    """Median microseconds per item of `loop(items)` over `repeats` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        loop(items)
        times.append(time.perf_counter() - start)
    return statistics.median(times) / len(items) * 1e6


def in_turns(runs: dict, items, repeats: int, every: dict | None = None) -> dict[str, float]:
    """name -> median microseconds per item of the loop `runs[name]()` makes, timed in turns: each
    repeat makes and runs every loop once (its making not timed: a fresh quoter, say), so a machine
    that slows down or speeds up during the run moves them all alike and their ratios stay true.
    `every`: name -> n, for a slow loop run on every n-th turn only."""
    every = every or {}
    times: dict[str, list[float]] = {name: [] for name in runs}
    for turn in range(repeats):
        for name, make in runs.items():
            if turn % every.get(name, 1):
                continue
            loop = make()
            start = time.perf_counter()
            loop(items)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) / len(items) * 1e6 for name, t in times.items()}
