"""Bad input of every kind: a clear AccountError or Rejection, and nothing written, on both stores."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from engine import accounts
from engine.accounts import AccountError
from tests.accounts.conftest import SORA, T0, PgSchemas, need_pg

NAIVE = datetime(2026, 2, 1, 12, 0)


def everything(book):
    accounts_, holds, entries = book.store.everything()
    with book.store.transaction() as tx:
        ops = tx.all("SELECT op, fingerprint, result FROM ops ORDER BY op")
    return accounts_, sorted(holds, key=lambda h: h.id), entries, ops


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def busy(request, tmp_path_factory, _private_card_cache):
    """acme with a captured hold, a released one, an expired one and an open one; shared by the
    misuse cases of this module, each of which must leave it exactly as it found it."""
    import engine

    if request.param == "sqlite":
        url, schemas = f"sqlite:///{tmp_path_factory.mktemp('busy') / 'credits.db'}", None
    else:
        need_pg()
        schemas = PgSchemas()
        url = schemas.url()
    acme = accounts.open(url, card=engine.load())
    acme.subscribe("acme", plan="AI Suite", credits=40000, start=T0)
    captured = acme.hold("acme", SORA, op="h-captured", at=T0)
    acme.capture(captured.id, op="c", at=T0)
    released = acme.hold("acme", SORA, op="h-released", at=T0)
    acme.release(released.id, op="r", at=T0)
    expired = acme.hold("acme", SORA, op="h-expired", at=T0, ttl=timedelta(minutes=1))
    open_ = acme.hold("acme", SORA, op="h-open", at=T0 + timedelta(minutes=2))
    acme.balance("acme", at=T0 + timedelta(minutes=2))   # writes the expiry of h-expired
    acme.ids = {"captured": captured.id, "released": released.id, "expired": expired.id, "open": open_.id}
    yield acme
    acme.close()
    if schemas:
        schemas.drop()


MISUSE = {
    # found through the HTTP API by schemathesis: these raised a bare OverflowError
    "a time at the end of the calendar": (lambda b: b.hold("acme", SORA, op="e", at=datetime.max.replace(
        tzinfo=timezone.utc)), "bad-time"),
    "naive at": (lambda b: b.charge("acme", SORA, op="n", at=NAIVE), "naive-datetime"),
    "naive start": (lambda b: b.subscribe("b", plan="AI Suite", credits=40000, start=NAIVE), "naive-datetime"),
    "naive expires": (lambda b: b.hold("acme", SORA, op="n", at=T0, expires=NAIVE), "naive-datetime"),
    "at not a datetime": (lambda b: b.balance("acme", at="2026-02-01"), "naive-datetime"),
    "empty op": (lambda b: b.charge("acme", SORA, op="", at=T0), "bad-op"),
    "blank op": (lambda b: b.charge("acme", SORA, op="   ", at=T0), "bad-op"),
    "long op": (lambda b: b.charge("acme", SORA, op="x" * 201, at=T0), "bad-op"),
    "op not a string": (lambda b: b.charge("acme", SORA, op=42, at=T0), "bad-op"),
    "op with a newline": (lambda b: b.charge("acme", SORA, op="a\nb", at=T0), "bad-op"),
    "empty account": (lambda b: b.charge("", SORA, op="e", at=T0), "bad-account"),
    "capture after capture": (lambda b: b.capture(b.ids["captured"], op="x", at=T0 + timedelta(minutes=2)),
                              "hold-captured"),
    "capture after release": (lambda b: b.capture(b.ids["released"], op="x", at=T0 + timedelta(minutes=2)),
                              "hold-released"),
    "capture after expiry": (lambda b: b.capture(b.ids["expired"], op="x", at=T0 + timedelta(minutes=2)),
                             "hold-expired"),
    "release after expiry": (lambda b: b.release(b.ids["expired"], op="x", at=T0 + timedelta(minutes=2)),
                             "hold-expired"),
    "capture once it lapses": (lambda b: b.capture(b.ids["open"], op="x", at=T0 + timedelta(hours=3)),
                               "hold-expired"),
    "capture above the hold": (lambda b: b.capture(b.ids["open"], op="x", credits=11401,
                                                   at=T0 + timedelta(minutes=2)), "capture-exceeds-hold"),
    "capture a negative amount": (lambda b: b.capture(b.ids["open"], op="x", credits=-1,
                                                      at=T0 + timedelta(minutes=2)), "bad-credits"),
    "capture a fraction": (lambda b: b.capture(b.ids["open"], op="x", credits=1.5,
                                               at=T0 + timedelta(minutes=2)), "bad-credits"),
    "unknown hold": (lambda b: b.capture("acme#999", op="x", at=T0), "unknown-hold"),
    "unknown plan": (lambda b: b.change_plan("acme", plan="Gold", credits=40000, op="x", at=T0), "unknown-plan"),
    "credits not a number": (lambda b: b.change_plan("acme", plan="AI Suite", credits="lots", op="x", at=T0),
                             "bad-credits"),
    "no credits": (lambda b: b.subscribe("b", plan="AI Suite", credits=0, start=T0), "bad-credits"),
    "subscribed twice": (lambda b: b.subscribe("acme", plan="AI Suite", credits=40000, start=T0, op="again"),
                         "account-exists"),
    "a start after now": (lambda b: b.subscribe("b", plan="AI Suite", credits=40000, start=T0, at=T0 - timedelta(1)),
                          "bad-time"),
    "a hold expiring at once": (lambda b: b.hold("acme", SORA, op="x", at=T0 + timedelta(minutes=2),
                                                 expires=T0), "bad-time"),
    "a negative ttl": (lambda b: b.hold("acme", SORA, op="x", at=T0, ttl=timedelta(-1)), "bad-time"),
    "an adjustment into the red": (lambda b: b.adjust("acme", -40000, reason="x", op="x", at=T0), "bad-credits"),
    "an adjustment without a reason": (lambda b: b.adjust("acme", 5, reason=" ", op="x", at=T0), "bad-credits"),
    "a reused op": (lambda b: b.charge("acme", SORA, op="h-open", at=T0), "conflict"),
}


@pytest.mark.parametrize("case", MISUSE)
def test_misuse_is_an_account_error_that_writes_nothing(busy, case):
    call, code = MISUSE[case]
    before = everything(busy)
    with pytest.raises(AccountError) as err:
        call(busy)
    assert err.value.code == code
    assert err.value.message and "Traceback" not in err.value.message
    assert everything(busy) == before


def test_a_refusal_writes_nothing_either(acme):
    before = everything(acme)
    assert acme.charge("nobody", SORA, op="a", at=T0).code == "unknown-account"
    assert acme.charge("acme", {**SORA, "dur": 7}, op="b", at=T0).code == "unsupported"
    assert acme.charge("acme", {**SORA, "dur": 12}, op="c", at=T0, ).ok
    after_one = everything(acme)
    assert acme.adjust("acme", -(40000 - 11400), reason="test: empty the pool", op="d", at=T0).ok
    assert acme.charge("acme", SORA, op="e", at=T0).code == "insufficient-credits"
    assert everything(acme)[2] == after_one[2] + [acme.history("acme")[-1]]
    assert before != after_one


@pytest.mark.parametrize("url", ["mysql://localhost/x", "sqlite:/relative.db", "", "credits.db"])
def test_a_store_url_it_does_not_know_is_a_clear_error(url, card):
    with pytest.raises(AccountError) as err:
        accounts.open(url, card=card)
    assert err.value.code == "bad-url" and "sqlite:///" in err.value.message


def test_a_sqlite_file_that_cannot_be_opened_is_a_clear_error(tmp_path, card):
    for url in (f"sqlite:///{tmp_path}/no/such/folder/x.db", f"sqlite:///{tmp_path}"):
        with pytest.raises(AccountError) as err:
            accounts.open(url, card=card)
        assert err.value.code == "store" and "cannot open" in err.value.message
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(AccountError) as err:
        accounts.open(f"sqlite:///{garbage}", card=card)
    assert err.value.code == "store" and "not a database" in err.value.message


def test_a_postgresql_server_that_is_not_there_is_a_clear_error(card):
    pytest.importorskip("psycopg")
    with pytest.raises(AccountError) as err:
        accounts.open("postgresql://postgres@127.0.0.1:1/test?connect_timeout=2", card=card)
    assert err.value.code == "store" and "cannot open" in err.value.message


def test_a_store_from_a_newer_ratecard_is_refused(url, card):
    accounts.open(url, card=card).close()
    from engine.accounts.store import connect

    store = connect(url)
    with store.transaction() as tx:
        tx.run("INSERT INTO schema_version (version, applied) VALUES (99, 'later')")
    store.close()
    with pytest.raises(AccountError) as err:
        accounts.open(url, card=card)
    assert err.value.code == "schema" and "99" in err.value.message


def test_a_dropped_postgresql_connection_is_a_store_error_then_a_retry_applies_once(pg_url, card):
    import psycopg

    from tests.accounts.conftest import PG

    book = accounts.open(pg_url, card=card)
    book.subscribe("acme", plan="AI Suite", credits=40000, start=T0)
    pid = book.store._conn().info.backend_pid
    with psycopg.connect(PG, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(AccountError) as err:
        book.charge("acme", SORA, op="gen-1", at=T0)
    assert err.value.code == "store" and "same op is safe" in err.value.message
    first = book.charge("acme", SORA, op="gen-1", at=T0)   # a new connection
    assert first.ok and book.charge("acme", SORA, op="gen-1", at=T0) == first
    assert book.balance("acme", at=T0).spent == 11400 and book.verify() == []
    book.close()


def test_a_ttl_longer_than_any_cycle_lasts_until_the_cycle_ends(acme):
    """A huge ttl raised a bare OverflowError; a hold lapses at its cycle's end whatever its ttl."""
    held = acme.hold("acme", SORA, op="long", at=T0, ttl=timedelta(days=999_999_999))
    assert held.expires == acme.balance("acme", at=T0).cycle_end
