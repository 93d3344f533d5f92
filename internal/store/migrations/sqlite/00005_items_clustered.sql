-- +goose Up
-- An import writes three or so items and a custom for every transaction.
-- Kept in rowid tables, each item landed in two B-trees (the rows and the
-- primary key) and each custom in three; clustered on their primary keys
-- (WITHOUT ROWID) an item lands in one and a custom in two. Every read of
-- them (a transaction's items in position order, the transactions of a
-- custom, the customs of a transaction) is a walk of one of these keys.
-- Nothing references either table, so rebuilding them loses no row.
CREATE TABLE transaction_items_new (
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
INSERT INTO transaction_items_new (transaction_id, position, sku, name, category, seller, price, quantity, returned, sale_amount,
    commission, rate, device, link_type, direct)
SELECT transaction_id, position, sku, name, category, seller, price, quantity, returned, sale_amount,
    commission, rate, device, link_type, direct FROM transaction_items;
DROP TABLE transaction_items;
ALTER TABLE transaction_items_new RENAME TO transaction_items;

CREATE TABLE transaction_customs_new (
    workspace_id   TEXT NOT NULL,
    custom         TEXT NOT NULL,
    transaction_id TEXT NOT NULL REFERENCES transactions (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (workspace_id, custom, transaction_id)
) WITHOUT ROWID;
INSERT INTO transaction_customs_new (workspace_id, custom, transaction_id)
SELECT workspace_id, custom, transaction_id FROM transaction_customs;
DROP TABLE transaction_customs;
ALTER TABLE transaction_customs_new RENAME TO transaction_customs;
CREATE INDEX transaction_customs_tx ON transaction_customs (transaction_id);

-- +goose Down
CREATE TABLE transaction_items_old (
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
);
INSERT INTO transaction_items_old SELECT transaction_id, position, sku, name, category, seller, price, quantity, returned,
    sale_amount, commission, rate, device, link_type, direct FROM transaction_items;
DROP TABLE transaction_items;
ALTER TABLE transaction_items_old RENAME TO transaction_items;

CREATE TABLE transaction_customs_old (
    workspace_id   TEXT NOT NULL,
    custom         TEXT NOT NULL,
    transaction_id TEXT NOT NULL REFERENCES transactions (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (workspace_id, custom, transaction_id)
);
INSERT INTO transaction_customs_old SELECT workspace_id, custom, transaction_id FROM transaction_customs;
DROP TABLE transaction_customs;
ALTER TABLE transaction_customs_old RENAME TO transaction_customs;
CREATE INDEX transaction_customs_tx ON transaction_customs (transaction_id);
