"""`ratecard quote --batch`: JSON lines in, JSON lines out, as fast as the JSON library allows.

Input is bytes, split at b"\\n" only (a lone carriage return is JSON whitespace, not a line end),
each line decoded as strict UTF-8, the same from standard input as from a file, whatever the
locale. Every input line gets exactly one output line, in order: a line that is not UTF-8, not
JSON, or whose answer cannot be computed or written gets its own `invalid-request` answer and
the batch goes on. Output is UTF-8 JSON text (`utf8_writer`).

`line_result` is the reference: one line -> the result object. `run` gives the
same output faster: a line seen before gets the output it got then (a batch of
past generations repeats itself), a price is written from a template (one line end per rule), a
rejection from its texts, each escaped as the stdlib's encoder escapes it, a result already
written is not serialised again (results for repeated requests are the same objects, from the quote
memo), and output goes out in chunks; answers already computed are written even if the batch
is interrupted. Both memories are bounded. With orjson installed (the `fast` extra) lines are parsed by
orjson; anything but a flat object of plain values, or a line orjson refuses, is
parsed again by the stdlib, so what is accepted, every value and every error message
stay exactly the stdlib's. Results are always written by
the stdlib, in its spacing. RATECARD_JSON=stdlib turns orjson off.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable

from decimal import Decimal

from engine.results import MAX_JSON_INT, Code, Quote, Rejection, stamped

_TEXTS_LIMIT = 4096
_LINES_LIMIT = 1 << 13
_LINE_LIMIT = 256  # longer lines (long voiceover texts) are not remembered
_CHUNK = 512
_FLAT = frozenset({str, int, bool, type(None)})


_DECODER = json.JSONDecoder(parse_float=Decimal)  # built once: json.loads(..., parse_float=) builds one per call
_scan = _DECODER.scan_once
_LINE_ENDS = frozenset({"\n", "\r\n"})
# json.dumps(value, ensure_ascii=False), built once: json.dumps builds an encoder per call when given options
_dumps = json.JSONEncoder(ensure_ascii=False).encode
_string = json.encoder.encode_basestring  # a text as that encoder writes it (C): '"' + escaped + '"'


def stdlib_loads(line: str) -> object:
    """A JSON line, its numbers read exactly: a number with a point or an exponent is a Decimal
    (a measured amount such as 20.4 stays 20.4), never a float.

    The common line, one value from its first character to its end or to a closing "\\n" or
    "\\r\\n", is read by the decoder's scanner straight away: json.loads would build a decoder, and
    skip whitespace and check the end through regular expressions, for about four times the
    scanner's own cost.
    Anything else (leading whitespace, a byte order mark, trailing data, any error) is read again by
    json.loads itself, so what is accepted, every value and every error stay exactly the stdlib's."""
    try:
        value, end = _scan(line, 0)
    except Exception:
        return json.loads(line, parse_float=Decimal)
    if end == len(line) or line[end:] in _LINE_ENDS:
        return value
    return json.loads(line, parse_float=Decimal)


def fast_loads() -> Callable[[str], object]:
    """orjson's parser when it is installed and wanted, with the stdlib behind it; else the stdlib."""
    if os.environ.get("RATECARD_JSON", "").lower() in ("stdlib", "json"):
        return stdlib_loads
    try:
        import orjson
    except ImportError:
        return stdlib_loads
    parse, error = orjson.loads, orjson.JSONDecodeError

    def loads(line: bytes | str) -> object:
        try:
            value = parse(line)  # bytes go in as they are: orjson checks the UTF-8 as strictly as Python
        except error:
            return stdlib_loads(_text(line))  # the stdlib decides, and words the error
        # Trust orjson only with a flat object of texts, whole numbers, booleans and nulls: it reads a
        # number too big for 64 bits, and any number with a point, as a float where the stdlib keeps
        # an exact int or Decimal, and nests deeper than the stdlib's recursion limit; anything else
        # (rare in a batch) is read again.
        if type(value) is dict:
            for item in value.values():  # half the cost of _FLAT.issuperset(map(type, ...)) on a few values
                if type(item) not in _FLAT:
                    break
            else:
                return value
        return stdlib_loads(_text(line))

    loads.takes_bytes = True
    return loads


def _text(line: bytes | str) -> str:
    return line.decode("utf-8") if type(line) is bytes else line  # UnicodeDecodeError: the line is not UTF-8


def not_utf8(exc: UnicodeDecodeError) -> Rejection:
    byte = exc.object[exc.start]
    return Rejection(Code.INVALID_REQUEST,
                     f"this line is not UTF-8 text (byte 0x{byte:02x} at byte {exc.start + 1} of the line)")


def unreadable(exc: Exception) -> Rejection:
    """The answer to a line the JSON parser refused."""
    if isinstance(exc, json.JSONDecodeError):
        return Rejection(Code.INVALID_REQUEST, f"this line is not JSON ({exc.msg})")
    if isinstance(exc, RecursionError):
        return Rejection(Code.INVALID_REQUEST, "this line is not JSON (too deeply nested)")
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        detail = f"a number has more than {sys.get_int_max_str_digits()} digits"
    else:
        detail = type(exc).__name__
    return Rejection(Code.INVALID_REQUEST, f"this line could not be read ({detail})")


def unanswerable(exc: Exception) -> Rejection:
    """The answer to a line whose answer could not be computed or written out."""
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        detail = f"a number in the answer has more than {sys.get_int_max_str_digits()} digits"
    else:
        detail = type(exc).__name__
    return Rejection(Code.INVALID_REQUEST, f"this request could not be answered ({detail})")


