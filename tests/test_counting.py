"""`from text not counting whitespace, tags`: the count is exact, as engine/counting.py defines it,
and the same on every quote path (reference, memo, direct, quote_many, --batch, explain)."""

from __future__ import annotations

import json
import re
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import batch
from engine.counting import Uncounted, count
from engine.diagnostics import Code
from engine.direct import make_direct
from engine.fastpath import make_quoter
from engine.interpreter import quote as reference

WS, TAGS = Uncounted.WHITESPACE, Uncounted.TAGS

CARD = textwrap.dedent('''\
    round up
    tool speech {
        chars  >= 1  from text  not counting whitespace, tags
    }
    tool caption {
        chars  >= 1  from text  not counting tags
    }
    tool note {
        chars  >= 0  from text  not counting whitespace
    }
    speech -> max(5, chars / 10)
    caption -> chars
    note chars 0 -> reject "an empty note"
    note chars >= 1 -> chars
    ''')


def test_whitespace_is_exactly_what_str_isspace_says_for_every_code_point():
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    kept = "".join(c for c in every if not c.isspace())
    assert count(every, {WS}) == len(kept)
    assert "".join(every.split()) == kept  # the very characters, not only how many


def _reference_tags(text: str) -> str:
    """Tags taken out, read character by character (no regular expression), as the docstring says."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "<" and i + 1 < len(text) and (text[i + 1].isascii() and (text[i + 1].isalpha()
                                                                                or text[i + 1] in "_:/!?")):
            j = i + 1
            while j < len(text) and text[j] not in "<>":
                j += 1
            if j < len(text) and text[j] == ">":
                i = j + 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='<>/!?:_ab AZé\t\n\u00a0\u2028"=1', max_size=40))
def test_tags_and_whitespace_are_counted_as_defined(text):
    untagged = _reference_tags(text)
    assert count(text, ()) == len(text)
    assert count(text, {TAGS}) == len(untagged)
    assert count(text, {WS}) == sum(not c.isspace() for c in text)
    assert count(text, {WS, TAGS}) == sum(not c.isspace() for c in untagged)


@pytest.mark.parametrize("text, counted", [
    ('<speak>Hello <break time="1s"/> world.</speak>', 11),
    ("<speak><prosody rate='slow'>Hi</prosody></speak>", 2),
    ("5 < 6 and 7 > 3", 9),          # a `<` followed by a space starts no tag
    ("<b>bold</b> <unclosed", 13),    # an unclosed tag is text
    ("<!-- a note --> ok", 2),
    ("<<b>>", 2),
    ("\u00a0\u2003 tab\there\n", 7),
])
def test_ssml_and_plain_texts(text, counted):
    assert count(text, {WS, TAGS}) == counted


def test_a_counted_text_is_priced_alike_on_every_path():
    card = engine.loads(CARD, "c.rules")
    texts = ['<speak>Hello <break time="1s"/> world.</speak>', "x" * 51, " " * 80 + "y", "<p>" + "a b " * 40,
             "", "   ", "<only-a-tag/>", "🙂 " * 30]
    requests = [{"tool": tool, "text": t} for tool in ("speech", "caption", "note") for t in texts]
    expected = [reference(card.index, r) for r in requests]
    assert [e.credits if e.ok else e.code for e in expected[:len(texts)]] == \
        [5, 6, 5, 8, "unsupported", "unsupported", "unsupported", 5]
    fast, many = make_quoter(card.index)
    direct = make_direct(card.index)
    assert [fast(r) for r in requests] == expected
    assert [fast(r) for r in requests] == expected
    assert many(requests) == expected
    assert all(direct(r) in (None, e) for r, e in zip(requests, expected))
    assert sum(direct(r) is not None for r in requests) >= len([e for e in expected if e.ok])
    out = "".join(batch.encode(batch.line_result(card.quote, json.dumps(r) + "\n")) for r in requests)
    assert [json.loads(line).get("credits") for line in out.splitlines()] == \
        [e.credits if e.ok else None for e in expected]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["speech", "caption", "note"]),
       st.text(alphabet='<>/b ak\t\n\u00a0"', max_size=60))
def test_random_texts_quote_the_same_on_every_path(tool, text):
    card = engine.loads(CARD, "c.rules")
    request = {"tool": tool, "text": text}
    expected = reference(card.index, request)
    fast, many = make_quoter(card.index)
    assert fast(request) == expected and fast(request) == expected and many([request]) == [expected]
    assert make_direct(card.index)(request) in (None, expected)
    if expected.ok:
        left_out = {"speech": {WS, TAGS}, "caption": {TAGS}, "note": {WS}}[tool]
        assert card.explain(request).values == (("chars", count(text, left_out)),)


def test_explain_says_how_the_text_was_counted():
    card = engine.loads(CARD, "c.rules")
    text = '<speak>Hello <break time="1s"/> world.</speak>'
    why = card.explain({"tool": "speech", "text": text})
    assert why.values == (("chars", 11),)
    [counted] = why.text_counts
    assert (counted.param, counted.source, counted.length, counted.counted, counted.not_counting) == \
        ("chars", "text", len(text), 11, ("whitespace", "tags"))
    from engine.review.explain import render
    assert f"counted: chars 11 of the {len(text)} characters of `text` (not counting whitespace and tags)" \
        in render(why)
    assert card.explain({"tool": "speech", "chars": 12}).text_counts == ()


def test_naming_a_thing_twice_is_an_error():
    try:
        engine.loads("tool t { n >= 1 from text not counting tags, whitespace, tags }\nt -> n\n", "c.rules")
    except engine.RateCardError as exc:
        found = exc.diagnostics
    else:
        found = []
    assert [(d.code, d.message, d.span.column) for d in found] == [(Code.DUPLICATE, "`tags` is named twice", 58)]


def test_the_cache_keeps_what_is_not_counted_and_refuses_a_damaged_one(tmp_path, monkeypatch):
    from engine import index_json

    monkeypatch.setenv("RATECARD_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "c.rules").write_text(CARD)
    first, again = engine.load(tmp_path / "c.rules"), engine.load(tmp_path / "c.rules")
    assert first._card is not None and again._card is None  # built from text, then read back
    request = {"tool": "speech", "text": "<b>" + "a " * 60 + "</b>"}
    assert again.quote(request) == first.quote(request)
    assert first.quote(request).credits == 6
    lines = list(index_json.encode_lines(first.index))
    assert '"not_counting":["TAGS","WHITESPACE"]' in "".join(lines)
    for bad in ('"not_counting":["TAGS","TAGS"]', '"not_counting":["tags"]', '"not_counting":"TAGS"'):
        damaged = [line.replace('"not_counting":["TAGS","WHITESPACE"]', bad) for line in lines]
        with pytest.raises(index_json.Corrupt):
            index_json.decode_lines(iter(damaged))


def test_the_service_catalog_and_schema_say_what_is_not_counted():
    from engine.service.catalog import catalog
    from engine.service.openapi import request_schemas

    card = engine.loads(CARD, "c.rules")
    speech = next(t for t in catalog(card.card)["tools"] if t["name"] == "speech")
    assert speech["models"][0]["params"][0]["not_counting"] == ["whitespace", "tags"]
    schema = request_schemas(card.card)
    text = next(s for name, s in schema.items() if "speech" in name.lower())["properties"]["text"]
    assert re.search(r"not counting whitespace and tags", text["description"])
