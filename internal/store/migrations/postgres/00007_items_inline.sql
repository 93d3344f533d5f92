-- +goose Up
-- A transaction's items live in its own row, as the JSON array of arrays
-- every read already asked for (items_json.go): an import then writes one row
-- per transaction, not one more per item. TEXT, not jsonb: it is written and
-- read whole, never queried inside but by UnshippedOrderGroups.
-- Each item is [sku, name, category, seller, price, quantity, returned,
-- sale_amount, commission, rate, device, link_type, direct].
ALTER TABLE transactions ADD COLUMN items TEXT NOT NULL DEFAULT '[]';
UPDATE transactions t SET items = x.items
FROM (SELECT transaction_id, json_agg(json_build_array(sku, name, category, seller, price, quantity, returned, sale_amount,
        commission, rate, device, link_type, direct) ORDER BY position)::text AS items
    FROM transaction_items GROUP BY transaction_id) x
WHERE x.transaction_id = t.id;
DROP TABLE transaction_items;

-- +goose Down
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
INSERT INTO transaction_items (transaction_id, position, sku, name, category, seller, price, quantity, returned, sale_amount,
    commission, rate, device, link_type, direct)
SELECT t.id, j.n - 1, j.v ->> 0, j.v ->> 1, j.v ->> 2, j.v ->> 3, (j.v ->> 4)::bigint, (j.v ->> 5)::bigint, (j.v ->> 6)::bigint,
    (j.v ->> 7)::bigint, (j.v ->> 8)::bigint, (j.v ->> 9)::bigint, j.v ->> 10, j.v ->> 11, (j.v ->> 12)::boolean
FROM transactions t, json_array_elements(t.items::json) WITH ORDINALITY j(v, n);
ALTER TABLE transactions DROP COLUMN items;
