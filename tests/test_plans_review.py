"""Plans in the review tools: `table` lists them, `diff` reports their changes, `--explain` names the plan."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest

import engine
from engine.cli import main
from engine.review import plans_table
from engine.review.diff import compare, render_md, render_text, to_json
from engine.review.plan_diff import PlanKind
from engine.review.table import Format, render
from engine.syntax import parse

RULES = Path(__file__).parent.parent / "rules"
TOOLS = "tool voiceover { chars >= 1 }\ntool voice-clone\nround up\nvoiceover chars / 10\nvoice-clone -> 500\n"
PRICED = TOOLS + textwrap.dedent("""\
    plan "Voice" allows voiceover
    plan "Suite" allows all {
        billed yearly
        credits 100  price 9.99 EUR
        credits 200  price 17.50 EUR
    }
    """)


# ---------------------------------------------------------------- table


def test_the_table_lists_each_tier_with_its_price():
    card = engine.loads(PRICED)
    assert plans_table.text(card) == textwrap.dedent("""\
        plans
          plan   billed   credits a month      price  tools
          Voice  monthly                -          -  voiceover
          Suite  yearly               100   9.99 EUR  all
                                      200  17.50 EUR""")
    assert render(card, Format.TEXT).endswith(plans_table.text(card))
    assert "plans" not in render(card, Format.TEXT, tool="voiceover")  # a filtered table is prices only


def test_the_price_column_is_left_out_when_no_tier_has_a_price(card):
    head = plans_table.text(card).splitlines()[1]
    assert head.split() == ["plan", "billed", "credits", "a", "month", "tools"]


def test_plans_as_json_and_csv_keep_prices_exact():
    card = engine.loads(PRICED)
    data = json.loads(plans_table.render(card, "json"))
    assert data[1] == {"plan": "Suite", "period": "yearly", "tools": ["voiceover", "voice-clone"],
                       "tiers": [{"credits": 100, "price": "9.99", "currency": "EUR"},
                                 {"credits": 200, "price": "17.50", "currency": "EUR"}]}
    rows = list(csv.DictReader(io.StringIO(plans_table.render(card, "csv"))))
    assert [(r["plan"], r["credits"], r["price"], r["currency"]) for r in rows] == [
        ("Voice", "", "", ""), ("Suite", "100", "9.99", "EUR"), ("Suite", "200", "17.50", "EUR")]


def test_cli_table_plans(capsys):
    assert main(["table", "--plans", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "| AI Suite | monthly | 40000 | all |" in out and "|  |  | 240000 |  |" in out


# ---------------------------------------------------------------- diff


def _diff(old: str, new: str):
    return compare(engine.loads(TOOLS + textwrap.dedent(old)), engine.loads(TOOLS + textwrap.dedent(new)))


def test_every_kind_of_plan_change_is_reported():
    diff = _diff("""\
        plan "Voice" allows voiceover
        plan "Old" allows all
        plan "Suite" allows voiceover {
            credits 100 | 200
            credits 300  price 30 USD
            credits 400  price 40 USD
        }
        """, """\
        plan "Voice" allows voiceover
        plan "New" allows all
        plan "Suite" allows all {
            billed yearly
            credits 100
            credits 300  price 30 USD
            credits 400  price 39.50 USD
            credits 500
        }
        """)
    assert diff.changes == () and not diff.same
    assert [(c.kind, c.plan, c.credits) for c in diff.plans] == [
        (PlanKind.PLAN_ADDED, "New", None),
        (PlanKind.PERIOD_CHANGED, "Suite", None), (PlanKind.TOOLS_CHANGED, "Suite", None),
        (PlanKind.TIER_REMOVED, "Suite", 200), (PlanKind.TIER_REPRICED, "Suite", 400),
        (PlanKind.TIER_ADDED, "Suite", 500), (PlanKind.PLAN_REMOVED, "Old", None)]
    text = render_text(diff)
    assert "  tier 400 repriced: 40 USD -> 39.50 USD (-0.50 USD)" in text
    assert "  now allows voice-clone" in text and "  billed monthly -> yearly" in text
    assert re.search(r"\nno price changes \(\d+ combinations compared\); 3 plans changed$", text)
    assert 'plan "Old"\n  removed (was billed monthly, no tiers, allows voice-clone, voiceover)' in text
    assert "| Suite | tier 200 removed |" in render_md(diff)
    repriced = next(c for c in to_json(diff) if c["kind"] == "tier-repriced")
    assert repriced == {"kind": "tier-repriced", "plan": "Suite", "credits": 400,
                        "old": {"credits": 400, "price": "40", "currency": "USD"},
                        "new": {"credits": 400, "price": "39.50", "currency": "USD"}}


def test_the_same_plans_written_differently_are_no_change():
    diff = _diff('plan "S" allows all {\n    credits 1 | 2\n}\n',
                 'plan "S" allows voiceover, voice-clone {\n    billed monthly\n    credits 1\n    credits 2\n}\n')
    assert diff.same


def test_cli_diff_exits_1_on_a_plan_change_alone(tmp_path, capsys):
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    plans = folder / "plans.rules"
    plans.write_text(plans.read_text().replace("credits 40000 | 240000\n}\n\nplan \"Max Pro\"",
                                               "credits 40000 | 240000 | 480000\n}\n\nplan \"Max Pro\""))
    assert main(["diff", str(RULES), str(folder)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == ['plan "AI Suite"', "  tier 480000 added"]
    assert main(["diff", str(RULES), str(RULES)]) == 0


# ---------------------------------------------------------------- explain


def test_explain_names_the_plan_that_allowed_the_tool(capsys):
    assert main(["quote", "--explain", "voiceover", "chars=12", "plan=AI Suite"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2].startswith('plan "AI Suite" allows voiceover (plans.rules:')
    assert out[3].endswith('| plan "AI Suite" allows all {')


def test_explain_names_the_plan_that_refused_the_tool(capsys):
    assert main(["quote", "--explain", "text-to-image", "Flux 2.0 Dev", "plan=AI Voiceover"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[2].startswith('plan "AI Voiceover" does not allow text-to-image, only voiceover and voice-clone '
                             "(plans.rules:")
    assert out[3].endswith('| plan "AI Voiceover" allows voiceover, voice-clone')


def test_explain_without_a_plan_says_nothing_of_plans(capsys):
    assert main(["quote", "--explain", "voiceover", "chars=12"]) == 0
    assert "plan" not in capsys.readouterr().out


# ---------------------------------------------------------------- syntax hints


@pytest.mark.parametrize(("line", "hint"), [
    ("credits 1 | 2 price 3 USD", "a price belongs to one tier"),
    ("credits 40000 USD", "a tier's price is written after `price`"),
    ("credits 40000 29.99 USD", "a tier's price is written after `price`"),
    ("credits 40,000", "credits are a whole number without commas"),
    ("credits 1 price 29,99 USD", "an amount has a decimal point"),
    ("billed annually", None),
])
def test_a_mistake_in_a_plan_block_gets_a_hint(line, hint):
    text = f'tool voiceover\nvoiceover -> 1\nplan "A" allows all {{\n    {line}\n}}\n'
    _, diagnostics = parse(text, "p.rules")
    assert [d.span.line for d in diagnostics] == [4]
    if hint is None:
        assert "expected `monthly` or `yearly`" in diagnostics[0].message
    else:
        assert diagnostics[0].hint.startswith(hint)


def test_a_plan_without_allows_gets_a_hint():
    _, diagnostics = parse('tool voiceover\nplan "A"\n', "p.rules")
    assert diagnostics[0].hint.startswith("a plan says which tools its credits may be spent on")
