"""The PostgreSQL store (psycopg 3, the `postgres` extra): a row lock per account per operation."""

from __future__ import annotations

from engine.accounts.errors import AccountError, ErrorCode
from engine.accounts.store.base import SqlStore, Tx

try:
    import psycopg
    from psycopg import errors as pg_errors
except ImportError:  # pragma: no cover - exercised where the extra is missing
    psycopg = None

CONNECT_TIMEOUT_S = 10
MIGRATION_LOCK = 0x7261746563617264  # pg_advisory_xact_lock key: "ratecard"


class PipelinedTx(Tx):
    """Tx with its reads sent together and its writes sent together: two round trips, not six.

    The op is read before the account's row lock is granted, so it may miss an op that
    committed meanwhile; the op's insert then fails on its key and the whole operation
    runs again (Retry), now seeing it. The holds are read after the lock, so they are current.
    """

    def load(self, op, account):
        with self.conn.pipeline():
            ops = self.run("SELECT fingerprint, result FROM ops WHERE op = ?", op) if op is not None else None
            state = self.run(self._account_query, account)
            holds = self.run(self._holds_query, account)
        return self._loaded(ops.fetchone() if ops else None, state.fetchone(), holds.fetchall())

    def write(self, outcome, op, fingerprint, result) -> None:
        with self.conn.pipeline():
            super().write(outcome, op, fingerprint, result)


class PostgresStore(SqlStore):
    dialect = "postgresql"
    tx_class = PipelinedTx
    lock = " FOR UPDATE"   # the account's row, until the operation commits

    def __init__(self, url: str):
        if psycopg is None:
            raise AccountError(ErrorCode.STORE, "PostgreSQL needs psycopg: in a checkout of ratecard, pip install '.[postgres]'")
        self.driver_errors = (psycopg.Error,)
        self.retry_errors = (pg_errors.UniqueViolation,  # the same op or account, made at once
                             pg_errors.DeadlockDetected, pg_errors.SerializationFailure)
        super().__init__(url)

    def _connect(self):
        return psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_S)

    def _begin(self, conn) -> None:
        pass  # psycopg opens a transaction at the first statement; commit() ends it

    def sql(self, query: str) -> str:
        return query.replace("?", "%s")

    def _lock_schema(self, tx) -> None:
        tx.run("SELECT pg_advisory_xact_lock(?)", MIGRATION_LOCK)

    def _script(self, tx, script: str) -> None:
        tx.conn.execute(script)  # no parameters: one round trip, many statements
