"""Target `requests`: every quote path answers as the reference interpreter does.

A case is a card (the bundled one, a test case, or a small random card) and a
few requests built from the card's own index (its tools, models, offered
values and boundaries) with values of every type swapped in. Each request is
quoted by the reference (engine.interpreter.quote), then by a fresh memo
(engine.fastpath) warmed first with equal-but-differently-typed requests, the
memo again (a hit), engine.direct, `quote_many`, and `ratecard quote --batch`
(engine.batch.run with the stdlib and the orjson parser); all must agree, none
may raise, and every result must print (repr, JSON).
"""

from __future__ import annotations

import io
import json
import random

import engine
from engine import ast, batch
from engine.direct import make_direct
from engine.domain import ValueType
from engine.fastpath import make_quoter
from engine.interpreter import quote as reference
from engine.results import stamped
from engine.model import NotTaken
from engine.results import Code, Quote, Rejection
from tests.fuzz import cards, values
from tests.fuzz.core import Finding, expect
from tests.fuzz.loading import card_from

# ---------------------------------------------------------------- generating


def _loadable_random(rng: random.Random) -> str | None:
    for _ in range(30):
        text = cards.random_card(rng)
        try:
            engine.loads(text)
        except Exception:  # noqa: BLE001 - an unloadable card is the rules target's business
            continue
        return text
    return None


def pick_card(rng: random.Random) -> dict:
    roll = rng.random()
    if roll < 0.4:
        return {"kind": "bundled"}
    if roll < 0.55:
        # the cases that load: not the invalid ones, nor the corpus of editing mistakes
        loadable = [(n, t) for n, t in cards.corpus() if n.startswith(("tests/cases/valid/", "tests/cases/warning/"))]
        name, text = rng.choice(loadable)
        return {"kind": "text", "text": text}
    text = _loadable_random(rng)
    return {"kind": "text", "text": text} if text is not None else {"kind": "bundled"}


def _offered(slot, rng: random.Random) -> object:
    offer = slot.offer
    if isinstance(offer, NotTaken):
        return values.scalar(rng)
    if offer.type is ValueType.INT:
        near = []
        for iv in offer.intervals:
            near += [iv.lo, iv.lo + 1] + ([iv.hi, iv.hi + 1] if iv.hi is not None else [iv.lo + 10, iv.lo * 10 + 7])
        return values.number(rng, near)
    if offer.type is ValueType.BOOL:
        return rng.choice(list(offer.values) + ["yes", "no"])
    return rng.choice(list(offer.values))


def base_request(index, rng: random.Random) -> dict:
    """A request the card mostly accepts: its tool, a model, a value for most parameters."""
    tools = list(index.tools.values())
    if not tools:
        return {"tool": rng.choice(["t", "voiceover", ""])}
    tool = rng.choice(tools)
    request: dict = {"tool": tool.name}
    model = None
    if tool.has_models:
        names = list(tool.models)
        name = rng.choice(names)
        if rng.random() < 0.9:
            request["model"] = name
        model = tool.models[name]
    else:
        model = tool.models[None]
    for slot in model.slots:
        if rng.random() < 0.85:
            request[slot.name] = _offered(slot, rng)
            if slot.param.counted_from and rng.random() < 0.3:
                del request[slot.name]
                piece = rng.choice(["x", "x", " x", "<b>x</b>", "\u00a0", "< x>"])  # spaces and tags count or not
                request[slot.param.counted_from] = piece * rng.choice([0, 1, 9, 10, 11, 5000, 5001])
    if index.plans and rng.random() < 0.2:
        request["plan"] = rng.choice(list(index.plans) + ["nope"])
    if rng.random() < 0.05:
        request[rng.choice(["colour", 3, "Tool", values.RaisingEq(3), values.NeverEq("x")])] = 1
    if rng.random() < 0.05 and request:  # a key that equals and hashes like one of the request's own
        key = rng.choice(list(request))
        if type(key) is str:
            request = {(values.NumberLike(k) if k is key else k): v for k, v in request.items()}
    if rng.random() < 0.2:
        items = list(request.items())
        rng.shuffle(items)
        request = dict(items)
    return request


def _swap(request: dict, rng: random.Random, index) -> dict:
    """The request with one or two values of other types (or odd values) in place of its own."""
    out = dict(request)
    keys = list(out) or ["tool"]
    for key in rng.sample(keys, min(len(keys), rng.choice([1, 1, 2]))):
        value = out.get(key)
        roll = rng.random()
        if roll < 0.6 and value is not None:
            options = values.variants(value, rng)
            if options:
                out[key] = rng.choice(options)
                continue
        out[key] = values.container(rng, texts=[str(v) for v in request.values() if type(v) is str][:5])
    return out


