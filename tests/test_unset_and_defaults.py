"""A parameter left out (`dur unset`) and a model's own default (`quality "auto" | "hd" default "auto"`):
read by the grammar, checked, quoted alike on every path, and shown by table, explain and the API."""

from __future__ import annotations

import textwrap

import pytest

import engine
from engine import ast
from engine.diagnostics import Code
from engine.domain import UNSET, Domain, ValueType
from engine.fmt import format_text
from engine.syntax import parse
from tests.diagnosed import errors
from tests.every_path import disagreements

VIDEO = """\
tool video {
    dur      >= 1 | unset   unit "s"
    quality  "draft" | "standard" | "auto"  default "standard"
}
model video "Vidi" {
    quality  "standard" | "auto"  default "auto"
}
model video "Kino"
model video "Flat" {
    dur  5 | 10
}

video "Vidi" dur >= 1 -> 40 * dur
video "Vidi" dur unset -> 200
video "Kino" {
    quality        "draft"   "standard"   "auto"
    dur unset  ->  100       150          150
    dur 1..10  ->  80        120          120
    dur >= 11  ->  reject    240          240
}
video "Flat" dur 5 -> 100
video "Flat" dur 10 -> 180
"""


def _load(text: str = VIDEO) -> engine.RateCard:
    return engine.loads(textwrap.dedent(text))


# ---------------------------------------------------------------- the language


def test_unset_is_a_value_of_a_domain_and_default_a_model_option():
    tree, diagnostics = parse(VIDEO)
    assert diagnostics == []
    tool, vidi, kino, flat, *_ = tree.statements
    assert tool.params[0].domain.items[-1] == ast.Unset()
    (quality,) = vidi.offers
    assert quality.default == ast.Literal(value="auto") and not quality.not_taken
    short, _ = parse('model video "X" {\n    quality default "auto"\n}\n')
    (offer,) = short.statements[0].offers
    assert offer.domain is None and offer.default == ast.Literal(value="auto") and not offer.not_taken
    taken, _ = parse('model video "X" {\n    quality none\n}\n')
    assert taken.statements[0].offers[0].not_taken


def test_a_domain_holds_unset_beside_its_values():
    dur = Domain.ints([]).with_unset().union(Domain.of([4, 8]))
    assert dur.has_unset and -1 in dur and 4 in dur and 0 not in dur
    assert dur.describe() == "4, 8 or unset" and dur.source() == "4 | 8 | unset"
    assert dur.without_unset() == Domain.of([4, 8])
    text = Domain.of(["a"]).with_unset()
    assert UNSET in text and text.describe() == '"a" or unset'
    yes = Domain(ValueType.BOOL, values=(True, UNSET))
    assert UNSET in yes and False not in yes


# ---------------------------------------------------------------- quoting


def test_a_duration_when_given_and_a_flat_price_when_not():
    card = _load()
    assert card.quote({"tool": "video", "model": "Vidi", "dur": 3}).credits == 120
    assert card.quote({"tool": "video", "model": "Vidi"}).credits == 200
    assert card.quote({"tool": "video", "model": "Kino"}).credits == 150
    assert card.quote({"tool": "video", "model": "Kino", "quality": "draft"}).credits == 100
    assert card.quote({"tool": "video", "model": "Kino", "quality": "draft", "dur": 12}).code == "rejected"
    # a model that does not offer leaving it out still asks for it, as before
    missing = card.quote({"tool": "video", "model": "Flat"})
    assert missing.code == "missing-param" and missing.param == "dur"
    assert "5 or 10" in missing.message


def test_each_model_has_its_own_default():
    card = _load()
    vidi = card.explain({"tool": "video", "model": "Vidi"})
    kino = card.explain({"tool": "video", "model": "Kino"})
    assert dict(vidi.values)["quality"] == "auto"  # the model's own default
    assert dict(kino.values)["quality"] == "standard"  # the tool's
    assert card.quote({"tool": "video", "model": "Vidi", "quality": "draft"}).code == "unsupported"


def test_every_path_answers_alike():
    card = _load()
    requests = []
    for model in ("Vidi", "Kino", "Flat", "Nope"):
        for dur in (None, 0, 1, 5, 10, 11, "5s", 5.0, -1, "unset", None):
            for quality in (None, "draft", "standard", "auto", "hd"):
                request = {"tool": "video", "model": model}
                if dur is not None:
                    request["dur"] = dur
                if quality is not None:
                    request["quality"] = quality
                requests.append(request)
    assert disagreements(card, requests) == []


# ---------------------------------------------------------------- checks


def test_a_price_that_uses_a_parameter_that_may_be_unset_is_an_error():
    text = VIDEO.replace('video "Vidi" dur >= 1 -> 40 * dur\nvideo "Vidi" dur unset -> 200\n',
                         'video "Vidi" -> 40 * dur\n')
    (found,) = errors(text)
    assert found.code is Code.BAD_DECLARATION
    assert found.message == "this price uses `dur`, which a request for Vidi may leave unset"
    assert found.hint == "give this rule `dur >= 1` and price `dur unset` on a line of its own"


