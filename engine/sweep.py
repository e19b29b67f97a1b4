"""One model's rules as boxes, split one dimension at a time: overlaps, gaps and dead rules.

This is the sweep of the Drools DMN decision-table analyser (after Calvanese et
al., "Semantic DMN"). The first dimension's values are cut into the fewest
pieces on which the set of rules in play does not change (a sweep over the
rules' bounds, sorted once); each piece is then split on the next dimension
using only the rules still in play there, and so on. A cell no rule reaches is
a gap; a cell two rules reach is where they overlap; the first rule (in
declaration order) of a cell prices it, so a rule that is first in no cell is
dead. Rules are never compared two by two, only the rules sharing a cell.

Integer ranges are cut at the rules' own bounds, so `chars >= 1` is one piece
however far it goes: unbounded ranges are handled exactly, not by sampling.
A measured parameter's values are the multiples of its step (engine.domain):
there "the next value" is a step on, the offer's `step`, and the same sweep holds.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from fractions import Fraction

import attrs

from engine.boxes import dimensions, offered
from engine.domain import Domain, Interval, ValueType
from engine.model import Model, PricedRule
from engine.money import exact

Cell = tuple[Domain, ...]  # one Domain per dimension, in `dims` order


@attrs.frozen
class Analysis:
    """What the sweep found for one model; rules are named by their position in `rules`."""

    dims: tuple[str, ...]                 # the parameters the rules depend on (that the model takes)
    offer: Cell                           # the model's whole offer on each dimension
    boxes: dict[int, Cell] = attrs.field(eq=False)  # each rule inside the domain -> its box, cut to the offer
    outside: tuple[int, ...]              # rules whose conditions miss what the model offers
    overlaps: tuple[tuple[int, int], ...]  # pairs (earlier, later) whose boxes meet
    gaps: tuple[Cell, ...]                # disjoint boxes no rule covers, merged where they can be
    alive: frozenset[int]                 # rules that are the first to price some combination

    @property
    def dead(self) -> tuple[int, ...]:
        return tuple(sorted(set(range(len(self.boxes) + len(self.outside))).difference(self.alive)))


def analyse(model: Model, rules: Sequence[PricedRule]) -> Analysis:
    """Sweep a model's rules (in declaration order)."""
    finite, ranged = dimensions(rules, model)
    dims = tuple(p for p in finite + ranged if offered(model, p) is not None)
    offer = tuple(offered(model, p) for p in dims)
    boxes: dict[int, Cell] = {}
    outside = []
    empty_domain = any(d.is_empty for d in offer)
    cut: list[dict[int, Domain]] = [{} for _ in dims]
    where = {p: j for j, p in enumerate(dims)}
    for pos, rule in enumerate(rules):
        box = _box(rule.box, where, offer, cut)
        if box is None or empty_domain:
            outside.append(pos)
        else:
            boxes[pos] = box
    sweep = _Sweep(offer)
    if not empty_domain:
        sweep.split(0, (), list(boxes.items()))
    return Analysis(dims=dims, offer=offer, boxes=boxes, outside=tuple(outside),
                    overlaps=tuple(sorted(sweep.pairs)), gaps=tuple(merge(sweep.gaps, offer)),
                    alive=frozenset(sweep.alive))


def _box(conditions: dict[str, Domain], dims: dict[str, int], offer: Cell,
         cut: list[dict[int, Domain]]) -> Cell | None:
    """The rule's box over the dimensions (name -> index), cut to the offer; None when it misses
    the offer.

    `cut` remembers each condition already cut to the offer, per dimension: lowering
    shares one Domain between the rules that write the same condition, so most are cut once.
    """
    if not conditions:
        return offer
    out = list(offer)
    for param, domain in conditions.items():
        j = dims.get(param)
        if j is None:
            return None  # it names a parameter this model does not take
        known = cut[j]
        common = known.get(id(domain))
        if common is None:
            common = known[id(domain)] = domain.intersect(offer[j])
        if not common.intervals and not common.values:
            return None
        out[j] = common
    return tuple(out)