def generate(rng: random.Random) -> dict:
    card = pick_card(rng)
    index = card_from(card).index
    requests, warm = [], []
    for _ in range(rng.randint(1, 4)):
        base = base_request(index, rng)
        roll = rng.random()
        if roll < 0.15:  # not a request at all
            request = values.container(rng)
            before = [values.variants(request, rng)[:2]] if not isinstance(request, (list, dict)) else []
            before = before[0] if before else []
        elif roll < 0.35:
            request, before = base, [_swap(base, rng, index) for _ in range(2)]
        else:
            request = _swap(base, rng, index)
            before = [base] + [_swap(base, rng, index) for _ in range(rng.randint(0, 2))]
        requests.append(values.encode(request))
        warm.append([values.encode(b) for b in before])
    return {"card": card, "requests": requests, "warm": warm, "ascii": rng.random() < 0.5}


# ---------------------------------------------------------------- checking


def _call(kind: str, fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - a request never raises: that is the finding
        raise Finding(f"{kind} raised {type(exc).__name__}", f"{exc!s:.300}") from exc


def free_rules(index) -> set[str]:
    """The labels (file:line) of the rules an index prices `free`: the only ones that may quote 0 credits."""
    out = set()
    for tool in index.tools.values():
        for model in tool.models.values():
            table = model.table
            entries = (table.entries if hasattr(table, "entries") else
                       [e for cell in (table.cells if hasattr(table, "cells") else table).values() for e in cell])
            out.update(e.rule.label for e in entries if isinstance(e.rule.outcome, ast.Free))
    return out


def sane(result, where: str, index=None) -> None:
    """A result any caller can use: the right type, printable, JSON-able, no internal error dressed up;
    with the index, a price of 0 credits only from a rule written `free`."""
    expect(type(result) in (Quote, Rejection), f"{where}: not a Quote or Rejection", repr(type(result)))
    _call(f"{where}: repr(result)", repr, result)
    _call(f"{where}: json.dumps(result.to_json())", lambda: json.dumps(result.to_json(), ensure_ascii=False))
    if type(result) is Quote:
        expect(type(result.credits) is int and result.credits >= 0,
               f"{where}: a price that is not a whole number of credits, 0 or more", values.show(result.credits, 80))
        if result.credits == 0 and index is not None:
            expect(result.rule in free_rules(index), f"{where}: 0 credits from a rule not written free", result.rule)
    else:
        expect(result.code in set(Code), f"{where}: an unknown rejection code", str(result.code))
        expect("could not be read" not in result.message,
               f"{where}: an internal error dressed as a rejection ({result.message.rpartition('(')[2][:-1]})",
               result.message)
        expect(result.message and result.message == result.message.strip()
               and not result.message.rstrip(".").endswith((" are", " is", ":")),
               f"{where}: a rejection message that trails off", result.message)


def _same(kind: str, got, want, request) -> None:
    if got != want:
        raise Finding(f"{kind} differs from the reference",
                      f"request {values.show(request)}\n  got  {values.show(got)}\n  want {values.show(want)}")


def check_paths(card: engine.RateCard, requests: list, warm: list[list]) -> None:
    index = card.index
    for request, before in zip(requests, warm):
        want = _call("reference", reference, index, request)
        sane(want, "reference", index)
        memo, many = make_quoter(index)
        for w in before:
            _same("memo (warming)", _call("memo", memo, w), _call("reference", reference, index, w), w)
        _same("memo (after equal requests of other types)", _call("memo", memo, request), want, request)
        _same("memo (a hit)", _call("memo", memo, request), want, request)
        if type(request) is dict:
            try:
                hash(tuple(request.items()))
                hashable = True
            except Exception:  # noqa: BLE001 - unhashable (or raising) values never reach direct
                hashable = False
            if hashable:
                direct = _call("direct", make_direct(index), request)
                if direct is not None:
                    _same("direct", direct, want, request)
        _, many = make_quoter(index)
        got = _call("quote_many", many, list(before) + [request])
        _same("quote_many", got[-1], want, request)
        own = engine.RateCard(None, index)  # a fresh memo: what a case shows must not depend on earlier cases
        for w in before:
            _call("card.quote", own.quote, w)
        _same("the card's own quote", _call("card.quote", own.quote, request), want, request)


def _json_line(request, ensure_ascii: bool) -> str | None:
    try:
        return json.dumps(request, ensure_ascii=ensure_ascii, allow_nan=True)
    except (TypeError, ValueError):
        return None


def parsers():
    out = [("stdlib", batch.stdlib_loads)]
    try:
        import orjson  # noqa: F401
    except ImportError:
        return out
    import os

    old = os.environ.pop("RATECARD_JSON", None)
    try:
        out.append(("orjson", batch.fast_loads()))
    finally:
        if old is not None:
            os.environ["RATECARD_JSON"] = old
    return out


def expected_line(index, line: str, digest: str = "") -> str:
    """The reference's answer to one batch line, naming the card `digest` as every answer does."""
    result = batch.line_result(lambda r: stamped(reference(index, r), digest), line, digest=digest)
    return _call("batch reference: encoding a result", batch.encode, result)


def check_batch(card: engine.RateCard, lines: list[str]) -> None:
    """engine.batch.run, with either parser, writes exactly the reference's line for each line."""
    want = [expected_line(card.index, line, card.digest) for line in lines]
    for name, loads in parsers():
        fresh = engine.RateCard(None, card.index, sources=card._sources)  # a memo of its own, the same card
        out = io.StringIO()
        _call(f"batch ({name})", batch.run, fresh.quote, [line + "\n" for line in lines], out.write, loads,
              fresh.digest)
        got = [line + "\n" for line in out.getvalue().split("\n")[:-1]]  # JSON lines end at \n only
        if got != want:
            for i, (g, w) in enumerate(zip(got, want)):
                if g != w:
                    raise Finding(f"batch ({name}) differs from the reference",
                                  f"line {lines[i]!r:.200}\n  got  {g!r:.200}\n  want {w!r:.200}")
            raise Finding(f"batch ({name}) writes {len(got)} lines for {len(want)}")


ODD_LINES = [b'{"tool": "voiceover",\r"chars": 12}', b'{"tool": "voiceover", "chars": 1\xff}', b"\xff\xfe",
             b'{"tool": "\\ud800"}', b"", b"   ", b'{"tool": "voiceover", "chars": ' + b"9" * 5000 + b"}",
             b'\xef\xbb\xbf{"tool": "voiceover", "chars": 10}', b'{"tool": "voiceover", "text": "a\xe9"}',
             b'{"tool": "voiceover", "chars": 10}\r', b"[" * 100000]


def _expected_object(index, raw: bytes, digest: str) -> dict | None:
    """The reference's answer to one line of bytes; None for a line that is not UTF-8 (then any
    invalid-request answer will do)."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return json.loads(expected_line(index, line, digest))


def check_cli_batch(spec: dict, card: engine.RateCard, raw_lines: list[bytes]) -> None:
    """`ratecard quote --batch -` and `--batch FILE`: one JSON answer per line (split at \\n only), each the
    reference's, the same from standard input as from a file."""
    import tempfile
    from pathlib import Path

    from tests.fuzz.loading import cli

    data = b"".join(line + b"\n" for line in raw_lines)
    want = [_expected_object(card.index, line, card.digest) for line in raw_lines]
    with tempfile.TemporaryDirectory(prefix="ratecard-fuzz-") as tmp:
        rules = []
        if spec["kind"] != "bundled":
            (Path(tmp) / "card.rules").write_text(spec["text"], encoding="utf-8", newline="")
            rules = ["--rules", str(Path(tmp) / "card.rules")]
        batch_file = Path(tmp) / "batch.jsonl"
        batch_file.write_bytes(data)
        outputs = []
        for source, backend in (("-", ""), (str(batch_file), ""), ("-", "stdlib"), (str(batch_file), "stdlib")):
            ran = _with_backend(backend, cli, ["quote", *rules, "--batch", source], stdin=data)
            expect(ran.code == 0, "quote --batch exit status", f"{ran.code}: {ran.err[-300:]}")
            got = ran.out.split("\n")
            expect(got[-1] == "", "quote --batch output does not end with a newline", ran.out[-100:])
            got = got[:-1]
            where = ("standard input" if source == "-" else "a file") + (" (stdlib json)" if backend else "")
            expect(len(got) == len(raw_lines), f"quote --batch from {where} answers a different number of lines",
                   f"{len(got)} answers for {len(raw_lines)} lines")
            for line, answer, expected in zip(raw_lines, got, want):
                try:
                    obj = json.loads(answer)
                except ValueError:
                    raise Finding(f"quote --batch from {where} wrote a line that is not JSON", answer[:200]) from None
                if expected is None:
                    expect(obj.get("ok") is False and obj.get("code") == "invalid-request",
                           f"quote --batch from {where}: a line that is not UTF-8 is not invalid-request", answer[:200])
                elif obj != expected:
                    raise Finding(f"quote --batch from {where} differs from the reference",
                                  f"line {line[:200]!r}\n  got  {answer[:200]}\n  want {json.dumps(expected)[:200]}")
            outputs.append(got)
        expect(outputs[0] == outputs[1], "quote --batch answers standard input and a file differently")
        expect(outputs[0] == outputs[2], "quote --batch answers differently with the stdlib's json and orjson")


def _with_backend(backend: str, fn, *args, **kw):
    import os

    old = os.environ.get("RATECARD_JSON")
    os.environ["RATECARD_JSON"] = backend
    try:
        return fn(*args, **kw)
    finally:
        if old is None:
            os.environ.pop("RATECARD_JSON", None)
        else:
            os.environ["RATECARD_JSON"] = old


def check(case: dict) -> None:
    card = card_from(case["card"])
    requests = [values.decode(r) for r in case["requests"]]
    warm = [[values.decode(w) for w in ws] for ws in case["warm"]]
    check_paths(card, requests, warm)
    lines = []
    for request, before in zip(requests, warm):
        for r in list(before) + [request]:
            line = _json_line(r, case.get("ascii", True))
            if line is not None and "\n" not in line:
                lines.append(line)
    check_batch(card, lines)
    raw = [line.encode("utf-8", "surrogatepass") for line in lines]
    rng = random.Random(len(lines) * 7919 + len(case["requests"]))
    for _ in range(rng.randint(0, 2)):
        raw.insert(rng.randint(0, len(raw)), rng.choice(ODD_LINES))
    check_cli_batch(case["card"], card, raw)


