package store

import (
	"context"
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
			b.WriteString(placeholders(len(args)+1, len(row)))
			b.WriteString(")")
			args = append(args, row...)
		}
		if _, err := t.tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

func slicesChunk[T any](s []T, n int) iter.Seq[[]T] { return slices.Chunk(s, n) }
