"""Dated cards against brute force over instants.

Hypothesis takes the random cards of tests/test_analysis_properties.py and dates
some of their rules (`from`, `until`, both, or a dated block around a run of
rules, whose rules may have dates of their own). The oracle knows each line's
period from how it wrote it, and at each instant of a sample that meets every
slice of time (before the first date, at each date, between each two, after the
last) it writes the card as it is then: the rules in effect, undated, every other
line blank, so positions and messages are the same. Then:

- the dated card's slice at that instant holds exactly the rules in effect then;
- the overlaps, gaps and dead rules `check` reports for the dated card, each
  applying at the instants its dates name (all of them when it names none), are
  exactly those it reports, at each instant, for the card as it is then;
- that card's sweep finds what enumerating every combination finds;
- a dated quote at that instant is the reference interpreter's on that card;
- and `fmt` lays the dated card out without changing what it says, the same the second time.

RATECARD_PROPERTY_EXAMPLES=2000 python -m pytest tests/test_dates_properties.py runs longer,
drawing new cards each run (the suite draws the same ones every run).
"""

from __future__ import annotations

import itertools
import os
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine import dates
from engine.checks.findings import find
from engine.compile import compile_card
from engine.diagnostics import Code, has_errors
from engine.fmt import format_text
from engine.interpreter import quote as reference
from engine.ratecard import analyse
from engine.sources import Source
from engine.versions import compile_versions, make_dated_quoter
from tests.test_analysis_properties import axes, brute_force, cards, checker

EXAMPLES = int(os.environ.get("RATECARD_PROPERTY_EXAMPLES", "150")) // 3 or 1
# the suite draws the same cards every run (CI stays reproducible); a run with the variable set explores anew
FIXED = "RATECARD_PROPERTY_EXAMPLES" not in os.environ
FILE = "random.rules"
DATES = ["2026-01-01", "2026-02-01T12:00:00Z", "2026-03-01"]
AT = [dates.micros(dates.card_time(d)) for d in DATES]
DAY = 86_400_000_000
# before the first date, each date, a moment before each date, between each two, after the last
INSTANTS = sorted({AT[0] - DAY, *AT, *(a - 1 for a in AT), *((a + b) // 2 for a, b in zip(AT, AT[1:])),
                   AT[-1] + DAY})
COVERAGE = {Code.OVERLAP, Code.GAP, Code.REDUNDANT, Code.DEAD_RULE}


@st.composite
def period(draw) -> tuple[int | None, int | None]:
    """(start, end) as indexes into DATES, None for an open end; never empty, never always."""
    form = draw(st.sampled_from(["from", "until", "both"]))
    if form == "from":
        return draw(st.integers(0, len(DATES) - 1)), None
    if form == "until":
        return None, draw(st.integers(0, len(DATES) - 1))
    lo = draw(st.integers(0, len(DATES) - 2))
    return lo, draw(st.integers(lo + 1, len(DATES) - 1))


def words(p: tuple[int | None, int | None]) -> str:
    lo, hi = p
    return " ".join(([f"from {DATES[lo]}"] if lo is not None else []) + ([f"until {DATES[hi]}"] if hi is not None else []))


def meet(a, b):
    lo = max((x for x in (a[0], b[0]) if x is not None), default=None)
    hi = min((x for x in (a[1], b[1]) if x is not None), default=None)
    return lo, hi


def holds(p, t: int) -> bool:
    lo, hi = p
    return (lo is None or AT[lo] <= t) and (hi is None or t < AT[hi])


@st.composite
def dated_cards(draw):
    """(text, lines): the card, and per line: None for a line kept as it is, "block" for a dated block's
    first or last line, or a rule's (text without its dates, period it is in effect or None for always)."""
    text = draw(cards())
    out: list[str] = []
    lines: list = []
    rules = [i for i, line in enumerate(text.split("\n")) if line.startswith('t "M')]
    block = None
    if rules and draw(st.booleans()):  # a dated block around a run of consecutive rule lines
        first = draw(st.sampled_from(rules))
        last = first
        while last + 1 in rules and draw(st.booleans()):
            last += 1
        block = (first, last, draw(period()))
    for i, line in enumerate(text.split("\n")):
        if block is not None and i == block[0]:
            out.append(f"{words(block[2])} {{")
            lines.append("block")
        if i in rules:
            own = draw(st.one_of(st.none(), period()))
            within = block is not None and block[0] <= i <= block[1]
            effective = own
            if within:
                effective = block[2] if own is None else meet(block[2], own)
                if effective[0] is not None and effective[1] is not None and effective[0] >= effective[1]:
                    own, effective = None, block[2]  # dates that leave the rule no time are E130: not here
            out.append(line + (f" {words(own)}" if own is not None else ""))
            lines.append((line, effective))
        else:
            out.append(line)
            lines.append(None)
        if block is not None and i == block[1]:
            out.append("}")
            lines.append("block")
    return "\n".join(out), lines


def at_instant(text: str, lines: list, t: int) -> str:
    """The card as it is at t: the rules in effect without their dates, every other dated line blank."""
    out = []
    for written, info in zip(text.split("\n"), lines):
        if info is None:
            out.append(written)
        elif info == "block":
            out.append("")
        else:
            base, effective = info
            out.append(base if effective is None or holds(effective, t) else "")
    return "\n".join(out)


def load(text: str):
    card, diagnostics = analyse([Source(name=FILE, path=FILE, text=text)])
    return card, diagnostics


_PREFIX = re.compile(r"^((?:(?:from \S+ until \S+|from \S+|until \S+)(?: and )?)+): (.*)$", re.S)
_PERIOD = re.compile(r"(from (\S+) until (\S+)|from (\S+)|until (\S+))")


def when_told(message: str) -> tuple[set[int], str]:
    """The sample instants a dated card's diagnostic applies at (its dates, or all), and its message without them."""
    m = _PREFIX.match(message)
    if m is None:
        return set(INSTANTS), message
    told: set[int] = set()
    for p in _PERIOD.finditer(m.group(1)):
        lo = p.group(2) or p.group(4)
        hi = p.group(3) or p.group(5)
        lo_t = dates.micros(dates.card_time(lo)) if lo else None
        hi_t = dates.micros(dates.card_time(hi)) if hi else None
        told |= {t for t in INSTANTS if (lo_t is None or lo_t <= t) and (hi_t is None or t < hi_t)}
    return told, m.group(2)


def key(d) -> tuple:
    return (d.code, d.span, d.message)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=FIXED, suppress_health_check=[HealthCheck.too_slow])
