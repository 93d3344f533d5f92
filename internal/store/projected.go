package store

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/affsync/affsync/internal/model"
)

// ProjectedDigests returns, of the given projection groups of a connection,
// the digest of what the projection last stored for each that has one
// (migration 00016): a group projected again to that digest is unchanged.
func (t *Tx) ProjectedDigests(ctx context.Context, workspaceID, connectionID string, groups []string) (map[string]model.Digest, error) {
	out := make(map[string]model.Digest, len(groups))
	for chunk := range listChunks(t.s.dialect, groups) {
		args := sqlArgs{workspaceID, connectionID}
		rows, err := t.query(ctx, `SELECT group_key, digest FROM projected_groups WHERE workspace_id = $1 AND connection_id = $2
			AND `+inList(t.s.dialect, &args, "group_key", chunk), args...)
		if err != nil {
			return nil, fmt.Errorf("projected digests: %w", err)
		}
		for rows.Next() {
			var g string
			var d []byte
			if err := rows.Scan(&g, &d); err != nil {
				rows.Close()
				return nil, fmt.Errorf("projected digests: %w", err)
			}
			if len(d) == len(model.Digest{}) {
				out[g] = model.Digest(d)
			}
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("projected digests: %w", err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("projected digests: %w", err)
		}
	}
	return out, nil
}

// SetProjectedDigests records the digests of groups whose transactions the
// projection has just stored, replacing what was recorded for them. Only
// the projection calls it, after its upsert: a digest stands for the
// transactions of its group exactly as stored.
func (t *Tx) SetProjectedDigests(ctx context.Context, workspaceID, connectionID string, digests map[string]model.Digest) error {
	if len(digests) == 0 {
		return nil
	}
	rows := make([][]any, 0, len(digests))
	for _, g := range slices.Sorted(maps.Keys(digests)) {
		d := digests[g]
		rows = append(rows, []any{workspaceID, connectionID, g, d[:]})
	}
	if err := t.upsertRows(ctx, "projected_groups", []string{"workspace_id", "connection_id", "group_key", "digest"}, rows,
		"ON CONFLICT (connection_id, group_key) DO UPDATE SET digest = excluded.digest"); err != nil {
		return fmt.Errorf("set projected digests: %w", err)
	}
	return nil
}

// forgetProjected drops the digests of the groups of writes that are not
// the projection's: the transactions they stand for may differ now.
func (t *Tx) forgetProjected(ctx context.Context, workspaceID string, batch []TxWrite) error {
	byConn := map[string][]string{}
	for _, w := range batch {
		if w.Group != "" {
			byConn[w.Tx.ConnectionID] = append(byConn[w.Tx.ConnectionID], w.Group)
		}
	}
	for _, conn := range slices.Sorted(maps.Keys(byConn)) {
		groups := slices.Compact(slices.Sorted(slices.Values(byConn[conn])))
		for chunk := range listChunks(t.s.dialect, groups) {
			args := sqlArgs{workspaceID, conn}
			if _, err := t.exec(ctx, `DELETE FROM projected_groups WHERE workspace_id = $1 AND connection_id = $2 AND `+
				inList(t.s.dialect, &args, "group_key", chunk), args...); err != nil {
				return fmt.Errorf("forget projected digests: %w", err)
			}
		}
	}
	return nil
}
