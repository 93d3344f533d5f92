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
    workspace_id  TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    connection_id TEXT COLLATE "C" NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    group_key     TEXT COLLATE "C" NOT NULL,
    digest        BYTEA NOT NULL,
    PRIMARY KEY (connection_id, group_key)
);

-- +goose Down
DROP TABLE projected_groups;
