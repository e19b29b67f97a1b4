"""What both stores share: the SQL (written once, `?` placeholders), rows <-> values, migrations."""

from __future__ import annotations

import contextlib
import enum
import re
import threading
from datetime import datetime
from pathlib import Path

from engine.accounts.errors import AccountError, ErrorCode
from engine.accounts.state import AccountState, HoldState
from engine.accounts.values import Entry

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

ACCOUNT = ("id", "plan", "credits", "yearly", "start", "cycle", "granted", "spent", "held", "expired",
           "clock", "seq", "next_plan", "next_credits", "next_cycle")
HOLD = ("id", "account", "credits", "rule", "digest", "request", "at", "expires", "cycle", "status")
ENTRY = ("id", "account", "seq", "kind", "op", "at", "credits", "cycle", "hold", "plan", "tier", "request",
         "rule", "digest", "reason")
TIMES = {"start", "clock", "at", "expires"}


class Retry(Exception):
    """A transaction lost a race (a unique key, a deadlock): run it again from the start."""


def text(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _row(names, row) -> dict:
    return {n: datetime.fromisoformat(v) if n in TIMES else v for n, v in zip(names, row)}


def migrations(dialect: str) -> list[tuple[int, str]]:
    """(version, sql) in order: `NNNN_name.sql`, or `NNNN_name.DIALECT.sql` where the SQL differs."""
    found = {}
    for path in sorted(MIGRATIONS.glob("*.sql")):
        match = re.fullmatch(r"(\d{4})_[a-z_]+(?:\.([a-z]+))?\.sql", path.name)
        if match and match.group(2) in (None, dialect):
            found[int(match.group(1))] = path.read_text(encoding="utf-8")
    return sorted(found.items())


class SqlStore:
    """The SQL both databases run; a subclass says how to connect, lock and what errors mean."""

    dialect = ""
    lock = ""              # appended to the account read inside a transaction
    driver_errors: tuple = ()
    retry_errors: tuple = ()
    tx_class: type = None  # Tx, or a subclass that batches round trips
    one_writer = False     # the database takes one writer at a time: this process's threads queue here

    def __init__(self, url: str):
        self.url = url
        self._local = threading.local()
        self._all = []
        self._guard = threading.Lock()
        self._writer = threading.Lock() if self.one_writer else contextlib.nullcontext()
        self.migrate()

    # -- connections, one per thread

    def _connect(self):
        raise NotImplementedError

    def _begin(self, conn) -> None:
        raise NotImplementedError

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = self._connect()
            except self.driver_errors as exc:
                raise AccountError(ErrorCode.STORE, f"cannot open {self.url}: {_why(exc)}") from None
            self._local.conn = conn
            with self._guard:
                self._all.append(conn)
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def close(self) -> None:
        with self._guard:
            for conn in self._all:
                with contextlib.suppress(Exception):
                    conn.close()
            self._all.clear()
        self._local = threading.local()

    def sql(self, query: str) -> str:
        return query

    @contextlib.contextmanager
    def transaction(self):
        """One operation, all or nothing; driver errors come out as AccountError or Retry."""
        conn = self._conn()
        try:
            with self._writer:
                self._begin(conn)
                yield self.tx_class(self, conn)
                conn.commit()
        except self.retry_errors as exc:
            self._rollback(conn)
            raise Retry(str(exc)) from exc
        except self.driver_errors as exc:
            self._rollback(conn)
            raise AccountError(ErrorCode.STORE, f"{self.url}: {_why(exc)}; nothing was applied "
                               "unless it was at the commit: retrying with the same op is safe") from None
        except BaseException:
            self._rollback(conn)
            raise

    def _rollback(self, conn) -> None:
        try:
            conn.rollback()
        except Exception:  # the connection is gone: a new one next time
            self._drop()

    # -- reads outside the operations

    def history(self, account: str) -> list[Entry]:
        with self.transaction() as tx:
            rows = tx.all(f"SELECT {', '.join(ENTRY)} FROM entries WHERE account = ? ORDER BY seq", account)
        return [Entry(**_row(ENTRY, r)) for r in rows]

    def everything(self):
        """Every account, its holds and its entries, read in one transaction: for verify."""
        with self.transaction() as tx:
            accounts = [AccountState(**_account(r)) for r in tx.all(f"SELECT {', '.join(ACCOUNT)} FROM accounts ORDER BY id")]
            holds = [HoldState(**_row(HOLD, r)) for r in tx.all(f"SELECT {', '.join(HOLD)} FROM holds")]
            entries = [Entry(**_row(ENTRY, r)) for r in tx.all(f"SELECT {', '.join(ENTRY)} FROM entries "
                                                               "ORDER BY account, seq")]
        return accounts, holds, entries

    # -- migrations

    def migrate(self) -> None:
        known = migrations(self.dialect)
        with self.transaction() as tx:
            self._lock_schema(tx)
            tx.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)")
            done = tx.one("SELECT MAX(version) FROM schema_version")[0] or 0
            if done > known[-1][0]:
                raise AccountError(ErrorCode.SCHEMA, f"{self.url} has schema version {done}; this ratecard "
                                   f"knows up to {known[-1][0]}: upgrade ratecard")
            for version, script in known:
                if version > done:
                    self._script(tx, script)
                    tx.run("INSERT INTO schema_version (version, applied) VALUES (?, CURRENT_TIMESTAMP)", version)

    def _lock_schema(self, tx) -> None:
        pass

    def _script(self, tx, script: str) -> None:
        raise NotImplementedError


