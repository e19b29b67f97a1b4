"""The `ratecard` command: a thin shell over the API.

Exit codes: quote 0 priced, 1 rejected, 2 usage or rate-card error;
check 0 clean (warnings allowed, unless --strict), 1 errors, 2 usage or I/O;
table 0, 2 usage or rate-card error; diff 0 same prices, 1 different, 2 usage,
I/O or rate-card error; fmt 0 done (or, with --check, nothing would change),
1 something would change, 2 usage, I/O or syntax error; test 0 every expectation
holds, 1 some fail, 2 usage, I/O, rate-card error or an unreadable expectation.
The review commands' modules, and the diagnostics of `check`, are imported
inside their functions, so the quote path starts no slower for them: a quote
from the compiled-card cache imports no attrs and no Lark (tests/test_startup.py).
The options are engine.cli_args' argparse parser; a plain `quote` is read without it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from types import SimpleNamespace

from engine import sources as source_files
from engine.ratecard import RateCard, RateCardError, analyse, load
from engine.results import Code, Rejection, dated, stamped

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import argparse

USAGE_ERROR = 2

def build_parser() -> argparse.ArgumentParser:
    """The whole command line's parser (engine.cli_args)."""
    from engine.cli_args import build_parser as build

    return build()

class _BadTime(Exception):
    """An --at that is not a time: said on stderr, and the command exits 2."""


def _when(args) -> object:
    """The --at given, checked: None (now) or the text; _BadTime, once said, when it is not a time."""
    if args.at is None:
        return None
    from engine.dates import read_at

    reason = read_at(args.at)
    if type(reason) is str:
        print(f"ratecard: --at: {reason}", file=sys.stderr)
        raise _BadTime
    return args.at



