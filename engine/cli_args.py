"""The `ratecard` command line's options: argparse, built only when a command needs it.

`ratecard quote TOOL [MODEL] key=value ...` without options (the common
command) is read without it (engine.cli.plain_quote): building this parser
costs more than the rest of a quote answered from the compiled-card cache.
"""

from __future__ import annotations

import argparse
import sys

from engine.cli import USAGE_ERROR

EPILOG = """\
exit codes:
  quote  0 priced, 1 rejected, 2 usage or rate-card error
  check  0 clean (warnings allowed unless --strict), 1 errors, 2 usage or I/O
  table  0 done, 2 usage or rate-card error
  diff   0 same prices, 1 prices differ, 2 usage, I/O or rate-card error
  fmt    0 done (with --check: nothing would change), 1 a file would change, 2 usage, I/O or syntax error

environment:
  RATECARD_CACHE_DIR  where compiled cards and the parser are cached
                      (default: $XDG_CACHE_HOME/ratecard or ~/.cache/ratecard)
  RATECARD_NO_CACHE   1 to neither read nor write the cache
  RATECARD_JSON       stdlib to parse batch lines with the standard library even when orjson is installed
  XDG_DATA_HOME       accounts: the default SQLite file is $XDG_DATA_HOME/ratecard/credits.db
                      (default: ~/.local/share/ratecard/credits.db)
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 on usage errors, as we want
        self.print_usage(sys.stderr)
        self.exit(USAGE_ERROR, f"ratecard: {message}\n")


class _Version(argparse.Action):
    """--version: the installed distribution's version, looked up only when asked for."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        import engine
        print(f"ratecard {engine.__version__}")
        parser.exit(0)


def _at_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--at", metavar="TIME",
                        help=f"{what}: a date (2026-12-01, midnight UTC) or a time with its zone "
                        "(2026-12-01T10:00:00Z); default now. Only a card with dates prices by it")


def _rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", metavar="PATH",
                        help="a .rules file or a folder of them (default: the bundled rate card)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ratecard", description="Price AI generations from .rules files.", epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    q = commands.add_parser("quote", help="price one request, or a batch of JSON lines",
                            description="ratecard quote TOOL [MODEL] key=value ...")
    q.add_argument("words", nargs="*", metavar="TOOL [MODEL] key=value",
                   help='for example: text-to-video "Sora 2 Pro" res=1080 dur=12')
    q.add_argument("--json", action="store_true", help="print the result as a JSON object")
    q.add_argument("--batch", metavar="FILE", help="one JSON request per line (- for stdin)")
    q.add_argument("--explain", action="store_true",
                   help="show the rule that matched and the arithmetic, or why no rule did "
                   "(with --json: as a JSON object, the result under \"result\")")
    _at_option(q, "price at this time")
    _rules_option(q)

    c = commands.add_parser("check", help="report every problem in a rate card")
    c.add_argument("path", nargs="?",
                   help="a .rules file, a folder, or - for standard input (default: --rules, or the bundled card)")
    c.add_argument("--format", choices=("text", "json", "github"), default="text",
                   help="text: compiler style (default); json: a list of diagnostic objects; "
                   "github: workflow annotations")
    c.add_argument("--strict", action="store_true",
                   help="fail (exit 1) on warnings too: a warned rule is one production refuses")
    _rules_option(c)

    t = commands.add_parser("table", help="the complete price sheet: every combination and its price")
    t.add_argument("--tool", metavar="T", help="only this tool, or the tools of this group (video)")
    t.add_argument("--model", metavar="M", help="only this model (its name or an alias)")
    t.add_argument("--format", choices=("text", "md", "csv", "json"), default="text",
                   help="text: aligned grids (default); md: Markdown tables; csv and json: one row per combination")
    t.add_argument("--plans", action="store_true", help="only the plans: their tiers, billing period and tools")
    _at_option(t, "the prices in effect at this time")
    _rules_option(t)

    d = commands.add_parser("diff", help="what a change does to prices: added, removed, repriced, refused",
                            description="ratecard diff OLD NEW; OLD may be REV:PATH, read from git. "
                                        "ratecard diff CARD --at A --at B: what a dated card's prices do between "
                                        "two times")
    d.add_argument("old", metavar="OLD", help="a .rules file or folder, or REV:PATH (main:rules)")
    d.add_argument("new", metavar="NEW", nargs="?",
                   help="a .rules file or folder, or REV:PATH (default: OLD again, with two --at)")
    d.add_argument("--at", metavar="TIME", action="append", default=[],
                   help="compare at this time (default now); twice: OLD at the first, NEW at the second")
    d.add_argument("--format", choices=("text", "md", "json"), default="text",
                   help="text (default), md (for a pull request) or json")

    f = commands.add_parser("fmt", help="lay out .rules files the one canonical way")
    f.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or folders (default: ./rules); - formats standard input to standard output")
    f.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")

    e = commands.add_parser("test", help="check a card's expectation files (*.expect): requests and their prices",
                            description="ratecard test [PATH]; exit 0 all hold, 1 some fail, 2 usage, "
                                        "I/O, card or unreadable line")
    e.add_argument("path", nargs="?", metavar="PATH",
                   help="a folder, a .rules file or a .expect file (default: --rules, or the bundled card)")
    e.add_argument("--format", choices=("text", "json", "github"), default="text")
    _rules_option(e)

    commands.add_parser("accounts", add_help=False, help="credit accounts: subscribe, hold, capture, charge, "
                        "balance, ... (ratecard accounts --help)")

    from engine.service.serve import add_parser as add_serve  # imports no web library
    add_serve(commands)
    return parser
