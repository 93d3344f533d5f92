-- +goose Up
-- The digest (model.ProjectionDigest) of the transactions a projection
-- group made when the projection last stored them. A group projected again
-- to the same digest would change nothing, so it is counted unchanged
-- without its stored transactions being read or compared: on a re-issue
-- that changes 1 % of its rows, 99 % of the groups. Only the projection
-- (importer.storeProjected) writes a row, after it stored the group's
-- transactions; any other write of a group's transactions deletes it. A
-- group without a row goes the long way, so the rows are filled in as the
-- groups of a store from before this migration are projected again.
CREATE TABLE projected_groups (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    group_key     TEXT NOT NULL,
    digest        BLOB NOT NULL,
    PRIMARY KEY (connection_id, group_key)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE projected_groups;
