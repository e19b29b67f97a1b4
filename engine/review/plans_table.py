"""The plans of a card as a table: one row per credit tier, with the billing period, price and tools.

`ratecard table` prints it after the price grids (text, Markdown); `ratecard
table --plans` prints only it, in any format.
"""

from __future__ import annotations

import csv
import io
import json

from engine.plans import Plan, Tier
from engine.ratecard import RateCard

TITLE = "plans"


def _tools(card: RateCard, plan: Plan) -> list[str]:
    """The plan's tools in the card's order."""
    return [t for t in card.index.tools if t in plan.tools]


def _tools_cell(card: RateCard, plan: Plan) -> str:
    tools = _tools(card, plan)
    return "all" if len(tools) == len(card.index.tools) else ", ".join(tools) or "(none)"


def _price(tier: Tier | None) -> str:
    return "-" if tier is None or tier.price is None else f"{tier.price} {tier.currency}"


def _rows(card: RateCard) -> list[list[str]]:
    """Plan, billed, credits, price, tools; the plan's name and period only on its first row."""
    rows = []
    for plan in card.plans.values():
        tiers: list[Tier | None] = list(plan.tiers) or [None]
        for i, tier in enumerate(tiers):
            first = i == 0
            rows.append([plan.name if first else "", plan.period.value if first else "",
                         "-" if tier is None else str(tier.credits), _price(tier),
                         _tools_cell(card, plan) if first else ""])
    return rows


def _columns(card: RateCard) -> list[int]:
    """Which of the five columns to show: the price only when some tier has one."""
    priced = any(t.price is not None for p in card.plans.values() for t in p.tiers)
    return [0, 1, 2, 3, 4] if priced else [0, 1, 2, 4]


HEAD = ["plan", "billed", "credits a month", "price", "tools"]
RIGHT = {2, 3}  # numbers line up on the right


def text(card: RateCard) -> str:
    keep = _columns(card)
    rows = [[r[c] for c in keep] for r in [HEAD] + _rows(card)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(keep))]

    def line(cells: list[str]) -> str:
        parts = [cell.rjust(w) if c in RIGHT else cell.ljust(w) for c, cell, w in zip(keep, cells, widths)]
        return ("  " + "  ".join(parts)).rstrip()

    return "\n".join([TITLE] + [line(r) for r in rows])


def markdown(card: RateCard) -> str:
    keep = _columns(card)

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    rule = "|" + "|".join("--:" if c in RIGHT else "---" for c in keep) + "|"
    return "\n".join([f"### {TITLE}", "", line([HEAD[c] for c in keep]), rule]
                     + [line([r[c] for c in keep]) for r in _rows(card)])


def objects(card: RateCard) -> list[dict]:
    """Plans as JSON data: prices as exact decimal texts, never floats."""
    return [{"plan": p.name, "period": p.period.value, "tools": _tools(card, p),
             "tiers": [{"credits": t.credits, "price": None if t.price is None else str(t.price),
                        "currency": t.currency} for t in p.tiers]} for p in card.plans.values()]


def csv_text(card: RateCard) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["plan", "period", "credits", "price", "currency", "tools"])
    for p in card.plans.values():
        tools = " ".join(_tools(card, p))
        for t in p.tiers or [None]:
            writer.writerow([p.name, p.period.value, "" if t is None else t.credits,
                             "" if t is None or t.price is None else t.price,
                             "" if t is None or t.currency is None else t.currency, tools])
    return out.getvalue().rstrip("\n")


def render(card: RateCard, fmt: str) -> str:
    """The plans alone, in `text`, `md`, `csv` or `json`."""
    if fmt == "json":
        return json.dumps(objects(card), indent=2, ensure_ascii=False)
    if fmt == "csv":
        return csv_text(card)
    if fmt == "md":
        return markdown(card)
    return text(card)