class _Sweep:
    def __init__(self, offer: Cell) -> None:
        self.offer = offer
        self.pairs: set[tuple[int, int]] = set()
        self.gaps: list[Cell] = []
        self.alive: set[int] = set()

    def split(self, depth: int, prefix: Cell, items: list[tuple[int, Cell]]) -> None:
        """`items` (position, box), in declaration order, are the rules in play in `prefix`."""
        if not items:
            self.gaps.append(prefix + self.offer[depth:])
            return
        if depth == len(self.offer):
            self.alive.add(items[0][0])
            for i, (a, _) in enumerate(items):
                for b, _ in items[i + 1:]:
                    self.pairs.add((a, b))
            return
        if len(items) == 1:  # one rule left: it prices its box here, the rest is a gap
            pos, box = items[0]
            self.alive.add(pos)
            for piece in subtract(self.offer[depth:], box[depth:]):
                self.gaps.append(prefix + piece)
            return
        offer = self.offer[depth]
        last = depth + 1 == len(self.offer)
        if last and offer.type is ValueType.INT:
            fast = _side_by_side(offer, [box[depth] for _, box in items])
            if fast is not None:  # each rule alone in its own piece: all alive, no overlaps
                self.alive.update([pos for pos, _ in items])
                if fast[1]:
                    self.gaps.append(prefix + (_domain(offer, fast[1]),))
                return
        pieces = _pieces(offer, items, depth)
        if not last:
            for domain, in_play in pieces:
                self.split(depth + 1, prefix + (domain,), in_play)
            return
        for domain, in_play in pieces:  # the last dimension: cells, without recursing
            if not in_play:
                self.gaps.append(prefix + (domain,))
                continue
            self.alive.add(in_play[0][0])
            for i, (a, _) in enumerate(in_play):
                for b, _ in in_play[i + 1:]:
                    self.pairs.add((a, b))


def _pieces(offer: Domain, items: list[tuple[int, Cell]], depth: int) -> list[tuple[Domain, list]]:
    """The pieces of _groups over the items' domains at `depth`, each with the items in play there.

    Rules that write the same condition share its Domain (see engine.lower), so the
    items are first gathered by that Domain and _groups looks at each Domain once.
    The pieces and their order are those of _groups over every item: the points
    where the items in play change are where the Domains holding change.
    """
    shared: dict[int, tuple[Domain, list]] = {}
    for item in items:
        domain = item[1][depth]
        entry = shared.get(id(domain))
        if entry is None:
            shared[id(domain)] = (domain, [item])
        else:
            entry[1].append(item)
    gathered = list(shared.values())
    domains = [domain for domain, _ in gathered]
    if len(gathered) == len(items):
        groups = _groups(offer, domains)
    else:  # two items share a Domain, so they meet: _groups would not find them side by side
        groups = _valued(offer, domains) if offer.type is not ValueType.INT else _swept(offer, domains)
    pieces = []
    for held, piece in groups.items():
        if len(held) == 1:
            in_play = gathered[held[0]][1]
        else:  # back in declaration order
            in_play = sorted((item for n in held for item in gathered[n][1]), key=_position)
        pieces.append((_domain(offer, piece), in_play))
    return pieces


_position = operator.itemgetter(0)


def partition(offer: Domain, domains: Sequence[Domain]) -> list[tuple[Domain, tuple[int, ...]]]:
    """Cut `offer` into pieces on each of which the same `domains` (by position) hold.

    Each piece is returned once with the positions of the domains that contain it;
    pieces with the same positions are joined, so there is one piece per distinct set.
    """
    return [(_domain(offer, piece), key) for key, piece in _groups(offer, domains).items()]


def _domain(offer: Domain, piece: list) -> Domain:
    if offer.type is ValueType.INT:
        # the sweep lists a piece's intervals in order, and never two that touch
        # (two touching segments would hold different domains), so no merging is needed
        return Domain(ValueType.INT, intervals=tuple(piece), step=offer.step)
    return Domain(offer.type, values=tuple(piece))


def _groups(offer: Domain, domains: Sequence[Domain]) -> dict[tuple[int, ...], list]:
    """positions of the domains holding a piece -> the piece (values, or Intervals in order)."""
    if offer.type is not ValueType.INT:
        return _valued(offer, domains)
    fast = _side_by_side(offer, domains)
    if fast is None:
        return _swept(offer, domains)
    order, gaps = fast
    groups = {(k,): [domains[k].intervals[0]] for k in order}
    if gaps:
        groups[()] = gaps
    return groups


def _valued(offer: Domain, domains: Sequence[Domain]) -> dict[tuple[int, ...], list]:
    """_groups for texts or yes/no: the values each domain holds, joined by holders."""
    holders: dict[object, list[int]] = {v: [] for v in offer.values}
    for k, domain in enumerate(domains):
        for value in domain.values:
            if value in holders:
                holders[value].append(k)
    groups: dict[tuple[int, ...], list] = {}
    for value in offer.values:
        groups.setdefault(tuple(holders[value]), []).append(value)
    return groups


