"""Source spans, diagnostics, and the one place they are rendered."""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping

import attrs

from engine.span import NOWHERE as NOWHERE  # re-exported: spans are defined where a quote can import them cheaply
from engine.span import Span as Span


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class Code(enum.Enum):
    """Every diagnostic ratecard can report: a stable code and a short stable name."""

    SYNTAX = ("E001", "syntax")
    IO = ("E002", "io")
    UNKNOWN_NAME = ("E101", "unknown-name")
    DUPLICATE = ("E102", "duplicate")
    TYPE_MISMATCH = ("E103", "type-mismatch")
    OUT_OF_DOMAIN = ("E104", "out-of-domain")
    BAD_GRID = ("E105", "bad-grid")
    ROUNDING = ("E106", "undeclared-rounding")
    BAD_DECLARATION = ("E107", "bad-declaration")
    BAD_DATE = ("E130", "bad-date")
    OVERLAP = ("E201", "overlap")
    GAP = ("E202", "gap")
    NON_POSITIVE = ("E203", "non-positive-price")
    REDUNDANT = ("W201", "redundant")
    DEAD_RULE = ("W202", "dead-rule")

    @property
    def id(self) -> str:
        return self.value[0]

    @property
    def word(self) -> str:
        return self.value[1]


@attrs.frozen
class Related:
    span: Span
    message: str


@attrs.frozen(kw_only=True)
class Diagnostic:
    code: Code
    message: str
    span: Span
    severity: Severity = Severity.ERROR
    hint: str | None = None
    related: tuple[Related, ...] = ()

    @property
    def name(self) -> str:
        return self.code.word

    def sort_key(self) -> tuple:
        return (self.span.file, self.span.line, self.span.column, self.code.id, self.message)


def error(code: Code, message: str, span: Span, *, hint: str | None = None,
          related: Iterable[Related] = ()) -> Diagnostic:
    return Diagnostic(code=code, message=message, span=span, hint=hint, related=tuple(related))


def warning(code: Code, message: str, span: Span, *, hint: str | None = None,
            related: Iterable[Related] = ()) -> Diagnostic:
    return Diagnostic(code=code, message=message, span=span, severity=Severity.WARNING,
                      hint=hint, related=tuple(related))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


# ---------------------------------------------------------------- rendering

def source_lines(text: str) -> list[str]:
    """The text's lines as spans count them: split at "\n" only (str.splitlines also
    splits at form feeds, "\x85", "\u2028" and others, which a comment may hold and
    the parser does not count), without the "\r" of a CRLF ending."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _excerpt(span: Span, sources: Mapping[str, str], lines_of: dict[str, list[str]]) -> list[str]:
    """The span's line with carets under it; `lines_of` keeps each file's lines once split."""
    lines = lines_of.get(span.file)
    if lines is None:
        text = sources.get(span.file)
        if text is None:
            return []
        lines = lines_of[span.file] = source_lines(text)
    if not 1 <= span.line <= len(lines):
        return []
    line = lines[span.line - 1]
    shown, at = on_screen(line)
    gutter = " " * len(str(span.line))
    end = span.end_column if span.end_line == span.line else len(line) + 1
    start = _screen_column(at, span.column)
    width = max(1, _screen_column(at, end) - start)
    return [
        f"{gutter} |",
        f"{span.line} | {shown}",
        f"{gutter} | {' ' * start}{'^' * width}",
    ]


def on_screen(line: str) -> tuple[str, list[int]]:
    """The line as printed (tabs expanded to stops of 4, control characters as their visible
    pictures, so a lone CR cannot send the cursor back) and, for each character and the end of
    the line, the screen column it starts at (wide characters take two, combining marks none).
    The carets are placed by it; so is the fuzzing oracle that checks them (tests/fuzz/rules.py)."""
    import unicodedata

    out, at, column = [], [], 0
    for ch in line:
        at.append(column)
        if ch == "\t":
            ch = " " * (4 - column % 4)
            width = len(ch)
        elif ch < " " or ch == "\x7f":
            ch = chr(0x2400 + ord(ch)) if ch < " " else "\u2421"
            width = 1
        elif unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            width = 0
        else:
            width = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        out.append(ch)
        column += width
    at.append(column)
    return "".join(out), at


def _screen_column(at: list[int], column: int) -> int:
    """Where a span's column (counted in characters from 1) falls on screen, counted from 0."""
    index = max(column, 1) - 1
    return at[index] if index < len(at) else at[-1] + index - (len(at) - 1)


def render_text(diagnostics: Iterable[Diagnostic], sources: Mapping[str, str]) -> str:
    """Compiler style: `file:line:col: error[CODE name]: message`, the line, carets, hint."""
    blocks = []
    lines_of: dict[str, list[str]] = {}  # a large card is split into lines once, not once per diagnostic
    for d in diagnostics:
        s = d.span
        out = [f"{s.file}:{s.line}:{s.column}: {d.severity.value}[{d.code.id} {d.name}]: {d.message}"]
        out += _excerpt(s, sources, lines_of)
        for rel in d.related:
            out.append(f"  note: {rel.span.file}:{rel.span.line}:{rel.span.column}: {rel.message}")
            out += ["  " + line for line in _excerpt(rel.span, sources, lines_of)]
        if d.hint:
            out.append(f"  hint: {d.hint}")
        blocks.append("\n".join(out))
    return "\n\n".join(blocks)


def summary(diagnostics: Iterable[Diagnostic]) -> str:
    diagnostics = list(diagnostics)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    plural = lambda n, w: f"{n} {w}{'' if n == 1 else 's'}"  # noqa: E731
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def to_json_object(d: Diagnostic) -> dict:
    return {
        "severity": d.severity.value,
        "code": d.code.id,
        "name": d.name,
        "message": d.message,
        "file": d.span.file,
        "line": d.span.line,
        "column": d.span.column,
        "end_line": d.span.end_line,
        "end_column": d.span.end_column,
        "hint": d.hint,
        "related": [
            {"file": r.span.file, "line": r.span.line, "column": r.span.column,
             "message": r.message}
            for r in d.related
        ],
    }


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([to_json_object(d) for d in diagnostics], indent=2, ensure_ascii=False)


def _github_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's own toolkit does (`escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """A workflow command's property value (`escapeProperty`): also `:` and `,`, which end it."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands, one annotation per diagnostic."""
    lines = []
    for d in diagnostics:
        s = d.span
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        props = (f"file={_github_property(s.file)},line={s.line},col={s.column},"
                 f"endLine={s.end_line},endColumn={s.end_column},title={_github_property(f'{d.code.id} {d.name}')}")
        lines.append(f"::{d.severity.value} {props}::{_github_data(message)}")
    return "\n".join(lines)
