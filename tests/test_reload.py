"""engine.CardHolder: a service swaps to a changed card whole, and never to a broken one."""

from __future__ import annotations

import threading

import pytest

import engine

VOICE = "round up\ntool voiceover { chars >= 1 }\nvoiceover chars / {}\n"
REQUEST = {"tool": "voiceover", "chars": 1000}


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "voice.rules").write_text(VOICE.replace("{}", "10"))
    return tmp_path


def _write(folder, text):
    """As an editor or a deploy should: write aside, then rename over (the file is never half written)."""
    (folder / "voice.rules.tmp").write_text(text)
    (folder / "voice.rules.tmp").replace(folder / "voice.rules")


def test_a_changed_card_is_swapped_in_whole(folder):
    holder = engine.CardHolder(folder, use_cache=False)
    first = holder.card
    assert holder.reload() is False and holder.card is first  # nothing changed
    _write(folder, VOICE.replace("{}", "20"))
    assert holder.reload() is True and holder.version == 2 and holder.error is None
    result = holder.card.quote(REQUEST)
    assert result.credits == 50 and result.digest == holder.card.digest != first.digest
    assert first.quote(REQUEST).credits == 100  # a request that took the old card finishes with it


def test_a_broken_change_keeps_the_old_card_until_it_is_fixed(folder):
    holder = engine.CardHolder(folder, use_cache=False)
    first = holder.card
    _write(folder, VOICE.replace("{}", "10").replace("->", "=>") + "voiceover chars /\n")
    assert holder.reload() is False and holder.card is first and holder.version == 1
    assert isinstance(holder.error, engine.RateCardError) and holder.error.diagnostics
    assert holder.reload() is False  # the same broken text is not loaded again
    _write(folder, VOICE.replace("{}", "5"))
    assert holder.reload() is True and holder.error is None and holder.card.quote(REQUEST).credits == 200


def test_a_deleted_card_keeps_serving(folder):
    holder = engine.CardHolder(folder, use_cache=False)
    (folder / "voice.rules").unlink()
    assert holder.reload() is False and holder.error is not None
    assert holder.card.quote(REQUEST).credits == 100


def test_readers_during_reloads_see_one_whole_card_or_the_other(folder):
    holder = engine.CardHolder(folder, use_cache=False)
    texts = {n: VOICE.replace("{}", str(n)) for n in (10, 20)}
    prices = {engine.loads(t, "voice.rules").digest: 1000 // n for n, t in texts.items()}
    seen, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            card = holder.card
            result = card.quote(REQUEST)
            seen.append((result.digest, result.credits, card.digest))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(12):
            _write(folder, texts[20 if i % 2 == 0 else 10])
            assert holder.reload() is True
    finally:
        stop.set()
        reader.join()
    assert seen and {digest for digest, _, _ in seen} <= set(prices)
    assert all(credits == prices[digest] and digest == card for digest, credits, card in seen)


def test_watch_reloads_in_the_background(folder):
    swapped = threading.Event()
    holder = engine.CardHolder(folder, use_cache=False, on_swap=lambda card: swapped.set())
    thread = holder.watch(interval=0.05)
    try:
        _write(folder, VOICE.replace("{}", "25"))
        assert swapped.wait(timeout=60)
        assert holder.card.quote(REQUEST).credits == 40
    finally:
        holder.stop()
        thread.join(timeout=60)
    assert not thread.is_alive()
