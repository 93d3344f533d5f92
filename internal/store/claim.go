package store

import (
	"context"
	"fmt"
	"time"
)

// ClaimDue leases up to limit connections whose next run is due and that no
// live instance holds, to owner until now+lease. On PostgreSQL, FOR UPDATE
// SKIP LOCKED lets several instances claim at once without waiting on or
// taking each other's rows; on SQLite the single writer makes the claim
// atomic. A lease that expired (its instance died) is taken over.
func (s *Store) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Connection, error) {
	var out []Connection
	err := s.Write(ctx, func(tx *Tx) error {
		q := `SELECT id FROM connections WHERE status <> 'disabled' AND next_run_at IS NOT NULL AND next_run_at <= $1
			AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_run_at, id LIMIT $2`
		if s.dialect == Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := tx.tx.QueryContext(ctx, q, s.ts(now), limit)
		if err != nil {
			return err
		}
		ids, err := collect(rows, scanOne[string])
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.tx.ExecContext(ctx, `UPDATE connections SET lease_owner = $1, lease_until = $2 WHERE id = $3`,
				owner, s.ts(now.Add(lease)), id); err != nil {
				return err
			}
			c, err := scanConnection(tx.tx.QueryRowContext(ctx, `SELECT `+connectionColumns+` FROM connections WHERE id = $1`, id))
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim due connections: %w", err)
	}
	return out, nil
}

// ClaimConnection leases one connection now, whether due or not (a manual
// "sync now"), unless a live lease holds it; ok is false then.
func (s *Store) ClaimConnection(ctx context.Context, workspaceID, id, owner string, now time.Time, lease time.Duration) (bool, error) {
	var ok bool
	err := s.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE connections SET lease_owner = $1, lease_until = $2
			WHERE id = $3 AND workspace_id = $4 AND (lease_until IS NULL OR lease_until < $5 OR lease_owner = $1)`,
			owner, s.ts(now.Add(lease)), id, workspaceID, s.ts(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ok = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("claim connection: %w", err)
	}
	return ok, nil
}

// RenewLease extends a lease its owner still holds; false means it was lost.
func (s *Store) RenewLease(ctx context.Context, id, owner string, until time.Time) (bool, error) {
	var ok bool
	err := s.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE connections SET lease_until = $1 WHERE id = $2 AND lease_owner = $3`, s.ts(until), id, owner)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ok = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("renew lease: %w", err)
	}
	return ok, nil
}

// SyncOutcome is what a finished sync decides about its connection.
type SyncOutcome struct {
	Status    string // active or error
	LastError string
	NextRunAt time.Time
	FailCount int
}

// ReleaseConnection ends owner's lease and records the outcome and the next run.
func (s *Store) ReleaseConnection(ctx context.Context, id, owner string, o SyncOutcome) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `UPDATE connections SET lease_owner = NULL, lease_until = NULL, status = CASE WHEN status = 'disabled'
			THEN status ELSE $1 END, last_error = $2, next_run_at = $3, fail_count = $4, updated_at = $5 WHERE id = $6 AND lease_owner = $7`,
			o.Status, o.LastError, s.ts(o.NextRunAt), o.FailCount, s.ts(time.Now()), id, owner)
		if err != nil {
			return fmt.Errorf("release connection: %w", err)
		}
		return nil
	})
}

// ScheduleConnection sets when a connection runs next.
func (s *Store) ScheduleConnection(ctx context.Context, workspaceID, id string, at time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE connections SET next_run_at = $1 WHERE id = $2 AND workspace_id = $3`, s.ts(at), id, workspaceID)
		if err != nil {
			return fmt.Errorf("schedule connection: %w", err)
		}
		return mustAffect(res, "connection")
	})
}
