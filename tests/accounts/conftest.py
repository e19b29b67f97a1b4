"""Fixtures for the accounts suite: a fresh store of each kind per test.

PostgreSQL: the server at RATECARD_TEST_PG (default postgresql://postgres@127.0.0.1:5432/test),
each test in a schema of its own. Without a server those tests skip and say why, except
under CI (env CI set), where a missing server fails them.
"""

from __future__ import annotations

import functools
import os
import uuid
from datetime import datetime, timezone

import pytest

PG = os.environ.get("RATECARD_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
T0 = datetime(2026, 1, 31, 12, 0, tzinfo=timezone.utc)   # a start on the 31st: month ends are tested
CHEAP = {"tool": "voiceover", "chars": 1234}              # 124 credits
SORA = {"tool": "text-to-video", "model": "Sora 2 Pro", "res": 1080, "dur": 12}  # 11,400 credits


@functools.cache
def pg_problem() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install '.[postgres]')"
    try:
        psycopg.connect(PG, connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"no PostgreSQL at {PG}: {str(exc).strip().splitlines()[0]}"
    return None


def need_pg() -> None:
    problem = pg_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the PostgreSQL half of the accounts suite: {problem}")
        pytest.skip(problem)


class PgSchemas:
    """Fresh schemas on the test server, dropped at the end."""

    def __init__(self):
        self.made = []

    def url(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        self.made.append(name)
        return f"{PG}?options=-csearch_path%3D{name}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(PG, autocommit=True) as conn:
            for name in self.made:
                conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def new_url(request, tmp_path):
    """A function giving the URL of a new, empty store of this test's kind."""
    if request.param == "sqlite":
        made = iter(range(1_000_000))
        yield lambda: f"sqlite:///{tmp_path / f'credits-{next(made)}.db'}"
        return
    need_pg()
    schemas = PgSchemas()
    yield schemas.url
    schemas.drop()


@pytest.fixture
def url(new_url):
    return new_url()


@pytest.fixture
def book(url, card):
    from engine import accounts

    with accounts.open(url, card=card) as b:
        yield b


@pytest.fixture
def acme(book):
    """`acme` on AI Suite at 40,000 credits a month from T0 (a 31st)."""
    book.subscribe("acme", plan="AI Suite", credits=40000, start=T0)
    return book


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL schema, for what only PostgreSQL has (a connection to lose)."""
    need_pg()
    schemas = PgSchemas()
    yield schemas.url()
    schemas.drop()


PRICED_PLANS = """\
plan "AI Voiceover" allows voiceover, voice-clone {
    billed  monthly
    credits 40000
}

plan "AI Suite" allows all {
    billed  monthly
    credits 40000    price 10.00 USD
    credits 240000   price 30.00 USD
}

plan "AI Suite Yearly" allows all {
    billed  yearly
    credits 40000    price 100.00 USD
    credits 240000   price 300.00 USD
}
"""


@pytest.fixture(scope="session")
def priced_card(tmp_path_factory, _private_card_cache):
    """The bundled card with priced tiers, a yearly plan and a voiceover plan one can subscribe to."""
    import shutil

    import engine
    from engine.sources import bundled_path

    folder = tmp_path_factory.mktemp("priced") / "rules"
    shutil.copytree(bundled_path(), folder)
    (folder / "plans.rules").write_text(PRICED_PLANS)
    return engine.load(folder)


@pytest.fixture
def priced(url, priced_card):
    from engine import accounts

    with accounts.open(url, card=priced_card) as b:
        yield b
