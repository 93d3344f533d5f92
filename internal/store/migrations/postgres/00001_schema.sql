-- Code generated from schema.tmpl.sql by gen.sh; edit the template.
-- +goose Up
-- The whole data model of SPEC §2. Instants are TIMESTAMPTZ (UTC), calendar dates DATE,
-- money BIGINT minor units beside an ISO 4217 currency, never floating point.
-- Foreign keys: on SQLite gen.sh makes them DEFERRABLE INITIALLY DEFERRED,
-- checked at commit. One checked at once makes SQLite keep a statement
-- journal for every multi-row INSERT (a tenth of an import's time), and a
-- write transaction is all or nothing anyway. PostgreSQL checks them at once.

CREATE TABLE workspaces (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    currency   TEXT NOT NULL DEFAULT 'USD',
    -- tx_seq numbers transaction writes; its row lock also serialises the
    -- writers of one workspace, so sequence order is commit order.
    tx_seq     BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    time_zone     TEXT NOT NULL DEFAULT 'UTC',
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE memberships (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'member', 'read-only')),
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id);

CREATE TABLE connections (
    id                    TEXT PRIMARY KEY,
    workspace_id          TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    network               TEXT NOT NULL,
    connector             TEXT NOT NULL,
    name                  TEXT NOT NULL,
    currency              TEXT NOT NULL DEFAULT '',
    settings              TEXT NOT NULL DEFAULT '{}',
    secret                BYTEA,
    status                TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'error', 'disabled')),
    last_error            TEXT NOT NULL DEFAULT '',
    sync_interval_seconds INTEGER NOT NULL DEFAULT 3600,
    next_run_at           TIMESTAMPTZ,
    fail_count            INTEGER NOT NULL DEFAULT 0,
    lease_owner           TEXT,
    lease_until           TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX connections_workspace ON connections (workspace_id);
CREATE INDEX connections_due ON connections (next_run_at);

CREATE TABLE connection_runs (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    trigger_kind  TEXT NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    files         INTEGER NOT NULL DEFAULT 0,
    rows_read     INTEGER NOT NULL DEFAULT 0,
    outcome       TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'ok', 'error')),
    error         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX connection_runs_connection ON connection_runs (connection_id, id);

-- Every report file read, once per (connection, filename, md5).
CREATE TABLE imported_files (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id  TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    filename       TEXT NOT NULL,
    md5            TEXT NOT NULL,
    size           BIGINT NOT NULL DEFAULT 0,
    report_types   TEXT NOT NULL DEFAULT '',
    last_modified  TIMESTAMPTZ,
    outcome        TEXT NOT NULL CHECK (outcome IN ('applied', 'rejected', 'skipped')),
    rows_read      INTEGER NOT NULL DEFAULT 0,
    error          TEXT NOT NULL DEFAULT '',
    imported_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (connection_id, filename, md5)
);

-- The days each report in a file covers. For each (connection, report type,
-- day) the facts of one file count (SPEC §3.5): the highest priority
-- (-subtags over plain, TSV over XML), then the coverage that ends latest,
-- then the latest lastModified, then the file imported last.
CREATE TABLE file_days (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    report_type   TEXT NOT NULL,
    day           DATE NOT NULL,
    file_id       BIGINT NOT NULL REFERENCES imported_files (id) ON DELETE CASCADE,
    priority      INTEGER NOT NULL,
    coverage_end  DATE NOT NULL,
    PRIMARY KEY (connection_id, report_type, day, file_id)
);
CREATE INDEX file_days_file ON file_days (file_id);

-- The file chosen for each (connection, report type, day) by the rule above,
-- kept current by every import so reads need not re-decide it.
CREATE TABLE chosen_days (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    report_type   TEXT NOT NULL,
    day           DATE NOT NULL,
    file_id       BIGINT NOT NULL REFERENCES imported_files (id) ON DELETE CASCADE,
    PRIMARY KEY (connection_id, report_type, day)
);

