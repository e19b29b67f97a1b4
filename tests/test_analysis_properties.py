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
n (`2 * n`, `n + 1`, constants, `free`; a min or max bends at or below C, so past
C it is one of its arguments): two different ones agree at one n at most, so
where they can differ on the tail they differ at one of C+1, C+2, C+3. The
checker's gap boxes are also cut only at those bounds, so expanding them over
0..C+3 compares like with like. The min and max outcomes, and the decimal ones
under either rounding, are chosen so that no two different ones (nor one and a
plain outcome) are the same function on an unbounded range (a cap is the
parameter's own: `min(7, h + 4, 9)` and `min(7, m + 4, 9)` are both 7 where
h >= 3 and m >= 3; every cap bends at C - 3): the checker counts
different formulas over an unbounded range as differing
(engine.formula_box.differ), which is right for every card but one that writes
a price twice in two spellings (`n + 0.25` rounded up is `n + 1` on whole numbers).

Measured parameters are in the cards too: `h` is billed per 0.5 (its values are
the halves), `s` per 1 with a minimum of 2. The same argument holds on the
multiples of a step: every bound lies at or below C + 1, so the oracle
enumerating the multiples up to C + 3 sees all there is. Cards may price in an
amount to 2 places and use decimal constants (`0.5 * h`); outcomes are compared
as quoted, in minor units, with the file's rounding (engine.formula_box.priced_expr).

RATECARD_PROPERTY_EXAMPLES=5000 python -m pytest tests/test_analysis_properties.py
runs the long setting by hand, drawing new cards each run; the suite's default
takes a few seconds and draws the same cards every run, so CI is reproducible.
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
from engine.domain import UNSET_NUMBER, ValueType, is_unset
from engine.formula import evaluate, source
from engine.formula_box import priced_expr, refs
from engine.lower import lower
from engine.model import Card, NotTaken
from engine.money import decimal_text
from engine.plans import PLAN
from engine.resolve import Declarations
from engine.syntax import parse

C = 6
TAIL = range(0, C + 4)
EXAMPLES = int(os.environ.get("RATECARD_PROPERTY_EXAMPLES", "150"))
# the suite draws the same cards every run (CI stays reproducible); a run with the variable set explores anew
FIXED = "RATECARD_PROPERTY_EXAMPLES" not in os.environ

# name -> (declaration in the tool, kind)
PARAMS = {
    "a": ("yes | no", "bool"),
    "b": ('"x" | "y" | "z"', "text"),
    "m": ("1 | 2 | 3 | 4", "small"),
    "n": (">= 0", "open"),
    "h": (">= 0  billed per 0.5", "half"),
    "s": (">= 0  billed per 1  minimum 2", "min2"),
    # parameters a request may leave out: `unset` is one more value of their dimension
    "c": ('"x" | "y" | unset', "text"),
    "o": ("1 | 2 | unset", "small"),
    "u": (">= 1 | unset", "open"),
}
STEPS = {"half": Fraction(1, 2), "min2": 1}
LEAST = {"open": 0, "half": 0, "min2": 2}  # the least value a condition may name (else out of domain)
VALUES = {"bool": ["yes", "no"], "text": ['"x"', '"y"', '"z"'], "small": ["1", "2", "3", "4"]}
OWN = {"c": ['"x"', '"y"', "unset"], "o": ["1", "2", "unset"]}  # the values of those that list theirs
# the customer's plan, a dimension too: P and Q allow the tool t, R does not
PLANS = 'plan "P" allows t\nplan "Q" allows t\nplan "R" allows v\ntool v\nv -> 1\n'
PLAN_VALUES = ['"P"', '"Q"', '"R"', "unset"]


# ---------------------------------------------------------------- writing random cards


