package store

import (
	"context"
	"fmt"
	"strings"
)

// TraceForTest hands fn each statement that tx runs from now on (exec,
// query, queryRow), with its arguments.
func (t *Tx) TraceForTest(fn func(query string, args []any)) { t.traced = fn }

// ExplainForTest answers the plan of a query in tx: SQLite's EXPLAIN QUERY
// PLAN details or PostgreSQL's EXPLAIN lines, one per line. On PostgreSQL
// sequential scans are off while it plans, so that the plan says whether an
// index can serve, not what the few rows of a test make cheapest.
func (t *Tx) ExplainForTest(ctx context.Context, query string, args []any) (string, error) {
	explain := "EXPLAIN "
	if t.s.dialect == SQLite {
		explain = "EXPLAIN QUERY PLAN "
	} else {
		if _, err := t.tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			return "", err
		}
		defer t.tx.ExecContext(ctx, "SET LOCAL enable_seqscan = on")
	}
	rows, err := t.tx.QueryContext(ctx, explain+query, args...)
	if err != nil {
		return "", err
	}
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
