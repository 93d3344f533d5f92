-- +goose Up
-- GET /v1/transactions?custom= pages in list order straight out of an index
-- (SPEC §4.2): the customs table carries its transaction's seq (immutable)
-- and update_seq (moved on every change), so a page walks
-- (workspace_id, custom, seq) or (workspace_id, custom, update_seq) from the
-- cursor on and stops at its limit, however many transactions the custom
-- has. seq is a function of transaction_id, so the key still allows one row
-- per (custom, transaction).
CREATE TABLE transaction_customs_new (
    workspace_id   TEXT NOT NULL,
    custom         TEXT NOT NULL,
    transaction_id TEXT NOT NULL REFERENCES transactions (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    seq            BIGINT NOT NULL,
    update_seq     BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, custom, seq, transaction_id)
) WITHOUT ROWID; -- clustered on its key, as 00005 made it
INSERT INTO transaction_customs_new (workspace_id, custom, transaction_id, seq, update_seq)
SELECT c.workspace_id, c.custom, c.transaction_id, t.seq, t.update_seq
FROM transaction_customs c JOIN transactions t ON t.id = c.transaction_id;
DROP TABLE transaction_customs;
ALTER TABLE transaction_customs_new RENAME TO transaction_customs;
CREATE INDEX transaction_customs_tx ON transaction_customs (transaction_id);
CREATE INDEX transaction_customs_update_seq ON transaction_customs (workspace_id, custom, update_seq);

-- +goose Down
CREATE TABLE transaction_customs_old (
    workspace_id   TEXT NOT NULL,
    custom         TEXT NOT NULL,
    transaction_id TEXT NOT NULL REFERENCES transactions (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (workspace_id, custom, transaction_id)
) WITHOUT ROWID;
INSERT INTO transaction_customs_old (workspace_id, custom, transaction_id)
SELECT workspace_id, custom, transaction_id FROM transaction_customs;
DROP TABLE transaction_customs;
ALTER TABLE transaction_customs_old RENAME TO transaction_customs;
CREATE INDEX transaction_customs_tx ON transaction_customs (transaction_id);