def test_a_request_left_out_but_not_priced_is_a_gap():
    text = VIDEO.replace('video "Vidi" dur unset -> 200\n', "")
    (gap,) = errors(text)
    assert gap.code is Code.GAP and gap.message == "Vidi (video) has no price for dur unset"
    assert gap.hint == 'add `video "Vidi" dur unset -> ...`'


def test_unset_and_a_value_overlap_like_any_two_values():
    text = VIDEO.replace('video "Vidi" dur unset -> 200\n', 'video "Vidi" dur unset | 3 -> 200\n')
    (overlap,) = errors(text)
    assert overlap.code is Code.OVERLAP and "dur 3" in overlap.message


def test_a_rule_for_unset_on_a_model_that_never_leaves_it_out_never_applies():
    card = _load(VIDEO + 'video "Flat" dur unset -> 50\n')
    (dead,) = card.warnings
    assert dead.code is Code.DEAD_RULE and "offers dur 5 or 10, not unset" in dead.message


def test_unset_where_the_tool_never_leaves_it_out_is_out_of_its_domain():
    text = VIDEO.replace("dur      >= 1 | unset", "dur      >= 1        ").replace(
        'video "Vidi" dur unset -> 200', 'video "Vidi" dur 0 -> 1')
    found = errors(text)
    assert any(d.code is Code.OUT_OF_DOMAIN and d.message == "`dur` cannot be unset"
               and "add `| unset`" in d.hint for d in found)


def test_a_default_and_unset_on_one_parameter_contradict_each_other():
    (tool,) = errors("tool t { n >= 1 | unset default 2 }\nt n >= 1 -> n\nt n unset -> 1\n")
    assert tool.code is Code.BAD_DECLARATION and tool.message.startswith("`n` is never unset")
    (model,) = errors('tool t { q "a" | "b" | unset }\nmodel t "M" { q "a" | unset default "a" }\n'
                       't "M" -> 1\n')
    assert model.code is Code.BAD_DECLARATION


def test_a_model_default_it_does_not_offer_is_out_of_its_domain():
    (found,) = errors('tool t { q "a" | "b" }\nmodel t "M" { q "a" default "b" }\nt "M" -> 1\n')
    assert found.code is Code.OUT_OF_DOMAIN
    assert found.message == 'the default "b" is not a value "M" offers for `q`'


def test_a_model_default_makes_unset_impossible_for_that_model():
    """`quality default "auto"` keeps the tool's values but for unset: the default stands in for it."""
    text = ('tool t { q "a" | "b" | unset }\nmodel t "M" { q default "a" }\nmodel t "N"\n'
            't "M" q "a" | "b" -> 1\nt "N" q "a" | "b" -> 1\nt "N" q unset -> 2\n')
    card = _load(text)
    assert card.warnings == ()
    assert card.quote({"tool": "t", "model": "M"}).credits == 1
    assert card.quote({"tool": "t", "model": "N"}).credits == 2


# ---------------------------------------------------------------- review


def test_the_table_shows_unset_as_a_value():
    from engine.review.table import Format, render

    card = _load()
    text = render(card, Format.TEXT, "video", "Kino")
    assert "unset" in text.splitlines()[2]
    rows = render(card, Format.JSON, "video", "Vidi")
    import json

    data = json.loads(rows)
    assert {"tool": "video", "model": "Vidi", "dur": None, "quality": "standard", "credits": 200} in data


def test_explain_says_what_a_left_out_value_was_read_as():
    from engine.review.explain import render

    card = _load()
    text = render(card.explain({"tool": "video", "model": "Vidi"}))
    assert "not given: dur, read as unset (Vidi prices a request that leaves it out)" in text
    assert 'not given: quality, read as "auto" (Vidi\'s own default, <string>:5)' in text
    assert "matched <string>:14 (dur unset)" in text
    given = render(card.explain({"tool": "video", "model": "Vidi", "dur": 2, "quality": "auto"}))
    assert "not given" not in given


def test_fmt_lays_out_unset_and_model_defaults_and_keeps_their_meaning():
    out = format_text(VIDEO, "card.rules")
    assert format_text(out, "card.rules") == out
    assert "    quality  \"standard\" | \"auto\"  default \"auto\"" in out
    assert "    dur unset  ->  100" in out


def test_the_catalog_and_the_openapi_document_say_what_may_be_left_out():
    pytest.importorskip("starlette")
    from engine.service.catalog import catalog
    from engine.service.openapi import request_schemas

    card = _load().card
    vidi = next(m for t in catalog(card)["tools"] for m in t["models"] if m["name"] == "Vidi")
    dur, quality = vidi["params"]
    assert dur["unset"] is True and dur["required"] is False and dur["default"] is None
    assert dur["ranges"] == [[1, None]]
    assert quality["default"] == "auto" and quality["unset"] is False
    props = request_schemas(card)["Request.video.Vidi"]["properties"]
    assert props["dur"]["minimum"] == 1 and "left out" in props["dur"]["description"]
    assert props["quality"]["default"] == "auto" and props["quality"]["enum"] == ["standard", "auto"]
    flat = request_schemas(card)["Request.video.Flat"]["properties"]["dur"]
    assert flat["enum"] == [5, 10] and "left out" not in flat.get("description", "")
