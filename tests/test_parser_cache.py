"""Lark's parsers kept in the cache folder: loaded when whole and this cache's own, else built and written again."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from lark import Lark

from engine import parser_cache, syntax
from engine.sources import bundled_path, grammar_path

OPTIONS = {"parser": "lalr", "maybe_placeholders": False}


@pytest.fixture
def grammar() -> str:
    return grammar_path().read_text(encoding="utf-8")


def _files(folder) -> list:
    return sorted(p for p in folder.iterdir() if parser_cache.PARSERS[0].fullmatch(p.name))


def _loads(grammar: str) -> bool:
    """Whether the parser for OPTIONS is loaded from the cache folder (not built from the grammar)."""
    return parser_cache.load(parser_cache.key(grammar, OPTIONS), OPTIONS) is not None


def test_a_parser_is_built_once_then_loaded_and_parses_alike(cache_dir, grammar):
    built = parser_cache.lark(grammar, **OPTIONS)
    (path,) = _files(cache_dir)
    assert _loads(grammar)
    loaded = parser_cache.lark(grammar, **OPTIONS)
    assert _files(cache_dir) == [path]
    for rules in sorted(bundled_path().glob("*.rules")):
        text = rules.read_text()
        assert loaded.parse(text) == built.parse(text)


def test_the_ast_builder_loaded_from_the_cache_reads_cards_as_the_one_built(cache_dir, monkeypatch):
    texts = [p.read_text() for p in sorted(bundled_path().glob("*.rules"))]
    fresh = [syntax.parse(text, "card.rules") for text in texts]  # this process's parser, whichever way it came

    def rebuilt():  # a new process: the parsers of engine.syntax made again, from the cache folder
        for cached in (syntax.parser, syntax._builder, syntax._lexicon, syntax._example_signatures):
            cached.cache_clear()

    rebuilt()
    try:
        first = [syntax.parse(text, "card.rules") for text in texts]  # built from the grammar, then written
        mistake = syntax.parse("tool t {\n", "bad.rules")  # the error reporter's parser too
        assert len(_files(cache_dir)) == 2
        monkeypatch.setattr(Lark, "__init__", lambda *a, **k: pytest.fail("built, not loaded from the cache"))
        rebuilt()
        loaded = [syntax.parse(text, "card.rules") for text in texts]
        assert syntax.parse("tool t {\n", "bad.rules") == mistake and mistake[1]
    finally:
        monkeypatch.undo()
        rebuilt()
    assert loaded == first == fresh and all(not diagnostics for _, diagnostics in loaded)


def _header_and_body(path) -> tuple[dict, bytes]:
    head, _, body = path.read_bytes().partition(b"\n")
    return json.loads(head), body


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "foreign key", "not a parser",
                                    "another parser", "writable by others", "a link"])
def test_a_damaged_or_foreign_parser_file_is_ignored_and_rebuilt(cache_dir, grammar, tmp_path, damage):
    parser_cache.lark(grammar, **OPTIONS)
    (path,) = _files(cache_dir)
    header, body = _header_and_body(path)
    elsewhere = tmp_path / "elsewhere.pickle"

    def signed(new_body: bytes, **changes) -> bytes:  # a file that passes the checksum
        signed_header = {**header, **changes, "sha256": hashlib.sha256(new_body).hexdigest()}
        return json.dumps(signed_header).encode() + b"\n" + new_body

    if damage == "truncate":
        path.write_bytes(path.read_bytes()[: len(body) // 2])
    elif damage == "flip":
        path.write_bytes(path.read_bytes()[:-100] + bytes([path.read_bytes()[-100] ^ 1]) + path.read_bytes()[-99:])
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff not a parser")
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "foreign key":  # another parser's file, renamed to this one's name
        path.write_bytes(signed(body, key="0" * 64))
    elif damage == "not a parser":  # a good checksum over something Lark cannot load
        path.write_bytes(signed(b"\x80\x05K\x01."))  # the pickle of the number 1
    elif damage == "another parser":  # the AST builder's parser where the error reporter's belongs
        other = {**OPTIONS, "transformer": syntax._ToAst()}
        parser_cache.lark(grammar, **other)
        (other_path,) = [p for p in _files(cache_dir) if p != path]
        path.write_bytes(signed(_header_and_body(other_path)[1]))
        other_path.unlink()
    elif damage == "writable by others":
        path.chmod(0o666)
    else:
        elsewhere.write_bytes(path.read_bytes())
        path.unlink()
        path.symlink_to(elsewhere)
    before = elsewhere.read_bytes() if damage == "a link" else None
    assert not _loads(grammar)  # refused
    parser = parser_cache.lark(grammar, **OPTIONS)  # built from the grammar again, and written again
    assert parser.parse("tool t { n 1 }\n")
    assert not path.is_symlink() and os.stat(path).st_mode & 0o077 == 0
    assert _loads(grammar)  # the file written again is good
    if before is not None:
        assert elsewhere.read_bytes() == before  # the link was replaced, never followed


def test_no_cache_means_no_parser_file(cache_dir, grammar, monkeypatch):
    monkeypatch.setenv("RATECARD_NO_CACHE", "1")
    assert parser_cache.lark(grammar, **OPTIONS).parse("tool t { n 1 }\n")
    assert not cache_dir.exists()


def test_an_unwritable_folder_is_no_obstacle(tmp_path, grammar, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RATECARD_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv("RATECARD_NO_CACHE", raising=False)
    assert parser_cache.lark(grammar, **OPTIONS).parse("tool t { n 1 }\n")


def test_the_key_names_the_grammar_lark_python_and_options(grammar, monkeypatch):
    key = parser_cache.key(grammar, OPTIONS)
    others = {
        parser_cache.key(grammar + "\n", OPTIONS),
        parser_cache.key(grammar, {**OPTIONS, "maybe_placeholders": True}),
        parser_cache.key(grammar, {**OPTIONS, "transformer": syntax._ToAst()}),
    }
    monkeypatch.setattr(parser_cache, "lark_version", "9.9.9")
    others.add(parser_cache.key(grammar, OPTIONS))
    assert key not in others and len(others) == 4


def test_pruning_keeps_the_newest_parsers_and_touches_nothing_else(cache_dir, grammar):
    cache_dir.mkdir()
    lookalike = cache_dir / f"parser-{'a' * 64}.pickle"  # the name, not the header
    lookalike.write_bytes(b"someone else's")
    card = cache_dir / f"{'b' * 64}.json"
    card.write_text("{}\n{}")
    made = []
    for n in range(parser_cache.KEEP + 2):
        parser_cache.lark(grammar + "\n" * n, **OPTIONS)
        (new,) = set(_files(cache_dir)) - set(made) - {lookalike}
        os.utime(new, ns=(n * 10**9, n * 10**9))  # the last one the newest
        made.append(new)
    kept = set(_files(cache_dir)) - {lookalike}
    assert kept == set(made[-parser_cache.KEEP:])
    assert lookalike.read_bytes() == b"someone else's" and card.read_text() == "{}\n{}"
