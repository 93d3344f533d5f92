package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/wire"
)

// ErrDeleted is a transaction that existed and was removed: its tombstone
// is still kept. It is also an ErrNotFound, for callers that need not tell.
var ErrDeleted = fmt.Errorf("transaction deleted: %w", ErrNotFound)

var tombstoneColumns = []string{"id", "workspace_id", "connection_id", "program", "channel", "status", "state", "deleted_at", "update_seq"}

// DeleteTransactions removes projections whose facts no longer make them
// (a provisional stand-alone return that found its sale, a row a re-issued
// report dropped). The facts stay; the projection goes with its items,
// customs and history, and leaves a tombstone of its last stored state at
// the end of the update order and a transaction.deleted event, in this
// same transaction, so apps that follow either learn of it (SPEC §4.2).
func (t *Tx) DeleteTransactions(ctx context.Context, workspaceID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := t.touchTransactionIDs(ctx, workspaceID, ids); err != nil {
		return err
	}
	seq, err := t.lockSequence(ctx, workspaceID)
	if err != nil {
		return err
	}
	last, err := t.transactionsByID(ctx, workspaceID, ids)
	if err != nil {
		return err
	}
	subs, err := t.subscribers(ctx, workspaceID)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond) // as stored, so events and reads agree
	events := &eventQueue{t: t, workspaceID: workspaceID, subs: subs, now: now}
	var rows, customRows [][]any
	for _, id := range ids {
		x, ok := last[id]
		if !ok {
			continue
		}
		seq++
		x.DeletedAt = &now
		state, err := json.Marshal(x.Transaction)
		if err != nil {
			return fmt.Errorf("tombstone of %s: %w", id, err)
		}
		rows = append(rows, []any{x.ID, workspaceID, x.ConnectionID, x.Program, x.Channel, string(x.Status), string(state), t.s.ts(now), seq})
		for _, c := range uniqueStrings(x.Customs) {
			customRows = append(customRows, []any{workspaceID, c, x.ID})
		}
		if err := events.addTransaction(ctx, wire.EventTransactionDeleted, x.Transaction, nil); err != nil {
			return err
		}
	}
	if err := events.done(ctx); err != nil {
		return err
	}
	if err := t.dropTombstones(ctx, workspaceID, ids); err != nil {
		return err
	}
	if err := t.insertRows(ctx, "transaction_tombstones", tombstoneColumns, rows); err != nil {
		return fmt.Errorf("store tombstones: %w", err)
	}
	if err := t.insertRows(ctx, "transaction_tombstone_customs", []string{"workspace_id", "custom", "transaction_id"}, customRows); err != nil {
		return fmt.Errorf("store tombstones: %w", err)
	}
	for chunk := range listChunks(t.s.dialect, ids) {
		args := sqlArgs{workspaceID}
		if _, err := t.exec(ctx, `DELETE FROM transactions WHERE workspace_id = $1 AND `+inList(t.s.dialect, &args, "id", chunk), args...); err != nil {
			return fmt.Errorf("delete transactions: %w", err)
		}
	}
	return t.setSequence(ctx, workspaceID, seq)
}

// dropTombstones removes the tombstones of ids: a transaction that comes
// back is created again at the end of the update order, and a tombstone
// left behind it would only tell apps a removal that is no longer true.
func (t *Tx) dropTombstones(ctx context.Context, workspaceID string, ids []string) error {
	// Most workspaces have none: one look spares a large import's batches
	// their DELETEs.
	var one int
	err := t.queryRow(ctx, `SELECT 1 FROM transaction_tombstones WHERE workspace_id = $1 LIMIT 1`, workspaceID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look for tombstones: %w", err)
	}
	for chunk := range listChunks(t.s.dialect, ids) {
		args := sqlArgs{workspaceID}
		if _, err := t.exec(ctx, `DELETE FROM transaction_tombstones WHERE workspace_id = $1 AND `+
			inList(t.s.dialect, &args, "id", chunk), args...); err != nil {
			return fmt.Errorf("drop tombstones: %w", err)
		}
	}
	return nil
}

// PruneTombstones deletes the tombstones of removals before "before"; an
// app that has not synced since then no longer learns of those removals.
func (s *Store) PruneTombstones(ctx context.Context, before time.Time) (int64, error) {
	return s.writeCount(ctx, "prune tombstones", `DELETE FROM transaction_tombstones WHERE deleted_at < $1`, s.ts(before))
}

// tombstones lists the tombstones a time_type=updated page may hold: those
// after update_seq "after" that the filter selects, in update order.
func (s *Store) tombstones(ctx context.Context, workspaceID string, f TransactionFilter, after int64, limit int) ([]txWithSeq, error) {
	args := sqlArgs{workspaceID}
	arg := args.bind
	from := "transaction_tombstones b"
	where := []string{"b.workspace_id = $1"}
	if f.Custom != "" {
		from = "transaction_tombstone_customs c CROSS JOIN transaction_tombstones b"
		where = append(where, "c.workspace_id = $1", "c.custom = "+arg(f.Custom), "b.id = c.transaction_id")
	}
	if after > 0 {
		where = append(where, "b.update_seq > "+arg(after))
	}
	if f.Since != nil {
		where = append(where, "b.deleted_at >= "+arg(s.ts(*f.Since)))
	}
	if f.Until != nil {
		where = append(where, "b.deleted_at < "+arg(s.ts(*f.Until)))
	}
	for _, eq := range []struct{ col, v string }{
		{"status", string(f.Status)}, {"connection_id", f.ConnectionID}, {"channel", f.Channel}, {"program", f.Program},
	} {
		if eq.v != "" {
			where = append(where, "b."+eq.col+" = "+arg(eq.v))
		}
	}
	rows, err := s.read.QueryContext(ctx, `SELECT b.state, b.update_seq FROM `+from+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY b.update_seq LIMIT `+arg(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list tombstones: %w", err)
	}
	return collect(rows, func(r rowScanner) (txWithSeq, error) {
		var x txWithSeq
		var state string
		if err := r.Scan(&state, &x.updateSeq); err != nil {
			return x, fmt.Errorf("read tombstone: %w", err)
		}
		if err := json.Unmarshal([]byte(state), &x.Transaction); err != nil {
			return x, fmt.Errorf("read tombstone: %w", err)
		}
		return x, nil
	})
}

// tombstoned answers ErrDeleted when id has a tombstone in the workspace,
// else err as it was.
func (s *Store) tombstoned(ctx context.Context, workspaceID, id string, err error) error {
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	var one int
	switch qerr := s.read.QueryRowContext(ctx, `SELECT 1 FROM transaction_tombstones WHERE id = $1 AND workspace_id = $2`,
		id, workspaceID).Scan(&one); {
	case qerr == nil:
		return ErrDeleted
	case errors.Is(qerr, sql.ErrNoRows):
		return err
	default:
		return fmt.Errorf("look for a tombstone: %w", qerr)
	}
}

// mergeUpdated merges live rows and tombstones, both in update order, and
// keeps the first n.
func mergeUpdated(live, gone []txWithSeq, n int) []txWithSeq {
	out := make([]txWithSeq, 0, min(n, len(live)+len(gone)))
	for len(out) < n && (len(live) > 0 || len(gone) > 0) {
		if len(gone) == 0 || (len(live) > 0 && live[0].updateSeq < gone[0].updateSeq) {
			out, live = append(out, live[0]), live[1:]
		} else {
			out, gone = append(out, gone[0]), gone[1:]
		}
	}
	return out
}
