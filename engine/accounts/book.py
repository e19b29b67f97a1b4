"""Book: a rate card, a store and the state machine; one transaction per operation."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

from engine.accounts import machine, upgrades
from engine.accounts.errors import AccountError, ErrorCode
from engine.accounts.pricing import CardPlans
from engine.accounts.store.base import Retry
from engine.accounts.values import from_json, to_json
from engine.accounts.verify import verify
from engine.results import Rejection

MAX_ID = 200                       # op and account ids: 1 to 200 characters
LAST_YEAR = 9997                   # times after this year are refused: a cycle must end inside the calendar
MAX_TTL = timedelta(days=400)      # longer than any cycle, so capping a ttl here changes no hold
DEFAULT_TTL = timedelta(hours=1)   # a hold nobody settles lapses after this (or at its cycle's end)
ATTEMPTS = 5                       # a transaction that lost a race is run again, this many times at most


def now() -> datetime:
    return datetime.now(timezone.utc)


def _when(at, what: str = "at") -> datetime:
    if at is None:
        return now()
    if not isinstance(at, datetime):
        raise AccountError(ErrorCode.NAIVE_DATETIME, f"{what} is a datetime with a time zone, not {at!r}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise AccountError(ErrorCode.NAIVE_DATETIME, f"{what}={at.isoformat()} has no time zone; "
                           "give an aware datetime, for example datetime.now(timezone.utc)")
    at = at.astimezone(timezone.utc)
    if at.year > LAST_YEAR:  # a cycle (a year, for a yearly plan) must still end inside the calendar
        raise AccountError(ErrorCode.BAD_TIME, f"{what}={at.isoformat()} is past the year {LAST_YEAR}")
    return at


def _id(value, code: ErrorCode, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID or not value.isprintable():
        raise AccountError(code, f"{what} is 1 to {MAX_ID} printable characters, not {value!r}"[:300])
    return value


def _fingerprint(method: str, body: dict) -> str:
    try:
        text = json.dumps([method, body], sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr([method, body])
    return hashlib.sha256(text.encode()).hexdigest()


class Book:
    """Credit accounts kept in one store and priced with one rate card. Safe to share between threads."""

    def __init__(self, store, card):
        _charges_credits(card)
        self.store = store
        self.card = card
        self.plans = CardPlans(card)

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- changes: each takes op=, the caller's idempotency key

    def subscribe(self, account: str, *, plan: str, credits: int, start: datetime | None = None,
                  op: str | None = None, at: datetime | None = None):
        given = None if start is None else _when(start, "start")
        at = (given or now()) if at is None else _when(at)
        start = at if given is None else given
        account = _id(account, ErrorCode.BAD_ACCOUNT, "an account id")
        op = f"subscribe:{account}" if op is None else op
        # a start left out is "now" on each try: a retry must not differ by it
        body = {"account": account, "plan": plan, "credits": credits, "start": given and given.isoformat()}

        def step(tx, state, holds):
            return machine.subscribe(self.plans, state, account, plan, credits, start, at)
        return self._change("subscribe", op, body, account, step, new=True)

    def hold(self, account: str, request, *, op: str, at: datetime | None = None,
             ttl: timedelta | None = None, expires: datetime | None = None):
        at = _when(at)
        if expires is not None and ttl is not None:
            raise AccountError(ErrorCode.BAD_TIME, "give ttl= or expires=, not both")
        if expires is not None:
            expires = _when(expires, "expires")
            lasts = expires.isoformat()
        else:
            ttl = DEFAULT_TTL if ttl is None else ttl
            if not isinstance(ttl, timedelta) or ttl <= timedelta(0):
                raise AccountError(ErrorCode.BAD_TIME, f"ttl is a positive timedelta, not {ttl!r}")
            ttl = min(ttl, MAX_TTL)  # a hold lapses at its cycle's end anyway; this keeps the sum in the calendar
            lasts = str(ttl)
        body = {"account": account, "request": request, "expires": lasts}
        return self._on_account("hold", account, op, body, at, lambda s, h, a: machine.spend(
            self.plans, s, h, request, a, op, expires or (max(a, s.clock) + ttl)))

    def charge(self, account: str, request, *, op: str, at: datetime | None = None):
        at = _when(at)
        return self._on_account("charge", account, op, {"account": account, "request": request}, at,
                                lambda s, h, a: machine.spend(self.plans, s, h, request, a, op, None))

    def capture(self, hold: str, *, op: str, credits: int | None = None, at: datetime | None = None):
        return self._settle("capture", hold, op, at, credits)

    def release(self, hold: str, *, op: str, at: datetime | None = None):
        return self._settle("release", hold, op, at, None)

    def change_plan(self, account: str, *, plan: str, credits: int, op: str | None = None,
                    at: datetime | None = None):
        at = _when(at)
        op = f"change-plan:{account}:{plan}:{credits}:{at.isoformat()}" if op is None else op
        return self._on_account("change_plan", account, op, {"account": account, "plan": plan, "credits": credits},
                                at, lambda s, h, a: upgrades.change_plan(self.plans, s, h, plan, credits, a, op))

    def adjust(self, account: str, credits: int, *, reason: str, op: str, at: datetime | None = None):
        at = _when(at)
        return self._on_account("adjust", account, op, {"account": account, "credits": credits, "reason": reason},
                                at, lambda s, h, a: machine.adjust(self.plans, s, h, credits, reason, a, op))

    # -- reads (balance writes what is due: a cycle's grant, lapsed holds)

    def balance(self, account: str, *, at: datetime | None = None):
        at = _when(at)
        account = _id(account, ErrorCode.BAD_ACCOUNT, "an account id")
        return self._transact(None, None, account, lambda tx, s, h: machine.balance(self.plans, s, h, at))

    def history(self, account: str):
        account = _id(account, ErrorCode.BAD_ACCOUNT, "an account id")
        entries = self._retrying(lambda: self.store.history(account))
        if not entries:
            return machine.unknown_account(account)
        return entries

    def verify(self) -> list:
        return verify(*self._retrying(self.store.everything))

    # -- the one path every change takes

    def _settle(self, method: str, hold: str, op: str, at, credits):
        at = _when(at)
        hold = _id(hold, ErrorCode.UNKNOWN_HOLD, "a hold id")
        body = {"hold": hold, "credits": credits}

        def account_of(tx) -> str:
            held = tx.hold(hold)
            if held is None:
                raise AccountError(ErrorCode.UNKNOWN_HOLD, f"there is no hold {hold!r}")
            return held.account

        def step(tx, state, holds):
            held = next((h for h in holds if h.id == hold), None)
            if held is None:  # not open once the account is locked: read what became of it
                held = tx.hold(hold)
            return machine.settle(self.plans, state, holds, held, at, op, method == "capture", credits)
        return self._change(method, op, body, account_of, step)

    def _on_account(self, method: str, account: str, op: str, body: dict, at: datetime, run):
        account = _id(account, ErrorCode.BAD_ACCOUNT, "an account id")
        return self._change(method, op, body, account, lambda tx, state, holds: run(state, holds, at))

    def _change(self, method: str, op: str, body: dict, account, step, new: bool = False):
        op = _id(op, ErrorCode.BAD_OP, "an op id")
        return self._transact(op, _fingerprint(method, body), account, step, new)

    def _transact(self, op, fingerprint, account, step, new: bool = False):
        """One attempt: lock the account (and read the op) in one go, run the machine, write.

        `account` is an id, or a function of the transaction giving one (a hold's account);
        `step(tx, state, open_holds)` returns the Outcome. Unknown accounts are a Rejection,
        except where the step makes them (`new`).
        """
        def attempt():
            with self.store.transaction() as tx:
                prior, state, holds = tx.load(op, account if isinstance(account, str) else account(tx))
                if prior is not None:
                    if prior[0] != fingerprint:
                        raise AccountError(ErrorCode.CONFLICT, f"op {op!r} was already used for "
                                           "another operation; a retry must repeat it exactly")
                    return from_json(json.loads(prior[1]))
                if state is None and not new:
                    return machine.unknown_account(account)
                outcome = step(tx, state, holds)
                if isinstance(outcome.result, Rejection) or not outcome.entries:
                    return outcome.result
                stored = None if op is None else json.dumps(to_json(outcome.result))
                tx.write(outcome, op, fingerprint, stored)
                return outcome.result
        return self._retrying(attempt)

    def _retrying(self, attempt):
        for _ in range(ATTEMPTS - 1):
            try:
                return attempt()
            except Retry:
                continue
        try:
            return attempt()
        except Retry as exc:
            raise AccountError(ErrorCode.STORE, f"the store kept refusing the operation: {exc}") from None


def open(url: str, card=None) -> Book:  # noqa: A001 - the contract's name: accounts.open(url, card=)
    """A Book on the store at `url` (sqlite:///file.db or postgresql://...), migrated to this version."""
    from engine.accounts.store import connect

    if card is None:
        import engine
        card = engine.load()
    _charges_credits(card)  # before a store is opened for nothing
    return Book(connect(url), card)


def _charges_credits(card) -> None:
    """An account holds credits: a card that prices in an amount (USD to 6 places) is refused, clearly."""
    money = card.index.money
    if not money.credits:
        raise AccountError(ErrorCode.NOT_CREDITS, f"this rate card prices in {money.words()}, and credit "
                           "accounts charge whole credits: keep accounts with a card that prices in credits")
