"""`ratecard diff OLD NEW`: what a change to the rules does to prices, combination by combination.

Both cards' price sheets are keyed by (tool, model, parameters) and compared.
Unbounded parameters (voiceover's chars) are sampled at the union of both
cards' boundary points, so a new `chars > 5000 -> reject` in NEW is seen at
5000 and 5001 in OLD too. Rewriting a grid as an equal formula changes no
row; moving a price changes exactly the rows it prices. Two refusals with
different reasons are not a price change and are not reported.

A dated card is compared as it prices at a time (RateCard.at), so a card
compared with itself at two times shows what changes between them.
"""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Iterable, Sequence
from fractions import Fraction

import attrs

from engine.dates import read_at
from engine.domain import show_value
from engine.ratecard import RateCard
from engine.results import json_number
from engine.review import plan_diff
from engine.review.plan_diff import PlanChange, compare_plans
from engine.review.revision import DiffInputError, read_side
from engine.sheet import Row, boundaries, json_params, price_sheet, shared

USAGE_ERROR = 2


class Kind(enum.Enum):
    ADDED = "added"
    REMOVED = "removed"
    REPRICED = "repriced"
    REFUSED = "refused"      # priced before, refused now
    PRICED = "priced"        # refused before, priced now


@attrs.frozen
class Change:
    kind: Kind
    tool: str
    model: str | None
    params: tuple[tuple[str, object], ...]
    old: Row | None
    new: Row | None


@attrs.frozen
class Diff:
    changes: tuple[Change, ...]
    compared: int
    plans: tuple[PlanChange, ...] = ()   # engine.review.plan_diff

    @property
    def same(self) -> bool:
        return not self.changes and not self.plans


def compare(old: RateCard, new: RateCard) -> Diff:
    old, new = old.at(), new.at()  # a dated card: its prices now (pass card.at(when) for another time)
    samples: dict = {}
    for side in (old, new):
        for key, points in boundaries(side).items():
            samples.setdefault(key, set()).update(points)
    both = shared(old, new, samples)
    before = {_key(r): r for r in price_sheet(old, extra=samples, shown=both)}
    after = {_key(r): r for r in price_sheet(new, extra=samples, shown=both)}
    keys = list(after) + [k for k in before if k not in after]
    changes = [c for k in keys if (c := _change(before.get(k), after.get(k))) is not None]
    order = {tm: i for i, tm in enumerate(dict.fromkeys((c.tool, c.model) for c in changes))}
    changes.sort(key=lambda c: order[(c.tool, c.model)])  # stable: sheet order within a model
    return Diff(changes=tuple(changes), compared=len(keys), plans=compare_plans(old.plans, new.plans))


def _key(row: Row) -> tuple:
    return (row.tool, row.model, row.params)


def _change(old: Row | None, new: Row | None) -> Change | None:
    row = new or old
    if old is None:
        kind = Kind.ADDED
    elif new is None:
        kind = Kind.REMOVED
    elif old.credits == new.credits and old.amount == new.amount:
        return None
    elif new.credits is None:
        kind = Kind.REFUSED
    elif old.credits is None:
        kind = Kind.PRICED
    else:
        kind = Kind.REPRICED
    return Change(kind=kind, tool=row.tool, model=row.model, params=row.params, old=old, new=new)


# ---------------------------------------------------------------- words


def percent(old: int, new: int) -> str:
    """`+5.3%`, exact to the tenth (the ratio of two whole numbers, rounded half to even)."""
    if old == 0:
        return "n/a"
    tenths = round(1000 * (Fraction(new) - Fraction(old)) / Fraction(old))
    sign = "+" if tenths > 0 else "-" if tenths < 0 else "±"
    return f"{sign}{abs(tenths) // 10}.{abs(tenths) % 10}%"


def _credits(row: Row | None) -> str:
    if row is None:
        return "-"
    if row.credits is None:
        return "refused"
    return row.price if row.amount is None or row.unit is None else f"{row.price} {row.unit}"


def note(change: Change) -> str:
    """What happened, after the old and new prices: `+600 (+5.3%)`, `+0.000100 (+2.2%)`, `added`,
    the refusal's reason. Prices in two different units are only said to differ."""
    old, new = change.old, change.new
    if change.kind is Kind.REPRICED:
        if (old.amount is None) != (new.amount is None) or old.unit != new.unit:
            return "now in another unit"
        if old.amount is not None:
            return f"{new.amount - old.amount:+} ({percent(old.amount, new.amount)})"
        return f"{new.credits - old.credits:+d} ({percent(old.credits, new.credits)})"
    if change.kind is Kind.ADDED:
        return "added" + (f": {new.reason}" if new.credits is None else "")
    if change.kind is Kind.REMOVED:
        return "removed"
    if change.kind is Kind.REFUSED:
        return new.reason
    return f"was {old.reason}"


def summary(diff: Diff) -> str:
    plans = f"; {plan_diff.summary(diff.plans)}" if diff.plans else ""
    return _price_summary(diff) + plans


