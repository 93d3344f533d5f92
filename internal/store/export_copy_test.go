package store

import "context"

// SetCopyMinRowsForTest sets the batch size from which PostgreSQL writes go
// through COPY (a huge value: never) and answers a func that restores it.
func (s *Store) SetCopyMinRowsForTest(n int) (restore func()) {
	old := s.copyMinRows
	s.copyMinRows = n
	return func() { s.copyMinRows = old }
}

// CopiedRowsForTest is how many rows COPY has written through s.
func (s *Store) CopiedRowsForTest() int64 { return s.copied.Load() }

// UpsertRowsForTest is upsertRows, the bulk write every domain method uses.
func (t *Tx) UpsertRowsForTest(ctx context.Context, table string, columns []string, rows [][]any, onConflict string) error {
	return t.upsertRows(ctx, table, columns, rows, onConflict)
}

// CountForTest counts the rows of a table as this transaction sees them.
func (t *Tx) CountForTest(ctx context.Context, table string) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n)
	return n, err
}

// CountForTest counts the rows of a table.
func (s *Store) CountForTest(ctx context.Context, table string) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n)
	return n, err
}

// QueryForTest scans the one row of a read query.
func (s *Store) QueryForTest(ctx context.Context, query string, dest ...any) error {
	return s.read.QueryRowContext(ctx, query).Scan(dest...)
}

// ExecForTest runs a statement in a transaction of its own on the writer,
// with PostgreSQL's lock_timeout set to lockTimeout when that is not "".
func (s *Store) ExecForTest(ctx context.Context, lockTimeout, query string, args ...any) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if lockTimeout != "" && s.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SET LOCAL lock_timeout = '`+lockTimeout+`'`); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, query, args...); err != nil {
		return err
	}
	return tx.Commit()
}

// ProbedIDsForTest is how many transaction ids upserts have looked up through s.
func (s *Store) ProbedIDsForTest() int64 { return s.probed.Load() }
