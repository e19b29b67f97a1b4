"""`ratecard accounts --db URL SUBCOMMAND`: the accounts API on the command line.

Exit 0 done, 1 refused (a Rejection, or differences found by verify), 2 usage or
store error (an AccountError). Without --db: a SQLite file in the user's data folder.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(USAGE_ERROR, f"ratecard accounts: {message}\n")


def default_db() -> str:
    """sqlite:/// in $XDG_DATA_HOME/ratecard (or ~/.local/share/ratecard), made if missing."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    folder = Path(base) / "ratecard"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'credits.db'}"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ratecard accounts", description="Credit accounts: monthly allowances, holds, "
                     "charges and plan changes, each applied once.")
    parser.add_argument("--db", metavar="URL", help="sqlite:///path/file.db or postgresql://host/db "
                        "(default: credits.db in the user's data folder)")
    parser.add_argument("--rules", metavar="PATH", help="a .rules file or folder (default: the bundled card)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print the result as a JSON object")
    common.add_argument("--at", metavar="TIME", help="ISO 8601 with a time zone (default: now)")
    change = argparse.ArgumentParser(add_help=False, parents=[common])
    change.add_argument("--op", metavar="ID", required=True, help="your idempotency key: a retry repeats it")

    def add(name, help, parents=(common,)):
        return commands.add_parser(name, help=help, parents=list(parents))

    s = add("subscribe", "open an account on a plan and tier")
    s.add_argument("account")
    s.add_argument("--plan", required=True)
    s.add_argument("--credits", type=int, required=True, help="a tier the plan declares")
    s.add_argument("--start", metavar="TIME", help="the first cycle's start (default: --at)")
    s.add_argument("--op", metavar="ID", help="default: subscribe:ACCOUNT")
    for name, help in (("hold", "reserve a request's price"), ("charge", "spend a request's price now")):
        p = add(name, help, (change,))
        p.add_argument("account")
        p.add_argument("words", nargs="+", metavar="TOOL [MODEL] key=value")
        if name == "hold":
            p.add_argument("--ttl", type=int, metavar="SECONDS", help="lapses after this (default: an hour)")
    for name, help in (("capture", "spend a hold"), ("release", "give a hold back")):
        p = add(name, help, (change,))
        p.add_argument("hold")
        if name == "capture":
            p.add_argument("--credits", type=int, help="spend only this much of it; the rest is released")
    c = add("change-plan", "upgrade now, or downgrade at the next renewal")
    c.add_argument("account")
    c.add_argument("--plan", required=True)
    c.add_argument("--credits", type=int, required=True)
    c.add_argument("--op", metavar="ID", help="default: from the change and its time")
    a = add("adjust", "an operator's correction, with a reason", (change,))
    a.add_argument("account")
    a.add_argument("credits", type=int)
    a.add_argument("--reason", required=True)
    add("balance", "what is granted, spent, held and available").add_argument("account")
    add("history", "every entry of an account, oldest first").add_argument("account")
    add("verify", "replay every account's entries against its balances")
    return parser


def main(argv) -> int:
    args = build_parser().parse_args(argv)
    from engine.accounts.errors import AccountError

    try:
        return _run(args)
    except AccountError as err:
        if getattr(args, "json", False):
            print(json.dumps(err.to_json(), ensure_ascii=False))
        print(f"ratecard accounts: {err.code}: {err.message}", file=sys.stderr)
        return USAGE_ERROR


def _run(args) -> int:
    from engine.accounts import open as open_book
    from engine.ratecard import RateCardError, load

    at = _time(args.at, "--at")
    try:
        card = load(args.rules)
    except RateCardError as exc:
        print(f"ratecard accounts: cannot load the rate card\n\n{exc}", file=sys.stderr)
        return USAGE_ERROR
    url = args.db
    if url is None:
        url = default_db()
        print(f"ratecard accounts: using {url}", file=sys.stderr)
    with open_book(url, card=card) as book:
        result = _call(book, args, at)
    return _show(result, args)


def _call(book, args, at):
    from engine.cli import request_from_words
    from engine.results import Rejection

    c = args.command
    if c == "subscribe":
        return book.subscribe(args.account, plan=args.plan, credits=args.credits,
                              start=_time(args.start, "--start"), op=args.op, at=at)
    if c in ("hold", "charge"):
        request = request_from_words(args.words)
        if isinstance(request, Rejection):
            return request
        if c == "charge":
            return book.charge(args.account, request, op=args.op, at=at)
        ttl = None if args.ttl is None else timedelta(seconds=args.ttl)
        return book.hold(args.account, request, op=args.op, at=at, ttl=ttl)
    if c == "capture":
        return book.capture(args.hold, op=args.op, credits=args.credits, at=at)
    if c == "release":
        return book.release(args.hold, op=args.op, at=at)
    if c == "change-plan":
        return book.change_plan(args.account, plan=args.plan, credits=args.credits, op=args.op, at=at)
    if c == "adjust":
        return book.adjust(args.account, args.credits, reason=args.reason, op=args.op, at=at)
    if c == "balance":
        return book.balance(args.account, at=at)
    if c == "history":
        return book.history(args.account)
    return book.verify()


def _time(text: str | None, flag: str):
    if text is None:
        return None
    from engine.accounts.errors import AccountError, ErrorCode

    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise AccountError(ErrorCode.BAD_TIME, f"{flag} {text!r} is not an ISO 8601 time, "
                           "for example 2026-01-31T12:00:00+00:00") from None


def _show(result, args) -> int:
    from engine.accounts.render import render
    from engine.accounts.values import to_json
    from engine.results import Rejection, json_safe

    if isinstance(result, Rejection):
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            print(f"refused [{result.code}]: {result.message}", file=sys.stderr)
        return 1
    if isinstance(result, list):   # history, verify
        if args.json:
            print(json.dumps(json_safe({"ok": not (args.command == "verify" and result),
                                        args.command if args.command == "history" else "differences":
                                        [to_json(r) for r in result]}), ensure_ascii=False))
        else:
            print(render(result, args.command))
        return 1 if args.command == "verify" and result else 0
    if args.json:
        print(json.dumps(json_safe({"ok": True, **to_json(result)}), ensure_ascii=False))  # big ints as strings
    else:
        print(render(result, args.command))
    return 0
