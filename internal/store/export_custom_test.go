package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"

	"github.com/pressly/goose/v3"
)

// ExplainTransactionsForTest answers the query plan of the first page of
// Transactions(f): SQLite's EXPLAIN QUERY PLAN details or PostgreSQL's
// EXPLAIN lines, one per line.
func (s *Store) ExplainTransactionsForTest(ctx context.Context, workspaceID string, f TransactionFilter) (string, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	key := "seq"
	if f.TimeType == TimeUpdated {
		key = "update_seq"
	}
	q, args, err := s.transactionsQuery(workspaceID, f, key, 1)
	if err != nil {
		return "", err
	}
	explain := "EXPLAIN "
	if s.dialect == SQLite {
		explain = "EXPLAIN QUERY PLAN "
	}
	rows, err := s.read.DB.QueryContext(ctx, explain+q, args...)
	if err != nil {
		return "", err
	}
	return planLines(rows)
}

// planLines reads an EXPLAIN's rows into one line each: SQLite's detail
// (the last column) or PostgreSQL's QUERY PLAN (its only one).
func planLines(rows *sql.Rows) (string, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		lines = append(lines, fmt.Sprint(vals[len(vals)-1])) // SQLite: detail; PostgreSQL: QUERY PLAN
	}
	return strings.Join(lines, "\n"), rows.Err()
}

// SetCustomOrderByTransactionsForTest switches ?custom= pages to the query
// shape before migration 00006 (the benchmark's baseline) and answers a
// func that switches back.
func (s *Store) SetCustomOrderByTransactionsForTest(on bool) (restore func()) {
	old := s.customByTransactions
	s.customByTransactions = on
	return func() { s.customByTransactions = old }
}

// AnalyzeForTest refreshes the planner's statistics (both engines).
func (s *Store) AnalyzeForTest(ctx context.Context) error {
	_, err := s.write.ExecContext(ctx, "ANALYZE")
	return err
}

// MigrateToForTest moves the schema up or down to version.
func (s *Store) MigrateToForTest(ctx context.Context, version int64) error {
	sub, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, s.write, sub)
	if err != nil {
		return err
	}
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if version < cur {
		_, err = p.DownTo(ctx, version)
	} else {
		_, err = p.UpTo(ctx, version)
	}
	return err
}
