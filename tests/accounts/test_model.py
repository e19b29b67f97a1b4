"""The model test: random workloads against the API and a small in-memory model side by side.

Hypothesis drives both with an injected clock across cycles, month ends, holds that
lapse, upgrades and downgrades, on each store; after every step the balances must
agree and credits must be conserved (granted = available + held + spent + expired).
A failure prints the steps and the seed (`pytest --hypothesis-seed=N` replays it).
Modest by default; RATECARD_MODEL_EXAMPLES=500 runs a long one.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from engine import accounts
from engine.accounts import AccountError, EntryKind, cycles
from engine.accounts.values import GRANTING, SPENDING
from tests.accounts.conftest import CHEAP, SORA, T0

EXAMPLES = int(os.environ.get("RATECARD_MODEL_EXAMPLES", "8"))
STEPS = int(os.environ.get("RATECARD_MODEL_STEPS", "25"))
REQUESTS = [SORA, CHEAP, {"tool": "voiceover", "chars": 10},
            {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 720, "dur": 4}]
TICKS = [timedelta(minutes=1), timedelta(minutes=30), timedelta(hours=2), timedelta(days=3),
         timedelta(days=13), timedelta(days=31), timedelta(days=75)]
TTLS = [timedelta(minutes=10), timedelta(hours=1), timedelta(days=5)]


class Model:
    """What the FAQ says, in as few lines as possible: one account, one monthly cycle at a time."""

    def __init__(self, credits: int):
        self.credits, self.cycle, self.granted, self.spent = credits, 0, credits, 0
        self.holds = {}   # id -> [credits, expires, status]
        self.pending = None
        self.granted_total, self.spent_total, self.expired_total = credits, 0, 0
        self.clock = T0

    @property
    def held(self) -> int:
        return sum(c for c, _, s in self.holds.values() if s == "open")

    @property
    def available(self) -> int:
        return self.granted - self.spent - self.held

    def end(self):
        return cycles.add_months(T0, self.cycle + 1)

    def advance(self, at):
        self.clock = max(at, self.clock)
        for hold in self.holds.values():
            if hold[2] == "open" and hold[1] <= self.clock:
                hold[2] = "expired"
        if self.clock >= self.end():
            self.expired_total += self.available
            self.cycle = cycles.cycle_of(T0, self.clock)
            if self.pending and self.cycle >= self.pending[1]:
                self.credits, self.pending = self.pending[0], None
            self.granted, self.spent = self.credits, 0
            self.granted_total += self.credits


def machine_for(new_url, card):
    tiers = [t.credits for t in card.plans["AI Suite"].tiers]   # the FAQ's 40,000 and 240,000

    class Accounts(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.book = accounts.open(new_url(), card=card)
            self.model = Model(tiers[0])
            self.book.subscribe("acme", plan="AI Suite", credits=tiers[0], start=T0)
            self.at = T0
            self.ops = 0
            self.last = None   # (call, result) of the last change, to retry

        def teardown(self):
            assert self.book.verify() == []
            self.book.close()

        def op(self) -> str:
            self.ops += 1
            return f"op-{self.ops}"

        @rule(tick=st.sampled_from(TICKS))
        def tick(self, tick):
            self.at += tick

        @rule(request=st.sampled_from(REQUESTS), ttl=st.sampled_from(TTLS) | st.none())
        def hold(self, request, ttl):
            self.model.advance(self.at)
            cost = card.quote(request).credits
            op = self.op()
            call = lambda: self.book.hold("acme", request, op=op, at=self.at, ttl=ttl)  # noqa: E731
            result = call()
            if cost > self.model.available:
                assert result.code == "insufficient-credits"
                return
            expires = min(self.model.clock + (ttl or accounts.DEFAULT_TTL), self.model.end())
            assert (result.credits, result.expires) == (cost, expires)
            self.model.holds[result.id] = [cost, expires, "open"]
            self.last = (call, result)

        @rule(request=st.sampled_from(REQUESTS))
        def charge(self, request):
            self.model.advance(self.at)
            cost = card.quote(request).credits
            op = self.op()
            call = lambda: self.book.charge("acme", request, op=op, at=self.at)  # noqa: E731
            result = call()
            if cost > self.model.available:
                assert result.code == "insufficient-credits"
                return
            assert result.credits == cost
            self.model.spent += cost
            self.model.spent_total += cost
            self.last = (call, result)

        @precondition(lambda self: self.model.holds)
        @rule(data=st.data(), capture=st.booleans(), part=st.sampled_from([None, 0, 1, "all", "more"]))
        def settle(self, data, capture, part):
            hold_id = data.draw(st.sampled_from(sorted(self.model.holds)))
            held, _, status = self.model.holds[hold_id]
            self.model.advance(self.at)
            status = self.model.holds[hold_id][2]
            credits = {"all": held, "more": held + 1}.get(part, part) if capture else None
            op = self.op()
            if capture:
                call = lambda: self.book.capture(hold_id, op=op, credits=credits, at=self.at)  # noqa: E731
            else:
                call = lambda: self.book.release(hold_id, op=op, at=self.at)  # noqa: E731
            expected_error = {"captured": "hold-captured", "released": "hold-released",
                              "expired": "hold-expired"}.get(status)
            if expected_error is None and capture and credits is not None and credits > held:
                expected_error = "capture-exceeds-hold"
            try:
                result = call()
            except AccountError as err:
                assert err.code == expected_error
                return
            assert expected_error is None
            spent = (held if credits is None else credits) if capture else 0
            assert result.credits == (spent if capture else held)
            self.model.holds[hold_id][2] = "captured" if capture else "released"
            self.model.spent += spent
            self.model.spent_total += spent
            self.last = (call, result)

        @rule(credits=st.sampled_from(tiers))
        def change_plan(self, credits):
            self.model.advance(self.at)
            m = self.model
            result = self.book.change_plan("acme", plan="AI Suite", credits=credits, op=self.op(), at=self.at)
            if credits >= m.credits:
                assert (result.immediate, result.added) == (True, credits - m.credits)
                m.granted += credits - m.credits
                m.granted_total += credits - m.credits
                m.credits, m.pending = credits, None
            else:
                assert (result.immediate, result.effective) == (False, m.end())
                m.pending = (credits, m.cycle + 1)

        @precondition(lambda self: self.last is not None)
        @rule()
        def retry(self):
            call, first = self.last
            entries = self.book.history("acme")
            assert call() == first
            assert self.book.history("acme") == entries

        @invariant()
        def agrees_with_the_model_and_conserves_credits(self):
            self.model.advance(self.at)
            m, b = self.model, self.book.balance("acme", at=self.at)
            assert (b.credits, b.granted, b.spent, b.held, b.available) == \
                (m.credits, m.granted, m.spent, m.held, m.available)
            assert b.cycle_end == m.end() and b.available >= 0
            history = self.book.history("acme")
            total = {kind: sum(e.credits for e in history if e.kind is kind) for kind in EntryKind}
            granted = sum(total[k] for k in GRANTING)
            spent = sum(total[k] for k in SPENDING)
            assert granted == b.available + b.held + spent + total[EntryKind.EXPIRY]
            assert (granted, spent, total[EntryKind.EXPIRY]) == (m.granted_total, m.spent_total, m.expired_total)

    return Accounts


def test_the_api_agrees_with_the_model_at_every_step(new_url, card):
    run_state_machine_as_test(machine_for(new_url, card), settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
