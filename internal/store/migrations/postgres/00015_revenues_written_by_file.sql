-- +goose Up
-- The file whose import last wrote a revenue row from its spool (0: written
-- otherwise). A file that counts alone on its days rewrites their rows: a
-- row it writes twice adds up (its batches of groups each add their part),
-- a row another file wrote is replaced, and the rows of those days that it
-- did not write at all are deleted after. A 1 %-changed re-issue so updates
-- its 333k rows in place instead of deleting and inserting each (four
-- B-trees apiece): about half the time (bench/import.sh re-import).
ALTER TABLE revenues ADD COLUMN file_id BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE revenues DROP COLUMN file_id;
