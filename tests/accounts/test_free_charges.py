"""A price of nothing (`-> free`) on an account: a charge or hold of 0 credits succeeds, even with
nothing left to spend, is written to the history as 0, and keeps every invariant (both stores)."""

from __future__ import annotations

import pytest

import engine
from engine import accounts
from tests.accounts.conftest import T0

CARD = '''\
plan "Pro" allows all {
    credits 100
}
tool feature { n >= 1 }
model feature "Upscale"
model feature "Render"
feature "Upscale" -> free
feature "Render" -> 100 * n
'''
FREE = {"tool": "feature", "model": "Upscale", "n": 1}
ALL = {"tool": "feature", "model": "Render", "n": 1}  # the whole allowance


@pytest.fixture
def pro(url):
    with accounts.open(url, card=engine.loads(CARD, "free.rules")) as book:
        book.subscribe("acme", plan="Pro", credits=100, start=T0)
        assert book.charge("acme", ALL, op="spend-all", at=T0).credits == 100
        yield book


def test_a_free_charge_succeeds_with_nothing_left_and_is_recorded_as_zero(pro):
    charged = pro.charge("acme", FREE, op="free-1", at=T0)
    assert (charged.credits, charged.rule, charged.released) == (0, "free.rules:7", 0)
    last = pro.history("acme")[-1]
    assert (last.kind, last.credits, last.op) == (accounts.EntryKind.CHARGE, 0, "free-1")
    b = pro.balance("acme", at=T0)
    assert (b.spent, b.held, b.available) == (100, 0, 0)
    assert pro.charge("acme", FREE, op="free-1", at=T0) == charged  # the same op: answered, not written again
    assert len(pro.history("acme")) == 4
    assert pro.verify() == []


def test_a_free_hold_is_captured_or_released_as_zero(pro):
    held = pro.hold("acme", FREE, op="h-1", at=T0)
    assert held.credits == 0
    captured = pro.capture(held.id, op="h-1-done", at=T0)
    assert (captured.credits, captured.released) == (0, 0)
    again = pro.hold("acme", FREE, op="h-2", at=T0)
    assert pro.release(again.id, op="h-2-failed", at=T0).credits == 0
    kinds = [(e.kind.value, e.credits) for e in pro.history("acme")[3:]]
    assert kinds == [("hold", 0), ("capture", 0), ("hold", 0), ("release", 0)]
    assert pro.balance("acme", at=T0).available == 0
    assert pro.verify() == []


def test_a_priced_request_is_still_refused_when_nothing_is_left(pro):
    assert pro.charge("acme", ALL, op="more", at=T0).code == "insufficient-credits"
