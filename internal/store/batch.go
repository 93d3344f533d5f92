package store

import (
	"context"
	"fmt"
	"math/bits"
	"strings"
)

// maxParams stays under both engines' limits on bound parameters per
// statement (SQLite 32766, PostgreSQL 65535).
const maxParams = 30000

// insertRows writes rows with as few multi-row INSERT statements as the
// parameter limit allows.
func (t *Tx) insertRows(ctx context.Context, table string, columns []string, rows [][]any) error {
	return t.upsertRows(ctx, table, columns, rows, "")
}

// upsertRows is insertRows with a conflict clause after each statement
// ("ON CONFLICT (…) DO UPDATE …"); rows must not repeat a conflict key.
//
// Statements take a fixed number of rows, or a power of two for the rest,
// so an import runs a handful of statement texts, each prepared once in its
// transaction (stmtcache.go), however many rows it writes.
//
// On PostgreSQL a batch of Store.copyMinRows or more goes through COPY (copy.go).
func (t *Tx) upsertRows(ctx context.Context, table string, columns []string, rows [][]any, onConflict string) error {
	if t.s.dialect == Postgres && (len(rows) >= t.s.copyMinRows && onConflict == "" || len(rows)/stagedFactor >= t.s.copyMinRows) {
		return t.copyRows(ctx, table, columns, rows, onConflict)
	}
	limit := max(1, maxParams/len(columns))
	if t.s.dialect == SQLite {
		// Past a hundred rows a longer statement saves SQLite nothing; it
		// only costs memory while prepared.
		limit = min(limit, 128)
	}
	args := make([]any, 0, min(len(rows), limit)*len(columns))
	for len(rows) > 0 {
		n := limit
		if len(rows) < limit {
			n = 1 << (bits.Len(uint(len(rows))) - 1) // the largest power of two that fits
		}
		args = args[:0]
		for _, row := range rows[:n] {
			args = append(args, row...)
		}
		if _, err := t.exec(ctx, t.s.insertText(table, columns, n, onConflict), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// insertKey is what an INSERT's text is made of (Store.insertTexts).
type insertKey struct {
	d                          Dialect
	table, columns, onConflict string
	n                          int
}

// insertText is insertSQL's text, made once per shape: a large import
// writes thousands of the same few texts of 10 kB each, on the writer's
// goroutine. Row counts are a fixed limit or powers of two, so there are a
// few dozen shapes.
func (s *Store) insertText(table string, columns []string, n int, onConflict string) string {
	k := insertKey{s.dialect, table, strings.Join(columns, ","), onConflict, n}
	if q, ok := s.insertTexts.Load(k); ok {
		return q.(string)
	}
	q := insertSQL(s.dialect, table, columns, n, onConflict)
	s.insertTexts.Store(k, q)
	return q
}

// insertSQL is the text of a multi-row INSERT of n rows.
func insertSQL(d Dialect, table string, columns []string, n int, onConflict string) string {
	var b strings.Builder
	verb := "INSERT INTO "
	if d == SQLite && onConflict == "" {
		// A broken constraint ends the whole transaction, which fails
		// anyway: SQLite then needs no statement journal to undo just this
		// statement (with the deferred foreign keys of the schema).
		verb = "INSERT OR ROLLBACK INTO "
	}
	b.WriteString(verb + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		b.WriteString(placeholders(d, i*len(columns)+1, len(columns)))
		b.WriteString(")")
	}
	if onConflict != "" {
		b.WriteString(" ")
		b.WriteString(onConflict)
	}
	return b.String()
}

// analyzeAfter is how many new rows make a table's statistics stale enough
// to refresh them inside the writing transaction.
const analyzeAfter = 5000

// analyze refreshes PostgreSQL's statistics of tables that just grew a lot:
// until autovacuum gets to them, the planner believes them empty and reads
// them sequentially, once per lookup. SQLite's planner needs no statistics
// for these indexed lookups.
func (t *Tx) analyze(ctx context.Context, tables ...string) error {
	if t.s.dialect != Postgres {
		return nil
	}
	if _, err := t.exec(ctx, "ANALYZE "+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	for _, table := range tables {
		if t.analyzed == nil {
			t.analyzed = map[string]int{}
		}
		t.analyzed[table] += t.grown[table]
		delete(t.grown, table)
	}
	return nil
}

// grew notes rows written to a table in this transaction.
func (t *Tx) grew(table string, rows int) {
	if t.s.dialect != Postgres {
		return
	}
	if t.grown == nil {
		t.grown = map[string]int{}
	}
	t.grown[table] += rows
}

// freshStats analyzes the tables, of those a query is about to read, that
// grew by analyzeAfter rows or more since their statistics were taken in
// this transaction, and by at least as many rows as this transaction had
// written to them then (so a large import analyzes a table a few times, not
// every few thousand rows). An import reads back the facts it just wrote:
// planned with the statistics of an empty table, one lookup of a thousand
// groups took a second on PostgreSQL.
func (t *Tx) freshStats(ctx context.Context, tables ...string) error {
	var stale []string
	for _, table := range tables {
		if t.grown[table] >= max(analyzeAfter, t.analyzed[table]) {
			stale = append(stale, table)
		}
	}
	if len(stale) == 0 {
		return nil
	}
	return t.analyze(ctx, stale...)
}
