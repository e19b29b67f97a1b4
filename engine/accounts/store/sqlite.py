"""The SQLite store (stdlib sqlite3): one file, WAL, every operation in BEGIN IMMEDIATE."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from engine.accounts.store.base import SqlStore

BUSY_TIMEOUT_MS = 60_000


def connect(path: str, **options) -> sqlite3.Connection:
    """A connection with the store's settings (bench/accounts.py times its floor on the same)."""
    if not path or Path(path).is_dir():
        raise sqlite3.OperationalError("not a file name")
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, **options)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")   # an acknowledged charge survives a power cut too
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class SqliteStore(SqlStore):
    dialect = "sqlite"
    driver_errors = (sqlite3.Error,)
    one_writer = True  # threads wait on a lock, not in SQLite's sleeping busy handler
    retry_errors = ()  # BEGIN IMMEDIATE: no two operations race, so none is run again

    def __init__(self, url: str):
        self.path = url.removeprefix("sqlite:///")
        super().__init__(url)

    def _connect(self):
        return connect(self.path)

    def _begin(self, conn) -> None:
        conn.execute("BEGIN IMMEDIATE")  # the write lock now: no two operations interleave

    def _script(self, tx, script: str) -> None:
        statement = ""
        for line in script.splitlines(keepends=True):
            statement += line
            if sqlite3.complete_statement(statement):
                tx.conn.execute(statement)
                statement = ""
