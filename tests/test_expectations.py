"""`ratecard test`: expectation files beside the rules, their reader, the runner's report and exit
codes, coverage of rules and grid cells; and the bundled rules/seed.expect held to the seed article."""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction

import pytest

import engine
from hypothesis import given
from hypothesis import strategies as st

from engine.cli import main
from engine.results import Code
from engine.review.expect import Expectation, Unreadable, read
from engine.sources import bundled_path
from tests import seed

SEED_EXPECT = bundled_path() / "seed.expect"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- the bundled expectations


def _seed_items():
    return list(read(SEED_EXPECT.read_text(encoding="utf-8"), "seed.expect"))


def test_the_bundled_expectations_are_all_readable():
    items = _seed_items()
    assert [i for i in items if isinstance(i, Unreadable)] == []
    assert len(items) > 150


def test_the_bundled_expectations_agree_with_the_seed_article():
    """Every price in seed.expect is the article's, and every row of the article's tables is there."""
    video, images = seed.video_prices(), {t: seed.image_prices(t) for t in ("text-to-image", "image-to-image")}
    clone = int(re.search(r"Voice cloning is worth (\d+) credits", seed.SEED.read_text()).group(1))
    seen_video, seen_images = set(), set()
    for e in _seed_items():
        r, tool = e.request, e.request["tool"]
        if isinstance(e.expected, Code):
            continue  # the refusals are checked below
        if tool in ("text-to-video", "image-to-video"):
            key = (tool, r["model"], r["audio"] == "yes", int(r["res"]), int(r["dur"]))
            assert video.get(key) == e.expected, e.where
            seen_video.add(key)
        elif tool in images:
            price = images[tool][r["model"]]
            assert e.expected == (price * int(r["images"]) if tool == "text-to-image" else price), e.where
            seen_images.add((tool, r["model"]))
        elif tool == "voiceover":
            chars = int(r["chars"]) if "chars" in r else len(r["text"])
            assert e.expected == math.ceil(Fraction(chars, 10)), e.where
        else:
            assert (tool, e.expected) == ("voice-clone", clone), e.where
    assert seen_video == set(video)
    assert seen_images == {(t, m) for t, prices in images.items() for m in prices}


def test_the_bundled_refusals_are_refused_by_the_seed_too():
    video = seed.video_prices()
    by_model = {(r.tool, r.model): r for r in seed.video_rows()}
    refusals = [e for e in _seed_items() if isinstance(e.expected, Code)]
    assert refusals
    for e in refusals:
        r = e.request
        if (r["tool"], r["model"]) not in by_model:
            assert e.expected is Code.UNKNOWN_MODEL
        elif "aspect" in r:
            assert by_model[(r["tool"], r["model"])].aspects is None or r["aspect"] not in by_model[
                (r["tool"], r["model"])].aspects
        else:
            key = (r["tool"], r["model"], r["audio"] == "yes", int(r["res"]), int(r["dur"]))
            assert key not in video


def test_ratecard_test_without_a_path_runs_the_bundled_expectations_and_covers_every_rule(capsys):
    code, out, _ = run(capsys, "test")
    passed = sum(isinstance(i, Expectation) for i in _seed_items())
    assert code == 0
    assert f"{passed} passed, 0 failed" in out
    assert re.search(r"coverage: (\d+) of \1 rules and grid cells exercised", out)
    assert "not exercised" not in out


# ---------------------------------------------------------------- the runner, on small cards

CARD = """\
tool clip {
    res  720 | 1080  unit "p"
    dur  4 | 8       unit "s"
}
model clip "Fast"
clip "Fast" {
    dur          4     8
    res 720  ->  100   200
    res 1080 ->  150   300
}
tool voiceover {
    chars >= 1
}
voiceover -> chars * 2
"""


@pytest.fixture
def card(tmp_path):
    (tmp_path / "card.rules").write_text(CARD)
    return tmp_path


