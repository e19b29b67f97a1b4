"""Loading: a card with any error never loads, and says everything that is wrong at once."""

import shutil
import textwrap

import pytest

import engine
from engine.sources import bundled_path
from tests.bundled import sora_price


def test_bundled_card_loads_clean(card):
    assert card.warnings == ()
    assert (bundled_path() / "video.rules").is_file()


def test_one_bad_file_refuses_the_whole_folder(tmp_path):
    folder = tmp_path / "card"
    shutil.copytree(bundled_path(), folder)
    extra = folder / "zz-extra.rules"
    price = sora_price()
    extra.write_text(f'text-to-video "Sora 2 Pro" res 1080 dur 12 -> {price}\n')
    (redundant,) = engine.load(folder).warnings  # the same price twice: loads, with a warning
    assert (redundant.name, redundant.severity.value) == ("redundant", "warning")

    extra.write_text(f'text-to-video "Sora 2 Pro" res 1080 dur 12 -> {price + 600}\n')
    with pytest.raises(engine.RateCardError) as caught:
        engine.load(folder)
    (overlap,) = caught.value.diagnostics
    assert overlap.name == "overlap" and overlap.span.file == "zz-extra.rules"
    assert overlap.related[0].span.file == "video.rules"


def test_every_problem_at_once():
    text = textwrap.dedent("""\
        tool v { res 720 | 1080 }
        model v "K"
        v "K" res 900 -> 1
        v "Q" res 720 -> 1
        w "K" -> 2
    """)
    with pytest.raises(engine.RateCardError) as caught:
        engine.loads(text, name="card.rules")
    error = caught.value
    assert [d.span.line for d in error.diagnostics] == [3, 4, 5]
    assert "card.rules:3:11: error[E104 out-of-domain]" in str(error)
    assert "3 errors" in str(error)


def test_missing_and_empty_paths(tmp_path):
    with pytest.raises(engine.RateCardError, match="cannot find"):
        engine.load(tmp_path / "nope")
    with pytest.raises(engine.RateCardError, match="no .rules files"):
        engine.load(tmp_path)


def test_not_utf8(tmp_path):
    (tmp_path / "a.rules").write_bytes(b"tool \xff\n")
    with pytest.raises(engine.RateCardError, match="cannot read"):
        engine.load(tmp_path)


def test_a_card_is_shared_safely(card):
    import concurrent.futures
    request = {"tool": "text-to-video", "model": "Veo 3.1", "audio": True, "res": 720, "dur": 8}
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(card.quote, [request] * 200))
    assert {r.credits for r in results} == {4000}
