-- +goose Up
-- Every text column of the app's tables compares in byte order (COLLATE
-- "C"), whatever the database's default collation is:
-- - SQLite's BINARY collation is byte order; under a database collation
--   such as en_US.UTF-8 PostgreSQL ordered text keys differently, so
--   keyset cursors and list orders differed between the engines;
-- - under any collation but C (C.UTF-8 included, on PostgreSQL 15)
--   PostgreSQL compares text with strcoll, not memcmp, on every B-tree
--   probe of an import. Measured on a 300k-row import in a C.UTF-8
--   database, 5 runs each alternating on a shared, noisy machine: the
--   server's CPU time for the import 12.08 s before, 11.86 s after
--   (medians, -2%); wall time 20.8 s before, 19.7 s after, within the
--   noise. The keys are short and glibc's C.UTF-8 collates in code point
--   order, so the gain there is small. In a database whose default is
--   ICU's en-US (4 runs each): server CPU 15.20 s before, 12.58 s after
--   (-17%); wall 20.5 s before, 18.9 s after.
-- One ALTER TABLE per table, all its columns in it: each ALTER rebuilds
-- the table's indexes once (the rows are not rewritten; 1.5 s on the
-- database of that 300k-row import). A process still running while this
-- applies gets "cached plan must not change result type" once per
-- prepared statement: the result columns' collation changes. The loop
-- reads the catalog, so no table is left out; a column a later migration
-- adds must say COLLATE "C" itself (TestTextColumnsCollateC fails naming
-- it otherwise). goose's own table is left as it is.
-- UNIQUE (connection_id, source_key) of transactions stays: no query reads
-- by it and the id (a hash of the two) is the key writes conflict on, but
-- dropping it did not pay measurably on the same import (4 runs each:
-- server CPU 11.73 s with it, 11.57 s without, medians; wall 18.2 s and
-- 19.6 s).
-- +goose StatementBegin
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.relname AS tbl,
               string_agg(format('ALTER COLUMN %I TYPE %s COLLATE "C"', a.attname, format_type(a.atttypid, a.atttypmod)),
                          ', ' ORDER BY a.attnum) AS alters
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = current_schema()::regnamespace
          AND c.relkind IN ('r', 'p')
          AND c.relname <> 'goose_db_version'
          AND a.attnum > 0 AND NOT a.attisdropped
          AND a.attcollation <> 0
          AND a.attcollation <> 'pg_catalog."C"'::regcollation
        GROUP BY c.relname
        ORDER BY c.relname
    LOOP
        EXECUTE format('ALTER TABLE %I %s', r.tbl, r.alters);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- Back to the database's default collation; before 00011 no column of the
-- app's tables named one.
-- +goose StatementBegin
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.relname AS tbl,
               string_agg(format('ALTER COLUMN %I TYPE %s COLLATE "default"', a.attname, format_type(a.atttypid, a.atttypmod)),
                          ', ' ORDER BY a.attnum) AS alters
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = current_schema()::regnamespace
          AND c.relkind IN ('r', 'p')
          AND c.relname <> 'goose_db_version'
          AND a.attnum > 0 AND NOT a.attisdropped
          AND a.attcollation = 'pg_catalog."C"'::regcollation
        GROUP BY c.relname
        ORDER BY c.relname
    LOOP
        EXECUTE format('ALTER TABLE %I %s', r.tbl, r.alters);
    END LOOP;
END
$$;
-- +goose StatementEnd