def test_a_failure_says_where_what_was_expected_and_what_came(card, capsys):
    (card / "a.expect").write_text('clip "Fast" res 720 dur 4 -> 100\n\n# a comment\n'
                                   'clip "Fast" res=1080p dur=8s -> 301   # a typo\n')
    code, out, _ = run(capsys, "test", str(card))
    assert code == 1
    assert f"{card}/a.expect:4: FAIL clip \"Fast\" res=1080p dur=8s\n" \
           f"  expected 301 credits, got 300 credits ({card}/card.rules:9)" in out
    assert "1 passed, 1 failed" in out


def test_expectation_files_are_found_as_check_finds_rules(card, tmp_path_factory, capsys):
    # hidden folders (.git/, an editor's) are passed over, as check passes over their .rules; a linked folder is read
    (card / ".git").mkdir()
    (card / ".git" / "stale.expect").write_text('clip "Fast" res 720 dur 4 -> 999\n')
    elsewhere = tmp_path_factory.mktemp("shared")
    (elsewhere / "b.expect").write_text('clip "Fast" res 720 dur 8 -> 200\n')
    (card / "shared").symlink_to(elsewhere, target_is_directory=True)
    (card / "a.expect").write_text('clip "Fast" res 720 dur 4 -> 100\n')
    code, out, _ = run(capsys, "test", str(card))
    assert code == 0, out
    assert "stale.expect" not in out and "2 passed, 0 failed" in out, out


def test_an_expected_rejection_code(card, capsys):
    (card / "a.expect").write_text('clip "Fast" res 720 dur 6 -> unsupported\nclip "Slow" -> unknown-model\n'
                                   'clip "Fast" res 720 dur 4 -> unsupported\n')
    code, out, _ = run(capsys, "test", str(card))
    assert code == 1
    assert f"{card}/a.expect:3: FAIL" in out
    assert "expected unsupported, got 100 credits" in out
    assert "2 passed, 1 failed" in out


def test_coverage_names_each_grid_cell_and_rule_nothing_exercised(card, capsys):
    (card / "a.expect").write_text('clip "Fast" res 720 dur 4 -> 100\nclip "Fast" res 1080 dur 8 -> 300\n')
    code, out, _ = run(capsys, "test", str(card))
    assert code == 0
    assert out.splitlines()[-4:] == [
        "coverage: 2 of 5 rules and grid cells exercised",
        f"  not exercised: {card}/card.rules:8:24 Fast res 720 dur 8",
        f"  not exercised: {card}/card.rules:9:18 Fast res 1080 dur 4",
        f"  not exercised: {card}/card.rules:14:1 voiceover",
    ]


@pytest.mark.parametrize("line,column,message", [
    ('clip "Fast" res 720 dur 4', 26, "expected `->`"),
    ('clip "Fast -> 100', 6, "this quote is never closed"),
    ('clip "Fast" res -> 100', 13, "`res` needs a value"),
    ('clip "Fast" res 720 res 1080 -> 100', 21, "`res` is given twice"),
    ('clip "Fast" -> unsuported', 16, "did you mean unsupported?"),
    ('clip "Fast" -> 100 credits', 20, "one price or one rejection code"),
    ('clip "Fast" ->', 15, "the credits or a rejection code"),
    ('-> 100', 1, "the request comes before `->`"),
    ('clip "Fast" -> 1 -> 2', 18, "one `->` a line"),
    ('"Fast" clip -> 1', 1, "starts with the tool's name"),
    ('clip "Fast" res 720 "x" -> 1', 21, "a model name comes right after the tool"),
])
def test_a_line_that_is_not_an_expectation_is_named_never_a_traceback(line, column, message):
    [found] = read(line + "\n", "a.expect")
    assert isinstance(found, Unreadable), found
    assert (found.line, found.column) == (1, column)
    assert message in found.message


def test_unreadable_lines_are_reported_and_the_rest_still_run(card, capsys):
    (card / "a.expect").write_text('clip "Fast" res 720 dur 4 -> 1\nclip "Fast" dur 4 => 100\n'
                                   'voiceover chars 3 -> 6\n')
    code, out, _ = run(capsys, "test", str(card))
    assert code == 2
    assert f"{card}/a.expect:2:25: cannot read this line: expected `->`" in out
    assert f"{card}/a.expect:1: FAIL" in out
    assert "1 passed, 1 failed, 1 unreadable" in out


