"""`ratecard fmt`: one canonical layout for .rules files (see engine.fmt.layout for the rules).

Formatting is checked, not trusted: a file is formatted only when it parses,
and the result must parse to the same syntax tree (positions aside), or the
file is left alone and the failure reported. So formatting can never change
a price. A file is replaced whole (engine.fmt.replace): a full disk or a file
the user cannot write leaves it as it was.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from engine.diagnostics import render_text
from engine.fmt.layout import layout
from engine.fmt.replace import replace_text
from engine.sources import find, normalise, read_file
from engine.syntax import parse

USAGE_ERROR = 2


class FormatError(Exception):
    """A file that cannot be formatted; the text is for a person."""


def format_text(text: str, name: str = "<string>") -> str:
    """The canonical layout of one file's text; FormatError when it does not parse."""
    text = normalise(text)  # as a card is read from a file: a lone CR in a comment ends its line here too
    before, diagnostics = parse(text, name)
    if before is None:
        raise FormatError(f"cannot format {name}: it does not parse\n\n" + render_text(diagnostics, {name: text}))
    out = layout(text)
    after, _ = parse(out, name)
    if after != before:
        raise FormatError(f"cannot format {name}: the layout would change its meaning (a bug in ratecard fmt; "
                          "the file is left as it is)")
    return out


def run(paths: Sequence[str], check: bool) -> int:
    """Exit 0 when done (or, with check, when nothing would change), 1 when a file would change,
    2 when a path cannot be read or a file does not parse. `-` formats standard input to standard output.

    A folder's files are the ones `check` reads (engine.sources.find): hidden folders are passed over,
    linked folders are followed, and a folder or file that cannot be read is reported, never skipped."""
    if list(paths) == ["-"]:
        return _run_stdin(check)
    status = 0
    for given in paths or ["rules"]:
        named, problems = find(given)
        for problem in problems:
            print(f"ratecard: {problem.message}", file=sys.stderr)
            status = USAGE_ERROR
        for _, path, display in named:
            status = max(status, _format_file(path, display, check))
    return status


def _format_file(path: Path, display: str, check: bool) -> int:
    text, problem = read_file(path, display, display)
    if problem is not None:
        print(f"ratecard: {problem.message}", file=sys.stderr)
        return USAGE_ERROR
    try:
        new = format_text(text, display)
    except FormatError as exc:
        print(f"ratecard: {exc}", file=sys.stderr)
        return USAGE_ERROR
    if new == normalise(text):  # a byte-order mark or CRLF endings alone are no change, as they are to check
        return 0
    if check:
        print(f"would reformat {display}")
        return 1
    try:
        replace_text(path, new)
    except OSError as exc:  # the file keeps its old text
        print(f"ratecard: cannot write {display}: {exc.strerror or exc}; it is left as it was", file=sys.stderr)
        return USAGE_ERROR
    print(f"reformatted {display}")
    return 0


def _run_stdin(check: bool) -> int:
    """`ratecard fmt -`: standard input -> the formatted text on standard output (for editors and pipes);
    with check, nothing is written and the exit says whether it would change."""
    try:
        text = sys.stdin.buffer.read().decode("utf-8")
        new = format_text(text, "<stdin>")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"ratecard: cannot read standard input: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except FormatError as exc:
        print(f"ratecard: {exc}", file=sys.stderr)
        return USAGE_ERROR
    if check:
        if new != normalise(text):
            print("would reformat <stdin>")
            return 1
        return 0
    sys.stdout.write(new)
    return 0
