package store

import (
	"context"
	"strconv"
)

// On PostgreSQL the tables an import fills by the million (facts,
// transactions, their customs, revenues) have no foreign keys to their
// file, connection and workspace (migration 00012): there a key is a
// trigger run per row, 3–7 µs, some 10 s of a million-row import. A write
// transaction checks each row they reference once instead (checkConnection,
// checkFile), and holds it with the lock a key check takes (FOR KEY SHARE),
// so that it cannot be deleted before the transaction commits; customs are
// written with their transaction, by the one writer of its workspace
// (lockSequence). Triggers keep the cascades. SQLite checks a key with one
// index probe and keeps its keys.

// checkConnection makes sure, once per transaction, that the connection
// exists in the workspace, and holds it until the transaction ends.
func (t *Tx) checkConnection(ctx context.Context, workspaceID, connectionID string) error {
	return t.hold(ctx, "c:"+workspaceID+":"+connectionID, "connection "+connectionID+" of workspace "+workspaceID,
		`SELECT 1 FROM connections WHERE id = $1 AND workspace_id = $2 FOR KEY SHARE`, connectionID, workspaceID)
}

// checkFile is checkConnection for an imported file of a connection.
func (t *Tx) checkFile(ctx context.Context, connectionID string, fileID int64) error {
	id := strconv.FormatInt(fileID, 10)
	return t.hold(ctx, "f:"+connectionID+":"+id, "file "+id+" of connection "+connectionID,
		`SELECT 1 FROM imported_files WHERE id = $1 AND connection_id = $2 FOR KEY SHARE`, fileID, connectionID)
}

// hold runs query, which locks the one row it finds, unless this
// transaction did already under key; no row is the error ErrNotFound.
func (t *Tx) hold(ctx context.Context, key, what, query string, args ...any) error {
	if t.s.dialect != Postgres || t.checked[key] {
		return nil
	}
	var one int
	if err := t.queryRow(ctx, query, args...).Scan(&one); err != nil {
		return notFound(err, what)
	}
	if t.checked == nil {
		t.checked = map[string]bool{}
	}
	t.checked[key] = true
	return nil
}