def _account(row) -> dict:
    out = _row(ACCOUNT, row)
    out["yearly"] = bool(out["yearly"])
    return out


def _why(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class Tx:
    """The reads and writes of one transaction."""

    def __init__(self, store: SqlStore, conn):
        self.store, self.conn = store, conn

    def run(self, query: str, *args):
        return self.conn.execute(self.store.sql(query), tuple(text(a) for a in args))

    def one(self, query: str, *args):
        return self.run(query, *args).fetchone()

    def all(self, query: str, *args):
        return self.run(query, *args).fetchall()

    def op(self, op: str):
        return self.one("SELECT fingerprint, result FROM ops WHERE op = ?", op)

    def load(self, op: str | None, account: str):
        """(the op's earlier (fingerprint, result) or None, the account locked or None, its open holds)."""
        prior = self.op(op) if op is not None else None
        state = self.one(self._account_query, account)
        return self._loaded(prior, state, self.all(self._holds_query, account) if state is not None else [])

    @property
    def _account_query(self) -> str:
        return f"SELECT {', '.join(ACCOUNT)} FROM accounts WHERE id = ?{self.store.lock}"

    _holds_query = f"SELECT {', '.join(HOLD)} FROM holds WHERE account = ? AND status = 'open' ORDER BY id"

    @staticmethod
    def _loaded(prior, state, holds):
        if state is None:
            return prior, None, []
        return prior, AccountState(**_account(state)), [HoldState(**_row(HOLD, r)) for r in holds]

    def hold(self, hold: str) -> HoldState | None:
        row = self.one(f"SELECT {', '.join(HOLD)} FROM holds WHERE id = ?", hold)
        return None if row is None else HoldState(**_row(HOLD, row))

    def write(self, outcome, op: str | None, fingerprint: str | None, result: str | None) -> None:
        """Append the outcome's entries and bring the derived rows along, in this transaction."""
        a = outcome.account
        values = [getattr(a, n) for n in ACCOUNT]
        if outcome.created:
            self.run(f"INSERT INTO accounts ({', '.join(ACCOUNT)}) VALUES ({', '.join('?' * len(ACCOUNT))})",
                     *values)
        else:
            sets = ", ".join(f"{n} = ?" for n in ACCOUNT[1:])
            self.run(f"UPDATE accounts SET {sets} WHERE id = ?", *values[1:], a.id)
        for h in outcome.holds:
            self.run(f"INSERT INTO holds ({', '.join(HOLD)}) VALUES ({', '.join('?' * len(HOLD))}) "
                     "ON CONFLICT (id) DO UPDATE SET status = excluded.status", *[getattr(h, n) for n in HOLD])
        marks = ", ".join("?" * len(ENTRY))
        for e in outcome.entries:
            self.run(f"INSERT INTO entries ({', '.join(ENTRY)}) VALUES ({marks})", *[getattr(e, n) for n in ENTRY])
        if op is not None:
            self.run("INSERT INTO ops (op, fingerprint, result, at) VALUES (?, ?, ?, ?)",
                     op, fingerprint, result, a.clock)


SqlStore.tx_class = Tx
