"""`ratecard test`: run a card's expectation files, report failures and the rules none exercised.

Exit codes: 0 every expectation holds, 1 one or more fail, 2 usage, I/O, a card
that does not load, or a line that is not an expectation (the readable lines
still run and are reported).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from engine import sources as source_files
from engine.boxes import source as box_source
from engine.interpreter import _read, find  # the reading and lookup card.quote does, to name the cell
from engine.model import PricedRule
from engine.names import credits_words
from engine.ratecard import RateCard, RateCardError
from engine.results import Code, Quote, Rejection
from engine.review.expect import Expectation, Unreadable, read

USAGE_ERROR = 2
SUFFIX = ".expect"


@attrs.frozen
class Outcome:
    expectation: Expectation
    result: Quote | Rejection

    @property
    def passed(self) -> bool:
        expected = self.expectation.expected
        if isinstance(expected, Code):
            return not self.result.ok and self.result.code == expected
        if not self.result.ok:
            return False
        unit = self.expectation.unit
        if self.result.amount is not None:  # a card that prices in an amount: the amount, exactly
            return self.result.amount == expected and unit in (None, self.result.unit)
        return self.result.credits == expected and unit in (None, "credit", "credits")


@attrs.frozen
class Report:
    outcomes: tuple[Outcome, ...]
    unreadable: tuple[Unreadable, ...]
    rules: tuple[PricedRule, ...]       # one per rule or grid cell as written, in card order
    exercised: frozenset                # the span keys of those some expectation matched

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed]

    @property
    def untested(self) -> list[PricedRule]:
        return [r for r in self.rules if _key(r) not in self.exercised]


def _key(rule: PricedRule) -> tuple:
    return (rule.span.file, rule.span.line, rule.span.column)


def matched_rule(card: RateCard, request: Mapping) -> PricedRule | None:
    """The rule or grid cell that decides the request, as card.quote finds it; None if none does."""
    try:
        read_ = _read(card.index, request)
        if isinstance(read_, Rejection):
            return None
        model, values = read_
        entry = find(model, values)
    except Exception:  # the quote itself reports what went wrong
        return None
    return entry.rule if entry is not None else None


def evaluate(card: RateCard, expectations: Sequence[Expectation | Unreadable]) -> Report:
    outcomes, unreadable, exercised = [], [], set()
    for item in expectations:
        if isinstance(item, Unreadable):
            unreadable.append(item)
            continue
        outcomes.append(Outcome(item, card.quote(item.request, at=item.at)))
        rule = matched_rule(card.at(item.at), item.request)  # a dated card: the slice it was priced in
        if rule is not None:
            exercised.add(_key(rule))
    written: dict[tuple, PricedRule] = {}
    for rule in card.card.rules:  # a rule written for a group is one rule here, as in the file
        written.setdefault(_key(rule), rule)
    return Report(tuple(outcomes), tuple(unreadable), tuple(written.values()), frozenset(exercised))


# ---------------------------------------------------------------- finding the files


def _places(path: str | None, rules: str | None) -> tuple[str | None, list[tuple[str, Path]]] | str:
    """(where the card is, [(shown name, expectation file)]), or why there is nothing to run."""
    if path is None:
        root = Path(rules) if rules is not None else source_files.bundled_path()
        shown = rules
    else:
        root, shown = Path(path), path
    if not root.exists():
        return f"cannot find {root}"
    if root.is_dir():
        found, unlisted = source_files.below(root, SUFFIX)  # as check finds .rules: hidden folders skipped
        if unlisted:
            return unlisted[0].message
        named = [(str(Path(shown) / name) if shown is not None else name, Path(file)) for name, file in found]
        card = rules if rules is not None else shown
    elif root.suffix == SUFFIX:
        named = [(str(shown), root)]
        card = rules if rules is not None else str(root.parent)
    else:  # a .rules file: the expectations of the same name beside it
        beside = root.with_suffix(SUFFIX)
        named = [(str(Path(shown).with_suffix(SUFFIX)), beside)] if beside.is_file() else []
        card = rules if rules is not None else shown
    if not named:
        return f"there are no {SUFFIX} files for {shown or 'the bundled rate card'}"
    return card, named


# ---------------------------------------------------------------- the command


def run(path: str | None, rules: str | None, form: str) -> int:
    found = _places(path, rules)
    if isinstance(found, str):
        print(f"ratecard: {found}", file=sys.stderr)
        return USAGE_ERROR
    card_path, named = found
    sources, read_errors = source_files.read(card_path)
    try:
        if read_errors and not sources:
            raise RateCardError(read_errors, {})
        card = RateCard.from_sources(sources, read_errors)
    except RateCardError as exc:
        print(f"ratecard: cannot load the rate card\n\n{exc}", file=sys.stderr)
        return USAGE_ERROR
    items: list[Expectation | Unreadable] = []
    for shown, file in named:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"ratecard: cannot read {shown}: {exc}", file=sys.stderr)
            return USAGE_ERROR
        items += read(text, shown)
    report = evaluate(card, items)
    shown_as = {s.name: s.path for s in sources}
    print(render(report, form, shown_as))
    if report.unreadable:
        return USAGE_ERROR
    return 1 if report.failures else 0


def render(report: Report, form: str, paths: Mapping[str, str]) -> str:
    if form == "json":
        return json.dumps(to_json(report, paths), indent=2, ensure_ascii=False)
    if form == "github":
        return "\n".join(_github(report, paths))
    return "\n".join(_text(report, paths))


def _expected(value, unit: str | None = None) -> str:
    if isinstance(value, Code):
        return str(value)
    if unit is not None or type(value) is not int:
        return f"{value} {unit}" if unit else str(value)
    return credits_words(value)


def _label(label: str, paths: Mapping[str, str]) -> str:
    file, _, line = label.rpartition(":")
    return f"{paths.get(file, file)}:{line}"


def _actual(result: Quote | Rejection, paths: Mapping[str, str]) -> str:
    if result.ok and result.amount is not None:
        return f"{result.amount} {result.unit} ({_label(result.rule, paths)})"
    if result.ok:
        return f"{credits_words(result.credits)} ({_label(result.rule, paths)})"
    return f"rejected [{result.code}]: {result.message}"


def _rule(rule: PricedRule, paths: Mapping[str, str]) -> tuple[str, str]:
    """(where, what) of a rule or grid cell: `video.rules:89:27`, `Sora 2 Pro res 1080 dur 12`."""
    span = rule.span
    conditions = box_source(rule.box)
    what = (rule.model if rule.model is not None else rule.tool) + (f" {conditions}" if conditions else "")
    return f"{paths.get(span.file, span.file)}:{span.line}:{span.column}", what


def _summary(report: Report) -> str:
    failed = len(report.failures)
    text = f"{len(report.outcomes) - failed} passed, {failed} failed"
    if report.unreadable:
        text += f", {len(report.unreadable)} unreadable"
    return text


def _text(report: Report, paths: Mapping[str, str]) -> list[str]:
    out = []
    for bad in report.unreadable:
        out.append(f"{bad.where}:{bad.column}: cannot read this line: {bad.message}")
    for o in report.failures:
        e = o.expectation
        out += [f"{e.where}: FAIL {e.text}" + (f" (at {e.at})" if e.at is not None else ""),
                f"  expected {_expected(e.expected, e.unit)}, got {_actual(o.result, paths)}"]
    if out:
        out.append("")
    out.append(_summary(report))
    untested = report.untested
    total = len(report.rules)
    out.append(f"coverage: {total - len(untested)} of {total} rules and grid cells exercised")
    for rule in untested:
        where, what = _rule(rule, paths)
        out.append(f"  not exercised: {where} {what}")
    return out


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github(report: Report, paths: Mapping[str, str]) -> list[str]:
    out = []
    for bad in report.unreadable:
        out.append(f"::error file={bad.file},line={bad.line},col={bad.column},title=ratecard test::"
                   f"{_escape('cannot read this line: ' + bad.message)}")
    for o in report.failures:
        e = o.expectation
        out.append(f"::error file={e.file},line={e.line},title=ratecard test::"
                   f"{_escape(f'{e.text}: expected {_expected(e.expected, e.unit)}, got {_actual(o.result, paths)}')}")
    for rule in report.untested:
        where, what = _rule(rule, paths)
        file, line, column = where.rsplit(":", 2)
        out.append(f"::notice file={file},line={line},col={column},title=not tested::"
                   f"{_escape(f'no expectation exercises {what}')}")
    return out


def to_json(report: Report, paths: Mapping[str, str]) -> dict:
    failures = []
    for o in report.failures:
        e = o.expectation
        expected = e.expected if isinstance(e.expected, int) else str(e.expected)
        actual = o.result.to_json()
        if o.result.ok:
            actual["rule"] = _label(o.result.rule, paths)
        failure = {"file": e.file, "line": e.line, "request": e.request, "expected": expected, "actual": actual}
        if e.at is not None:
            failure["at"] = e.at
        failures.append(failure)
    untested = []
    for rule in report.untested:
        where, what = _rule(rule, paths)
        file, line, column = where.rsplit(":", 2)
        untested.append({"file": file, "line": int(line), "column": int(column), "rule": what})
    return {
        "passed": len(report.outcomes) - len(report.failures),
        "failed": len(report.failures),
        "unreadable": [{"file": b.file, "line": b.line, "column": b.column, "message": b.message}
                       for b in report.unreadable],
        "failures": failures,
        "coverage": {"rules": len(report.rules), "exercised": len(report.rules) - len(untested),
                     "not_exercised": untested},
    }
