package store

import "context"

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
	return planLines(rows)
}

// IndexesForTest answers the definition of each index on a table by its
// name (SQLite: its CREATE INDEX; PostgreSQL: pg_indexes.indexdef).
func (s *Store) IndexesForTest(ctx context.Context, table string) (map[string]string, error) {
	q := `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL`
	if s.dialect == Postgres {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1 AND schemaname = current_schema()`
	}
	rows, err := s.write.QueryContext(ctx, q, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, err
		}
		out[name] = def
	}
	return out, rows.Err()
}