-- Report rows as read: the only truth; transactions, revenues and clicks are projections.
CREATE TABLE facts (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    file_id       BIGINT NOT NULL REFERENCES imported_files (id) ON DELETE CASCADE,
    line          INTEGER NOT NULL,
    report_type   TEXT NOT NULL,
    day           DATE NOT NULL,
    fact_key      TEXT NOT NULL,
    group_key     TEXT NOT NULL,
    program       TEXT NOT NULL,
    currency      TEXT NOT NULL,
    tracking_id   TEXT NOT NULL,
    subtag        TEXT NOT NULL,
    asin          TEXT NOT NULL,
    name          TEXT NOT NULL,
    category      TEXT NOT NULL,
    seller        TEXT NOT NULL,
    device        TEXT NOT NULL,
    link_type     TEXT NOT NULL,
    direct        BOOLEAN,
    price         BIGINT NOT NULL,
    quantity      BIGINT NOT NULL,
    returns       BIGINT NOT NULL,
    revenue       BIGINT NOT NULL,
    commission    BIGINT NOT NULL,
    rate          BIGINT NOT NULL,
    clicks        BIGINT NOT NULL,
    items_ordered BIGINT NOT NULL,
    items_shipped BIGINT NOT NULL
);
CREATE INDEX facts_group ON facts (connection_id, group_key);
CREATE INDEX facts_file ON facts (file_id);
CREATE INDEX facts_day ON facts (connection_id, report_type, day, file_id);

CREATE TABLE channels (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (connection_id, code)
);
CREATE INDEX channels_workspace ON channels (workspace_id, code);

CREATE TABLE programs (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    program       TEXT NOT NULL,
    status        TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (connection_id, program)
);
CREATE INDEX programs_workspace ON programs (workspace_id);

CREATE TABLE program_history (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    program       TEXT NOT NULL,
    at            TIMESTAMPTZ NOT NULL,
    from_status   TEXT NOT NULL,
    to_status     TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX program_history_program ON program_history (connection_id, program, id);

CREATE TABLE transactions (
    id                   TEXT PRIMARY KEY,
    workspace_id         TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id        TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    network              TEXT NOT NULL,
    source_key           TEXT NOT NULL,
    group_key            TEXT NOT NULL DEFAULT '',
    program              TEXT NOT NULL,
    channel              TEXT NOT NULL,
    customs              TEXT NOT NULL DEFAULT '[]',
    order_ref            TEXT,
    status               TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'declined')),
    network_status       TEXT NOT NULL,
    status_reason        TEXT NOT NULL DEFAULT '',
    paid                 BOOLEAN NOT NULL DEFAULT FALSE,
    payment_id           TEXT NOT NULL DEFAULT '',
    currency             TEXT NOT NULL,
    sale_amount          BIGINT NOT NULL,
    commission           BIGINT NOT NULL,
    commission_estimated BOOLEAN NOT NULL DEFAULT FALSE,
    quantity             BIGINT NOT NULL,
    clicked_at           TIMESTAMPTZ,
    sold_at              TIMESTAMPTZ NOT NULL,
    checked_at           TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    -- seq: order of first storage (the default list order, immutable);
    -- update_seq: order of the last change (time_type=updated).
    seq                  BIGINT NOT NULL,
    update_seq           BIGINT NOT NULL,
    UNIQUE (connection_id, source_key)
);
CREATE INDEX transactions_seq ON transactions (workspace_id, seq);
CREATE INDEX transactions_update_seq ON transactions (workspace_id, update_seq);
CREATE INDEX transactions_sold ON transactions (workspace_id, sold_at);
CREATE INDEX transactions_group ON transactions (connection_id, group_key);

CREATE TABLE transaction_customs (
    workspace_id   TEXT NOT NULL,
    custom         TEXT NOT NULL,
    transaction_id TEXT NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
    PRIMARY KEY (workspace_id, custom, transaction_id)
);
CREATE INDEX transaction_customs_tx ON transaction_customs (transaction_id);

CREATE TABLE transaction_items (
    transaction_id TEXT NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    sku            TEXT NOT NULL,
    name           TEXT NOT NULL,
    category       TEXT NOT NULL,
    seller         TEXT NOT NULL,
    price          BIGINT NOT NULL,
    quantity       BIGINT NOT NULL,
    returned       BIGINT NOT NULL,
    sale_amount    BIGINT NOT NULL,
    commission     BIGINT NOT NULL,
    rate           BIGINT NOT NULL,
    device         TEXT NOT NULL,
    link_type      TEXT NOT NULL,
    direct         BOOLEAN,
    PRIMARY KEY (transaction_id, position)
);

