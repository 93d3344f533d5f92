-- +goose Up
-- The groups index carries the file too, so that "which of these groups has
-- facts in another file" (GroupsInOtherFiles: are the groups a file brings
-- new?) is answered by the index alone, without reading each fact's row.
DROP INDEX facts_group;
CREATE INDEX facts_group ON facts (connection_id, group_key, file_id);

-- +goose Down
DROP INDEX facts_group;
CREATE INDEX facts_group ON facts (connection_id, group_key);
