"""The calculator and the price sheet for a card whose prices depend on a parameter left out and
on the plan (tests/cases/real/): the form can leave a setting unset, and the sheet shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_service_browser import _choose, _open_calculator, _settled, browser, page, serving  # noqa: F401

import engine  # noqa: E402
from engine.service import app  # noqa: E402

REAL = Path(__file__).resolve().parent / "cases" / "real"


@pytest.fixture(scope="module")
def video():
    return engine.load(REAL / "video-per-second", use_cache=False)


@pytest.fixture(scope="module")
def server(video):
    yield from serving(app(video))


def test_a_duration_may_be_left_unset_in_the_form(page, server, video):  # noqa: F811
    _open_calculator(page, server)
    _choose(page, "tool", '"text-to-video"')
    _choose(page, "model", '"Vidu Q1"')
    _choose(page, "param-res", "720")
    _settled(page)
    assert page.input_value("#param-dur") == ""  # no length of its own: left out, and priced so
    expected = video.quote({"tool": "text-to-video", "model": "Vidu Q1", "res": 720, "audio": False})
    assert page.text_content("#credits") == f"{expected.credits} credits" == "200 credits"
    _choose(page, "param-dur", "8")
    _settled(page)
    assert page.text_content("#credits") == "320 credits"
    _choose(page, "model", '"Hailuo 02"')  # a model that needs a length offers no empty choice
    _settled(page)
    assert page.eval_on_selector_all("#param-dur option", "os => os.map(o => o.value)") == ["6", "10"]


def test_the_sheet_shows_unset_as_a_value(page, server):  # noqa: F811
    page.goto(f"{server}/ui/sheet.html")
    page.wait_for_selector("#sheet[data-loaded=true]")
    heads = page.eval_on_selector_all("#sheet section thead th", "ths => ths.map(th => th.textContent)")
    labels = page.eval_on_selector_all("#sheet section tbody td", "tds => tds.map(td => td.textContent)")
    assert "dur unset" in heads or "unset" in labels
    assert "null" not in heads and "null" not in labels
