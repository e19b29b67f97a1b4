"""The accounts' behaviour, the FAQ's sentences one by one, on both stores (the conformance suite)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from engine import accounts
from engine.accounts import AccountError, EntryKind
from tests.accounts.conftest import CHEAP, SORA, T0


def test_a_subscription_grants_its_allowance_for_the_cycle(acme):
    b = acme.balance("acme", at=T0 + timedelta(days=1))
    assert (b.plan, b.credits, b.granted, b.spent, b.held, b.available) == ("AI Suite", 40000, 40000, 0, 0, 40000)
    assert (b.cycle_start, b.cycle_end) == (T0, T0.replace(month=2, day=28))


def test_a_charge_deducts_the_cards_price(acme, card):
    charged = acme.charge("acme", SORA, op="gen-1", at=T0)
    assert charged.credits == card.quote(SORA).credits == 11400
    assert charged.rule == card.quote(SORA).rule and charged.digest == card.digest
    assert acme.balance("acme", at=T0).available == 40000 - 11400


def test_unused_credits_do_not_roll_over(acme):
    acme.charge("acme", SORA, op="gen-1", at=T0)
    renewed = acme.balance("acme", at=T0.replace(month=2, day=28))
    assert (renewed.granted, renewed.spent, renewed.available) == (40000, 0, 40000)
    expiry = [e for e in acme.history("acme") if e.kind is EntryKind.EXPIRY]
    assert [(e.credits, e.cycle) for e in expiry] == [(40000 - 11400, 0)]


def test_a_start_on_the_31st_ends_on_short_months_last_day_and_comes_back(acme):
    ends = []
    at = T0
    for _ in range(4):
        b = acme.balance("acme", at=at)
        ends.append(b.cycle_end.date().isoformat())
        at = b.cycle_end
    assert ends == ["2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]


def test_a_cycles_grant_is_written_once_however_many_read_it(url, card, acme):
    renewal = T0.replace(month=2, day=28)
    with accounts.open(url, card=card) as other:
        for reader in (acme, other, acme, other):
            assert reader.balance("acme", at=renewal).granted == 40000
    grants = [e for e in acme.history("acme") if e.kind is EntryKind.GRANT]
    assert [e.cycle for e in grants] == [0, 1]


def test_a_hold_reserves_and_a_capture_spends_without_repricing(acme):
    held = acme.hold("acme", SORA, op="gen-1", at=T0)
    b = acme.balance("acme", at=T0)
    assert (b.held, b.available) == (11400, 40000 - 11400)
    done = acme.capture(held.id, op="gen-1-done", at=T0 + timedelta(minutes=5))
    assert (done.credits, done.rule, done.digest) == (held.credits, held.rule, held.digest)
    b = acme.balance("acme", at=T0 + timedelta(minutes=5))
    assert (b.held, b.spent, b.available) == (0, 11400, 40000 - 11400)


def test_a_capture_never_reprices_even_with_another_card(url, acme, tmp_path):
    held = acme.hold("acme", SORA, op="gen-1", at=T0)
    dearer = _card_with(tmp_path, "11400", "22800")
    assert dearer.quote(SORA).credits == 22800 and dearer.digest != held.digest
    with accounts.open(url, card=dearer) as other:
        done = other.capture(held.id, op="gen-1-done", at=T0)
    assert (done.credits, done.digest) == (11400, held.digest)


def _card_with(folder, old: str, new: str):
    """The bundled card with one price changed."""
    import shutil

    import engine
    from engine.sources import bundled_path

    shutil.copytree(bundled_path(), folder / "rules")
    video = folder / "rules" / "video.rules"
    video.write_text(video.read_text().replace(old, new))
    return engine.load(folder / "rules", use_cache=False)


def test_a_release_gives_the_hold_back(acme):
    held = acme.hold("acme", SORA, op="gen-1", at=T0)
    released = acme.release(held.id, op="gen-1-failed", at=T0)
    assert released.credits == 11400
    assert acme.balance("acme", at=T0).available == 40000


def test_a_partial_capture_spends_part_and_releases_the_rest(acme):
    held = acme.hold("acme", SORA, op="gen-1", at=T0)
    done = acme.capture(held.id, op="gen-1-done", credits=4000, at=T0)
    assert (done.credits, done.released) == (4000, 7400)
    b = acme.balance("acme", at=T0)
    assert (b.spent, b.held, b.available) == (4000, 0, 36000)


def test_an_expired_hold_never_counts_as_held(acme):
    acme.hold("acme", SORA, op="gen-1", at=T0, ttl=timedelta(minutes=10))
    assert acme.balance("acme", at=T0 + timedelta(minutes=9)).held == 11400
    b = acme.balance("acme", at=T0 + timedelta(minutes=10))
    assert (b.held, b.available) == (0, 40000)
    assert [e.kind for e in acme.history("acme")][-1] is EntryKind.HOLD_EXPIRY


def test_a_hold_lasts_an_hour_by_default_and_never_past_its_cycle(acme):
    assert acme.hold("acme", CHEAP, op="h1", at=T0).expires == T0 + accounts.DEFAULT_TTL
    late = T0.replace(month=2, day=28) - timedelta(minutes=1)
    assert acme.hold("acme", CHEAP, op="h2", at=late, ttl=timedelta(days=2)).expires == T0.replace(month=2, day=28)


def test_a_charge_that_does_not_fit_is_refused_and_says_why(acme):
    for n in range(3):
        assert acme.charge("acme", SORA, op=f"gen-{n}", at=T0).ok
    refused = acme.charge("acme", SORA, op="gen-3", at=T0)
    assert not refused.ok and refused.code == "insufficient-credits"
    assert "11,400" in refused.message and "5,800" in refused.message
    assert "2026-02-28" in refused.message and "upgrad" in refused.message
    assert acme.balance("acme", at=T0).available == 40000 - 3 * 11400


def test_a_hold_that_does_not_fit_is_refused(acme):
    for n in range(3):
        acme.hold("acme", SORA, op=f"gen-{n}", at=T0)
    assert acme.hold("acme", SORA, op="gen-3", at=T0).code == "insufficient-credits"


def test_a_plan_allows_only_its_tools(priced, priced_card):
    priced.subscribe("voice", plan="AI Voiceover", credits=40000, start=T0)
    refused = priced.charge("voice", SORA, op="v-1", at=T0)
    assert refused == priced_card.quote({**SORA, "plan": "AI Voiceover"})
    assert (refused.code, refused.param) == ("rejected", "plan")
    assert priced.charge("voice", CHEAP, op="v-2", at=T0).ok


def test_a_plan_without_tiers_cannot_be_subscribed_to(book):
    with pytest.raises(AccountError) as err:
        book.subscribe("voice", plan="AI Voiceover", credits=40000, start=T0)
    assert err.value.code == "bad-credits" and "no credit tiers" in err.value.message


def test_only_a_tier_the_plan_declares_can_be_bought(book):
    with pytest.raises(AccountError) as err:
        book.subscribe("acme", plan="AI Suite", credits=50000, start=T0)
    assert err.value.code == "bad-credits" and "40,000 or 240,000" in err.value.message


def test_pricing_rejections_come_back_unchanged(acme, card):
    bad = {**SORA, "dur": 7}
    assert acme.charge("acme", bad, op="gen-1", at=T0) == card.quote({**bad, "plan": "AI Suite"})
    assert acme.charge("acme", "not a mapping", op="gen-2", at=T0).code == "invalid-request"


def test_unknown_accounts_are_rejected(book):
    for result in (book.charge("nobody", SORA, op="x", at=T0), book.hold("nobody", SORA, op="y", at=T0),
                   book.balance("nobody", at=T0), book.history("nobody"),
                   book.change_plan("nobody", plan="AI Suite", credits=240000, op="z", at=T0)):
        assert (result.ok, result.code, result.param) == (False, "unknown-account", "account")


def test_an_upgrade_adds_the_difference_now_keeps_spent_and_the_renewal_date(acme):
    acme.charge("acme", SORA, op="gen-1", at=T0)
    mid = T0 + timedelta(days=7)   # 7 of February's cycle's 28 days gone
    change = acme.change_plan("acme", plan="AI Suite", credits=240000, op="up", at=mid)
    assert (change.immediate, change.added, change.effective) == (True, 200000, mid)
    assert change.fraction_left == Fraction(21, 28)
    b = acme.balance("acme", at=mid)
    assert (b.credits, b.granted, b.spent, b.available) == (240000, 240000, 11400, 240000 - 11400)
    assert b.cycle_end == T0.replace(month=2, day=28)
    renewed = acme.balance("acme", at=b.cycle_end)
    assert (renewed.granted, renewed.spent, renewed.available) == (240000, 0, 240000)


def test_a_downgrade_waits_for_the_renewal(acme):
    acme.change_plan("acme", plan="AI Suite", credits=240000, op="up", at=T0)
    change = acme.change_plan("acme", plan="AI Suite", credits=40000, op="down", at=T0 + timedelta(days=3))
    renewal = T0.replace(month=2, day=28)
    assert (change.immediate, change.added, change.effective) == (False, 0, renewal)
    b = acme.balance("acme", at=T0 + timedelta(days=3))
    assert (b.credits, b.granted, b.next_credits, b.next_change) == (240000, 240000, 40000, renewal)
    after = acme.balance("acme", at=renewal)
    assert (after.credits, after.granted, after.next_credits) == (40000, 40000, None)


def test_an_upgrade_cancels_a_waiting_downgrade(acme):
    acme.change_plan("acme", plan="AI Suite", credits=240000, op="up", at=T0)
    acme.change_plan("acme", plan="AI Suite", credits=40000, op="down", at=T0)
    acme.change_plan("acme", plan="AI Suite", credits=240000, op="stay", at=T0)
    assert acme.balance("acme", at=T0.replace(month=2, day=28)).credits == 240000


def test_a_plan_of_another_name_takes_its_tools(priced):
    priced.subscribe("v", plan="AI Voiceover", credits=40000, start=T0)
    assert priced.charge("v", SORA, op="1", at=T0).code == "rejected"
    change = priced.change_plan("v", plan="AI Suite", credits=40000, op="2", at=T0)
    assert (change.immediate, change.added) == (True, 0)
    assert priced.charge("v", SORA, op="3", at=T0).ok


def test_an_upgrade_between_priced_tiers_says_the_pro_rata_amount(priced):
    priced.subscribe("acme", plan="AI Suite", credits=40000, start=T0)
    change = priced.change_plan("acme", plan="AI Suite", credits=240000, op="up", at=T0 + timedelta(days=7))
    assert (change.fraction_left, change.prorata, change.currency) == (Fraction(3, 4), Decimal("15.00"), "USD")
    assert priced.change_plan("acme", plan="AI Suite", credits=40000, op="down", at=T0).prorata is None


def test_a_yearly_plan_grants_monthly_and_bills_by_the_year(priced):
    priced.subscribe("y", plan="AI Suite Yearly", credits=40000, start=T0)
    spent = priced.charge("y", SORA, op="1", at=T0)
    march = priced.balance("y", at=T0.replace(month=3, day=31))
    assert (march.granted, march.spent, march.cycle_end.date().isoformat()) == (40000, 0, "2026-04-30")
    assert spent.ok
    # 2 of the year's 12 cycles gone, 10 to come: the year from 2026-01-31 to 2027-01-31 is 365 days,
    # of which 2026-03-31 .. 2027-01-31 is 306
    change = priced.change_plan("y", plan="AI Suite Yearly", credits=240000, op="up", at=T0.replace(month=3, day=31))
    assert (change.added, change.fraction_left) == (200000, Fraction(306, 365))
    assert change.prorata == Decimal("167.67")   # 200.00 x 306/365 = 167.671...
    down = priced.change_plan("y", plan="AI Suite Yearly", credits=40000, op="down", at=T0.replace(month=4, day=5))
    assert down.effective == T0.replace(year=2027, month=1)
    assert priced.balance("y", at=T0.replace(month=12, day=31)).credits == 240000
    assert priced.balance("y", at=T0.replace(year=2027, month=1)).credits == 40000


def test_nothing_gives_captured_credits_back_but_an_adjustment_is_recorded(acme):
    done = acme.charge("acme", SORA, op="gen-1", at=T0)
    assert not any(name in dir(acme) for name in ("refund", "uncapture", "reverse"))
    with pytest.raises(AccountError) as err:
        acme.release(done.id, op="gen-1-undo", at=T0)
    assert err.value.code == "unknown-hold"
    acme.adjust("acme", 11400, reason="ticket 7: the platform double-billed", op="fix-7", at=T0)
    last = acme.history("acme")[-1]
    assert (last.kind, last.credits, last.reason) == (EntryKind.ADJUSTMENT, 11400, "ticket 7: the platform double-billed")
    b = acme.balance("acme", at=T0)
    assert (b.granted, b.spent, b.available) == (51400, 11400, 40000)


def test_a_retried_op_returns_the_first_result_and_writes_nothing(acme):
    first = acme.charge("acme", SORA, op="gen-1", at=T0)
    entries = acme.history("acme")
    again = acme.charge("acme", SORA, op="gen-1", at=T0 + timedelta(minutes=1))
    assert again == first
    assert acme.history("acme") == entries
    held = acme.hold("acme", CHEAP, op="h", at=T0)
    assert acme.capture(held.id, op="c", at=T0) == acme.capture(held.id, op="c", at=T0)


def test_the_same_op_with_another_body_is_a_conflict(acme):
    acme.charge("acme", SORA, op="gen-1", at=T0)
    entries = acme.history("acme")
    for call in (lambda: acme.charge("acme", CHEAP, op="gen-1", at=T0),
                 lambda: acme.hold("acme", SORA, op="gen-1", at=T0),
                 lambda: acme.adjust("acme", 5, reason="x", op="gen-1", at=T0)):
        with pytest.raises(AccountError) as err:
            call()
        assert err.value.code == "conflict"
    assert acme.history("acme") == entries


def test_history_is_every_change_oldest_first_with_op_time_and_digest(acme, card):
    held = acme.hold("acme", SORA, op="gen-1", at=T0)
    acme.capture(held.id, op="gen-1-done", at=T0 + timedelta(seconds=1))
    acme.charge("acme", CHEAP, op="gen-2", at=T0 + timedelta(seconds=2))
    history = acme.history("acme")
    assert [e.kind for e in history] == [EntryKind.SUBSCRIBE, EntryKind.GRANT, EntryKind.HOLD, EntryKind.CAPTURE,
                                         EntryKind.CHARGE]
    assert [e.seq for e in history] == [1, 2, 3, 4, 5]
    hold, capture, charge = history[2:]
    assert (hold.op, hold.digest, hold.rule) == ("gen-1", card.digest, card.quote(SORA).rule)
    assert '"Sora 2 Pro"' in capture.request and capture.hold == held.id
    assert (charge.op, charge.credits, charge.at) == ("gen-2", 124, T0 + timedelta(seconds=2))


def test_the_store_refuses_to_change_or_delete_entries(acme):
    acme.charge("acme", SORA, op="gen-1", at=T0)
    for sql in ("UPDATE entries SET credits = 0", "DELETE FROM entries", "UPDATE ops SET result = ''",
                "DELETE FROM ops"):
        with pytest.raises(AccountError) as err, acme.store.transaction() as tx:
            tx.run(sql)
        assert "append-only" in err.value.message
    assert len(acme.history("acme")) == 3


def test_verify_is_clean_then_finds_a_tampered_balance(acme):
    acme.charge("acme", SORA, op="gen-1", at=T0)
    assert acme.verify() == []
    with acme.store.transaction() as tx:
        tx.run("UPDATE accounts SET spent = 0")
    found = acme.verify()
    assert [(d.account, d.field, d.stored, d.replayed) for d in found] == [("acme", "spent", 0, 11400)]


def test_an_idle_account_expires_each_unused_cycle_into_the_next(acme):
    b = acme.balance("acme", at=T0.replace(year=2027, month=1, day=1))
    assert (b.cycle_start.date().isoformat(), b.granted) == ("2026-12-31", 40000)
    history = acme.history("acme")
    granted = sum(e.credits for e in history if e.kind in (EntryKind.GRANT,))
    expired = sum(e.credits for e in history if e.kind is EntryKind.EXPIRY)
    assert granted == expired + b.available
    assert acme.verify() == []


def test_the_schema_refuses_an_overdraft_and_a_second_grant_whatever_the_code_does(acme):
    acme.charge("acme", SORA, op="gen-1", at=T0)
    for sql in ("UPDATE accounts SET spent = granted + 1",
                "UPDATE accounts SET held = granted - spent + 1",
                "INSERT INTO entries (id, account, seq, kind, op, at, credits, cycle) "
                "VALUES ('acme#99', 'acme', 99, 'grant', 'grant:acme:0', '2026-01-31T12:00:00+00:00', 40000, 0)"):
        with pytest.raises(AccountError) as err:
            acme._retrying(lambda: _raw(acme, sql))   # as the book runs a transaction: a lost race is retried
        assert err.value.code == "store"
    assert acme.verify() == [] and acme.balance("acme", at=T0).spent == 11400


def _raw(book, sql: str) -> None:
    with book.store.transaction() as tx:
        tx.run(sql)
