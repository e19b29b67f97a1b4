"""`ratecard diff`: a price-level diff, blind to rewrites that keep prices, exact about changes."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine.cli import main
from engine.review.diff import Kind, compare, percent, render_text
from tests.bundled import FROZEN_CARD

RULES = FROZEN_CARD


@pytest.fixture(scope="module")
def card():
    """The card the edits below start from: a fixed copy, so these tests do not follow price changes."""
    return engine.load(RULES)

SORA_GRID = '''video "Sora 2 Pro" {
    dur            4      8      12
    res 720    ->  2600   5200   7800
    res 1080   ->  3800   7600   11400
}'''


@pytest.fixture()
def copy(tmp_path):
    """A copy of the bundled rules and a way to edit one of its files."""
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)

    def edit(name, old, new):
        path = folder / name
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))
        return folder

    return folder, edit


def test_a_grid_rewritten_as_an_equal_formula_is_no_change(card, copy):
    folder, edit = copy
    edit("video.rules", SORA_GRID, 'video "Sora 2 Pro" res 720 -> 650 * dur\n'
                                   'video "Sora 2 Pro" res 1080 -> 950 * dur')
    diff = compare(card, engine.load(folder))
    assert diff.same and diff.compared == 252


def test_a_moved_price_shows_exactly_the_combinations_it_prices(card, copy):
    folder, edit = copy
    edit("video.rules", "res 1080   ->  3800   7600   11400", "res 1080   ->  3800   7600   12000")
    diff = compare(card, engine.load(folder))
    # Sora 2 Pro is priced once for both video tools: two combinations move
    assert [(c.kind, c.tool, c.model, dict(c.params)) for c in diff.changes] == [
        (Kind.REPRICED, "text-to-video", "Sora 2 Pro", {"audio": True, "res": 1080, "dur": 12}),
        (Kind.REPRICED, "image-to-video", "Sora 2 Pro", {"audio": True, "res": 1080, "dur": 12}),
    ]


def test_a_new_limit_on_an_unbounded_parameter_is_seen(card, copy):
    folder, edit = copy
    edit("voiceover.rules", "voiceover chars / 10",
         'voiceover chars 1..5000 -> chars / 10\nvoiceover chars > 5000 -> reject "at most 5000 characters"')
    diff = compare(card, engine.load(folder))
    assert [(c.kind, dict(c.params), c.old.credits, c.new.credits) for c in diff.changes] == [
        (Kind.REFUSED, {"chars": 5001}, 501, None)]
    # and the other way round, the old card's boundary is sampled in the new one
    back = compare(engine.load(folder), card)
    assert [(c.kind, dict(c.params)) for c in back.changes] == [(Kind.PRICED, {"chars": 5001})]


def test_added_and_removed_combinations(card, copy):
    folder, edit = copy
    edit("video.rules", '''model video "Sora 2" {
    audio   yes
    res     720
    dur     4 | 8 | 12''', '''model video "Sora 2" {
    audio   yes
    res     720
    dur     4 | 8''')
    edit("video.rules", '''    dur            4      8      12
    res 720    ->  800    1600   2400''', '''    dur            4      8
    res 720    ->  800    1600''')
    diff = compare(card, engine.load(folder))
    assert {(c.kind, c.tool, dict(c.params)["dur"]) for c in diff.changes} == {
        (Kind.REMOVED, "text-to-video", 12), (Kind.REMOVED, "image-to-video", 12)}


def test_percent_is_exact_to_the_tenth():
    assert percent(11400, 12000) == "+5.3%"
    assert percent(800, 600) == "-25.0%"
    assert percent(3, 2) == "-33.3%"


def test_text_output(card, copy, snapshot):
    folder, edit = copy
    edit("video.rules", "res 1080   ->  3800   7600   11400", "res 1080   ->  3800   7000   12000")
    edit("voiceover.rules", "voiceover chars / 10",
         'voiceover chars 1..5000 -> chars / 10\nvoiceover chars > 5000 -> reject "at most 5000 characters"')
    assert render_text(compare(card, engine.load(folder))) == snapshot


def test_cli_exit_codes_and_json(copy, capsys):
    folder, edit = copy
    assert main(["diff", str(RULES), str(folder)]) == 0
    assert "no price changes" in capsys.readouterr().out
    edit("image-to-image.rules", '"Flux Kontext"         -> 200', '"Flux Kontext"         -> 250')
    assert main(["diff", str(RULES), str(folder), "--format", "json"]) == 1
    changes = json.loads(capsys.readouterr().out)
    assert changes == [{"kind": "repriced", "tool": "image-to-image", "model": "Flux Kontext",
                        "params": {"inputs": n}, "old": 200, "new": 250} for n in (1, 2, 3)]
    assert main(["diff", str(RULES), str(folder), "--format", "md"]) == 1
    md = capsys.readouterr().out
    assert md.startswith("**Price changes**: 3 combinations changed: 3 repriced")
    assert "| inputs 1 | 200 | 250 | +50 (+25.0%) |" in md


def test_cli_bad_card_and_bad_path_exit_2(copy, capsys):
    folder, edit = copy
    edit("image-to-image.rules", '"Flux Kontext"         -> 200', '"Flux Kontext"         -> ')
    assert main(["diff", str(RULES), str(folder)]) == 2
    err = capsys.readouterr().err
    assert "cannot load" in err and "error[E001 syntax]" in err
    assert main(["diff", str(RULES), str(folder / "nope")]) == 2
    assert "cannot find" in capsys.readouterr().err


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_old_side_from_git(copy, monkeypatch, capsys):
    folder, edit = copy
    repo = folder.parent
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "base")
    edit("text-to-image.rules", '"Flux Pro Ultra"       -> 120 * images', '"Flux Pro Ultra"       -> 125 * images')
    monkeypatch.chdir(repo)
    assert main(["diff", "HEAD:rules", "rules"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == 'text-to-image "Flux Pro Ultra"'
    assert out.splitlines()[1].split() == ["images", "1", "120", "->", "125", "+5", "(+4.2%)"]
    assert out.splitlines()[-1] == "6 combinations changed: 6 repriced (252 compared)"
    monkeypatch.chdir(folder)
    assert main(["diff", "HEAD:text-to-image.rules", "text-to-image.rules"]) == 1
    capsys.readouterr()
    assert main(["diff", "no-such-rev:rules", "."]) == 2
    assert "no revision 'no-such-rev'" in capsys.readouterr().err


def test_a_revision_is_read_as_check_reads_a_folder(copy, monkeypatch, capsys):
    # a .rules file in a hidden folder is no part of the card on disk, so none of the card at a revision
    folder, _ = copy
    repo = folder.parent
    (folder / ".old").mkdir()
    (folder / ".old" / "draft.rules").write_text("this is not a card\n")
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "base")
    monkeypatch.chdir(repo)
    assert main(["check", "--rules", "rules"]) == 0
    capsys.readouterr()
    assert main(["diff", "HEAD:rules", "rules"]) == 0, capsys.readouterr().err


def test_outside_a_repository_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["diff", "main:rules", str(RULES)]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


def test_smoke_subprocess():
    done = subprocess.run([sys.executable, "-m", "engine.cli", "diff", str(RULES), str(RULES)],
                          capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("no price changes")
