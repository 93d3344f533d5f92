-- +goose Up
-- SQLite's 00005 clusters transaction_items and transaction_customs on their
-- primary keys (WITHOUT ROWID). PostgreSQL tables are heaps with separate
-- indexes either way, so its schema stays as it is; this file keeps the two
-- engines' migration versions in step.
SELECT 1;

-- +goose Down
SELECT 1;
