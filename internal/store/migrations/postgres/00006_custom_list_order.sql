-- +goose Up
-- GET /v1/transactions?custom= pages in list order straight out of an index
-- (SPEC §4.2): the customs table carries its transaction's seq (immutable)
-- and update_seq (moved on every change), so a page walks
-- (workspace_id, custom, seq) or (workspace_id, custom, update_seq) from the
-- cursor on and stops at its limit, however many transactions the custom
-- has. seq is a function of transaction_id, so the key still allows one row
-- per (custom, transaction).
ALTER TABLE transaction_customs ADD COLUMN seq BIGINT, ADD COLUMN update_seq BIGINT;
UPDATE transaction_customs c SET seq = t.seq, update_seq = t.update_seq FROM transactions t WHERE t.id = c.transaction_id;
ALTER TABLE transaction_customs ALTER COLUMN seq SET NOT NULL, ALTER COLUMN update_seq SET NOT NULL;
ALTER TABLE transaction_customs DROP CONSTRAINT transaction_customs_pkey;
ALTER TABLE transaction_customs ADD PRIMARY KEY (workspace_id, custom, seq, transaction_id);
CREATE INDEX transaction_customs_update_seq ON transaction_customs (workspace_id, custom, update_seq);

-- +goose Down
DROP INDEX transaction_customs_update_seq;
ALTER TABLE transaction_customs DROP CONSTRAINT transaction_customs_pkey;
ALTER TABLE transaction_customs ADD PRIMARY KEY (workspace_id, custom, transaction_id);
ALTER TABLE transaction_customs DROP COLUMN update_seq, DROP COLUMN seq;
