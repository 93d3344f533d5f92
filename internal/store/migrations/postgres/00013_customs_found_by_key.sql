-- +goose Up
-- A transaction's customs rows are found by their own key: (workspace, each
-- custom of its customs list, its seq, its id), as on SQLite (its 00013,
-- where the index on transaction_id and the key to the transaction were
-- 8–10 s of a million-row import's 49 s). Here the key went in 00012 and
-- the index goes now, so that both engines keep one design; a million-row
-- import took the same time with it (47.0 and 47.8 s) and without (49.8
-- and 47.2 s). The trigger of 00012 now deletes a deleted
-- transaction's rows by their key.
DROP INDEX transaction_customs_tx;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION delete_transaction_customs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM transaction_customs WHERE workspace_id = OLD.workspace_id
        AND custom IN (SELECT json_array_elements_text(OLD.customs::json)) AND seq = OLD.seq AND transaction_id = OLD.id;
    RETURN OLD;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION delete_transaction_customs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM transaction_customs WHERE transaction_id = OLD.id;
    RETURN OLD;
END
$$;
-- +goose StatementEnd
CREATE INDEX transaction_customs_tx ON transaction_customs (transaction_id);
