"""Charges per second on each accounts store, against that store's floor, in the same run.

    python bench/accounts.py [--charges 400] [--repeats 3] [--pg postgresql://...]

For each store (SQLite in a temporary folder; PostgreSQL at --pg, default the
test server postgresql://postgres@127.0.0.1:5432/test, in a schema of its own,
left out with a note when unreachable) it times, each on a fresh database:

- floor: a bare one-row INSERT committed per transaction, with the store's own
  settings (SQLite: WAL, synchronous=FULL, BEGIN IMMEDIATE; PostgreSQL: one
  connection per worker, default durability), i.e. the least a durable write costs;
- charge: `Book.charge` of a 1-credit voiceover, one op each, on a 240,000-credit
  account: price, plan gating, idempotency check, balance, entry, op, commit.

with 1 worker, and 8 workers (threads, a connection each): all charging one
account (contended: they queue on its lock) and each its own account. Reports
the median of --repeats runs in operations/s and the cost ratio charge/floor
(time per charge over time per bare insert; the target is <= 3 with 1 worker).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine import accounts  # noqa: E402

AT = datetime(2026, 1, 31, 12, tzinfo=timezone.utc)
REQUEST = {"tool": "voiceover", "chars": 10}   # 1 credit
WORKERS = 8


class Sqlite:
    name = "SQLite"

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="ratecard-bench-"))

    def url(self) -> str:
        return f"sqlite:///{self.folder / f'{uuid.uuid4().hex}.db'}"

    def floor_conn(self, url: str):
        from engine.accounts.store.sqlite import connect

        return connect(url.removeprefix("sqlite:///"), check_same_thread=False)

    def floor_setup(self, conn) -> None:
        conn.execute("CREATE TABLE IF NOT EXISTS floor (id TEXT PRIMARY KEY, n BIGINT NOT NULL)")

    def floor_insert(self, conn, key: str, lock) -> None:
        with lock:  # the store's threads queue the same way (SqlStore.one_writer)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO floor (id, n) VALUES (?, ?)", (key, 1))
            conn.execute("COMMIT")

    def done(self) -> None:
        pass


class Postgres:
    name = "PostgreSQL"

    def __init__(self, base: str):
        import psycopg

        self.psycopg, self.base, self.schemas = psycopg, base, []
        psycopg.connect(base, connect_timeout=3).close()

    def url(self) -> str:
        name = f"ratecard_bench_{uuid.uuid4().hex[:12]}"
        with self.psycopg.connect(self.base, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        self.schemas.append(name)
        return f"{self.base}?options=-csearch_path%3D{name}"

    def floor_conn(self, url: str):
        return self.psycopg.connect(url)

    def floor_setup(self, conn) -> None:
        conn.execute("CREATE TABLE IF NOT EXISTS floor (id TEXT PRIMARY KEY, n BIGINT NOT NULL)")
        conn.commit()

    def floor_insert(self, conn, key: str, lock) -> None:
        conn.execute("INSERT INTO floor (id, n) VALUES (%s, %s)", (key, 1))
        conn.commit()

    def done(self) -> None:
        with self.psycopg.connect(self.base, autocommit=True) as conn:
            for name in self.schemas:
                conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def _threads(workers: int, count: int, work) -> float:
    """Seconds for `workers` threads to do `count` operations between them."""
    barrier = threading.Barrier(workers + 1)
    share = [count // workers + (i < count % workers) for i in range(workers)]

    def run(i: int) -> None:
        job = work(i)
        barrier.wait()
        for n in range(share[i]):
            job(n)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def floor(store, workers: int, count: int) -> float:
    url = store.url()
    setup = store.floor_conn(url)
    store.floor_setup(setup)
    lock, conns = threading.Lock(), []

    def work(i):
        conn = store.floor_conn(url)
        conns.append(conn)
        return lambda n: store.floor_insert(conn, f"{i}-{n}", lock)

    seconds = _threads(workers, count, work)
    for conn in conns + [setup]:
        conn.close()
    return count / seconds


def charges(store, card, workers: int, count: int, contended: bool) -> float:
    book = accounts.open(store.url(), card=card)
    names = ["acme"] if contended else [f"acme-{i}" for i in range(workers)]
    for name in names:
        book.subscribe(name, plan="AI Suite", credits=240000, start=AT)

    def work(i):
        account = names[0] if contended else names[i]
        book.balance(account, at=AT)   # this thread's connection, opened before the clock starts
        return lambda n: book.charge(account, REQUEST, op=f"w{i}-{n}", at=AT)

    seconds = _threads(workers, count, work)
    assert book.verify() == []
    book.close()
    return count / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--charges", type=int, default=400, help="operations per measurement")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    card = engine.load()
    stores = [Sqlite()]
    try:
        stores.append(Postgres(args.pg))
    except Exception as exc:  # noqa: BLE001 - reported, and the SQLite half still runs
        print(f"PostgreSQL left out: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc}")
    print(f"{args.charges} operations per run, median of {args.repeats}; ratio = time per charge / time per bare insert")
    print(f"{'store':<11} {'workers':<22} {'floor/s':>9} {'charge/s':>9} {'ratio':>6}")
    for store in stores:
        for label, workers, contended in (("1", 1, True), (f"{WORKERS}, one account", WORKERS, True),
                                          (f"{WORKERS}, own accounts", WORKERS, False)):
            f = statistics.median(floor(store, workers, args.charges) for _ in range(args.repeats))
            c = statistics.median(charges(store, card, workers, args.charges, contended)
                                  for _ in range(args.repeats))
            print(f"{store.name:<11} {label:<22} {f:>9.0f} {c:>9.0f} {f / c:>6.2f}")
        store.done()
    return 0


if __name__ == "__main__":
    sys.exit(main())
