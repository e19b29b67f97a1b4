"""Dated prices: which rules are in effect when, and the checks run one slice of time at a time.

A card's dates (`from` and `until`, engine/dates.py) cut time at every date one
of its prices names: before the first, between each two, after the last. Within
one slice the same rules are in effect, so a slice is an ordinary card, and the
checks that ask whether every combination has exactly one price (overlaps, gaps,
dead rules) run on it unchanged. They run per slice only on the models that have
dated rules (with the models declared together with them, whose reports are
joined); the other models are checked once. What some slices report and others
do not names its dates, so a gap in time reads
`from 2026-12-01 until 2026-12-02: Nano Banana (image-to-image) has no price at all`.

Dates are resolved before everything else: `flatten` takes the dated blocks and
rules out of the syntax tree (their statements stay where they stood, so the
order of declaration and each file's rounding hold) and remembers the place of
each; after lowering, `timeline_of` finds each priced rule's dates by its place.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence

import attrs

from engine import ast
from engine.dates import Period, micros
from engine.diagnostics import Code, Diagnostic, Span, error
from engine.model import Card, PricedRule

_DECLARED = {ast.ToolDecl: "a tool", ast.GroupDecl: "a group", ast.ModelDecl: "a model", ast.PlanDecl: "a plan",
             ast.RoundingDecl: "a file's rounding"}
_SHAPE = "a date is written year-month-day, 2026-12-01 (midnight UTC), and a time in UTC, 2026-12-01T09:30:00Z"


# ---------------------------------------------------------------- the syntax tree, without its dates


@attrs.frozen
class Marks:
    """Where each dated statement stands in its file, and when it is in effect."""

    starts: Mapping[str, list[tuple[int, int]]]                      # file -> each statement's start, sorted
    places: Mapping[str, list[tuple[tuple[int, int], Period]]]       # file -> (its end, its period), same order

    def period(self, span: Span) -> Period | None:
        """The period of the dated statement holding the place `span` starts at; None when none does."""
        starts = self.starts.get(span.file)
        if not starts:
            return None
        at = (span.line, span.column)
        i = bisect.bisect_right(starts, at) - 1
        if i < 0:
            return None
        end, period = self.places[span.file][i]
        return period if at <= end else None


def flatten(files: Sequence[ast.File]) -> tuple[list[ast.File], Marks | None, list[Diagnostic]]:
    """The files with every dated block and dated rule replaced by what it holds; where those stood
    (None when no file has dates); and the diagnostics of the dates themselves."""
    out: list[ast.File] = []
    found: dict[str, list[tuple[tuple[int, int], tuple[int, int], Period]]] = {}
    diagnostics: list[Diagnostic] = []
    for file in files:
        if not any(type(s) is ast.Dated for s in file.statements):
            out.append(file)
            continue
        statements: list = []
        marks = found.setdefault(file.path, [])
        for s in file.statements:
            if type(s) is ast.Dated:
                _take(s, Period(), statements, marks, diagnostics)
            else:
                statements.append(s)
        out.append(attrs.evolve(file, statements=tuple(statements)))
    if not any(found.values()):
        return out, None, diagnostics
    starts, places = {}, {}
    for path, marks in found.items():
        marks.sort(key=lambda m: m[0])
        starts[path] = [m[0] for m in marks]
        places[path] = [(m[1], m[2]) for m in marks]
    return out, Marks(starts, places), diagnostics


def _take(dated: ast.Dated, outer: Period, statements: list, marks: list, diagnostics: list[Diagnostic]) -> None:
    period = _period(dated.dates, diagnostics)
    if period is None:  # told; its prices are taken as undated, and the card does not load
        period = outer
    else:
        within = outer.meet(period)
        if within.is_empty:
            diagnostics.append(error(
                Code.BAD_DATE, f"these dates are outside its block's, {outer.words()}: this price is never in effect",
                dated.dates.span, hint="a rule in a dated block is in effect where both its dates and the block's hold"))
        period = within
    for s in dated.statements:
        if type(s) is ast.Dated:
            _take(s, period, statements, marks, diagnostics)
            continue
        statements.append(s)  # a declaration too, once told: its name is still known to the rest
        if type(s) not in (ast.Rule, ast.Grid):
            what = _DECLARED.get(type(s), "this declaration")
            diagnostics.append(error(
                Code.BAD_DATE, f"only prices have dates: {what} holds at every date", s.span,
                hint="move it out of the dated block"))
            continue
        span = s.span
        marks.append(((span.line, span.column), (span.end_line, span.end_column), period))


def _period(dates: ast.Dates, diagnostics: list[Diagnostic]) -> Period | None:
    ends = []
    for moment in (dates.start, dates.end):
        if moment is None:
            ends.append(None)
        elif moment.at is None:
            diagnostics.append(error(Code.BAD_DATE, f"`{moment.text}` is not a date of the calendar", moment.span,
                                     hint=_SHAPE))
            return None
        else:
            ends.append(micros(moment.at))
    period = Period(*ends)
    if period.is_empty:
        diagnostics.append(error(
            Code.BAD_DATE, f"these dates hold at no time: `until {dates.end.text}` is not after "
            f"`from {dates.start.text}`", dates.span,
            hint="`from` is the first moment a price applies, `until` the first moment it no longer does"))
        return None
    return period


# ---------------------------------------------------------------- slices of time


@attrs.frozen
class Timeline:
    """When each dated rule is in effect, and the dates that cut time into slices.

    Slice i runs from boundaries[i - 1] (or always, for the first) until
    boundaries[i] (or for ever, for the last).
    """

    periods: Mapping[int, Period] = attrs.field(eq=False)  # PricedRule.index -> its period; undated rules absent
    boundaries: tuple[int, ...]                           # microseconds, strictly increasing, at least one

    @property
    def count(self) -> int:
        return len(self.boundaries) + 1

    def period(self, i: int) -> Period:
        b = self.boundaries
        return Period(b[i - 1] if i > 0 else None, b[i] if i < len(b) else None)

    def slice_at(self, t: int) -> int:
        return bisect.bisect_right(self.boundaries, t)

    def rules_at(self, rules: Iterable[PricedRule], i: int) -> tuple[PricedRule, ...]:
        """The rules in effect in slice i (each is in effect in all of a slice or in none of it)."""
        b = self.boundaries
        t = b[i - 1] if i > 0 else b[0] - 1
        periods = self.periods
        return tuple(r for r in rules if (p := periods.get(r.index)) is None or t in p)

    def card_at(self, card: Card, i: int) -> Card:
        """Slice i as an ordinary card: the rules in effect then, and no dates."""
        return attrs.evolve(card, rules=self.rules_at(card.rules, i), timeline=None)


def timeline_of(rules: Sequence[PricedRule], marks: Marks | None) -> Timeline | None:
    """The card's timeline; None when none of its prices has dates."""
    if marks is None:
        return None
    periods = {}
    for rule in rules:
        period = marks.period(rule.span)
        if period is not None and not period.always:
            periods[rule.index] = period
    bounds = sorted({t for p in periods.values() for t in (p.start, p.end) if t is not None})
    if not bounds:
        return None
    return Timeline(periods, tuple(bounds))


