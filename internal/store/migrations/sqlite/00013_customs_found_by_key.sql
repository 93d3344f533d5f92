-- +goose Up
-- A transaction's customs rows are found by their own key: (workspace, each
-- custom of its customs list, its seq, its id). So they need neither an
-- index on transaction_id nor a key to the transaction, whose check is a
-- probe into transactions' id index: both are random writes, one per row,
-- and a million-row import spent 8–10 s of 49 s on them (bench/import.sh,
-- with and without). The trigger keeps the cascade: it deletes a deleted
-- transaction's rows by their key, whoever deletes it (a workspace or a
-- connection going cascades to its transactions and fires it too).
CREATE TABLE transaction_customs_new (
    workspace_id   TEXT NOT NULL,
    custom         TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    seq            BIGINT NOT NULL,
    update_seq     BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, custom, seq, transaction_id)
) WITHOUT ROWID;
INSERT INTO transaction_customs_new (workspace_id, custom, transaction_id, seq, update_seq)
SELECT workspace_id, custom, transaction_id, seq, update_seq FROM transaction_customs;
DROP TABLE transaction_customs;
ALTER TABLE transaction_customs_new RENAME TO transaction_customs;
CREATE INDEX transaction_customs_update_seq ON transaction_customs (workspace_id, custom, update_seq);
-- +goose StatementBegin
CREATE TRIGGER transactions_delete_customs AFTER DELETE ON transactions BEGIN
    DELETE FROM transaction_customs WHERE workspace_id = OLD.workspace_id
        AND custom IN (SELECT value FROM json_each(OLD.customs)) AND seq = OLD.seq AND transaction_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER transactions_delete_customs;
CREATE TABLE transaction_customs_old (
    workspace_id   TEXT NOT NULL,
    custom         TEXT NOT NULL,
    transaction_id TEXT NOT NULL REFERENCES transactions (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    seq            BIGINT NOT NULL,
    update_seq     BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, custom, seq, transaction_id)
) WITHOUT ROWID;
INSERT INTO transaction_customs_old (workspace_id, custom, transaction_id, seq, update_seq)
SELECT workspace_id, custom, transaction_id, seq, update_seq FROM transaction_customs;
DROP TABLE transaction_customs;
ALTER TABLE transaction_customs_old RENAME TO transaction_customs;
CREATE INDEX transaction_customs_tx ON transaction_customs (transaction_id);
CREATE INDEX transaction_customs_update_seq ON transaction_customs (workspace_id, custom, update_seq);
