"""The sweep's verdict against brute force, on random small rate cards.

Hypothesis writes random cards as .rules text (random domains, models that narrow
them or do not take a parameter, random rules with random conditions and random
outcomes), and for every model we compare what the checker finds with what
enumerating every combination finds: the same overlapping pairs (and whether
their outcomes can differ), the same uncovered combinations, the same dead rules.

Why enumerating an unbounded parameter is exact here: every constant in a
generated card is at most C, so every bound a rule or a model draws on `n`
(`n 3`, `n 2..5`, `n > C`, `n <= C`) lies at or below C + 1. For n >= C + 1 each
rule and each offer either holds for all such n or for none, so n = C + 1
stands for the whole tail as far as coverage is concerned, and the oracle
enumerating 0..C+3 sees all there is. Outcomes on the tail are at most linear in
n (`2 * n`, `n + 1`, constants): two different ones agree at one n at most, so
where they can differ on the tail they differ at one of C+1, C+2, C+3. The
checker's gap boxes are also cut only at those bounds, so expanding them over
0..C+3 compares like with like.

Measured parameters are in the cards too: `h` is billed per 0.5 (its values are
the halves), `s` per 1 with a minimum of 2. The same argument holds on the
multiples of a step: every bound lies at or below C + 1, so the oracle
enumerating the multiples up to C + 3 sees all there is. Cards may price in an
amount to 2 places and use decimal constants (`0.5 * h`); outcomes are compared
as quoted, in minor units, with the file's rounding (engine.formula_box.priced_expr).

RATECARD_PROPERTY_EXAMPLES=5000 python -m pytest tests/test_analysis_properties.py
runs the long setting by hand; the suite's default takes a few seconds.
"""

from __future__ import annotations

import itertools
import os
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import ast
from engine.checks.findings import find
from engine.diagnostics import has_errors
from engine.domain import ValueType
from engine.formula import evaluate
from engine.formula_box import priced_expr
from engine.lower import lower
from engine.model import Card, NotTaken
from engine.money import decimal_text
from engine.resolve import Declarations
from engine.syntax import parse

C = 6
TAIL = range(0, C + 4)
EXAMPLES = int(os.environ.get("RATECARD_PROPERTY_EXAMPLES", "150"))

# name -> (declaration in the tool, kind)
PARAMS = {
    "a": ("yes | no", "bool"),
    "b": ('"x" | "y" | "z"', "text"),
    "m": ("1 | 2 | 3 | 4", "small"),
    "n": (">= 0", "open"),
    "h": (">= 0  billed per 0.5", "half"),
    "s": (">= 0  billed per 1  minimum 2", "min2"),
}
STEPS = {"half": Fraction(1, 2), "min2": 1}
LEAST = {"open": 0, "half": 0, "min2": 2}  # the least value a condition may name (else out of domain)
VALUES = {"bool": ["yes", "no"], "text": ['"x"', '"y"', '"z"'], "small": ["1", "2", "3", "4"]}


# ---------------------------------------------------------------- writing random cards


@st.composite
def small_domain(draw, kind: str, for_offer: bool = False) -> str:
    if kind in VALUES:
        if kind == "small" and draw(st.booleans()):
            lo = draw(st.integers(1, 4))
            return f"{lo}..{draw(st.integers(lo, 4))}"
        values = draw(st.lists(st.sampled_from(VALUES[kind]), min_size=1, max_size=len(VALUES[kind]),
                               unique=True))
        return " | ".join(values)
    items = draw(st.lists(open_item(for_offer, kind), min_size=1, max_size=2))
    return " | ".join(items)


@st.composite
def open_item(draw, for_offer: bool, kind: str = "open") -> str:
    step = STEPS.get(kind, 1)
    least = LEAST[kind]
    count = int((C - least) / step)  # values least, least + step, ..., C

    def value(at: int) -> str:
        return decimal_text(least + at * step)

    k = draw(st.integers(0, count))
    forms = ["literal", "range", ">="] if for_offer else ["literal", "range", ">=", ">", "<=", "<"]
    if kind == "min2":  # `<=` and `<` reach down to 0, which is below its minimum
        forms = [f for f in forms if f not in ("<=", "<")]
    form = draw(st.sampled_from(forms))
    if form == "literal":
        return value(k)
    if form == "range":
        return f"{value(k)}..{value(draw(st.integers(k, count)))}"
    if form == ">":
        return f"> {value(min(k, count - 1))}"
    return f"{form} {value(k)}"


@st.composite
def outcome(draw, ints: list[str]) -> str:
    kind = draw(st.sampled_from(["constant", "constant", "reject", "formula"] if ints else ["constant", "reject"]))
    if kind == "constant":
        return draw(st.sampled_from(["1", "2", "3", "0.5", "1.25"]))
    if kind == "reject":
        return f'reject "{draw(st.sampled_from(["r1", "r2"]))}"'
    param = draw(st.sampled_from(ints))
    k = draw(st.integers(1, 3))
    return draw(st.sampled_from([f"{k} * {param}", f"{param} + {k}", f"0.5 * {param}", f"{param} + 0.25"]))


