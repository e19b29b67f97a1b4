"""Prices by plan: `TOOL "MODEL" plan "AI Suite" -> ...`, checked against the card's plans and
covered by the gap check like any other dimension, and quoted alike on every path."""

from __future__ import annotations

import textwrap
from datetime import datetime, timezone

import pytest

import engine
from engine import ast
from engine.diagnostics import Code
from engine.fmt import format_text
from engine.syntax import parse
from tests.diagnosed import errors
from tests.every_path import disagreements

PLANS = """\
plan "Starter" allows text-to-image
plan "AI Suite" allows all
plan "AI Voiceover" allows voiceover
"""

CARD = PLANS + """\
tool text-to-image { images >= 1 default 1 }
tool voiceover { chars >= 1 }
model text-to-image "Flux 2.0 Dev"
model text-to-image "Seedream 4.5"
round up

text-to-image "Flux 2.0 Dev" plan "AI Suite"            -> 20 * images
text-to-image "Flux 2.0 Dev" plan "Starter" | unset     -> 50 * images
text-to-image "Seedream 4.5" {
    plan          "Starter"   "AI Suite"   unset
    images 1  ->  100         60           100
    images >= 2 -> 90        55           reject
}
voiceover chars / 10
"""


def _load(text: str) -> engine.RateCard:
    return engine.loads(textwrap.dedent(text))


def _diagnostics(text: str) -> list:
    from engine.ratecard import analyse
    from engine.sources import Source

    _, found = analyse([Source(name="card.rules", path="card.rules", text=textwrap.dedent(text))])
    return found


# ---------------------------------------------------------------- the language


def test_a_plan_condition_reads_as_a_condition_on_the_plan():
    tree, diagnostics = parse('t "M" plan "AI Suite" | unset dur 4 -> 5\n')
    assert diagnostics == []
    (rule,) = tree.statements
    plan, dur = rule.conditions
    assert isinstance(plan.param, ast.PlanKey) and plan.param.text == "plan"
    assert plan.domain.items == (ast.Literal(value="AI Suite"), ast.Unset())
    assert dur.param == ast.Name(text="dur")


def test_plans_may_run_across_a_grid():
    tree, diagnostics = parse('t "M" {\n    plan     "A"  "B"\n    n 1 ->  5    6\n}\n')
    assert diagnostics == []
    (grid,) = tree.statements
    assert isinstance(grid.column, ast.PlanKey)
    assert grid.columns == (ast.Literal(value="A"), ast.Literal(value="B"))


def test_the_same_model_costs_differently_on_each_plan():
    card = _load(CARD)
    flux = {"tool": "text-to-image", "model": "Flux 2.0 Dev", "images": 2}
    assert card.quote({**flux, "plan": "AI Suite"}).credits == 40
    assert card.quote({**flux, "plan": "Starter"}).credits == 100
    assert card.quote(flux).credits == 100  # no plan named: priced as `plan unset`
    seedream = {"tool": "text-to-image", "model": "Seedream 4.5"}
    assert card.quote({**seedream, "plan": "AI Suite"}).credits == 60
    assert card.quote({**seedream, "plan": "Starter", "images": 3}).credits == 90
    refused = card.quote({**seedream, "images": 3})
    assert refused.code == "rejected"
    # the plan gate comes first, as before: a plan that does not allow the tool, or no such plan
    assert card.quote({**flux, "plan": "AI Voiceover"}).code == "rejected"
    unknown = card.quote({**flux, "plan": "AI Suit"})
    assert unknown.code == "invalid-param" and '"AI Suite"' in unknown.message


def test_every_path_prices_by_plan_alike():
    card = _load(CARD)
    requests = []
    for plan in (None, "Starter", "AI Suite", "AI Voiceover", "Nope", 3, ""):
        for model in ("Flux 2.0 Dev", "Seedream 4.5"):
            for images in (None, 1, 2, 3, "2", 2.0):
                request = {"tool": "text-to-image", "model": model}
                if plan is not None:
                    request["plan"] = plan
                if images is not None:
                    request["images"] = images
                requests.append(request)
    requests += [{"tool": "voiceover", "chars": 25, "plan": p} for p in ("AI Voiceover", "Starter", "AI Suite")]
    assert disagreements(card, requests) == []


