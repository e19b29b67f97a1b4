"""The calculator and price-sheet pages in headless Chromium (Debian's `chromium`, driven by Playwright).

Without a chromium binary these tests skip, saying why; under CI (CI set) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the service extra (starlette) is not installed")

CHROMIUM = os.environ.get("RATECARD_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DOCS = Path(__file__).resolve().parent.parent / "docs"

def _missing() -> str | None:
    if CHROMIUM is None:
        return "no chromium binary (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


if _missing() is not None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {_missing()}", pytrace=False)
    pytest.skip(_missing(), allow_module_level=True)

import uvicorn  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from engine.service import app  # noqa: E402
from tests.seed import video_rows  # noqa: E402


@pytest.fixture(scope="module")
def server(card):
    """The app under uvicorn on a free loopback port, in a thread; its base URL."""
    yield from serving(app(card))


def serving(application):
    """Runs an ASGI application under uvicorn on a free loopback port, in a thread: yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(application, log_level="warning", access_log=False, lifespan="on")
    serving = uvicorn.Server(config)
    thread = threading.Thread(target=serving.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(2000):
        if serving.started:
            break
        threading.Event().wait(0.01)
    assert serving.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    serving.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 720})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], errors


def _settled(page):
    page.wait_for_function("() => { const r = document.getElementById('result');"
                           " return r.dataset.asked === r.dataset.answered && r.dataset.state !== 'pending'; }")


def _choose(page, select_id, value):
    page.select_option(f"#{select_id}", value=value)


def _setting(page, name, value):
    """Choose a setting; one the model offers a single value for is shown fixed, and must be that value."""
    field = page.locator(f"#param-{name}")
    if field.is_enabled():
        _choose(page, f"param-{name}", value)
    else:
        assert field.input_value() == value, (name, value)


def _open_calculator(page, server):
    page.goto(f"{server}/ui/")
    page.wait_for_selector("body[data-ready=true]")
    _settled(page)


def test_every_seed_video_price_is_what_the_calculator_shows(page, server):
    _open_calculator(page, server)
    checked = 0
    for row in video_rows():
        if page.input_value("#tool") != f'"{row.tool}"':
            _choose(page, "tool", f'"{row.tool}"')
        if page.input_value("#model") != f'"{row.model}"':
            _choose(page, "model", f'"{row.model}"')
        _setting(page, "audio", "true" if row.audio else "false")
        for res in row.resolutions:
            _setting(page, "res", str(res))
            for dur, credits in row.prices:
                _setting(page, "dur", str(dur))
                _settled(page)
                assert page.text_content("#credits") == f"{credits} credits", (row, res, dur)
                assert page.text_content("#rule").startswith("priced by ")
                checked += 1
    assert checked == 164  # every price of the seed's two video tables


def test_the_form_shows_only_the_settings_a_model_offers(page, server, card):
    _open_calculator(page, server)
    _choose(page, "tool", '"text-to-video"')
    _choose(page, "model", '"Sora 2 Pro"')
    offers = card.card.models[("text-to-video", "Sora 2 Pro")].offers
    shown = page.eval_on_selector_all("#param-dur option", "os => os.map(o => JSON.parse(o.value))")
    assert shown == list(offers["dur"])
    _choose(page, "tool", '"image-to-video"')
    taken = [m for m in card.card.models_of("image-to-video") if not hasattr(m.offers["aspect"], "type")]
    _choose(page, "model", f'"{taken[0].name}"')
    assert page.locator("#param-aspect").count() == 0  # taken from the image: no setting to choose
    _choose(page, "tool", '"voiceover"')
    assert page.locator("#model-field").is_hidden()
    assert page.locator("#param-chars").get_attribute("type") == "number"


def test_a_refused_combination_shows_the_reason(page, server, card):
    _open_calculator(page, server)
    _choose(page, "tool", '"text-to-video"')
    _choose(page, "model", '"Veo 3"')
    _choose(page, "plan", '"AI Voiceover"')
    _settled(page)
    expected = card.quote({"tool": "text-to-video", "model": "Veo 3", "audio": True, "res": 720, "dur": 4,
                           "aspect": "16:9", "plan": "AI Voiceover"})
    assert not expected.ok
    assert page.text_content("#credits") == "refused"
    assert page.text_content("#reason") == f"{expected.code}: {expected.message}"
    # a number the model does not offer, typed in
    _choose(page, "plan", "")
    _choose(page, "tool", '"voiceover"')
    page.fill("#param-chars", "0")
    _settled(page)
    refused = card.quote({"tool": "voiceover", "chars": 0})
    assert page.text_content("#reason") == f"{refused.code}: {refused.message}"
    page.fill("#param-chars", "11")
    _settled(page)
    assert page.text_content("#credits") == "2 credits"


def test_the_price_sheet_view_shows_the_seed_prices(page, server):
    page.goto(f"{server}/ui/sheet.html")
    page.wait_for_selector("#sheet[data-loaded=true]")
    cells = page.evaluate("""() => {
        const out = [];
        for (const section of document.querySelectorAll('#sheet section')) {
            const heads = [...section.querySelectorAll('thead th')].map(th => th.textContent);
            for (const tr of section.querySelectorAll('tbody tr')) {
                const cells = [...tr.children].map(td => td.textContent);
                out.push({tool: section.dataset.tool, heads, cells});
            }
        }
        return out;
    }""")
    shown = {}
    for line in cells:
        if line["tool"] not in ("text-to-video", "image-to-video"):
            continue
        head, values = line["heads"], line["cells"]
        audio, res = values[head.index("audio")] == "yes", int(values[head.index("res")])
        for h, v in zip(head, values):
            if h.startswith("dur "):
                shown[(line["tool"], values[0], audio, res, int(h[4:]))] = int(v)
    from tests.seed import video_prices

    expected = video_prices()
    assert {k: shown.get(k) for k in expected} == expected


def test_screenshots_of_both_views(page, server, tmp_path):
    """Screenshots of both views; with RATECARD_SCREENSHOTS=1 they replace docs/calculator.png and
    docs/price-sheet.png (looked at by a person before they are committed)."""
    out = DOCS if os.environ.get("RATECARD_SCREENSHOTS") == "1" else tmp_path
    _open_calculator(page, server)
    _choose(page, "tool", '"text-to-video"')
    _choose(page, "model", '"Sora 2 Pro"')
    _choose(page, "param-res", "1080")
    _choose(page, "param-dur", "12")
    _settled(page)
    page.click("details summary")
    assert page.text_content("#credits") == "11400 credits"
    page.screenshot(path=str(out / "calculator.png"))
    page.goto(f"{server}/ui/sheet.html")
    page.wait_for_selector("#sheet[data-loaded=true]")
    page.select_option("#tool", "text-to-video")
    page.wait_for_selector("#sheet[data-loaded=true] section[data-tool=text-to-video]")
    page.screenshot(path=str(out / "price-sheet.png"), full_page=True)
    assert (out / "calculator.png").stat().st_size > 0 and (out / "price-sheet.png").stat().st_size > 0
