-- +goose Up
-- A transaction's items live in its own row, as the JSON array of arrays
-- every read already asked for (items_json.go): an import then writes one row
-- per transaction, not one more per item into a table clustered on a random
-- transaction id (measured: a fifth of a 300k-row import's time).
-- Each item is [sku, name, category, seller, price, quantity, returned,
-- sale_amount, commission, rate, device, link_type, direct].
ALTER TABLE transactions ADD COLUMN items TEXT NOT NULL DEFAULT '[]';
UPDATE transactions SET items = (SELECT json_group_array(json_array(sku, name, category, seller, price, quantity, returned,
        sale_amount, commission, rate, device, link_type, direct) ORDER BY position)
    FROM transaction_items i WHERE i.transaction_id = transactions.id)
WHERE id IN (SELECT transaction_id FROM transaction_items);
DROP TABLE transaction_items;

-- +goose Down
CREATE TABLE transaction_items (
    transaction_id TEXT NOT NULL REFERENCES transactions (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
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
    direct         INTEGER,
    PRIMARY KEY (transaction_id, position)
) WITHOUT ROWID;
INSERT INTO transaction_items (transaction_id, position, sku, name, category, seller, price, quantity, returned, sale_amount,
    commission, rate, device, link_type, direct)
SELECT t.id, CAST(j.key AS INTEGER), j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5,
    j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11, j.value ->> 12
FROM transactions t, json_each(t.items) j;
ALTER TABLE transactions DROP COLUMN items;