def test_an_account_is_charged_the_price_of_its_own_plan(tmp_path):
    from engine import accounts

    card = _load(CARD.replace('plan "AI Suite" allows all', 'plan "AI Suite" allows all { credits 1000 }')
                 .replace('plan "Starter" allows text-to-image', 'plan "Starter" allows text-to-image { credits 1000 }'))
    book = accounts.open(f"sqlite:///{tmp_path / 'credits.db'}", card=card)
    at = datetime(2025, 1, 1, tzinfo=timezone.utc)
    book.subscribe("suite", plan="AI Suite", credits=1000, start=at)
    book.subscribe("starter", plan="Starter", credits=1000, start=at)
    request = {"tool": "text-to-image", "model": "Flux 2.0 Dev", "images": 2}
    assert book.charge("suite", request, op="a", at=at).credits == 40
    assert book.charge("starter", request, op="b", at=at).credits == 100


# ---------------------------------------------------------------- checks


def test_a_plan_the_card_does_not_declare_is_an_unknown_name_with_a_did_you_mean():
    text = CARD.replace('plan "Starter" | unset', 'plan "Starter" | "AI Suit" | unset')
    (found,) = errors(text)
    assert found.code is Code.UNKNOWN_NAME
    assert found.message == 'there is no plan "AI Suit"; did you mean "AI Suite"?'


def test_a_plan_condition_on_a_card_without_plans_is_an_error():
    found, _ = errors('tool t { n >= 1 }\nt plan "Pro" -> n\nt plan unset -> n\n')
    assert found.code is Code.UNKNOWN_NAME and "declares no plans" in found.message
    assert 'plan "Pro" allows all' in found.hint


def test_plans_are_named_in_quotes():
    (found,) = errors('plan "Pro" allows all\ntool t { n >= 1 }\nt plan 3 -> n\n')
    assert found.code is Code.TYPE_MISMATCH and "quotes" in found.message


def test_a_plan_left_unpriced_is_a_gap_naming_it():
    text = CARD.replace('text-to-image "Flux 2.0 Dev" plan "Starter" | unset     -> 50 * images\n', "")
    (gap,) = errors(text)
    assert gap.code is Code.GAP
    assert gap.message == 'Flux 2.0 Dev (text-to-image) has no price for plan "Starter" or unset'
    assert gap.hint == ('add `text-to-image "Flux 2.0 Dev" plan "Starter" | unset -> ...`; `plan unset` is a '
                        "request that names no plan")


def test_a_request_naming_no_plan_must_be_priced_where_prices_depend_on_the_plan():
    text = CARD.replace('plan "Starter" | unset     -> 50', 'plan "Starter"             -> 50')
    (gap,) = errors(text)
    assert gap.message == "Flux 2.0 Dev (text-to-image) has no price for plan unset"


def test_two_rules_for_the_same_plan_overlap():
    text = CARD.replace('-> 20 * images', '-> 20 * images\ntext-to-image "Flux 2.0 Dev" plan "AI Suite" -> 7')
    (overlap,) = errors(text)
    assert overlap.code is Code.OVERLAP and 'plan "AI Suite"' in overlap.message


def test_a_rule_for_a_plan_that_does_not_allow_the_tool_never_applies():
    text = CARD + 'text-to-image "Flux 2.0 Dev" plan "AI Voiceover" -> 5\n'
    card = _load(text)
    (dead,) = card.warnings
    assert dead.code is Code.DEAD_RULE
    assert dead.message == 'this rule never applies: no plan it names allows text-to-image (plan "AI Voiceover")'
    assert "add it to the plan's `allows`" in dead.hint


# ---------------------------------------------------------------- the two bugs of issue #10


