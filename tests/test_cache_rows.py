"""The cache's rows: the usual entry (a price that is one whole number) as whole numbers, checked as strictly
as an entry written out in full, and read back in its place among the others.

engine.index_write._row writes them; engine.index_json._Rules.rows reads and checks them a column at a time.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import engine
from engine import cache, index_json
from engine.results import MAX_CREDITS
from engine.sources import bundled_path
from tests.test_cache import _only_file, _rewrite
from tests.test_wide_ranges import VALID

CASES = Path(__file__).resolve().parent / "cases" / "valid"
ROW = index_json.ROW


def _lines(card: engine.RateCard) -> list[str]:
    return list(index_json.encode_lines(card.index))


@pytest.mark.parametrize("card", ["bundled", *sorted(p.name for p in CASES.glob("*.rules")), "wide ranges"])
def test_every_card_reads_back_entry_for_entry(card):
    """Read back and written again, the same lines: every entry (rows and written out) in its place."""
    if card == "bundled":
        built = engine.load(use_cache=False)
    elif card == "wide ranges":
        built = engine.loads(VALID)
    else:
        built = engine.load(CASES / card, use_cache=False)
    lines = _lines(built)
    assert list(index_json.encode_lines(index_json.decode_lines(lines))) == lines


def test_rows_and_entries_written_out_keep_their_order():
    text = textwrap.dedent("""\
        tool t {
            n 1..6
        }
        t n 1 -> 5
        t n 2 -> reject "not two"
        t n 3 -> 7
        t n 4 -> n * 2
        t n 5 -> 9
        t n 6 -> free
    """)
    built = engine.loads(text, name="t.rules")
    (model,) = [json.loads(line) for line in _lines(built)[2:]]
    assert len(model["rows"]) == 3 * ROW and model["at"] == [1, 3, 5]  # the order mixes both kinds
    cached = index_json.decode_lines(_lines(built))
    for n in range(1, 7):
        request = {"tool": "t", "n": n}
        assert cached.tools["t"].models[None].table[(n,)][0].label == f"t.rules:{n + 3}"
        fresh, again = built.quote(request), engine.RateCard(None, cached).quote(request)
        assert type(fresh) is type(again) and fresh == again


def _row(lines: list) -> tuple[dict, int]:
    """A model with rows and an unpriced parameter (a video's aspect), and where its first row starts."""
    model = next(m for m in lines[2:] if m["rows"] and any(s["param"]["unpriced"] for s in m["slots"]))
    return model, 0


def _set(column: int, value: object):
    def change(lines):
        model, start = _row(lines)
        model["rows"][start + len(model["ranged"]) + column] = value
    return change


def _with_box(box: list):
    def change(lines):
        lines[1]["boxes"].append(box)
        model, start = _row(lines)
        model["rows"][start + len(model["ranged"])] = len(lines[1]["boxes"]) - 1
    return change


def _places(places):
    def change(lines):
        model, _ = _row(lines)
        model["at"] = places(model)
    return change


def _box_of(pick):
    """A box on one of the model's parameters (`pick(slots)` its slot), of a domain of another type."""
    def change(lines):
        model, _ = _row(lines)
        domains = lines[1]["domains"]
        param = pick(model["slots"])["param"]
        kind = domains[param["domain"]]["type"]
        other = next(i for i, d in enumerate(domains) if d["type"] != kind) if not param["unpriced"] else param["domain"]
        _with_box([[param["name"], other]])(lines)
    return change


def _money(lines):
    lines[0]["money"] = ["USD", 2]


DAMAGES = {
    "zero price": _set(1, 0),
    "price above the most a quote may be": _set(1, MAX_CREDITS + 1),
    "true for a number": _set(1, True),
    "a fraction for a number": _set(1, 2.5),
    "text for a number": _set(3, "0"),
    "row cut short": lambda lines: _row(lines)[0]["rows"].pop(),
    "rows not a list": lambda lines: _row(lines)[0].__setitem__("rows", {"0": 1}),
    "box that points nowhere": lambda lines: _set(0, len(lines[1]["boxes"]))(lines),
    "box on a parameter the model does not have": _with_box([["nothing-of-the-sort", 0]]),
    "box of another type than its parameter": _box_of(lambda slots: next(s for s in slots if not s["param"]["unpriced"])),
    "box on an unpriced parameter": _box_of(lambda slots: next(s for s in slots if s["param"]["unpriced"])),
    "condition twice": lambda lines: next(b for b in lines[1]["boxes"] if b).append(
        next(b for b in lines[1]["boxes"] if b)[0]),
    "no such rounding": _set(2, 3),
    "rule numbered below 0": _set(3, -1),
    "file that points nowhere": lambda lines: _set(4, len(lines[0]["files"]))(lines),
    "line 0": _set(5, 0),
    "price's column 0": _set(10, 0),
    "file of another card": lambda lines: lines[0]["files"].__setitem__(0, "another-card.rules"),
    "file named twice": lambda lines: lines[0]["files"].append(lines[0]["files"][0]),
    "places for entries not written out": _places(lambda model: [0]),
    "no places": lambda lines: _row(lines)[0].pop("at"),
    "rows in a card priced in an amount": _money,
}


def _refused_and_rebuilt(cache_dir, damage) -> None:
    """The bundled card's cache file, damaged, is refused by the reader, and the card is built again."""
    engine.load()
    path = _only_file(cache_dir)
    _rewrite(path, damage)
    body = path.read_bytes().partition(b"\n")[2]
    with pytest.raises(index_json.Corrupt):
        index_json.decode_lines(body.split(b"\n"), files=[p.name for p in bundled_path().glob("*.rules")])
    again = engine.load()
    assert again._card is not None  # built again from the text
    assert engine.load()._card is None  # and cached again, sound


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_row_no_card_could_have_is_refused_and_the_card_rebuilt(cache_dir, damage):
    _refused_and_rebuilt(cache_dir, DAMAGES[damage])


def _cells(change):
    """A change to the flat table of a model keyed by two values or more (a video's)."""
    def damage(lines):
        model = next(m for m in lines[2:] if len(m["keys"]) >= 2 and len(m["cells"]) >= 2 * (len(m["keys"]) + 1))
        change(model["cells"], len(model["keys"]), model)
    return damage


def _key_twice(cells, width, model):
    cells[width + 1:2 * width + 1] = cells[:width]


CELL_DAMAGES = {
    "an entry that points nowhere": _cells(lambda cells, width, model: cells.__setitem__(
        width, len(model["rows"]) // ROW + len(model["entries"]))),
    "an entry numbered by a boolean": _cells(lambda cells, width, model: cells.__setitem__(width, True)),
    "a cell cut short": _cells(lambda cells, width, model: cells.pop()),
    "a key twice": _cells(_key_twice),
    "unset in a flat table": _cells(lambda cells, width, model: cells.__setitem__(0, {"unset": True})),
    "a key of another type": _cells(lambda cells, width, model: cells.__setitem__(0, str(cells[0]))),
    "a key the model does not offer": _cells(lambda cells, width, model: cells.__setitem__(0, 123456)),
    "a list for a key": _cells(lambda cells, width, model: cells.__setitem__(0, [cells[0]])),
    "cells not a list": _cells(lambda cells, width, model: model.__setitem__("cells", {"0": 0})),
}


@pytest.mark.parametrize("damage", sorted(CELL_DAMAGES))
def test_a_flat_table_no_card_could_have_is_refused_and_the_card_rebuilt(cache_dir, damage):
    _refused_and_rebuilt(cache_dir, CELL_DAMAGES[damage])


def _mixed(text_of_places):
    """The places of written-out entries in a model of plans_and_unset.rules that mixes both, changed."""
    def change(lines):
        model = next(m for m in lines[2:] if m["rows"] and m["at"])
        model["at"] = text_of_places(model["at"], len(model["rows"]) // (ROW + len(model["ranged"])))
    return change


@pytest.mark.parametrize("places", [
    lambda at, rows: at[::-1],                          # not increasing
    lambda at, rows: [at[0], at[0]] + at[2:],           # twice
    lambda at, rows: at[:-1] + [len(at) + rows],        # beyond the last entry
    lambda at, rows: [-1] + at[1:],                     # before the first
    lambda at, rows: at[:-1],                           # one missing
    lambda at, rows: [str(a) for a in at],              # not numbers
    lambda at, rows: [True] + at[1:],                   # a boolean for a number
])
def test_places_that_do_not_fit_the_entries_are_refused(cache_dir, places):
    folder = CASES / "plans_and_unset.rules"
    engine.load(folder)
    path = _only_file(cache_dir)
    _rewrite(path, _mixed(places))
    body = path.read_bytes().partition(b"\n")[2]
    with pytest.raises(index_json.Corrupt):
        index_json.decode_lines(body.split(b"\n"), files=[folder.name])
    assert engine.load(folder)._card is not None


def test_an_old_cache_format_is_rebuilt_not_misread(cache_dir, monkeypatch):
    """The format is part of the file's name and header: a file another format wrote is never read."""
    engine.load()
    path = _only_file(cache_dir)
    monkeypatch.setattr(cache, "FORMAT", "ratecard-index-4")
    assert engine.load()._card is not None  # another name: built, and written beside it
    assert path.exists() and len(list(cache_dir.glob("*.json"))) == 2


# ---------------------------------------------------------------- orjson, for a large file


HUGE = ("round up\ntool voiceover {\n    chars >= 1\n}\n"
        "voiceover -> chars * 100000000000000000000000 / 100000000000000000000000\n")  # past 64 bits


def test_a_large_file_is_decoded_by_orjson_when_installed_and_a_small_one_never():
    orjson = pytest.importorskip("orjson")
    assert cache._loads(cache.LARGE) is orjson.loads
    assert cache._loads(cache.LARGE - 1) is json.loads


@pytest.mark.parametrize("text", [HUGE, None], ids=["whole numbers past 64 bits", "bundled"])
def test_a_file_orjson_decodes_reads_as_the_standard_librarys(cache_dir, monkeypatch, text):
    """orjson reads a whole number past 64 bits as a float (refused): the standard library reads it then."""
    pytest.importorskip("orjson")
    monkeypatch.setattr(cache, "LARGE", 0)  # every file is large
    load = (lambda: engine.loads(text, use_cache=True)) if text else engine.load
    built = load()
    cached = load()
    assert built._card is not None and cached._card is None
    requests = [{"tool": "voiceover", "chars": n} for n in (1, 11, 12345)]
    assert cached.quote_many(requests) == built.quote_many(requests)
    assert _lines(cached) == _lines(built)
    if text:  # (orjson alone refuses it: the standard library's reading is the one that counted)
        import orjson

        with pytest.raises(index_json.Corrupt):
            index_json.decode_lines([line.encode() for line in _lines(built)], loads=orjson.loads)
