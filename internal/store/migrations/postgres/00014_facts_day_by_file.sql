-- +goose Up
-- The day index is led by the file: the day queries find the files from
-- file_days or chosen_days (which files cover or count on a day) and read
-- each one's facts of a report type and days from here. Led by the
-- connection, its inserts landed mid-tree at one spot per day, each split a
-- rebalance, with the 22-byte connection id in every entry. Copying the 1M
-- facts of an import (bench/floor -day-runs, CPU over no day index, four
-- runs): the old shape +3.4 to +3.9 s, this one +2.0 to +3.1 s, (file_id,
-- day) +1.7 to +2.4 s. The report type stays in it all the same: a file of
-- several reports (an Associates Central download holds Orders, Earnings,
-- Tracking and Bounty) would read every report's rows of a day for one's.
DROP INDEX facts_day;
CREATE INDEX facts_file_day ON facts (file_id, report_type, day);

-- +goose Down
DROP INDEX facts_file_day;
CREATE INDEX facts_day ON facts (connection_id, report_type, day, file_id);