def test_a_parameter_named_plan_is_a_declaration_error_pointing_at_the_plan_syntax():
    """It used to share the request key with plan gating: with a default, a request naming no plan was
    priced under a plan whose gate never applied, and naming that plan was refused."""
    text = 'plan "Starter" allows all\ntool t { plan "Starter" | "Team" default "Team"  n >= 1 }\nt -> n\n'
    found = errors(text)
    assert [d.code for d in found] == [Code.BAD_DECLARATION]
    assert found[0].message == "a request's `plan` is not a parameter: it names the customer's plan"
    assert "plan syntax" in found[0].hint and 'plan "NAME"' in found[0].hint
    assert (found[0].span.line, found[0].span.column) == (2, 10)


def test_a_plan_value_that_is_not_a_declared_plan_is_reported_not_left_a_dead_rule():
    """With `plan` a parameter, a rule for a value no plan has was dead, and nothing said so."""
    text = 'plan "Starter" allows all\ntool t { plan "Starter" | "Team"  n >= 1 }\nt plan "Starter" -> n\nt plan "Team" -> 2 * n\n'
    found = errors(text)
    assert any(d.code is Code.UNKNOWN_NAME and d.message == 'there is no plan "Team"' for d in found)


@pytest.mark.parametrize("name", ["tool", "model"])
def test_the_other_request_keys_are_not_parameters_either(name):
    (found,) = errors(f'tool t {{ {name} "a" | "b"  n >= 1 }}\nt -> n\n')
    assert found.code is Code.BAD_DECLARATION and f"`{name}`" in found.message


def test_a_text_counted_from_the_plan_key_is_refused():
    (found,) = errors('plan "Pro" allows all\ntool t { n >= 1 from plan }\nt -> n\n')
    assert found.code is Code.BAD_DECLARATION and "`plan`" in found.message


# ---------------------------------------------------------------- review


def test_the_table_has_a_row_per_plan_and_one_for_no_plan():
    from engine.review.table import Format, render

    card = _load(CARD)
    text = render(card, Format.TEXT, "text-to-image", "Flux 2.0 Dev")
    assert 'plan' in text.splitlines()[1]
    rows = text.splitlines()[2:]
    assert [row.split()[3] for row in rows] == ['"Starter"', '"AI', "unset"]
    assert [row.split()[-1] for row in rows] == ["50000", "20000", "50000"]  # 1000 images


def test_diff_between_a_list_price_and_prices_by_plan_names_the_plan():
    from engine.review.diff import compare

    flat = _load(CARD.replace('text-to-image "Flux 2.0 Dev" plan "AI Suite"            -> 20 * images\n', "")
                 .replace('plan "Starter" | unset', ""))
    by_plan = _load(CARD)
    diff = compare(flat, by_plan)
    changed = {dict(c.params).get("plan") for c in diff.changes}
    assert changed == {"AI Suite"}
    assert all(c.kind.value == "repriced" for c in diff.changes)


def test_explain_says_the_plan_decided_the_price():
    card = _load(CARD)
    text = card.explain({"tool": "text-to-image", "model": "Flux 2.0 Dev", "plan": "AI Suite"})
    from engine.review.explain import render

    shown = render(text)
    assert 'by plan: this rule holds for plan "AI Suite"; the request\'s plan is "AI Suite"' in shown
    plain = render(card.explain({"tool": "text-to-image", "model": "Flux 2.0 Dev"}))
    assert 'by plan: this rule holds for plan "Starter" | unset; the request names no plan' in plain


def test_fmt_keeps_plan_conditions_and_plan_grids():
    out = format_text(CARD, "card.rules")
    assert format_text(out, "card.rules") == out
    assert 'text-to-image "Flux 2.0 Dev" plan "Starter" | unset -> 50 * images' in out
    assert "    plan             \"Starter\"   \"AI Suite\"   unset\n    images 1     ->  100" in out


def test_the_openapi_document_says_which_prices_depend_on_the_plan():
    pytest.importorskip("starlette")
    from engine.service.openapi import request_schemas

    schemas = request_schemas(_load(CARD).card)
    flux = schemas["Request.text-to-image.Flux_2_0_Dev"]["properties"]["plan"]
    assert "the price depends on it" in flux["description"]
    voice = schemas["Request.voiceover"]["properties"]["plan"]
    assert "depends" not in voice["description"]
