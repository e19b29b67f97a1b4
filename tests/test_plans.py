"""Plans on the card: the tools they allow, their billing period, their credit tiers and prices."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import ast, index_json
from engine.fmt import format_text
from engine.model import Period, Plan, Tier
from engine.sources import Source
from engine.syntax import parse
from tests.docs_examples import examples
from tests.test_fmt import _perturb

TOOLS = "tool voiceover { chars >= 1 }\ntool voice-clone\nround up\nvoiceover chars / 10\nvoice-clone -> 500\n"


def _card(plans: str) -> engine.RateCard:
    return engine.loads(TOOLS + textwrap.dedent(plans))


def _plan_decl(text: str) -> ast.PlanDecl:
    tree, diagnostics = parse(textwrap.dedent(text))
    assert diagnostics == []
    (decl,) = tree.statements
    return decl


# ---------------------------------------------------------------- the language


def test_the_one_line_plan_still_reads_as_before():
    decl = _plan_decl('plan "AI Voiceover" allows voiceover, voice-clone\n')
    assert decl == ast.PlanDecl(name="AI Voiceover", tools=(ast.Name(text="voiceover"), ast.Name(text="voice-clone")))
    assert _plan_decl('plan "AI Suite" allows all\n').tools is None


def test_a_list_of_tiers_is_the_same_as_one_line_per_tier():
    compact = _plan_decl("""\
        plan "AI Suite" allows all {
            billed monthly
            credits 40000 | 240_000
        }
        """)
    long = _plan_decl("""\
        plan "AI Suite" allows all {
            billed monthly
            credits 40000
            credits 240000
        }
        """)
    assert compact == long
    assert compact.billing == (ast.BillingDecl(period=Period.MONTHLY),)
    assert [t.credits for t in compact.tiers] == [40000, 240000]


def test_a_tier_price_is_an_exact_decimal_with_its_currency():
    decl = _plan_decl("""\
        plan "Max Pro" allows all {
            billed yearly
            credits 40000   price 299.90 USD
            credits 240000  price 1_499 USD
        }
        """)
    assert [(t.credits, t.price, t.currency) for t in decl.tiers] == [
        (40000, Decimal("299.90"), "USD"), (240000, Decimal("1499"), "USD")]
    assert str(decl.tiers[0].price) == "299.90"  # as written, no float on the way


def test_a_price_belongs_to_one_tier_so_a_list_cannot_carry_one():
    _, diagnostics = parse('plan "A" allows all {\n    credits 1 | 2 price 3 USD\n}\n', "p.rules")
    assert [(d.code.word, d.span.line) for d in diagnostics] == [("syntax", 2)]


# ---------------------------------------------------------------- the card


def test_plans_on_the_card():
    card = _card("""\
        plan "Voice" allows voiceover
        plan "Suite" allows all {
            billed yearly
            credits 100 price 9.99 EUR
            credits 200 price 17.50 EUR
        }
        """)
    assert card.plans["Voice"] == Plan(name="Voice", tools=frozenset({"voiceover"}), period=Period.MONTHLY, tiers=())
    suite = card.plans["Suite"]
    assert suite.tools == {"voiceover", "voice-clone"}
    assert suite.period is Period.YEARLY
    assert suite.tiers == (Tier(credits=100, price=Decimal("9.99"), currency="EUR"),
                           Tier(credits=200, price=Decimal("17.50"), currency="EUR"))
    assert suite.tier(200).price == Decimal("17.5") and suite.tier(150) is None
    assert card.card.plans == dict(card.plans)  # the resolved card and the index agree


def test_the_bundled_plans_are_the_faqs():
    card = engine.load()
    assert set(card.plans) == {"AI Voiceover", "AI Suite", "Max Pro"}
    for name in ("AI Suite", "Max Pro"):
        plan = card.plans[name]
        assert [t.credits for t in plan.tiers] == [40000, 240000]
        assert plan.period is Period.MONTHLY
        assert all(t.price is None and t.currency is None for t in plan.tiers)  # the seed gives no price
        assert plan.tools == set(card.index.tools)
    assert card.plans["AI Voiceover"].tiers == ()
    assert card.plans["AI Voiceover"].tools == {"voiceover", "voice-clone"}


def test_plans_come_back_from_the_cache_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("RATECARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RATECARD_NO_CACHE", raising=False)
    text = TOOLS + 'plan "Suite" allows all {\n    billed yearly\n    credits 100 price 9.99 EUR\n    credits 200\n}\n'
    built = engine.loads(text, use_cache=True)
    cached = engine.loads(text, use_cache=True)
    assert built._card is not None and cached._card is None
    assert dict(cached.plans) == dict(built.plans)
    assert cached.plans["Suite"].tiers[0].price == Decimal("9.99")
    assert cached.plans["Suite"].tiers[0].span == built.plans["Suite"].tiers[0].span


def test_plans_on_a_cache_hit_need_no_parser(tmp_path):
    env = {"RATECARD_CACHE_DIR": str(tmp_path / "cache"), "PATH": ""}
    code = ("import sys, engine; c = engine.load(); "
            "print(c.plans['AI Suite'].tiers[1].credits, c.plans['Max Pro'].period.value, 'lark' in sys.modules)")
    root = Path(__file__).resolve().parent.parent
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True, env=env)
            for _ in range(2)]
    assert [r.stdout.split() for r in runs] == [["240000", "monthly", "True"], ["240000", "monthly", "False"]]


def _tier(credits, price="9.99", currency="EUR"):
    return [credits, price, currency, ["p", 1, 1, 1, 1]]


@pytest.mark.parametrize("change", [
    {"period": "weekly"},
    {"tiers": [_tier(100, "nine")]},
    {"tiers": [_tier(100, 9.99)]},                    # a float: never near money
    {"tiers": [_tier(100, "NaN")]},
    {"tiers": [_tier(100, "-1")]},
    {"tiers": [_tier(100, None)]},                    # a currency without a price
    {"tiers": [_tier(100, "9.99", None)]},            # a price without a currency
    {"tiers": [_tier(100), _tier(200, "1", "USD")]},  # two currencies
    {"tiers": [_tier(200), _tier(100)]},              # out of order
    {"tiers": [_tier(100), _tier(100)]},
    {"tiers": [_tier(0)]},
    {"tiers": [_tier(2**63)]},
    {"tools": ["voiceover"]},                         # not the tools the plan allows
    {"name": "Other"},
])
def test_decoding_refuses_plans_a_card_could_not_declare(change):
    card = _card('plan "Suite" allows all {\n    credits 100 price 9.99 EUR\n}\n')
    head, *rest = index_json.encode_lines(card.index)
    good = json.loads(head)
    assert index_json.decode_lines([json.dumps(good), *rest]).plan_details == card.index.plan_details
    data = {**good, "plan_details": [{**good["plan_details"][0], **change}]}
    with pytest.raises(index_json.Corrupt):
        index_json.decode_lines([json.dumps(data), *rest])


def test_decoding_refuses_plan_data_with_fields_missing():
    card = _card('plan "Suite" allows all\n')
    head, *rest = index_json.encode_lines(card.index)
    with pytest.raises(index_json.Corrupt):
        index_json.decode_lines([json.dumps({**json.loads(head), "plan_details": [{"name": "Suite"}]}), *rest])


# ---------------------------------------------------------------- fmt


def test_fmt_lays_out_a_plan_block_and_keeps_its_meaning():
    text = ('plan "AI Suite" allows all {\n  billed monthly\n credits 40000 | 240_000  # two\n'
            'credits 480000 price 1_299.99 USD }\n')
    out = format_text(text)
    assert out == textwrap.dedent("""\
        plan "AI Suite" allows all {
            billed  monthly
            credits 40000 | 240_000  # two
            credits 480000  price 1_299.99 USD
        }
        """)
    assert parse(out)[0] == parse(text)[0]
    assert format_text(out) == out


# ---------------------------------------------------------------- the language reference's example


def test_the_plans_example_of_the_language_reference_loads_and_is_formatted():
    """docs/language.md shows its plans as `$ cat card/plans.rules` (tests/test_docs.py holds the
    shown text to the file its setup writes): that text is a canonical, clean plans file for the
    bundled tools."""
    page = Path(__file__).resolve().parent.parent / "docs" / "language.md"
    shown = [expected for example in examples(page) for command, expected in example.commands
             if command == "cat card/plans.rules"]
    assert len(shown) == 1
    example = shown[0] + "\n"
    assert example.startswith('plan "AI Voiceover"') and "price 299.99 USD" in example
    assert format_text(example) == example
    tools = [s for s in engine.load()._sources if s.name != "plans.rules"]
    card = engine.RateCard.from_sources([*tools, Source("plans.rules", "plans.rules", example)],
                                        use_cache=False)
    assert card.warnings == ()
    assert [t.credits for t in card.plans["AI Suite"].tiers] == [40000, 240000]
    assert card.plans["AI Suite Yearly"].period is Period.YEARLY
    assert card.plans["AI Suite Yearly"].tiers == (Tier(credits=40000, price=Decimal("299.99"), currency="USD"),
                                                   Tier(credits=240000, price=Decimal("1499"), currency="USD"))
    assert card.plans["AI Voiceover"].tools == frozenset({"voiceover", "voice-clone"})


@st.composite
def plan_blocks(draw):
    """A plan block with random tiers (listed or one per line, some priced), billing, comments and spacing."""
    sp = lambda: draw(st.sampled_from([" ", "  ", "\t"]))  # noqa: E731
    figures = sorted(draw(st.sets(st.integers(1, 10**7), min_size=0, max_size=5)))
    lines = [f'plan{sp()}"P"{sp()}allows{sp()}all{sp()}{{']
    if draw(st.booleans()):
        lines.append(f"{sp()}billed{sp()}{draw(st.sampled_from(['monthly', 'yearly']))}")
    listed = draw(st.integers(0, len(figures)))
    if listed:
        lines.append(f"credits{sp()}" + f"{sp()}|{sp()}".join(map(str, figures[:listed])))
    for f in figures[listed:]:
        price = draw(st.one_of(st.none(), st.decimals(0, 10**6, places=2)))
        tail = "" if price is None else f"{sp()}price{sp()}{price}{sp()}USD"
        comment = draw(st.sampled_from(["", "  # a tier", "#x"]))
        lines.append(f"{sp()}credits{sp()}{f}{tail}{comment}")
    lines.append("}")
    return "\n".join(lines) + "\n"


@settings(max_examples=50, deadline=None)
@given(plan_blocks(), st.randoms(use_true_random=False))
def test_formatting_plan_blocks_keeps_them_and_is_stable(text, rnd):
    tree, diagnostics = parse(text)
    assert diagnostics == []
    once = format_text(text)  # refuses (FormatError) a layout that would change the syntax tree
    assert parse(once)[0] == tree
    assert format_text(once) == once
    assert format_text(_perturb(once, rnd)) == once
