"""Reloads without a wrong price: a changed card is swapped in only when clean, and every response is
priced and labelled by one card."""

from __future__ import annotations

import threading
import time

import pytest

pytest.importorskip("starlette", reason="the service extra (starlette) is not installed")

from starlette.testclient import TestClient  # noqa: E402

import engine  # noqa: E402
from engine.service import Settings, app  # noqa: E402
from engine.service.live import Live  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CARD = "round up\ntool voiceover {{\n    chars >= 1\n}}\nvoiceover chars / {per}\n"
VOICE = {"tool": "voiceover", "chars": 100}


@pytest.fixture
def rules(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "voice.rules").write_text(CARD.format(per=10))
    return folder


def _write(folder, text):
    (folder / "voice.rules").write_text(text)


def test_a_changed_clean_card_is_swapped_in_with_its_digest(rules):
    live = Live(engine.load(rules), rules)
    first = live.current
    assert live.check() is False  # nothing changed
    _write(rules, CARD.format(per=5))
    assert live.check() is True
    assert live.current.version == 2 and live.current.digest != first.digest
    assert live.current.card.quote(VOICE).credits == 20
    assert first.card.quote(VOICE).credits == 10  # the old card is untouched


def test_a_card_with_errors_is_not_swapped_in_and_health_says_why(rules):
    service = app(rules=rules, settings=Settings(reload_interval=0))
    live = service.state.live
    with TestClient(service) as c:
        before = c.get("/card").json()
        _write(rules, CARD.format(per=10) + "voiceover chars / 0 -> oops\n")
        assert live.check() is False
        response = c.post("/quote", json=VOICE)
        assert response.json()["credits"] == 10
        assert response.headers["Ratecard-Digest"] == before["digest"]
        health = c.get("/health").json()
        assert health["ok"] is True and health["digest"] == before["digest"]
        assert health["reload"]["diagnostics"], health
        assert health["reload"]["diagnostics"][0]["severity"] == "error"
        # fixed: swapped in, and health no longer reports the refused card
        _write(rules, CARD.format(per=2))
        assert live.check() is True
        assert c.post("/quote", json=VOICE).json()["credits"] == 50
        assert c.get("/health").json()["reload"] is None
        assert c.get("/card").json()["version"] == 2


def test_a_deleted_card_keeps_the_old_one_serving(rules):
    live = Live(engine.load(rules), rules)
    (rules / "voice.rules").unlink()
    assert live.check() is False
    assert live.current.card.quote(VOICE).credits == 10
    assert live.refused is not None and live.refused.diagnostics


def test_the_server_watches_its_rules_in_the_background(rules):
    service = app(rules=rules, settings=Settings(reload_interval=0.02))
    with TestClient(service) as c:
        assert c.post("/quote", json=VOICE).json()["credits"] == 10
        _write(rules, CARD.format(per=4))
        for _ in range(500):  # wait (at most ~10 s) for the watcher; how fast it is is not asserted
            if c.get("/card").json()["version"] == 2:
                break
            time.sleep(0.02)
        assert c.post("/quote", json=VOICE).json()["credits"] == 25


def test_no_watching_without_rules_or_with_interval_zero(rules, card):
    service = app(rules=rules, settings=Settings(reload_interval=0))
    with TestClient(service) as c:
        _write(rules, CARD.format(per=4))
        time.sleep(0.1)
        assert c.get("/card").json()["version"] == 1


def test_every_response_is_priced_by_the_card_its_digest_names(rules):
    """Cards swap back and forth while quotes go on; each answer must be the price of the card it names."""
    a, b = CARD.format(per=10), CARD.format(per=1)
    price = {engine.loads(a, "voice.rules").digest: 10, engine.loads(b, "voice.rules").digest: 100}
    service = app(rules=rules, settings=Settings(reload_interval=0))
    live = service.state.live
    assert live.current.digest in price
    stop = threading.Event()
    swaps = []

    def swapper():
        flip = False
        while not stop.is_set():
            flip = not flip
            _write(rules, b if flip else a)
            swaps.append(live.check())

    seen = set()
    with TestClient(service) as c:
        thread = threading.Thread(target=swapper)
        thread.start()
        try:
            for _ in range(300):
                for response in (c.post("/quote", json=VOICE),
                                 c.post("/quote/batch", json=[VOICE, VOICE])):
                    digest = response.headers["Ratecard-Digest"]
                    body = response.json()
                    credits = [r["credits"] for r in body] if isinstance(body, list) else [body["credits"]]
                    assert credits == [price[digest]] * len(credits)
                    seen.add(digest)
        finally:
            stop.set()
            thread.join()
    assert sum(swaps) >= 2 and len(seen) == 2, "the cards did not swap while quoting"
