-- +goose Up
-- Exchange rates (SPEC §4.2a): the ECB's euro reference rates, units of a
-- currency per 1 EUR, one row per (currency, day), global to every
-- workspace. rate is the exact decimal the ECB wrote, as text: never a float.
CREATE TABLE fx_rates (
    currency TEXT NOT NULL,
    day      TEXT NOT NULL,
    rate     TEXT NOT NULL,
    PRIMARY KEY (currency, day)
);

-- version moves on every import that changed a rate, so each instance's
-- in-memory table knows when to reload.
CREATE TABLE fx_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL DEFAULT 0
);
INSERT INTO fx_state (id, version) VALUES (1, 0);

-- Every refresh serve made (and every rates import), with its outcome.
CREATE TABLE fx_refreshes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'error')),
    error       TEXT NOT NULL DEFAULT '',
    attempts    INTEGER NOT NULL DEFAULT 1,
    rates_read  INTEGER NOT NULL DEFAULT 0,
    added       INTEGER NOT NULL DEFAULT 0,
    changed     INTEGER NOT NULL DEFAULT 0
);

-- The workspace's reporting currency was written as USD and never read:
-- '' now means "not chosen yet", and the first connection with a currency
-- sets it. Existing workspaces take their first connection's currency.
UPDATE workspaces SET currency = COALESCE((SELECT c.currency FROM connections c
    WHERE c.workspace_id = workspaces.id AND c.currency <> '' ORDER BY c.created_at, c.id LIMIT 1), '');

-- +goose Down
DROP TABLE fx_refreshes;
DROP TABLE fx_state;
DROP TABLE fx_rates;
UPDATE workspaces SET currency = 'USD' WHERE currency = '';
