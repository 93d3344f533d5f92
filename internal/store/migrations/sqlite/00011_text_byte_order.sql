-- +goose Up
-- PostgreSQL's 00011 gives every text column COLLATE "C" (byte order).
-- SQLite's default BINARY collation compares text with memcmp already, so
-- its schema stays as it is; this file keeps the two engines' migration
-- versions in step.
SELECT 1;

-- +goose Down
SELECT 1;
