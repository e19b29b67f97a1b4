"""The stores: one thin class per database over the same schema; `connect(url)` picks one."""

from __future__ import annotations

from engine.accounts.errors import AccountError, ErrorCode


def connect(url: str):
    """A store for `sqlite:///path` (the default database) or `postgresql://...` (extra `postgres`)."""
    if not isinstance(url, str):
        raise AccountError(ErrorCode.BAD_URL, f"a store URL is a string, not {url!r}")
    if url.startswith("sqlite:///"):
        from engine.accounts.store.sqlite import SqliteStore
        return SqliteStore(url)
    if url.startswith(("postgresql://", "postgres://")):
        from engine.accounts.store.postgres import PostgresStore
        return PostgresStore(url)
    raise AccountError(ErrorCode.BAD_URL, f"cannot open {url!r}: use sqlite:///path/to/file.db "
                       "or postgresql://host/database")