def _price_summary(diff: Diff) -> str:
    if not diff.changes:
        return f"no price changes ({diff.compared} combinations compared)"
    counts = {k: sum(c.kind is k for c in diff.changes) for k in Kind}
    words = {Kind.REPRICED: "repriced", Kind.ADDED: "added", Kind.REMOVED: "removed",
             Kind.REFUSED: "now refused", Kind.PRICED: "now priced"}
    parts = [f"{counts[k]} {words[k]}" for k in (Kind.REPRICED, Kind.ADDED, Kind.REMOVED, Kind.REFUSED, Kind.PRICED)
             if counts[k]]
    n = len(diff.changes)
    return (f"{n} combination{'s' if n != 1 else ''} changed: {', '.join(parts)} "
            f"({diff.compared} compared)")


def _groups(diff: Diff) -> dict[tuple[str, str | None], list[Change]]:
    out: dict[tuple[str, str | None], list[Change]] = {}
    for c in diff.changes:
        out.setdefault((c.tool, c.model), []).append(c)
    return out


def _title(tool: str, model: str | None) -> str:
    return tool if model is None else f'{tool} "{model}"'


def _params(params: Iterable[tuple[str, object]], sep: str = "  ") -> str:
    return sep.join(f"{k} {show_value(v)}" for k, v in params) or "(no parameters)"


def render_text(diff: Diff) -> str:
    blocks = []
    for (tool, model), changes in _groups(diff).items():
        rows = [(_params(c.params), _credits(c.old), _credits(c.new), note(c)) for c in changes]
        w = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = [_title(tool, model)] + [f"  {label.ljust(w[0])}   {old.rjust(w[1])} -> {new.rjust(w[2])}   {what}"
                                          for label, old, new, what in rows]
        blocks.append("\n".join(lines))
    if diff.plans:
        blocks.append("\n".join(plan_diff.lines(diff.plans)))
    return "\n\n".join(blocks + [summary(diff)])


def render_md(diff: Diff) -> str:
    out = [f"**Price changes**: {summary(diff)}"]
    for (tool, model), changes in _groups(diff).items():
        out += ["", f"#### {_title(tool, model)}", "", "| combination | old | new | change |", "|---|--:|--:|---|"]
        for c in changes:
            cells = [_params(c.params, ", "), _credits(c.old), _credits(c.new), note(c)]
            out.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    if diff.plans:
        out += ["", "#### plans", "", "| plan | change |", "|---|---|"]
        out += ["| " + " | ".join(x.replace("|", "\\|") for x in (c.plan, plan_diff.describe(c))) + " |"
                for c in diff.plans]
    return "\n".join(out)


def to_json(diff: Diff) -> list[dict]:
    def credits(row: Row | None):  # credits as a number (a string past 2**53 - 1), an amount as a string
        if row is None or row.credits is None:
            return None
        return json_number(row.credits) if row.amount is None else str(row.amount)

    return [{"kind": c.kind.value, "tool": c.tool, "model": c.model, "params": json_params(c.params),
             "old": credits(c.old), "new": credits(c.new)} for c in diff.changes] + [
        plan_diff.to_json(c) for c in diff.plans]


# ---------------------------------------------------------------- the command


def run(old_spec: str, new_spec: str | None, fmt: str, at: Sequence[str] = ()) -> int:
    """Exit 0 when the prices are the same, 1 when they differ, 2 on a usage, I/O or card error.

    `at`: no time, both sides now; one, both sides then; two, OLD at the first and NEW at the
    second. Without NEW, OLD is compared with itself, which takes two times.
    """
    if len(at) > 2 or (new_spec is None and len(at) != 2):
        print("ratecard: give OLD and NEW, or one card and two times to compare it with itself: "
              "ratecard diff rules --at 2026-11-30 --at 2026-12-01", file=sys.stderr)
        return USAGE_ERROR
    for when in at:
        reason = read_at(when)
        if type(reason) is str:
            print(f"ratecard: --at: {reason}", file=sys.stderr)
            return USAGE_ERROR
    first, second = (at[0], at[-1]) if at else (None, None)
    try:
        old = read_side(old_spec)
        new = old if new_spec is None else read_side(new_spec)
    except DiffInputError as exc:
        print(f"ratecard: {exc}", file=sys.stderr)
        return USAGE_ERROR
    old, new = old.at(first), new.at(second)
    diff = compare(old, new)
    heading = versions(old, new)
    if fmt == "json":
        print(json.dumps(to_json(diff), indent=2, ensure_ascii=False))
    elif fmt == "md":
        print(render_md(diff) if heading is None else f"{heading}\n\n{render_md(diff)}")
    else:
        print(render_text(diff) if heading is None else f"{heading}\n\n{render_text(diff)}")
    return 0 if diff.same else 1


def versions(old: RateCard, new: RateCard) -> str | None:
    """Which slices of time are compared, when a side is a dated card's; None when neither is."""
    if old.period is None and new.period is None:
        return None

    def words(card: RateCard) -> str:
        return "the prices (no dates)" if card.period is None else f"the prices in effect {card.period.words()}"

    return f"comparing {words(old)} with {words(new)}"
