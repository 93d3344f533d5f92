package store

import (
	"context"
	"time"
)

// AddMembershipForTest makes an existing user a member of a second
// workspace, which the schema allows but no product path does yet.
func (s *Store) AddMembershipForTest(ctx context.Context, workspaceID, userID, role string) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)`,
			workspaceID, userID, role, s.ts(time.Now().UTC()))
		return err
	})
}

// PlannerRowsForTest is PostgreSQL's estimate of a table's rows, as the
// planner sees it inside a write transaction (-1: never analyzed).
func (t *Tx) PlannerRowsForTest(ctx context.Context, table string) (float64, error) {
	var n float64
	err := t.tx.QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE relname = $1`, table).Scan(&n)
	return n, err
}

// PreparedForTest lists the texts of the statements prepared on this
// transaction's PostgreSQL connection (pgx prepares each text it runs once
// per connection).
func (t *Tx) PreparedForTest(ctx context.Context) ([]string, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT statement FROM pg_prepared_statements`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanOne[string])
}