CREATE TABLE transaction_history (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id   TEXT NOT NULL,
    transaction_id TEXT NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
    at             TIMESTAMPTZ NOT NULL,
    changes        TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX transaction_history_tx ON transaction_history (transaction_id, id);

CREATE TABLE clicks (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    day           DATE NOT NULL,
    channel       TEXT NOT NULL,
    program       TEXT NOT NULL,
    custom        TEXT NOT NULL DEFAULT '',
    clicks        BIGINT NOT NULL,
    PRIMARY KEY (connection_id, day, channel, program, custom)
);
CREATE INDEX clicks_workspace ON clicks (workspace_id, day);

CREATE TABLE revenues (
    workspace_id   TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id  TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    day            DATE NOT NULL,
    channel        TEXT NOT NULL,
    program        TEXT NOT NULL,
    custom         TEXT NOT NULL DEFAULT '',
    currency       TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('cps', 'cpc')),
    sale_amount    BIGINT NOT NULL,
    commission     BIGINT NOT NULL,
    items_shipped  BIGINT NOT NULL,
    items_returned BIGINT NOT NULL,
    transactions   BIGINT NOT NULL,
    PRIMARY KEY (connection_id, day, channel, program, custom, currency, kind)
);
CREATE INDEX revenues_workspace ON revenues (workspace_id, day);

-- Daily rollups that the dashboard's overview reads, so that its cost follows
-- days × channels × programs and not the number of transactions or customs.
-- Kept current inside every write transaction that changes their sources
-- (store/rollup.go), for the days it touched.
CREATE TABLE revenue_days (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    day           DATE NOT NULL,
    channel       TEXT NOT NULL,
    program       TEXT NOT NULL,
    currency      TEXT NOT NULL,
    kind          TEXT NOT NULL,
    sale_amount   BIGINT NOT NULL,
    commission    BIGINT NOT NULL,
    transactions  BIGINT NOT NULL,
    PRIMARY KEY (connection_id, day, channel, program, currency, kind)
);
CREATE INDEX revenue_days_workspace ON revenue_days (workspace_id, day);

CREATE TABLE click_days (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    day           DATE NOT NULL,
    channel       TEXT NOT NULL,
    program       TEXT NOT NULL,
    clicks        BIGINT NOT NULL,
    PRIMARY KEY (connection_id, day, channel, program)
);
CREATE INDEX click_days_workspace ON click_days (workspace_id, day);

-- Transactions per UTC day of sale and status.
CREATE TABLE status_days (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    day           DATE NOT NULL,
    status        TEXT NOT NULL,
    currency      TEXT NOT NULL,
    transactions  BIGINT NOT NULL,
    sale_amount   BIGINT NOT NULL,
    commission    BIGINT NOT NULL,
    PRIMARY KEY (connection_id, day, status, currency)
);
CREATE INDEX status_days_workspace ON status_days (workspace_id, day);