@given(dated_cards())
def test_check_over_time_finds_what_each_instant_finds(written):
    text, lines = written
    card, diagnostics = load(text)
    assert card is not None and not any(d.code in (Code.BAD_DATE, Code.SYNTAX) for d in diagnostics), diagnostics
    tidy = format_text(text, FILE)  # FormatError if the layout changed what the card says
    assert format_text(tidy, FILE) == tidy
    assume(card.timeline is not None)
    dated: dict[tuple, set[int]] = {}
    for d in diagnostics:
        if d.code in COVERAGE:
            told, message = when_told(d.message)
            dated.setdefault((d.code, d.span, message), set()).update(told)
    for t in INSTANTS:
        now_text = at_instant(text, lines, t)
        now_card, now_found = load(now_text)
        expected = {key(d) for d in now_found if d.code in COVERAGE}
        assert {k for k, told in dated.items() if t in told} == expected, (t, now_text)
        # the slice at t holds exactly the rules in effect at t
        slice_card = card.timeline.card_at(card, card.timeline.slice_at(t))
        assert sorted(r.span for r in slice_card.rules) == sorted(r.span for r in now_card.rules)
        # and its sweep finds what brute force finds there
        for f in find(slice_card):
            gaps, pairs, dead = brute_force(slice_card, f.model, f.rules)
            gap_points, found_pairs, found_dead = checker(slice_card, f)
            assert set(gap_points) == gaps and found_pairs == pairs and found_dead == dead


@settings(max_examples=EXAMPLES, deadline=None, derandomize=FIXED, suppress_health_check=[HealthCheck.too_slow])
@given(dated_cards())
def test_a_dated_quote_is_the_reference_on_the_card_as_it_is_then(written):
    text, lines = written
    card, diagnostics = load(text)
    assume(card is not None and card.timeline is not None and not has_errors(
        [d for d in diagnostics if d.code not in COVERAGE | {Code.NON_POSITIVE}]))
    index = compile_versions(card)
    quoter = make_dated_quoter(index.versions)
    for t in INSTANTS:
        now_card, _ = load(at_instant(text, lines, t))
        now_index = compile_card(now_card)
        when = dates.rfc3339(t)
        for model in now_card.models.values():
            grid = axes(now_card, model)
            for values in itertools.product(*grid.values()):
                request = {"tool": "t", "model": model.name, **dict(zip(grid, values))}
                got, expected = quoter.quote(request, at=when), reference(now_index, request)
                assert got == expected, (when, request)
                assert got.effective == index.versions.period(index.versions.slice_at(t)).iso()


def test_the_generator_reaches_gaps_and_overlaps_in_time():
    """A check on the generator: some dated cards report a gap or an overlap for some dates only."""
    seen = set()

    @settings(max_examples=150, deadline=None, database=None, derandomize=True)
    @given(dated_cards())
    def collect(written):
        card, diagnostics = load(written[0])
        for d in diagnostics:
            if d.code in (Code.GAP, Code.OVERLAP) and _PREFIX.match(d.message):
                seen.add(d.code)
        if card is not None and card.timeline is not None and len(card.timeline.boundaries) > 1:
            seen.add("several dates")

    collect()
    assert seen == {Code.GAP, Code.OVERLAP, "several dates"}