def plain_quote(argv: Sequence[str]) -> SimpleNamespace | None:
    """`quote TOOL [MODEL] key=value ...` with no option, read as argparse would read it; else None.

    A word starting with "-" (an option, `--`, or anything argparse might take
    for one) leaves the whole command line to argparse. Otherwise argparse would
    give every word after `quote` to the request and the options their defaults,
    which this does without importing it (tests/test_startup.py compares the two).
    """
    if argv[:1] != ["quote"] or any(word.startswith("-") for word in argv[1:]):
        return None
    return SimpleNamespace(version=None, command="quote", words=list(argv[1:]), json=False, batch=None, explain=False,
                           rules=None, at=None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["accounts"]:  # a parser of its own, imported only when used
        from engine.accounts.cli import main as accounts_main
        return accounts_main(argv[1:])
    args = plain_quote(argv) or build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "table":
            return run_table(args)
        if args.command == "diff":
            from engine.review.diff import run as run_diff
            return run_diff(args.old, args.new, args.format, args.at)
        if args.command == "fmt":
            from engine.fmt import run as run_fmt
            return run_fmt(args.paths, args.check)
        if args.command == "test":
            from engine.review.expect_run import run as run_test
            return run_test(args.path, args.rules, args.format)
        if args.command == "serve":
            from engine.service.serve import run as run_serve
            return run_serve(args)
        return run_quote(args)
    except BrokenPipeError:  # `ratecard quote --batch big.jsonl | head`
        sys.stderr.close()
        return 0
    except _BadTime:
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130


# ---------------------------------------------------------------- check


def run_check(args) -> int:
    from engine.diagnostics import Code as DiagCode
    from engine.diagnostics import has_errors, render_github, render_json, render_text, summary

    path = args.path or args.rules
    sources, read_errors = _stdin_sources() if path == "-" else source_files.read(path)
    _, diagnostics = analyse(sources) if sources else (None, [])
    diagnostics = read_errors + diagnostics
    texts = {s.name: s.text for s in sources}
    paths = {s.name: s.path for s in sources}
    shown = [_at_path(d, paths) for d in diagnostics]
    if args.format == "json":
        print(render_json(shown))
    elif args.format == "github":
        if shown:
            print(render_github(shown))
    else:
        if shown:
            print(render_text(shown, {paths.get(k, k): v for k, v in texts.items()}))
            print()
        where = "<stdin>" if path == "-" else path or "the bundled rate card"
        print(f"{where}: {summary(diagnostics)}" if diagnostics else f"{where}: no problems found",
              file=sys.stderr)
        if sources and not has_errors(diagnostics):  # the name its quotes will carry (Quote.digest)
            print(f"digest {source_files.digest(sources)}", file=sys.stderr)
    if read_errors and not sources or any(d.code is DiagCode.IO for d in diagnostics):
        return USAGE_ERROR
    if has_errors(diagnostics) or (args.strict and diagnostics):
        return 1
    return 0


def _stdin_sources():
    """`ratecard check -`: one file read from standard input, named <stdin> (editors and pipes)."""
    from engine.diagnostics import Code as DiagCode
    from engine.diagnostics import Span, error

    try:
        text = sys.stdin.buffer.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [error(DiagCode.IO, f"cannot read standard input: {exc}", Span("<stdin>", 1, 1, 1, 1))]
    return [source_files.Source(name="<stdin>", path="<stdin>", text=text)], []


def _at_path(diagnostic, paths):
    """The same diagnostic, naming files the way the user gave them."""
    import attrs

    def move(span):
        return span._replace(file=paths.get(span.file, span.file))

    related = tuple(attrs.evolve(r, span=move(r.span)) for r in diagnostic.related)
    return attrs.evolve(diagnostic, span=move(diagnostic.span), related=related)


# ---------------------------------------------------------------- table


def run_table(args) -> int:
    from engine.review.table import Format, UnknownName, render, tools_named

    when = _when(args)
    card = _load(args)
    if card is None:
        return USAGE_ERROR
    card = card.at(when)
    if args.plans:
        from engine.review import plans_table

        print(plans_table.render(card, args.format))
        return 0
    try:
        tools = tools_named(card, args.tool, args.model)  # a tool or a group; did-you-mean when neither
    except UnknownName as exc:
        print(f"ratecard: {exc}", file=sys.stderr)
        return USAGE_ERROR
    print(render(card, Format(args.format), tools, args.model))
    return 0


# ---------------------------------------------------------------- quote


def _load(args) -> RateCard | None:
    try:
        return load(args.rules)
    except RateCardError as exc:
        print(f"ratecard: cannot load the rate card\n\n{exc}", file=sys.stderr)
        return None


def request_from_words(words: Sequence[str]) -> dict | Rejection:
    """`text-to-video "Sora 2 Pro" res=1080 dur=12` -> a request mapping.

    Words that are not key=value after the model (an unquoted `Sora 2 Pro`), and a key given
    twice, are `invalid-request` rejections; `ratecard quote` reports them as usage errors.
    """
    if not words:
        return Rejection(Code.MISSING_PARAM, "say which tool, for example: ratecard quote voiceover chars=120",
                         "tool")
    request: dict[str, str] = {"tool": words[0]}
    for position, word in enumerate(words[1:], start=1):
        key, sep, value = word.partition("=")
        if not sep:
            if position == 1:
                request["model"] = word
                continue
            return Rejection(Code.INVALID_REQUEST, f"expected key=value, got {word!r}{_quote_hint(words)}")
        key = key.strip()
        if key in request:
            given = "the model" if key == "model" and "model" in request else key
            return Rejection(Code.INVALID_REQUEST, f"{given} is given twice ({key}={request[key]} and {word}): "
                             "give each parameter once", key)
        request[key] = value
    return request


def _quote_hint(words: Sequence[str]) -> str:
    """`Sora 2 Pro` typed without quotes: the words before the first key=value, as one quoted name."""
    name = []
    for word in words[1:]:
        if "=" in word:
            break
        name.append(word)
    if len(name) < 2:
        return ""
    joined = " ".join(name)
    return f"; a model name with spaces goes in quotes: ratecard quote {words[0]} \"{joined}\" ..."


def run_quote(args) -> int:
    if args.batch is not None:
        if args.words:
            print("ratecard: give either --batch or a request, not both", file=sys.stderr)
            return USAGE_ERROR
        return run_batch(args)
    request = request_from_words(args.words)
    if isinstance(request, Rejection) and request.code is Code.INVALID_REQUEST:
        print(f"ratecard: {request.message}", file=sys.stderr)  # the words, not the request, are wrong
        return USAGE_ERROR
    when = _when(args)
    card = _load(args)
    if card is None:
        return USAGE_ERROR
    card = card.at(when)  # a dated card: the prices in effect then (now by default), as a card of its own
    result = card.quote(request) if not isinstance(request, Rejection) else \
        stamped(request, card.digest) if card.effective is None else dated(request, card.digest, card.effective)
    if args.explain and not isinstance(request, Rejection):
        from engine.review.explain import explanation, render

        why = explanation(card, request, result)
        if args.json:  # the explanation, with the result object inside it
            print(json.dumps(why.to_json(), ensure_ascii=False))
        else:
            print(render(why))
        return 0 if result.ok else 1
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    elif result.ok:
        print(result.shown())
    else:
        print(f"rejected [{result.code}]: {result.message}", file=sys.stderr)
    return 0 if result.ok else 1


def run_batch(args) -> int:
    when = _when(args)
    card = _load(args)
    if card is None:
        return USAGE_ERROR
    card = card.at(when)  # one time for the whole batch: a dated card's prices do not change part way
    try:  # bytes, split at b"\n" only and decoded line by line, from stdin as from a file
        stream = sys.stdin.buffer if args.batch == "-" else open(args.batch, "rb")
    except OSError as exc:
        print(f"ratecard: cannot read {args.batch}: {exc.strerror}", file=sys.stderr)
        return USAGE_ERROR
    from engine import batch

    sys.stdout.flush()
    try:
        with stream:
            batch.run(card.quote, stream, batch.utf8_writer(sys.stdout.buffer.write), batch.fast_loads(),
                      digest=card.digest)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:  # a read or write error part way: the answers so far are out, the rest is not
        print(f"ratecard: the batch stopped: {exc.strerror or exc}", file=sys.stderr)
        return USAGE_ERROR
    return 0


def batch_line(card: RateCard, line: str) -> dict:
    """One line of a batch -> its result object (the readable reference for engine.batch.run)."""
    from engine import batch

    return batch.line_result(card.quote, line, digest=card.digest).to_json()


if __name__ == "__main__":
    sys.exit(main())
