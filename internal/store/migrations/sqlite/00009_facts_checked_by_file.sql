-- +goose Up
-- PostgreSQL's 00009 drops the foreign keys of facts on workspace_id and
-- connection_id (its file's key keeps them tied). SQLite checks a key with
-- one index probe, not a trigger, and dropping one would rebuild the
-- table: its schema stays as it is; this file keeps the two engines'
-- migration versions in step.
SELECT 1;

-- +goose Down
SELECT 1;
