"""Against peer engines: the video and voiceover parts of the card as a GoRules ZEN decision
table, as Common Expression Language programs (the Rust CEL engine's Python bindings) and as
rule-engine rules, checked to give our answers, then timed on the same requests.

    pip install '.[bench]'     # zen-engine, common-expression-language, rule-engine
    python bench/peers.py [--repeats 15]

All encodings are generated from our compiled card (text-to-video and
image-to-video, every model and every priced cell; voiceover's `chars / 10`
rounded up), so they hold exactly the card's prices:

- ZEN: one JDM decision table, hit policy "first", inputs tool, model, audio,
  res, dur, chars, output credits; evaluated with `ZenEngine({"loader": ...}).evaluate("video", request)`, the
  loader returning a prebuilt `ZenDecisionContent` (its fastest form here:
  a loader returning the JSON text costs ~500 us per evaluation).
- CEL: one compiled program per (tool, model), a chain of conditionals over its
  cells (`audio == true && res in [720, 1080] && dur == 4 ? 2000 : ...`), found in a dict.
- rule-engine (pure Python): one `Rule` per cell, grouped by (tool, model) in a dict so only that
  model's rules are tried in order.

A peer answers a request it cannot price with no price (no message); ratecard
answers with a Rejection and its message. Lists (each says how many requests and
how many distinct): the priced video combinations, voiceover chars=1..N (a
formula), and video requests whose `dur` is not offered. None repeats a request,
so ratecard is timed three ways: memo off (`make_quoter(index, limit=0)`), first
seen (a fresh memo each repeat, each request quoted once; the quoters share the
card's compiled roads, engine.fastpath.make_answer, as a loaded card's do), and warm (the memo
holding every request, which is what a list that repeats measures; the peers keep
no memo). Reports the median over repeats of microseconds per request and each
peer's time over ratecard's first-seen time (above 1: ratecard is faster).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import engine  # noqa: E402
from engine.domain import Domain  # noqa: E402
from engine.fastpath import make_answer, make_quoter  # noqa: E402
from workload import distinct, per_item, priced  # noqa: E402

VIDEO = ("text-to-video", "image-to-video")
INPUTS = ("tool", "model", "audio", "res", "dur", "chars")


def cells(card):
    """(tool, model, {param: allowed values}, credits) for every priced cell of the video tools."""
    for tool_name in VIDEO:
        tool = card.index.tools[tool_name]
        for name in tool.canonical:
            model = tool.models[name]
            assert not model.ranged, "every video price is a cell of a finite grid"
            offered = {s.param.name: list(s.offer) for s in model.slots
                       if isinstance(s.offer, Domain) and s.param.name in INPUTS}
            for key, entries in model.table.items():
                entry = entries[0]
                if entry.quote is None:
                    continue
                allowed = dict(offered)
                allowed.update({p: [v] for p, v in zip(model.keys, key)})
                yield tool_name, name, allowed, entry.quote.credits


def _zen_cell(values: list) -> str:
    return ", ".join(json.dumps(v) for v in values)


def zen_table(card) -> dict:
    """The JDM document: request -> decision table -> response."""
    ids = {name: f"in-{name}" for name in INPUTS}
    rules = []
    for i, (tool, model, allowed, credits) in enumerate(cells(card)):
        row = {"_id": f"row-{i}", ids["tool"]: json.dumps(tool), ids["model"]: json.dumps(model), "out-credits": str(credits)}
        for param in ("audio", "res", "dur", "chars"):
            row[ids[param]] = _zen_cell(allowed[param]) if param in allowed else ""
        rules.append(row)
    rules.append({"_id": "row-voiceover", ids["tool"]: '"voiceover"', ids["model"]: "", ids["audio"]: "",
                  ids["res"]: "", ids["dur"]: "", ids["chars"]: ">= 1", "out-credits": "ceil(chars / 10)"})
    table = {"hitPolicy": "first",
             "inputs": [{"id": ids[n], "name": n, "type": "expression", "field": n} for n in INPUTS],
             "outputs": [{"id": "out-credits", "name": "credits", "type": "expression", "field": "credits"}],
             "rules": rules}
    nodes = [{"id": "request", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
             {"id": "prices", "type": "decisionTableNode", "name": "Video prices", "position": {"x": 200, "y": 0},
              "content": table},
             {"id": "response", "type": "outputNode", "name": "Response", "position": {"x": 400, "y": 0}}]
    edges = [{"id": "e1", "type": "edge", "sourceId": "request", "targetId": "prices"},
             {"id": "e2", "type": "edge", "sourceId": "prices", "targetId": "response"}]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


def _literal(values) -> str:
    return "[" + ", ".join("true" if v is True else "false" if v is False else str(v) for v in values) + "]"


def rule_engine_rules(card, rule_engine) -> dict:
    """(tool, model) -> [(rule, credits or a rule computing them)]."""
    context = rule_engine.Context(default_value=None)
    by_model: dict[tuple, list] = {}
    for tool, model, allowed, credits in cells(card):
        terms = [f"{param} in {_literal(allowed[param])}" for param in ("audio", "res", "dur") if param in allowed]
        rule = rule_engine.Rule(" and ".join(terms) or "true", context=context)
        by_model.setdefault((tool, model), []).append((rule, credits))
    by_model[("voiceover", None)] = [(rule_engine.Rule("chars >= 1", context=context),
                                      rule_engine.Rule("(chars + 9) // 10", context=context))]
    return by_model


def cel_programs(card, cel) -> dict:
    """(tool, model) -> one compiled CEL program: a chain of conditionals over its cells, else null."""
    by_model: dict[tuple, list] = {}
    for tool, model, allowed, credits in cells(card):
        terms = [f"{param} in {_literal(allowed[param])}" for param in ("audio", "res", "dur") if param in allowed]
        by_model.setdefault((tool, model), []).append(f"({' && '.join(terms) or 'true'}) ? {credits}")
    programs = {key: cel.compile(" : ".join(arms) + " : null") for key, arms in by_model.items()}
    programs[("voiceover", None)] = cel.compile("chars >= 1 ? (chars + 9) / 10 : null")
    return programs


def lists(card) -> dict[str, list[dict]]:
    """Request lists in which no request repeats."""
    video = [r for r in priced(card) if r["tool"] in VIDEO]
    voiceover = [{"tool": "voiceover", "chars": n} for n in range(1, 1001)]
    not_offered = [{**r, "dur": d} for d in range(13, 133) for r in video[::8]]
    not_offered = [r for r in not_offered if not card.quote(r).ok][:1000]
    return {"priced video": video, "voiceover formula": voiceover, "rejected: dur not offered": not_offered}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    try:
        import cel
        import rule_engine
        import zen
    except ImportError as exc:
        print(f"skipped: the peer engines are not installed ({exc.name}); pip install '.[bench]'")
        return
    card = engine.load()
    document = zen_table(card)
    content = zen.ZenDecisionContent(json.dumps(document))  # parsed once: a loader returning text re-parses
    zen_engine = zen.ZenEngine({"loader": lambda key: content})  # on every call (~500 us here)
    by_model = rule_engine_rules(card, rule_engine)
    programs = cel_programs(card, cel)

    def ratecard_off(xs, quote=make_quoter(card.index, limit=0)[0]):
        return [quote(r) for r in xs]

    def zen_loop(xs, evaluate=zen_engine.evaluate):
        return [evaluate("video", r)["result"].get("credits") for r in xs]

    def cel_loop(xs, find=programs.get):
        out = []
        for r in xs:
            program = find((r["tool"], r.get("model")))
            try:
                out.append(program.execute(r) if program is not None else None)
            except RuntimeError:  # a variable the request does not give
                out.append(None)
        return out

    def rule_engine_loop(xs, find=by_model.get):
        out = []
        for r in xs:
            credits = None
            for rule, price in find((r["tool"], r.get("model")), ()):
                if rule.matches(r):
                    credits = price if type(price) is int else price.evaluate(r)
                    break
            out.append(credits)
        return out

    answer = make_answer(card.index, card.digest)  # the card's road, shared as a loaded card's quoters share it

    def first_seen(xs, repeats):
        """Median us per request of one pass of a fresh card quoter (memo on, empty)."""
        times = []
        for _ in range(repeats):
            quote = make_quoter(card.index, answer=answer)[0]
            start = time.perf_counter()
            for r in xs:
                quote(r)
            times.append(time.perf_counter() - start)
        return statistics.median(times) / len(xs) * 1e6

    def warm(xs, quote=card.quote):
        return [quote(r) for r in xs]

    print(f"median of {args.repeats} repeats, microseconds per request; peer / ratecard first seen "
          "in brackets (above 1: ratecard is faster)")
    print(f"{'list':26} {'n':>5} {'distinct':>8} {'memo off':>8} {'first seen':>10} {'warm':>6} "
          f"{'Rust CEL':>14} {'ZEN':>14} {'rule-engine':>14}")
    for label, items in lists(card).items():
        expected = [q.credits if q.ok else None for q in ratecard_off(items)]
        for name, loop in (("zen-engine", zen_loop), ("CEL", cel_loop), ("rule-engine", rule_engine_loop)):
            got = loop(items)
            wrong = [(r, e, g) for r, e, g in zip(items, expected, got) if e != g]
            assert not wrong, f"{name} disagrees with the card: {wrong[:3]}"
        ours = first_seen(items, args.repeats)
        row = [per_item(ratecard_off, items, args.repeats), ours, per_item(warm, items, args.repeats)]
        peers = [per_item(cel_loop, items, args.repeats), per_item(zen_loop, items, args.repeats),
                 per_item(rule_engine_loop, items, max(3, args.repeats // 3))]
        cells_ = " ".join(f"{us:6.2f} ({us / ours:4.1f}x)" for us in peers)
        print(f"{label:26} {len(items):5d} {distinct(items):8d} {row[0]:8.2f} {row[1]:10.2f} {row[2]:6.2f} {cells_}")
    print(f"every answer checked equal across the four engines ({len(document['nodes'][1]['content']['rules'])} "
          "ZEN table rows); a peer's rejection is a missing price, ratecard's a Rejection with its message")


if __name__ == "__main__":
    main()
