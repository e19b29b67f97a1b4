-- ratecard accounts, version 1: the same tables on SQLite and PostgreSQL.
-- entries is the truth; accounts, holds and ops are derived from it (and kept in the
-- same transaction), so `ratecard accounts verify` can replay one against the other.
-- Times are ISO 8601 text in UTC, which sorts as it reads.

CREATE TABLE accounts (
    id           TEXT PRIMARY KEY,
    plan         TEXT NOT NULL,
    credits      BIGINT NOT NULL CHECK (credits > 0),
    yearly       INTEGER NOT NULL CHECK (yearly IN (0, 1)),
    start        TEXT NOT NULL,
    cycle        INTEGER NOT NULL CHECK (cycle >= 0),
    granted      BIGINT NOT NULL,
    spent        BIGINT NOT NULL CHECK (spent >= 0),
    held         BIGINT NOT NULL CHECK (held >= 0),
    expired      BIGINT NOT NULL CHECK (expired >= 0),
    clock        TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    next_plan    TEXT,
    next_credits BIGINT,
    next_cycle   INTEGER,
    CHECK (spent + held <= granted)  -- the backstop: no overdraft, whatever the code above does
);

CREATE TABLE holds (
    id       TEXT PRIMARY KEY,
    account  TEXT NOT NULL REFERENCES accounts (id),
    credits  BIGINT NOT NULL CHECK (credits >= 0),
    rule     TEXT NOT NULL,
    digest   TEXT NOT NULL,
    request  TEXT NOT NULL,
    at       TEXT NOT NULL,
    expires  TEXT NOT NULL,
    cycle    INTEGER NOT NULL,
    status   TEXT NOT NULL CHECK (status IN ('open', 'captured', 'released', 'expired'))
);
CREATE INDEX holds_open ON holds (account) WHERE status = 'open';

CREATE TABLE entries (
    id       TEXT PRIMARY KEY,
    account  TEXT NOT NULL REFERENCES accounts (id),
    seq      BIGINT NOT NULL,
    kind     TEXT NOT NULL,
    op       TEXT NOT NULL,
    at       TEXT NOT NULL,
    credits  BIGINT NOT NULL,
    cycle    INTEGER NOT NULL,
    hold     TEXT,
    plan     TEXT,
    tier     BIGINT,
    request  TEXT,
    rule     TEXT,
    digest   TEXT,
    reason   TEXT,
    UNIQUE (account, seq)
);
-- a cycle's allowance is granted once, however many processes read the account at its start
CREATE UNIQUE INDEX entries_one_grant ON entries (account, cycle) WHERE kind = 'grant';

-- the caller's op ids: the fingerprint of the body, and the first result, as JSON
CREATE TABLE ops (
    op          TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    result      TEXT NOT NULL,
    at          TEXT NOT NULL
);
