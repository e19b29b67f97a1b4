"""A client in another process: `python -m tests.accounts.worker URL ACCOUNT PREFIX COUNT CHARS AT`.

Charges a voiceover of CHARS characters COUNT times (ops PREFIX-0, PREFIX-1, ...) and
after a "ready" line and a "go" on stdin prints one JSON line per answer, flushed, as soon as it has it: what the client saw.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

import engine
from engine import accounts


def main(url: str, account: str, prefix: str, count: str, chars: str, at: str) -> None:
    with accounts.open(url, card=engine.load()) as book:
        print(json.dumps({"ready": True}), flush=True)
        sys.stdin.readline()   # "go": every client starts at once
        for i in range(int(count)):
            op = f"{prefix}-{i}"
            result = book.charge(account, {"tool": "voiceover", "chars": int(chars)}, op=op, at=datetime.fromisoformat(at))
            print(json.dumps({"op": op, "ok": result.ok, "code": None if result.ok else str(result.code)}),
                  flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