def line_result(quote: Callable[[object], Quote | Rejection], line: bytes | str,
                loads: Callable[[str], object] = stdlib_loads, digest: str = "") -> Quote | Rejection:
    """One line -> its result; a line's own rejections (not UTF-8, not JSON) name the card `digest` too."""
    return stamped(_line_result(quote, line, loads), digest) if digest else _line_result(quote, line, loads)


def _line_result(quote: Callable[[object], Quote | Rejection], line: bytes | str,
                 loads: Callable[[str], object]) -> Quote | Rejection:
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return not_utf8(exc)
    try:
        request = loads(line)
    except Exception as exc:
        return unreadable(exc)
    try:
        return quote(request)
    except Exception as exc:  # quote never raises; if it ever does, the line says so and the batch goes on
        return unanswerable(exc)


def encode(result: Quote | Rejection, digest: str = "") -> str:
    """One output line. A lone surrogate the request carried stays in the text: `utf8_writer` writes it
    as its JSON escape. A result without a digest (a line's own rejection) is given `digest`."""
    try:
        return _dumps(_named(result, digest).to_json()) + "\n"
    except Exception as exc:  # a price too long to write out
        return _dumps(_named(unanswerable(exc), digest).to_json()) + "\n"


def _named(result: Quote | Rejection, digest: str) -> Quote | Rejection:
    return stamped(result, digest) if digest and not result.digest else result


def utf8_writer(write: Callable[[bytes], object]) -> Callable[[str], object]:
    """Output lines -> UTF-8 bytes. The texts are JSON written with ensure_ascii=False, so the only
    characters UTF-8 cannot encode, lone surrogates (`"\\ud800"` in a request), stand inside JSON
    strings, where backslashreplace writes exactly their JSON escape: valid UTF-8, valid JSON."""
    return lambda text: write(text.encode("utf-8", "backslashreplace"))


def run(quote: Callable[[object], Quote | Rejection], lines: Iterable[bytes | str], write: Callable[[str], object],
        loads: Callable[[str], object] = stdlib_loads, digest: str = "") -> None:
    """Answer every line; `digest` (the card's) goes on the lines' own rejections too."""
    done: dict[bytes | str, str] = {}  # a short line already answered -> its output line
    texts: dict[int, tuple[Quote | Rejection, str]] = {}  # id(result) -> (result, its line); holds result alive
    tails: dict[str, tuple[str, str]] = {}  # rule -> (digest, the JSON text of its line end): one per rule of the card
    remembered, get_text, get_tail = done.get, texts.get, tails.get
    chunk: list[str] = []
    add = chunk.append
    takes_bytes = getattr(loads, "takes_bytes", False)
    try:
        for raw in lines:
            text = remembered(raw)
            if text is None:
                try:
                    line = raw if takes_bytes or type(raw) is not bytes else raw.decode("utf-8")
                    try:
                        request = loads(line)
                    except Exception:
                        result = line_result(quote, line, digest=digest)
                    else:
                        result = quote(request)
                    kind = type(result)
                    if kind is Quote and result.amount is None and type(credits := result.credits) is int and (
                            -MAX_JSON_INT <= credits <= MAX_JSON_INT):
                        tail = get_tail(result.rule)
                        if tail is None or tail[0] != result.digest:
                            tail = tails[result.rule] = (result.digest, _quote_tail(result))
                        text = f'{{"ok": true, "credits": {credits}, {tail[1]}'  # as encode() writes it
                    else:
                        hit = get_text(id(result))
                        if hit is not None and hit[0] is result:
                            text = hit[1]
                        else:
                            text = _rejection_text(result, digest) if kind is Rejection else None
                            if text is None:
                                text = encode(result, digest)
                            if len(texts) < _TEXTS_LIMIT:
                                texts[id(result)] = (result, text)
                except UnicodeDecodeError as exc:
                    text = encode(not_utf8(exc), digest)
                except Exception as exc:  # this line's answer only: the batch goes on
                    text = encode(unanswerable(exc), digest)
                if len(raw) <= _LINE_LIMIT and len(done) < _LINES_LIMIT:
                    done[raw] = text
            add(text)
            if len(chunk) >= _CHUNK:
                out = "".join(chunk)
                chunk.clear()
                write(out)
    finally:  # what was computed is written, even when the batch is cut short
        if chunk:
            out = "".join(chunk)
            chunk.clear()
            write(out)


def _quote_tail(result: Quote) -> str:
    """The end of a price's line after its credits, as encode() writes it: one per rule in a batch."""
    return f'"rule": {_dumps(result.rule)}, "digest": {_dumps(result.digest)}}}\n'


def _rejection_text(result: Rejection, digest: str) -> str | None:
    """encode(result, digest) for a Rejection of plain texts, each text escaped by the very function
    the stdlib's encoder calls for a text, without building the dict and walking it (under a quarter of the
    time); None for anything else, which encode() writes."""
    code, param, message = result.code, result.param, result.message
    named = digest if digest and not result.digest else result.digest
    if type(message) is not str or type(named) is not str or not (param is None or type(param) is str):
        return None
    return (f'{{"ok": false, "code": {_string(str(code))}, "param": {"null" if param is None else _string(param)}, '
            f'"message": {_string(message)}, "digest": {_string(named)}}}\n')
