package store

import (
	"context"
	"fmt"
	"iter"
	"slices"
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
func (t *Tx) upsertRows(ctx context.Context, table string, columns []string, rows [][]any, onConflict string) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, maxParams/len(columns))
	head := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES "
	for chunk := range slices.Chunk(rows, per) {
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, len(chunk)*len(columns))
		for i, row := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(")
			b.WriteString(placeholders(t.s.dialect, len(args)+1, len(row)))
			b.WriteString(")")
			args = append(args, row...)
		}
		if onConflict != "" {
			b.WriteString(" ")
			b.WriteString(onConflict)
		}
		if _, err := t.tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

func slicesChunk[T any](s []T, n int) iter.Seq[[]T] { return slices.Chunk(s, n) }

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
	if _, err := t.tx.ExecContext(ctx, "ANALYZE "+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