@st.composite
def cards(draw) -> str:
    names = draw(st.lists(st.sampled_from(list(PARAMS)), min_size=1, max_size=4, unique=True))
    names.sort()
    lines = draw(st.sampled_from([[], ["round up"], ["round down"]]))
    lines += draw(st.sampled_from([[], ["prices in USD to 2 places"]]))
    lines += ["tool t {"] + [f"    {p} {PARAMS[p][0]}" for p in names] + ["}"]
    ints = [p for p in names if PARAMS[p][1] in ("small", "open", "half", "min2")]
    for i in range(draw(st.integers(1, 2))):
        offers = []
        for p in draw(st.lists(st.sampled_from(names), unique=True)):
            kind = PARAMS[p][1]
            if kind in ("bool", "text") and draw(st.integers(0, 4)) == 0:
                offers.append(f'    {p} none "not here"')
            else:
                offers.append(f"    {p} {draw(small_domain(kind, for_offer=True))}")
        lines += [f'model t "M{i}" {{', *offers, "}"] if offers else [f'model t "M{i}"']
        for _ in range(draw(st.integers(0, 7))):
            conditions = [f"{p} {draw(small_domain(PARAMS[p][1]))}"
                          for p in draw(st.lists(st.sampled_from(names), unique=True))]
            lines.append(" ".join([f't "M{i}"', *conditions, "->", draw(outcome(ints))]))
    return "\n".join(lines) + "\n"


def resolve(text: str) -> Card:
    tree, found = parse(text, "random.rules")
    assert tree is not None and not has_errors(found), found
    decls = Declarations()
    decls.collect([tree])
    rules, more = lower([tree], decls)
    assert not has_errors(decls.diagnostics + more), decls.diagnostics + more
    return Card(tools=decls.tools, groups=decls.groups, models=decls.models, rules=tuple(rules),
                plans=decls.plans, sources={"random.rules": text}, money=decls.money)


# ---------------------------------------------------------------- brute force


def axes(card: Card, model) -> dict[str, list]:
    """Every value of every parameter the model takes, unbounded ones up to C + 3."""
    out = {}
    for param in card.tools[model.tool].params:
        offer = model.offers[param.name]
        if isinstance(offer, NotTaken):
            continue
        if offer.type is ValueType.INT:  # whole numbers, or the multiples of a measured step, to C + 3
            step = param.measure.step if param.measure is not None else 1
            values = [v.numerator if v.denominator == 1 else v
                      for v in (Fraction(k) * step for k in range(int((C + 3) / step) + 1))]
        else:
            values = offer.values
        out[param.name] = [v for v in values if v in offer]
    return out


def outcome_at(rule, point):
    if isinstance(rule.outcome, ast.Reject):
        return ("reject", rule.outcome.reason)
    return int(evaluate(priced_expr(rule), point))  # as quoted: in minor units, rounded as the file says


def brute_force(card: Card, model, rules):
    grid = axes(card, model)
    gaps, alive, pairs = set(), set(), {}
    for values in itertools.product(*grid.values()):
        point = dict(zip(grid, values))
        covering = [r for r in rules
                    if all(p in point and point[p] in d for p, d in r.box.items())]
        if not covering:
            gaps.add(values)
            continue
        alive.add(covering[0].index)
        for i, a in enumerate(covering):
            for b in covering[i + 1:]:
                key = (a.index, b.index)
                pairs[key] = pairs.get(key, False) or outcome_at(a, point) != outcome_at(b, point)
    dead = {r.index for r in rules} - alive
    return gaps, pairs, dead


def checker(card: Card, f):
    grid = axes(card, f.model)
    pairs = {(o.first.index, o.second.index): o.differ for o in f.overlaps}
    dead = {r.index for r in f.dead}
    gap_points = []
    for cell in f.gaps:
        per_param = dict(zip(f.analysis.dims, cell))
        choices = [[v for v in grid[p] if p not in per_param or v in per_param[p]] for p in grid]
        gap_points += list(itertools.product(*choices))
    return gap_points, pairs, dead


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cards())
def test_sweep_finds_what_brute_force_finds(text):
    card = resolve(text)
    for f in find(card):
        gaps, pairs, dead = brute_force(card, f.model, f.rules)
        gap_points, found_pairs, found_dead = checker(card, f)
        assert len(gap_points) == len(set(gap_points)), "gap boxes overlap"
        assert set(gap_points) == gaps
        assert found_pairs == pairs
        assert found_dead == dead


def test_the_generator_reaches_every_verdict():
    """A check on the generator itself: overlaps of both kinds, gaps and dead rules all occur."""
    seen = set()

    @settings(max_examples=100, deadline=None, database=None, derandomize=True)
    @given(cards())
    def collect(text):
        card = resolve(text)
        for f in find(card):
            gaps, pairs, dead = brute_force(card, f.model, f.rules)
            seen.update({"gap"} if gaps else set())
            seen.update({"dead"} if dead else set())
            seen.update({"overlap"} if any(pairs.values()) else set())
            seen.update({"redundant"} if any(not d for d in pairs.values()) else set())

    collect()
    assert seen == {"gap", "dead", "overlap", "redundant"}