@st.composite
def small_domain(draw, kind: str, for_offer: bool = False, param: str = "") -> str:
    own = OWN.get(param)
    if own is not None:
        return " | ".join(draw(st.lists(st.sampled_from(own), min_size=1, max_size=len(own), unique=True)))
    if kind in VALUES:
        if kind == "small" and draw(st.booleans()):
            lo = draw(st.integers(1, 4))
            return f"{lo}..{draw(st.integers(lo, 4))}"
        values = draw(st.lists(st.sampled_from(VALUES[kind]), min_size=1, max_size=len(VALUES[kind]),
                               unique=True))
        return " | ".join(values)
    items = draw(st.lists(open_item(for_offer, kind), min_size=1, max_size=2))
    if param == "u":  # `>= 1 | unset`: values from 1, and unset
        items = [i for i in items if not i.startswith(("0", "<", ">= 0"))] or [">= 1"]
        items += ["unset"] if draw(st.booleans()) else []
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
    kind = draw(st.sampled_from(["constant", "constant", "reject", "free", "formula", "bend"] if ints
                                else ["constant", "reject", "free"]))
    if kind == "constant":
        return draw(st.sampled_from(["1", "2", "3", "0.5", "1.25"]))
    if kind == "free":
        return "free"
    if kind == "bend":  # a minimum or a cap: linear past C, where the tail starts (see the docstring)
        param = draw(st.sampled_from(ints))
        cap = C + 1 + list(PARAMS).index(param)  # each parameter's own: capped, two never agree
        return draw(st.sampled_from([f"max({C}, 4 * {param})", f"min({cap}, {param} + {cap - C + 3}, {cap + 2})",
                                     f"5 * {param} - min({param}, 2)"]))
    if kind == "reject":
        return f'reject "{draw(st.sampled_from(["r1", "r2"]))}"'
    param = draw(st.sampled_from(ints))
    k = draw(st.integers(1, 3))
    return draw(st.sampled_from([f"{k} * {param}", f"{param} + {k}", f"0.5 * {param}", f"{param} + 4.25"]))


@st.composite
def cards(draw) -> str:
    names = draw(st.lists(st.sampled_from(list(PARAMS)), min_size=1, max_size=4, unique=True))
    names.sort()
    plans = draw(st.booleans())
    lines = ([PLANS] if plans else []) + draw(st.sampled_from([[], ["round up"], ["round down"]]))
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
                offers.append(f"    {p} {draw(small_domain(kind, for_offer=True, param=p))}")
        lines += [f'model t "M{i}" {{', *offers, "}"] if offers else [f'model t "M{i}"']
        for _ in range(draw(st.integers(0, 7))):
            conditions = [f"{p} {draw(small_domain(PARAMS[p][1], param=p))}"
                          for p in draw(st.lists(st.sampled_from(names), unique=True))]
            if plans and draw(st.booleans()):
                chosen = draw(st.lists(st.sampled_from(PLAN_VALUES), min_size=1, max_size=4, unique=True))
                conditions.insert(draw(st.integers(0, len(conditions))), "plan " + " | ".join(chosen))
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
    """Every value of every parameter the model takes, unbounded ones up to C + 3 (and unset, -1,
    where the model offers it); and the plans a request for it may name, with unset."""
    out = {}
    for param in card.tools[model.tool].params:
        offer = model.offers[param.name]
        if isinstance(offer, NotTaken):
            continue
        if offer.type is ValueType.INT:  # whole numbers, or the multiples of a measured step, to C + 3; unset
            step = param.measure.step if param.measure is not None else 1
            values = [UNSET_NUMBER] + [v.numerator if v.denominator == 1 else v
                                       for v in (Fraction(k) * step for k in range(int((C + 3) / step) + 1))]
        else:
            values = offer.values
        out[param.name] = [v for v in values if v in offer]
    if PLAN in model.offers:
        out[PLAN] = list(model.offers[PLAN].values)
    return out


def outcome_at(rule, point):
    if isinstance(rule.outcome, ast.Reject):
        return ("reject", rule.outcome.reason)
    expr = priced_expr(rule)  # as quoted: in minor units, rounded as the file says
    if any(is_unset(point[name]) for name in refs(expr)):  # no value to compute with: the formula itself
        return ("formula at unset", source(expr))
    return int(evaluate(expr, point))


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


@settings(max_examples=EXAMPLES, deadline=None, derandomize=FIXED, suppress_health_check=[HealthCheck.too_slow])
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


def test_the_generator_writes_plans_and_unset_into_the_dimensions_it_checks():
    """Plans and unset are among the values the sweep and brute force compare: some cards' rules
    cover them, some leave them uncovered."""
    seen = set()

    @settings(max_examples=150, deadline=None, database=None, derandomize=True)
    @given(cards())
    def collect(text):
        card = resolve(text)
        for f in find(card):
            gaps, _, _ = brute_force(card, f.model, f.rules)
            names = list(axes(card, f.model))
            for rule in f.rules:
                seen.update({"plan rule"} if PLAN in rule.box else set())
                seen.update({"unset rule"} if any(d.has_unset for p, d in rule.box.items() if p != PLAN) else set())
            for gap in gaps:
                point = dict(zip(names, gap))
                seen.update({"plan gap"} if is_unset(point.get(PLAN, 0)) else set())
                seen.update({"unset gap"} if any(is_unset(v) for k, v in point.items() if k != PLAN) else set())

    collect()
    assert seen == {"plan rule", "unset rule", "plan gap", "unset gap"}