-- Payments and deals come from files a person writes (README "File
-- formats"). id derives from (connection, reference), so a re-import finds
-- the same row; seq orders lists and their cursors (immutable).
CREATE TABLE payments (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    reference     TEXT NOT NULL,
    paid_on       DATE NOT NULL,
    period_start  DATE NOT NULL,
    period_end    DATE NOT NULL,
    currency      TEXT NOT NULL,
    amount        BIGINT NOT NULL,
    method        TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (connection_id, reference)
);
CREATE INDEX payments_workspace ON payments (workspace_id, seq);

CREATE TABLE deals (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    reference     TEXT NOT NULL,
    program       TEXT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    code          TEXT NOT NULL DEFAULT '',
    url           TEXT NOT NULL DEFAULT '',
    starts_on     DATE,
    ends_on       DATE,
    source        TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (connection_id, reference)
);
CREATE INDEX deals_workspace ON deals (workspace_id, seq);

CREATE TABLE inquiries (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id   TEXT REFERENCES connections (id) ON DELETE SET NULL,
    custom          TEXT NOT NULL,
    order_date      DATE NOT NULL,
    currency        TEXT NOT NULL,
    expected_amount BIGINT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('open', 'matched', 'accepted', 'rejected', 'expired')),
    transaction_id  TEXT REFERENCES transactions (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX inquiries_workspace ON inquiries (workspace_id, status);
CREATE INDEX inquiries_custom ON inquiries (workspace_id, custom);
CREATE INDEX inquiries_created ON inquiries (workspace_id, created_at, id);

CREATE TABLE inquiry_history (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inquiry_id  TEXT NOT NULL REFERENCES inquiries (id) ON DELETE CASCADE,
    at          TIMESTAMPTZ NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX inquiry_history_inquiry ON inquiry_history (inquiry_id, id);

CREATE TABLE links (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    code             TEXT NOT NULL UNIQUE,
    url              TEXT NOT NULL,
    channel          TEXT NOT NULL,
    program          TEXT NOT NULL DEFAULT '',
    custom           TEXT NOT NULL DEFAULT '',
    unique_per_click BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ NOT NULL,
    -- Counters of the link's redirect hits, kept in the transaction that
    -- writes the hits (RecordLinkClicks), so a list of links reads no hits.
    clicks           BIGINT NOT NULL DEFAULT 0,
    customs          BIGINT NOT NULL DEFAULT 0,
    last_click_at    TIMESTAMPTZ
);
CREATE INDEX links_workspace ON links (workspace_id, created_at);

-- One row per redirect hit: the minted subtag and the app's custom it stands for.
-- No foreign key on link_id: the writer checks a batch's links once
-- (RecordLinkClicks); a per-row check tripled the cost of a hit.
CREATE TABLE link_clicks (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    link_id      TEXT NOT NULL,
    subtag       TEXT NOT NULL,
    custom       TEXT NOT NULL DEFAULT '',
    clicked_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (workspace_id, subtag)
);
CREATE INDEX link_clicks_link ON link_clicks (link_id, id);

-- Redirect hits counted by day × channel × program × the app's custom,
-- written with the hits: GET /v1/clicks adds them to the report clicks.
CREATE TABLE link_click_days (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    day          DATE NOT NULL,
    channel      TEXT NOT NULL,
    program      TEXT NOT NULL,
    custom       TEXT NOT NULL DEFAULT '',
    clicks       BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, day, channel, program, custom)
);

-- A link's redirect hits per UTC day (its chart, its clicks over a date
-- range), written with the hits.
CREATE TABLE link_days (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    link_id      TEXT NOT NULL,
    day          DATE NOT NULL,
    clicks       BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, link_id, day)
);

-- The distinct app customs that followed a link: a new row here is what
-- adds one to links.customs.
CREATE TABLE link_customs (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    link_id      TEXT NOT NULL,
    custom       TEXT NOT NULL,
    PRIMARY KEY (workspace_id, link_id, custom)
);

CREATE TABLE webhooks (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    secret       BYTEA NOT NULL,
    events       TEXT NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhooks_workspace ON webhooks (workspace_id);

-- The delivery queue: one row per event and subscribed webhook, written in
-- the transaction of the change. A sender claims a due row by moving
-- next_attempt_at past its lease and naming itself lease_owner.
CREATE TABLE webhook_deliveries (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    webhook_id       TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id         TEXT NOT NULL,
    event            TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ,
    first_attempt_at TIMESTAMPTZ,
    lease_owner      TEXT,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    delivered_at     TIMESTAMPTZ
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_ended ON webhook_deliveries (status, created_at);

-- The delivery log: every attempt, as the receiver answered it.
CREATE TABLE webhook_attempts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at          TIMESTAMPTZ NOT NULL,
    status_code INTEGER NOT NULL,
    error       TEXT NOT NULL,
    duration_ms BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP TABLE link_customs;
DROP TABLE link_days;
DROP TABLE link_clicks;
DROP TABLE links;
DROP TABLE inquiry_history;
DROP TABLE inquiries;
DROP TABLE deals;
DROP TABLE payments;
DROP TABLE status_days;
DROP TABLE click_days;
DROP TABLE revenue_days;
DROP TABLE revenues;
DROP TABLE clicks;
DROP TABLE transaction_history;
DROP TABLE transaction_items;
DROP TABLE transaction_customs;
DROP TABLE transactions;
DROP TABLE program_history;
DROP TABLE programs;
DROP TABLE channels;
DROP TABLE facts;
DROP TABLE chosen_days;
DROP TABLE file_days;
DROP TABLE imported_files;
DROP TABLE connection_runs;
DROP TABLE connections;
DROP TABLE api_keys;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE workspaces;