# ---------------------------------------------------------------- checks over time


def run_checks(card: Card) -> list[Diagnostic]:
    """engine.checks.run_checks for a dated card: the coverage check per slice of time, the others once."""
    from engine.checks import CHECKS
    from engine.checks.coverage import check_coverage

    found: list[Diagnostic] = []
    for check in CHECKS:
        if check is check_coverage:
            found.extend(coverage_over_time(card, check_coverage))
        else:
            found.extend(check(card))
    return found


def coverage_over_time(card: Card, check) -> list[Diagnostic]:
    timeline = card.timeline
    dated = {(r.tool, r.model) for r in card.rules if r.index in timeline.periods}
    declared = {card.models[k].span for k in dated if k in card.models}
    dated |= {k for k, m in card.models.items() if m.span in declared}  # reported together: checked together
    out = list(check(attrs.evolve(card, timeline=None,
                                  models={k: m for k, m in card.models.items() if k not in dated},
                                  rules=tuple(r for r in card.rules if (r.tool, r.model) not in dated))))
    models = {k: m for k, m in card.models.items() if k in dated}
    rules = tuple(r for r in card.rules if (r.tool, r.model) in dated)
    seen: dict[Diagnostic, list[int]] = {}
    done: dict[tuple[int, ...], list[Diagnostic]] = {}
    for i in range(timeline.count):
        now = timeline.rules_at(rules, i)
        key = tuple(r.index for r in now)
        told = done.get(key)
        if told is None:
            told = done[key] = list(check(attrs.evolve(card, timeline=None, models=models, rules=now)))
        for d in told:
            seen.setdefault(d, []).append(i)
    for d, slices in seen.items():
        out.append(d if len(slices) == timeline.count else _in_time(d, _periods(timeline, slices)))
    return out


def _periods(timeline: Timeline, slices: list[int]) -> list[Period]:
    """The slices as the fewest periods: neighbouring slices joined."""
    out: list[Period] = []
    for i in slices:
        p = timeline.period(i)
        if out and out[-1].end == p.start:
            out[-1] = Period(out[-1].start, p.end)
        else:
            out.append(p)
    return out


def _in_time(d: Diagnostic, periods: list[Period]) -> Diagnostic:
    """The diagnostic of some slices only: its message starts with their dates."""
    when = " and ".join(p.words() for p in periods)
    hint = d.hint
    if hint is not None and d.code is Code.GAP and len(periods) == 1 and hint.endswith("-> ...`"):
        hint = hint[:-1] + f" {periods[0].words()}`"  # the line to add, with its dates
    elif hint is not None and d.code is Code.OVERLAP:
        hint += ", or change their dates so they are not in effect at once"
    return attrs.evolve(d, message=f"{when}: {d.message}", hint=hint)
