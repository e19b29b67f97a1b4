"""The on-disk cache of compiled cards: same answers, rebuilt on any change, never trusted blindly."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine import cache, index_json
from engine.sources import bundled_path
from tests.seed_requests import seed_requests
from tests.bundled import SORA, bundled_quote, repriced_row, sora_price, sora_row


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("RATECARD_CACHE_DIR", str(folder))
    monkeypatch.delenv("RATECARD_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def rules(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(bundled_path(), folder)
    return folder


def _only_file(folder: Path) -> Path:
    files = list(folder.glob("*.json"))
    assert len(files) == 1
    return files[0]


def test_a_cached_card_gives_the_same_answers(cache_dir):
    built = engine.load()
    assert built._card is not None and _only_file(cache_dir)
    cached = engine.load()
    assert cached._card is None  # came from the cache: nothing was parsed
    assert list(index_json.encode_lines(cached.index)) == list(index_json.encode_lines(built.index))
    requests = seed_requests(built.index)
    assert cached.quote_many(requests) == engine.load(use_cache=False).quote_many(requests)
    assert cached.card.tools.keys() == built.card.tools.keys()  # the model is still there on demand


def test_changed_rules_are_compiled_again(cache_dir, rules):
    price = sora_price()
    assert engine.load(rules).quote(SORA).credits == price
    video = rules / "video.rules"
    text = video.read_text()
    video.write_text(text.replace(sora_row(text), repriced_row(sora_row(text), price + 100)))
    changed = engine.load(rules)
    assert changed._card is not None
    assert changed.quote(SORA).credits == price + 100
    assert engine.load(rules).quote(SORA).credits == price + 100


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "retyped"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(cache_dir, damage):
    engine.load()
    path = _only_file(cache_dir)
    raw = path.read_bytes()
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "flip":
        price = str(sora_price()).encode()
        assert price in raw
        raw = raw.replace(price, str(int(price) + 1).encode(), 1)
    elif damage == "garbage":
        raw = b"\x00\xff not json"
    elif damage == "empty":
        raw = b""
    else:  # a well-formed file with a good checksum whose data has the wrong types
        head, _, body = raw.partition(b"\n")
        lines = body.split(b"\n")
        model = json.loads(lines[-1])
        model["keys"] = [1]
        body = b"\n".join(lines[:-1] + [json.dumps(model).encode()])
        header = json.loads(head)
        header["sha256"] = hashlib.sha256(body).hexdigest()
        raw = json.dumps(header).encode() + b"\n" + body
    path.write_bytes(raw)
    again = engine.load()
    assert again._card is not None  # rebuilt from the rules
    assert again.quote(SORA).credits == sora_price()
    assert engine.load()._card is None  # and the rebuilt file is good


def test_a_cache_file_others_may_write_is_not_read(cache_dir):
    engine.load()
    path = _only_file(cache_dir)
    path.chmod(0o666)
    assert engine.load()._card is not None


def test_decoding_refuses_data_of_the_wrong_shape(card):
    lines = list(index_json.encode_lines(card.index))
    assert index_json.decode_lines(lines).tools.keys() == card.index.tools.keys()
    for broken in (lines[:-1], lines + ["{}"], ['{"tools": [{"name": 1}], "plans": [], "models": 0}', '{"domains": []}'],
                   [], ["[]"], [lines[0], '{"domains": [{"type": "COLOUR", "intervals": [], "values": []}]}']):
        with pytest.raises(index_json.Corrupt):
            index_json.decode_lines(broken)


def test_an_unwritable_cache_directory_is_no_obstacle(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RATECARD_CACHE_DIR", str(blocker / "cache"))
    first, second = engine.load(), engine.load()
    assert second._card is not None
    assert first.quote({"tool": "voiceover", "chars": 11}) == second.quote({"tool": "voiceover", "chars": 11})


def test_xdg_cache_home_is_respected(tmp_path, monkeypatch):
    monkeypatch.delenv("RATECARD_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.directory() == tmp_path / "ratecard"


def test_ratecard_no_cache_turns_it_off(cache_dir, monkeypatch):
    monkeypatch.setenv("RATECARD_NO_CACHE", "1")
    engine.load()
    assert engine.load()._card is not None
    assert not cache_dir.exists()


def test_cards_with_warnings_are_not_cached_so_their_warnings_are_always_reported(cache_dir):
    text = "tool voiceover { chars >= 0 }\nvoiceover -> 1\nvoiceover -> 1\n"
    assert engine.loads(text, use_cache=True).warnings
    assert engine.loads(text, use_cache=True).warnings
    assert not cache_dir.exists()
    engine.loads("tool voiceover { chars >= 0 }\nvoiceover -> 1\n", use_cache=True)
    assert _only_file(cache_dir)


def test_loads_is_not_cached_unless_asked(cache_dir):
    engine.loads("tool voiceover { chars >= 0 }\nvoiceover -> 1\n")
    assert not cache_dir.exists()


def test_quoting_from_the_cache_does_not_load_the_parser(cache_dir):
    engine.load()
    code = "import sys, engine; c = engine.load(); print(c.quote({'tool': 'voiceover', 'chars': 11}).credits, " \
           "'lark' in sys.modules, c._card is None)"
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    price = bundled_quote({"tool": "voiceover", "chars": 11}).credits
    assert out.stdout.split() == [str(price), "False", "True"]
