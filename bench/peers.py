"""Against peer engines: the video part of the card as a GoRules ZEN decision table and as
rule-engine rules, checked to give our answers, then timed on the same requests.

    pip install 'ratecard[bench]'     # zen-engine, rule-engine
    python bench/peers.py [--repeats 15]

Both encodings are generated from our compiled card (text-to-video and
image-to-video, every model and every priced cell), so they hold exactly the
card's prices:

- ZEN: one JDM decision table, hit policy "first", inputs tool, model, audio,
  res, dur, output credits; evaluated with `ZenEngine({"loader": ...}).evaluate("video", request)`, the
  loader returning a prebuilt `ZenDecisionContent` (its fastest form here:
  a loader returning the JSON text costs ~500 us per evaluation).
- rule-engine: one `Rule` per cell (`audio == true and res in [720, 1080] and dur == 4`),
  grouped by (tool, model) in a dict so only that model's rules are tried in order.

Requests: every priced video combination from bench/workload.py plus video
requests we reject as unsupported or unknown (a peer answers those with no
price). Reports the median over repeats of microseconds per request and our
speed ratio to each peer.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import engine  # noqa: E402
from engine.domain import Domain  # noqa: E402
from workload import per_item, priced  # noqa: E402

VIDEO = ("text-to-video", "image-to-video")
INPUTS = ("tool", "model", "audio", "res", "dur")


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
        for param in ("audio", "res", "dur"):
            row[ids[param]] = _zen_cell(allowed[param]) if param in allowed else ""
        rules.append(row)
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


def rule_engine_rules(card, rule_engine) -> dict:
    context = rule_engine.Context(default_value=None)
    by_model: dict[tuple, list] = {}
    for tool, model, allowed, credits in cells(card):
        terms = []
        for param in ("audio", "res", "dur"):
            if param in allowed:
                literal = "[" + ", ".join("true" if v is True else "false" if v is False else str(v)
                                          for v in allowed[param]) + "]"
                terms.append(f"{param} in {literal}")
        rule = rule_engine.Rule(" and ".join(terms) or "true", context=context)
        by_model.setdefault((tool, model), []).append((rule, credits))
    return by_model


def requests(card) -> list[dict]:
    good = [r for r in priced(card) if r["tool"] in VIDEO]
    bad = [{"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 6, "audio": True},
           {"tool": "text-to-video", "model": "Sora 2", "res": 1080, "dur": 4, "audio": True},
           {"tool": "image-to-video", "model": "Kling 2.1 Master", "res": 720, "dur": 5, "audio": False},
           {"tool": "text-to-video", "model": "Veo 3", "res": 480, "dur": 4, "audio": True},
           {"tool": "text-to-video", "model": "Kling 1.6", "res": 720, "dur": 5, "audio": True},
           {"tool": "text-to-video", "model": "Sora 3", "res": 720, "dur": 4, "audio": True}]
    share = max(1, len(good) // (4 * len(bad)))  # about 20% rejections
    return good + bad * share




def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    try:
        import rule_engine
        import zen
    except ImportError as exc:
        print(f"skipped: the peer engines are not installed ({exc.name}); pip install 'ratecard[bench]'")
        return
    card = engine.load()
    items = requests(card)
    document = zen_table(card)
    content = zen.ZenDecisionContent(json.dumps(document))  # parsed once: a loader returning text re-parses
    zen_engine = zen.ZenEngine({"loader": lambda key: content})  # on every call (~500 us here)
    by_model = rule_engine_rules(card, rule_engine)

    def ours(xs, quote=card.quote):
        return [quote(r) for r in xs]

    def zen_loop(xs, evaluate=zen_engine.evaluate):
        return [evaluate("video", r)["result"].get("credits") for r in xs]

    def rule_engine_loop(xs, find=by_model.get):
        out = []
        for r in xs:
            credits = None
            for rule, price in find((r["tool"], r["model"]), ()):
                if rule.matches(r):
                    credits = price
                    break
            out.append(credits)
        return out

    expected = [q.credits if q.ok else None for q in ours(items)]
    for name, loop in (("zen-engine", zen_loop), ("rule-engine", rule_engine_loop)):
        got = loop(items)
        wrong = [(r, e, g) for r, e, g in zip(items, expected, got) if e != g]
        assert not wrong, f"{name} disagrees with the card: {wrong[:3]}"
    print(f"all {len(items)} requests ({sum(e is not None for e in expected)} priced) "
          f"get the same answer from all three engines ({len(document['nodes'][1]['content']['rules'])} table rows)")
    base = per_item(ours, items, args.repeats)
    rows = [("ratecard", base)]
    rows.append(("zen-engine", per_item(zen_loop, items, args.repeats)))
    rows.append(("rule-engine", per_item(rule_engine_loop, items, max(3, args.repeats // 3))))
    print(f"video quotes, median of {args.repeats} repeats")
    print(f"{'engine':12} {'us/request':>10} {'ratecard is':>12}")
    for name, us in rows:
        print(f"{name:12} {us:10.2f} {us / base:11.1f}x")


if __name__ == "__main__":
    main()
