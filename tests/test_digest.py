"""A card's digest: one name for its content, the same wherever and however it was loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine.sources import Source, digest

VOICE = "round up\ntool voiceover { chars >= 1 }\nvoiceover chars / 10\n"


def test_the_same_text_has_the_same_digest():
    first, second = engine.loads(VOICE), engine.loads(VOICE)
    assert first.digest == second.digest
    assert len(first.digest) == 64 and int(first.digest, 16) >= 0


@pytest.mark.parametrize("edit", [
    lambda t: t.replace("/ 10", "/ 11"),          # a price
    lambda t: t + "# a comment\n",                  # a comment is an edit too
    lambda t: t.replace("round up\n", "round up \n"),  # so is a space
])
def test_any_edit_changes_the_digest(edit):
    changed = edit(VOICE)
    assert changed != VOICE
    assert engine.loads(changed).digest != engine.loads(VOICE).digest


def test_the_file_name_is_part_of_the_card():
    assert engine.loads(VOICE, "a.rules").digest != engine.loads(VOICE, "b.rules").digest


def test_names_and_texts_cannot_run_together():
    assert digest([Source("ab", "ab", "c")]) != digest([Source("a", "a", "bc")])
    assert digest([Source("a", "a", "x"), Source("b", "b", "y")]) != digest([Source("a", "a", "xby")])


def test_the_order_the_files_came_in_does_not_matter(rules):
    card = engine.load(rules, use_cache=False)
    backwards = engine.RateCard.from_sources(list(reversed(card._sources)), use_cache=False)
    assert [s.name for s in backwards._sources] != [s.name for s in card._sources]
    assert backwards.digest == card.digest


def test_a_folder_digest_changes_with_a_file_added_renamed_or_edited(rules):
    before = engine.load(rules, use_cache=False).digest
    (rules / "voiceover.rules").rename(rules / "voice.rules")
    renamed = engine.load(rules, use_cache=False).digest
    (rules / "voice.rules").write_text((rules / "voice.rules").read_text() + "\n")
    edited = engine.load(rules, use_cache=False).digest
    (rules / "extra.rules").write_text("# nothing yet\n")
    added = engine.load(rules, use_cache=False).digest
    assert len({before, renamed, edited, added}) == 4


def test_crlf_line_endings_give_the_digest_of_the_same_lines(tmp_path):
    path = tmp_path / "voice.rules"
    path.write_bytes(VOICE.replace("\n", "\r\n").encode())
    assert engine.load(path, use_cache=False).digest == engine.loads(VOICE, "voice.rules").digest
    assert engine.loads(VOICE.replace("\n", "\r\n"), "voice.rules").digest == engine.loads(VOICE, "voice.rules").digest


def test_a_card_from_the_cache_has_the_digest_of_the_card_from_text(cache_dir, rules):
    built = engine.load(rules)
    cached = engine.load(rules)
    assert built._card is not None and cached._card is None
    assert cached.digest == built.digest == engine.load(rules, use_cache=False).digest
    texts = {p.relative_to(rules).as_posix(): p.read_text() for p in rules.glob("*.rules")}
    assert digest(Source(n, n, t) for n, t in texts.items()) == built.digest


def test_the_digest_on_a_cache_hit_needs_no_parser(cache_dir):
    expected = engine.load().digest
    code = "import sys, engine; c = engine.load(); print(c.digest, 'lark' in sys.modules, c._card is None)"
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert out.stdout.split() == [expected, "False", "True"]


def test_the_digests_are_hashlibs_sha256_whichever_module_computes_them():
    import hashlib

    from engine import sha

    for data in (b"", b"ratecard", bytes(range(256)) * 5000):  # the last past sha.LARGE: hashlib's own
        made = sha.sha256(data[:7])
        made.update(data[7:])
        assert made.hexdigest() == sha.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    assert len(bytes(range(256)) * 5000) > sha.LARGE
