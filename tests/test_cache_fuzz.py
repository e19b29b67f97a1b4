"""Mutated cache files: a load uses a sound index or builds the card again, never crashes, never misprices.

Each example takes a good cache file, mutates it (bytes flipped, a JSON value
replaced by an odd one or by another value of the file, two values swapped, an
item dropped or doubled, the header changed) and recomputes the body's
checksum so the mutation gets past it. Then:

- reading the cache never raises, and decoding raises nothing but ValueError
  (Corrupt, or JSON that does not parse);
- when the cache answers, every quote path (quote, quote_many, the reference
  interpreter) agrees on every request and never raises; when the decoded index
  is the original one, the answers are those of the card built from text.

A mutation that turns one sound index into another (a price of 11400 made
11401, checksum recomputed) is indistinguishable from a genuine file without
building the card again, which is what the cache exists to avoid: against
that stand the ownership and permission checks on the file (see engine.cache),
as they do for the .rules files themselves. Such examples are counted, and
answered as their index says, by every path alike.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine import cache, index_json, interpreter
from engine.fastpath import make_quoter
from engine.results import Quote, Rejection
from tests.fuzz.quoting import free_rules
from tests.seed_requests import seed_requests

CASES = Path(__file__).resolve().parent / "cases" / "valid"
ODD = [0, 1, -1, 2**70, True, False, None, "", "x", "INT", "DIV", "price", [], {}, [0], ["n", 0], [[0, None]]]


class Card:
    """A card's good cache file, and the answers of the card built from text."""

    def __init__(self, path: Path | None, folder: Path):
        built = engine.load(path, use_cache=False)
        self.sources = built._sources
        self.lines = list(index_json.encode_lines(built.index))
        requests = seed_requests(built.index)
        self.requests = requests[:: max(1, len(requests) // 250)]
        self.answers = built.quote_many(self.requests)
        self.folder = folder
        cache.write(self.sources, built.index)
        self.path = folder / f"{cache.key(self.sources)}.json"
        self.raw = self.path.read_bytes()
        assert cache.read(self.sources) is not None  # the unmutated file is read


@pytest.fixture(scope="module")
def cards(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzzed-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RATECARD_CACHE_DIR", str(folder))
        patch.delenv("RATECARD_NO_CACHE", raising=False)
        made = [Card(None, folder)] + [Card(p, folder) for p in sorted(CASES.glob("*.rules"))]
        yield made


# ---------------------------------------------------------------- mutations


def _nodes(data, out: list, parent=None, at=None) -> list:
    """Every (container, position) in a JSON tree, so any value can be replaced in place."""
    if parent is not None:
        out.append((parent, at))
    if isinstance(data, list):
        for i, item in enumerate(data):
            _nodes(item, out, data, i)
    elif isinstance(data, dict):
        for k, item in data.items():
            _nodes(item, out, data, k)
    return out


def mutate(raw: bytes, rnd: random.Random) -> tuple[bytes, str]:
    head, _, body = raw.partition(b"\n")
    kind = rnd.choice(["flip", "replace", "borrow", "swap", "drop", "double", "header",
                       "number", "number", "formula", "formula", "formula"])
    if kind == "flip":
        data = bytearray(body)
        for _ in range(rnd.randint(1, 3)):
            at = rnd.randrange(len(data))
            data[at] ^= 1 << rnd.randrange(8)
        body = bytes(data)
        what = "flip"
    elif kind == "header":
        header = json.loads(head)
        field = rnd.choice(["format", "key"])
        header[field] = rnd.choice(["ratecard-index-1", "0" * 64, ""])
        return json.dumps(header).encode() + b"\n" + body, f"header {field}"
    else:
        lines = [json.loads(line) for line in body.split(b"\n")]
        tree = {"lines": lines}
        nodes = _nodes(tree, [])[1:]  # not the list of lines itself
        if kind == "number":
            nodes = [(p, k) for p, k in nodes if type(p[k]) is int] or nodes
        elif kind == "formula":
            nodes = [(p, k) for p, k in nodes if _is_formula(p[k])] or nodes
        parent, at = rnd.choice(nodes)
        if kind == "number":
            parent[at] = rnd.choice([0, 1, -1, parent[at] + 1, parent[at] - 1, 2**64]) if type(parent[at]) is int else 0
        elif kind == "formula":
            names = [n for p, k in _nodes(tree, []) if _is_formula(p[k]) and p[k][0] == "p" for n in p[k][1:]]
            parent[at] = _formula(rnd, names + ["no-such-param"], 3)
        elif kind == "replace":
            parent[at] = copy.deepcopy(rnd.choice(ODD))
        elif kind == "borrow":
            other, where = rnd.choice(nodes)
            parent[at] = copy.deepcopy(other[where])
        elif kind == "swap":
            other, where = rnd.choice(nodes)
            parent[at], other[where] = other[where], parent[at]
        elif isinstance(parent, list):
            if kind == "drop":
                del parent[at]
            else:
                parent.insert(at, copy.deepcopy(parent[at]))
        else:
            del parent[at]
        body = b"\n".join(json.dumps(line, separators=(",", ":")).encode() for line in tree["lines"])
        what = f"{kind} at {at!r}"
    header = json.loads(head)
    header["sha256"] = hashlib.sha256(body).hexdigest()  # so the mutation gets past the checksum
    return json.dumps(header).encode() + b"\n" + body, what


def _is_formula(node) -> bool:
    return (type(node) is list and len(node) in (2, 3, 4) and node[0] in ("n", "p", "op", "round")
            and (node[0] != "n" or type(node[1]) is int))


def _formula(rnd: random.Random, names: list[str], depth: int) -> list:
    """A small formula tree as index_json writes them, often one no card could hold."""
    roll = rnd.random()
    if depth == 0 or roll < 0.3:
        return ["n", rnd.choice([0, 1, 2, 3, 10, -1])]
    if roll < 0.5:
        return ["p", rnd.choice(names)]
    if roll < 0.85:
        return ["op", rnd.choice(["ADD", "SUB", "MUL", "DIV"]), _formula(rnd, names, depth - 1),
                _formula(rnd, names, depth - 1)]
    return ["round", rnd.choice(["UP", "DOWN"]), _formula(rnd, names, depth - 1)]


# ---------------------------------------------------------------- the property


def _unreadable(answer) -> bool:
    return isinstance(answer, Rejection) and "could not be read" in answer.message


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


# A longer, freshly random run by hand: RATECARD_CACHE_FUZZ_EXAMPLES=20000 pytest tests/test_cache_fuzz.py
LONG_RUN = int(os.environ.get("RATECARD_CACHE_FUZZ_EXAMPLES", "0"))


@settings(max_examples=LONG_RUN or 300, deadline=None, derandomize=not LONG_RUN,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(which=st.integers(0, 3), seed=st.integers(0, 2**32 - 1))
def test_a_mutated_cache_file_gives_a_sound_index_or_a_rebuild(cards, monkeypatch, which, seed):
    card = cards[which % len(cards)]
    raw, what = mutate(card.raw, random.Random(seed))
    card.path.write_bytes(raw)
    monkeypatch.setenv("RATECARD_CACHE_DIR", str(card.folder))
    monkeypatch.delenv("RATECARD_NO_CACHE", raising=False)
    try:
        _, _, body = raw.partition(b"\n")
        try:
            decoded = index_json.decode_lines(body.split(b"\n"), files=[s.name for s in card.sources])
        except ValueError:
            decoded = None  # refused: Corrupt, or not JSON
        index = cache.read(card.sources)  # never raises
        if index is None:
            return  # the card is built again: the answers are the fresh card's
        assert decoded is not None, what
        quote, quote_many = make_quoter(index)
        answers = quote_many(card.requests)
        for request, answer, fresh in zip(card.requests, answers, card.answers):
            reference = interpreter.quote(index, request)
            assert isinstance(answer, (Quote, Rejection)) and _same(answer, reference), (what, request)
            assert _same(quote(request), reference), (what, request)
            # wrong whatever the card: a price under 1 credit (but from a rule written `free`), or a
            # request the card cannot read
            assert not isinstance(answer, Quote) or answer.credits >= 1 or (
                answer.credits == 0 and answer.rule in free_rules(index)), (what, request, answer)
            assert not _unreadable(answer) or _unreadable(fresh), (what, request, answer)
        if list(index_json.encode_lines(index)) == card.lines:
            assert answers == card.answers, what
    finally:
        card.path.write_bytes(card.raw)


def test_the_mutations_reach_both_outcomes(cards):
    """The property above means something only if some mutations are refused and some are read."""
    refused = read = 0
    for seed in range(200):
        card = cards[seed % len(cards)]
        raw, _ = mutate(card.raw, random.Random(seed))
        card.path.write_bytes(raw)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("RATECARD_CACHE_DIR", str(card.folder))
            patch.delenv("RATECARD_NO_CACHE", raising=False)
            if cache.read(card.sources) is None:
                refused += 1
            else:
                read += 1
        card.path.write_bytes(card.raw)
    assert refused > 50 and read > 5
