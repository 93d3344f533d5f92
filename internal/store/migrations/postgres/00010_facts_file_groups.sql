-- +goose Up
-- The file index carries each fact's group too, so that the groups of one
-- file come out of it in order, without reading the facts' rows
-- (GroupsLeftBehind: which groups of a re-issued file does its re-issue
-- drop?). Deleting a file's facts still finds them by its leading column.
DROP INDEX facts_file;
CREATE INDEX facts_file ON facts (file_id, group_key);

-- +goose Down
DROP INDEX facts_file;
CREATE INDEX facts_file ON facts (file_id);
