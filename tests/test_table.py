"""`ratecard table`: the complete price sheet of the bundled card, pinned, in every format."""

import csv
import io
import json

import engine
from engine.cli import main
from engine.review.table import Format, render, text
from engine.sheet import price_sheet
from tests.bundled import FROZEN_CARD


def test_the_bundled_card_complete_price_sheet(card, snapshot):
    assert text(card) == snapshot


def test_markdown_for_one_model(snapshot):
    card = engine.load(FROZEN_CARD)  # a fixed copy: this pins the Markdown layout, not today's prices
    assert render(card, Format.MD, tool="text-to-video", model="Sora 2 Pro") == snapshot


def test_every_combination_is_in_the_table_once(card):
    rows = price_sheet(card)
    table = json.loads(render(card, Format.JSON))
    assert len(table) == len(rows)
    keys = {(o["tool"], o["model"], tuple((k, v) for k, v in o.items()
                                          if k not in ("tool", "model", "credits", "reason"))) for o in table}
    assert keys == {(r.tool, r.model, r.params) for r in rows}


def test_json_rows_carry_credits_or_reason():
    import engine
    card = engine.load("tests/cases/valid/formulas.rules")
    table = json.loads(render(card, Format.JSON))
    assert {"tool": "narration", "model": None, "chars": 11, "voices": 2, "credits": 4} in table
    refused = [o for o in table if "reason" in o]
    assert [o["chars"] for o in refused] == [5001, 5001, 5001]
    assert all("credits" not in o and "5000 characters" in o["reason"] for o in refused)


def test_csv_has_one_column_per_parameter():
    card = engine.load(FROZEN_CARD)
    rows = list(csv.DictReader(io.StringIO(render(card, Format.CSV, tool="text-to-video"))))
    sora = [r for r in rows if r["model"] == "Sora 2 Pro" and r["res"] == "1080" and r["dur"] == "12"]
    assert sora == [{"tool": "text-to-video", "model": "Sora 2 Pro", "audio": "yes", "res": "1080",
                     "dur": "12", "credits": "11400", "reason": ""}]


def test_cli_table_filters_by_tool_and_alias(capsys):
    assert main(["table", "--tool", "text-to-image", "--model", "GPT Image1.5 High"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "text-to-image"
    assert "GPT Image 1.5 High" in out and "Flux" not in out
    assert "600000" in out  # 1000 images


def test_cli_table_unknown_tool_is_a_usage_error(capsys):
    assert main(["table", "--tool", "text-to-vidoe"]) == 2
    assert "no tool" in capsys.readouterr().err


def test_the_video_grids_are_the_seed_tables(card):
    """Every cell of the video grids is the seed's price for that model, audio, resolution and duration."""
    from engine.review.table import grids
    from tests import seed

    prices = seed.video_prices()
    seen = 0
    for grid in grids(card):
        if not grid.tool.endswith("-to-video"):
            continue
        assert (grid.down, grid.across) == (("audio", "res"), "dur")
        for line in grid.lines:
            audio, res = line.labels
            for dur, row in zip(grid.columns, line.cells):
                assert row.credits == prices[(grid.tool, line.model, audio, res, dur)]
                seen += 1
    assert seen == len(prices)


def test_refused_cells_in_markdown_and_csv(snapshot):
    import engine
    card = engine.load("tests/cases/valid/formulas.rules")
    assert render(card, Format.MD) == snapshot
    last = list(csv.DictReader(io.StringIO(render(card, Format.CSV))))[-1]
    assert last == {"tool": "narration", "model": "", "chars": "5001", "voices": "3", "credits": "",
                    "reason": "rejected: narrations are limited to 5000 characters"}