def test_values_are_read_as_the_request_reads_them(card, capsys):
    (card / "a.expect").write_text('clip "Fast" res "1080p" dur 8s -> 300\nvoiceover chars=3 -> 6\n')
    assert run(capsys, "test", str(card))[0] == 0


def test_json_report(card, capsys):
    (card / "a.expect").write_text('clip "Fast" res 720 dur 4 -> 101\nvoiceover -> 1 2\n')
    code, out, _ = run(capsys, "test", str(card), "--format", "json")
    report = json.loads(out)
    assert code == 2
    assert (report["passed"], report["failed"]) == (0, 1)
    assert report["failures"] == [{
        "file": f"{card}/a.expect", "line": 1,
        "request": {"tool": "clip", "model": "Fast", "res": "720", "dur": "4"},
        "expected": 101, "actual": {"ok": True, "credits": 100, "rule": f"{card}/card.rules:8",
                                    "digest": engine.load(card).digest}}]
    assert report["unreadable"][0]["line"] == 2
    assert report["coverage"]["rules"] == 5 and report["coverage"]["exercised"] == 1
    assert report["coverage"]["not_exercised"][0] == {"file": f"{card}/card.rules", "line": 8, "column": 24,
                                                      "rule": "Fast res 720 dur 8"}


def test_github_annotations(card, capsys):
    (card / "a.expect").write_text('clip "Fast" res 720 dur 4 -> unsupported\n')
    code, out, _ = run(capsys, "test", str(card), "--format", "github")
    lines = out.splitlines()
    assert code == 1
    assert lines[0] == (f"::error file={card}/a.expect,line=1,title=ratecard test::clip \"Fast\" res 720 dur 4: "
                        f"expected unsupported, got 100 credits ({card}/card.rules:8)")
    assert lines[1] == f"::notice file={card}/card.rules,line=8,col=24,title=not tested::" \
                       "no expectation exercises Fast res 720 dur 8"


def test_a_rules_file_runs_the_expectations_of_the_same_name(card, capsys):
    (card / "card.expect").write_text('voiceover chars 2 -> 4\n')
    (card / "other.expect").write_text('voiceover chars 2 -> 5\n')
    code, out, _ = run(capsys, "test", str(card / "card.rules"))
    assert (code, "1 passed, 0 failed" in out) == (0, True)
    code, out, _ = run(capsys, "test", str(card / "other.expect"))
    assert (code, "0 passed, 1 failed" in out) == (1, True)


def test_rules_option_names_the_card_for_expectations_elsewhere(card, tmp_path_factory, capsys):
    elsewhere = tmp_path_factory.mktemp("expectations")
    (elsewhere / "a.expect").write_text('voiceover chars 2 -> 4\n')
    assert run(capsys, "test", str(elsewhere), "--rules", str(card))[0] == 0


def test_nothing_to_run_or_a_broken_card_is_a_usage_error(card, tmp_path_factory, capsys):
    code, _, err = run(capsys, "test", str(card))
    assert (code, err) == (2, f"ratecard: there are no .expect files for {card}\n")
    code, _, err = run(capsys, "test", str(card / "missing"))
    assert (code, err) == (2, f"ratecard: cannot find {card}/missing\n")
    broken = tmp_path_factory.mktemp("broken")
    (broken / "a.rules").write_text("tool t\nt -> 0 0\n")
    (broken / "a.expect").write_text("t -> 1\n")
    code, _, err = run(capsys, "test", str(broken))
    assert code == 2 and err.startswith("ratecard: cannot load the rate card")


@given(st.text(alphabet=st.sampled_from(list('ab1 \t"=->#\r\nx-yé')), max_size=60))
def test_any_text_reads_as_expectations_or_unreadable_lines(text):
    items = list(read(text, "a.expect"))
    assert all(isinstance(i, (Expectation, Unreadable)) for i in items)
    lines = text.split("\n")
    for item in items:
        assert 1 <= item.line <= len(lines)
        if isinstance(item, Unreadable):
            assert 1 <= item.column <= len(lines[item.line - 1]) + 1
