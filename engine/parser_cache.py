"""Lark's parsers kept in the ratecard cache folder: built from the grammar once, then loaded.

Building the LALR tables from the grammar costs about 50 ms in every process
that parses a card (`ratecard check`, a quote after the card changed); loading
them from Lark's own serialised form costs about 7 ms. That form is what
`Lark(..., cache=path)` stores (`Lark.save`, a pickle); it is kept here, one
file per parser, named by a hash of the grammar's text, the installed Lark's
version, the Python version and the parser's options: any change of those gives
another name, so a parser is never loaded for a grammar it was not built from.

Lark's `cache=` option itself is not used, because of how it handles the file:
it opens it by name (following a link), unpickles it without a checksum, and on
a failure rewrites it in place, where another process may be reading it. Here
the file is written and read as engine.cache writes and reads a compiled card:
a header line (format, key, SHA-256 of the body) then the body, written under a
temporary name and renamed into place; read only from a regular file this user
owns and nobody else may write, never through a link, and loaded only when the
header names this very parser and the body's checksum matches. Anything else
(a missing, truncated, damaged or foreign file, one written by another Lark)
means the parser is built from the grammar and the file written again; nothing
here raises. The folder is shared with the compiled cards, and pruning touches
only parser files this module provably wrote. RATECARD_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sys

from lark import Lark
from lark import __version__ as lark_version

from engine import cache

FORMAT = "ratecard-parser-1"
KEEP = 4  # parser files kept: one per grammar and Lark, for the versions of ratecard in use
PARSERS = (re.compile(r"parser-[0-9a-f]{64}\.pickle"), "ratecard-parser-", "parser-{}.pickle")  # see cache._prune


def lark(grammar: str, **options: object) -> Lark:
    """`Lark(grammar, **options)`, loaded from the cache folder when it was built before.

    Only for LALR parsers (Lark serialises no other kind). A `transformer`
    option is stored with the parser (its class, by name: it must be importable)
    and is part of the key, so parsers that differ by their transformer have
    files of their own.
    """
    name = key(grammar, options)
    found = load(name, options)
    if found is not None:
        return found
    built = Lark(grammar, **options)
    save(name, built)
    return built


def key(grammar: str, options: dict) -> str:
    """A hash of everything the parser is built from: the grammar's text, Lark, Python, the options."""
    h = hashlib.sha256(FORMAT.encode())
    described = {k: _describe(v) for k, v in sorted(options.items())}
    for part in (grammar, lark_version, sys.version, json.dumps(described, sort_keys=True)):
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _describe(value: object) -> object:
    """An option as the key sees it: plain values as they are, an object (a transformer) by its class."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _path(name: str) -> str:
    return os.path.join(cache.folder(), PARSERS[2].format(name))


def load(name: str, options: dict) -> Lark | None:
    """The parser stored under `name`, if a file this cache wrote holds it whole; None otherwise."""
    if not cache.enabled():
        return None
    try:
        raw = cache.read_own(_path(name))
        if raw is None:
            return None
        head, sep, body = raw.partition(b"\n")
        if not sep or json.loads(head) != _header(name, body):
            return None
        parser = Lark.load(io.BytesIO(body))
        if not isinstance(parser, Lark) or _describe(parser.options.transformer) != _describe(
                options.get("transformer")):
            return None
        return parser
    except Exception:  # noqa: BLE001 - whatever is wrong with the file, the parser is built again
        return None


def save(name: str, parser: Lark) -> None:
    """Store the parser for the next process; quietly does nothing when it cannot."""
    if not cache.enabled():
        return
    try:
        buffer = io.BytesIO()
        parser.save(buffer)
        body = buffer.getvalue()
        folder = cache.write_own(PARSERS[2].format(name), json.dumps(_header(name, body)).encode() + b"\n" + body)
        cache._prune(folder, KEEP, PARSERS)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is no cache, never an error
        return


def _header(name: str, body: bytes) -> dict:
    return {"format": FORMAT, "key": name, "sha256": hashlib.sha256(body).hexdigest()}
