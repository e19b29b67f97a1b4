"""Measured parameters and amounts through the compiled-card cache: read back the same, and a
file whose numbers no card could have is refused (engine.index_json.Corrupt) and rebuilt."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from engine import index_json
from engine.review.expect import Expectation, read
from tests.test_cache import _only_file, _rewrite

REAL = Path(__file__).parent / "cases" / "real"
FOLDERS = sorted(p for p in REAL.iterdir() if p.is_dir())


def _requests(folder: Path) -> list[dict]:
    out = []
    for path in sorted(folder.glob("*.expect")):
        out += [e.request for e in read(path.read_text(), path.name) if isinstance(e, Expectation)]
    return out


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_a_real_card_reads_back_from_its_cache_and_quotes_the_same(cache_dir, folder):
    built = engine.load(folder)
    cached = engine.load(folder)
    assert built._card is not None and cached._card is None  # the second came from the cache
    assert cached.index.money == built.index.money
    for request in _requests(folder):
        assert cached.quote(request) == built.quote(request), request
        assert cached.quote(request).to_json() == built.quote(request).to_json()


def _model(lines, name):
    return next(m for m in lines[2:] if m["name"] == name)


DAMAGES = {
    # a measured parameter's domain whose step is not its parameter's
    "step": ("video-seconds", lambda lines: lines[1]["domains"].__setitem__(
        0, {**lines[1]["domains"][0], "step": {"n": 1, "d": 2}})),
    # a fraction not in lowest terms
    "fraction": ("megapixel-images", lambda lines: _model(lines, "Flux Pro")["slots"][0]["param"].__setitem__(
        "measure", [{"n": 2, "d": 20}, {"n": 1, "d": 2}])),
    # a minimum off the steps
    "minimum": ("megapixel-images", lambda lines: _model(lines, "Flux Pro")["slots"][0]["param"].__setitem__(
        "measure", [{"n": 1, "d": 10}, {"n": 11, "d": 20}])),
    # a price that can fall between two millionths, with no rounding to say how
    "unrounded amount": ("gpu-seconds", lambda lines: _model(lines, None)["entries"][0][1][3].__setitem__(
        1, ["op", "MUL", ["d", "0.0000001"], ["p", "secs"]])),
    # a rule priced in another unit than its card
    "unit": ("gpu-seconds", lambda lines: _model(lines, None)["entries"][0][1].__setitem__(
        7, [["EUR", 6], None])),
    # a card in dollars whose division rounds to whole numbers
    "whole division": ("gpu-seconds", lambda lines: _model(lines, None)["entries"][0][1].__setitem__(4, "UP")),
    # a decimal constant that is not a number
    "decimal": ("gpu-seconds", lambda lines: _model(lines, None)["entries"][0][1][3].__setitem__(
        1, ["d", "NaN"])),
    # a unit of account no declaration makes
    "money": ("gpu-seconds", lambda lines: lines[0].__setitem__("money", [None, 6])),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_cache_file_with_numbers_no_card_has_is_refused_and_rebuilt(cache_dir, damage):
    name, change = DAMAGES[damage]
    folder = REAL / name
    engine.load(folder)
    path = _only_file(cache_dir)
    _rewrite(path, change)
    body = path.read_bytes().partition(b"\n")[2]
    with pytest.raises(index_json.Corrupt):
        index_json.decode_lines(body.split(b"\n"), files=[p.name for p in folder.glob("*.rules")])
    assert engine.load(folder)._card is not None  # built again from the text
