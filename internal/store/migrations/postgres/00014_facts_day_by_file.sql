-- +goose Up
-- The day index is led by the file: the day queries find the files from
-- file_days or chosen_days (which files cover or count on a day) and read
-- each one's facts of a report type and days from here. Led by the
-- connection, its inserts landed mid-tree at one spot per day, each split a
-- rebalance, with the 22-byte connection id in every entry: copying the 1M
-- facts of an import (bench/floor, CPU) took 5.9 s without it, 9.7 s with
-- it and 7.9 s with this one; (file_id, day) costs the same as this one, so
-- the report type stays in the index rather than in a filter.
DROP INDEX facts_day;
CREATE INDEX facts_file_day ON facts (file_id, report_type, day);

-- +goose Down
DROP INDEX facts_file_day;
CREATE INDEX facts_day ON facts (connection_id, report_type, day, file_id);