def _swept(offer: Domain, domains: Sequence[Domain]) -> dict[tuple[int, ...], list]:
    """_groups for whole numbers: a sweep over the domains' bounds, sorted once."""
    groups: dict[tuple[int, ...], list] = {}
    events: list[tuple[int, int, int]] = []  # (point, +1 start / -1 end, position; -1 for the offer)
    next_value = offer.step  # from a value to the next: 1, or a measured parameter's step
    for k, domain in [(-1, offer), *enumerate(domains)]:
        for iv in domain.intervals:
            events.append((iv.lo, 1, k))
            if iv.hi is not None:
                events.append((iv.hi + next_value, -1, k))
    events.sort()
    active: set[int] = set()
    in_offer = 0
    i, n = 0, len(events)
    while i < n:
        point = events[i][0]
        while i < n and events[i][0] == point:
            _, step, k = events[i]
            if k < 0:
                in_offer += step
            elif step > 0:
                active.add(k)
            else:
                active.discard(k)
            i += 1
        if in_offer:
            end = events[i][0] - next_value if i < n else None
            if type(end) is Fraction and end.denominator == 1:  # whole amounts stay ints
                end = end.numerator
            key = (next(iter(active)),) if len(active) == 1 else tuple(sorted(active))
            groups.setdefault(key, []).append(Interval(point, end))
    return groups


def _side_by_side(offer: Domain, domains: Sequence[Domain]) -> tuple[list[int], list[Interval]] | None:
    """For the usual last dimension: one interval each, none overlapping (`dur 1..4`, `dur 5..9`,
    `dur >= 10`), the positions in the order of their intervals and the pieces of the offer none
    holds; None when that is not the case. A sort and one pass."""
    if len(offer.intervals) != 1:
        return None
    whole = offer.intervals[0]
    lows = []
    for domain in domains:
        if len(domain.intervals) != 1:
            return None
        iv = domain.intervals[0]
        if iv.lo < whole.lo or (whole.hi is not None and (iv.hi is None or iv.hi > whole.hi)):
            return None  # reaches past the offer
        lows.append(iv.lo)
    order = sorted(range(len(lows)), key=lows.__getitem__)
    step = offer.step
    gaps = []
    end = whole.hi
    cursor: int | None = whole.lo  # the least value not yet reached; None past an open end
    for k in order:
        lo = lows[k]
        if cursor is None or lo < cursor:
            return None  # two of them meet
        if lo > cursor:
            gaps.append(Interval(cursor, lo - 1 if step == 1 else exact(lo - step)))
        hi = domains[k].intervals[0].hi
        cursor = None if hi is None else hi + 1 if step == 1 else exact(hi + step)
    if cursor is not None and (end is None or cursor <= end):
        gaps.append(Interval(cursor, end))
    return order, gaps


def subtract(region: Cell, cut: Cell) -> list[Cell]:
    """region minus cut, as disjoint cells (at most one per dimension)."""
    if any(r.intersect(c).is_empty for r, c in zip(region, cut)):
        return [region]
    pieces = []
    rest = list(region)
    for j, (r, c) in enumerate(zip(region, cut)):
        outside = r.subtract(c)
        if not outside.is_empty:
            pieces.append(tuple(rest[:j]) + (outside,) + tuple(rest[j + 1:]))
        rest[j] = r.intersect(c)
    return pieces


def merge(cells: list[Cell], offer: Cell) -> list[Cell]:
    """Join disjoint cells that differ in one dimension only, until none do."""
    cells = list(dict.fromkeys(cells))
    changed = True
    while changed and len(cells) > 1:
        changed = False
        for j in range(len(offer)):
            joined: dict[Cell, list[Domain]] = {}
            for cell in cells:
                joined.setdefault(cell[:j] + cell[j + 1:], []).append(cell[j])
            if len(joined) == len(cells):
                continue
            changed = True
            cells = [key[:j] + (_union(parts, offer[j]),) + key[j:] for key, parts in joined.items()]
    return cells


def _union(parts: list[Domain], offer: Domain) -> Domain:
    if len(parts) == 1:
        return parts[0]
    if offer.type is ValueType.INT:
        return Domain.ints((iv for p in parts for iv in p.intervals), offer.step)
    keep = {v for p in parts for v in p.values}
    return Domain(offer.type, values=tuple(v for v in offer.values if v in keep))
