-- +goose Up
-- Coverage per tracking ID (SPEC §3.5): for each (connection, report type,
-- day, tracking ID) the facts of one file count. A file covers the
-- (day, tracking ID) pairs its rows carry; tracking_id '' stands for a file
-- whose rows carry none, which covers every tracking ID of its days.
CREATE TABLE file_days_new (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    report_type   TEXT NOT NULL,
    day           DATE NOT NULL,
    tracking_id   TEXT NOT NULL,
    file_id       BIGINT NOT NULL REFERENCES imported_files (id) ON DELETE CASCADE,
    priority      INTEGER NOT NULL,
    coverage_end  DATE NOT NULL,
    PRIMARY KEY (connection_id, report_type, day, tracking_id, file_id)
);
-- A day an earlier version covered now covers the tracking IDs of its rows there.
INSERT INTO file_days_new (connection_id, report_type, day, tracking_id, file_id, priority, coverage_end)
SELECT DISTINCT d.connection_id, d.report_type, d.day, f.tracking_id, d.file_id, d.priority, d.coverage_end
FROM file_days d JOIN facts f ON f.connection_id = d.connection_id AND f.report_type = d.report_type AND f.day = d.day AND f.file_id = d.file_id;
DROP TABLE file_days;
ALTER TABLE file_days_new RENAME TO file_days;
ALTER INDEX file_days_new_pkey RENAME TO file_days_pkey;
CREATE INDEX file_days_file ON file_days (file_id);

CREATE TABLE chosen_days_new (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    report_type   TEXT NOT NULL,
    day           DATE NOT NULL,
    tracking_id   TEXT NOT NULL,
    file_id       BIGINT NOT NULL REFERENCES imported_files (id) ON DELETE CASCADE,
    PRIMARY KEY (connection_id, report_type, day, tracking_id)
);
-- The same facts keep counting, so stored projections stay true; the next
-- import of those days re-decides them by the new rule.
INSERT INTO chosen_days_new (connection_id, report_type, day, tracking_id, file_id)
SELECT DISTINCT c.connection_id, c.report_type, c.day, f.tracking_id, c.file_id
FROM chosen_days c JOIN facts f ON f.connection_id = c.connection_id AND f.report_type = c.report_type AND f.day = c.day AND f.file_id = c.file_id;
DROP TABLE chosen_days;
ALTER TABLE chosen_days_new RENAME TO chosen_days;
ALTER INDEX chosen_days_new_pkey RENAME TO chosen_days_pkey;

-- A transaction that stopped existing (SPEC §4.2 "Removed transactions"):
-- its last stored state, shown once more in time_type=updated listings at
-- its place in the update order, until pruned. It goes when the id comes back.
CREATE TABLE transaction_tombstones (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    program       TEXT NOT NULL,
    channel       TEXT NOT NULL,
    status        TEXT NOT NULL,
    state         TEXT NOT NULL,
    deleted_at    TIMESTAMPTZ NOT NULL,
    update_seq    BIGINT NOT NULL
);
CREATE INDEX transaction_tombstones_update_seq ON transaction_tombstones (workspace_id, update_seq);
CREATE INDEX transaction_tombstones_deleted ON transaction_tombstones (deleted_at);

CREATE TABLE transaction_tombstone_customs (
    workspace_id   TEXT NOT NULL,
    custom         TEXT NOT NULL,
    transaction_id TEXT NOT NULL REFERENCES transaction_tombstones (id) ON DELETE CASCADE,
    PRIMARY KEY (workspace_id, custom, transaction_id)
);
CREATE INDEX transaction_tombstone_customs_tx ON transaction_tombstone_customs (transaction_id);

-- +goose Down
DROP TABLE transaction_tombstone_customs;
DROP TABLE transaction_tombstones;
CREATE TABLE chosen_days_old (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    report_type   TEXT NOT NULL,
    day           DATE NOT NULL,
    file_id       BIGINT NOT NULL REFERENCES imported_files (id) ON DELETE CASCADE,
    PRIMARY KEY (connection_id, report_type, day)
);
INSERT INTO chosen_days_old (connection_id, report_type, day, file_id)
SELECT connection_id, report_type, day, MAX(file_id) FROM chosen_days GROUP BY connection_id, report_type, day;
DROP TABLE chosen_days;
ALTER TABLE chosen_days_old RENAME TO chosen_days;
ALTER INDEX chosen_days_old_pkey RENAME TO chosen_days_pkey;
CREATE TABLE file_days_old (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    report_type   TEXT NOT NULL,
    day           DATE NOT NULL,
    file_id       BIGINT NOT NULL REFERENCES imported_files (id) ON DELETE CASCADE,
    priority      INTEGER NOT NULL,
    coverage_end  DATE NOT NULL,
    PRIMARY KEY (connection_id, report_type, day, file_id)
);
INSERT INTO file_days_old (connection_id, report_type, day, file_id, priority, coverage_end)
SELECT DISTINCT connection_id, report_type, day, file_id, priority, coverage_end FROM file_days;
DROP TABLE file_days;
ALTER TABLE file_days_old RENAME TO file_days;
ALTER INDEX file_days_old_pkey RENAME TO file_days_pkey;
CREATE INDEX file_days_file ON file_days (file_id);
