package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

// TestReadPoolGenerations: a query text is prepared once; when a generation
// is full the next starts, the previous one stays usable (a statement taken
// from it comes back into the current one) and only the generation before
// that is closed.
func TestReadPoolGenerations(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	p := newReadPool(db)
	p.limit = 3
	query := func(i int) string { return fmt.Sprintf("SELECT %d + ?", i) }
	get := func(i int) *sql.Stmt {
		t.Helper()
		st, err := p.stmt(ctx, query(i))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	first := get(0)
	if get(0) != first {
		t.Fatal("the same text was prepared twice")
	}
	get(1)
	get(2)
	get(3) // a new generation: 0, 1, 2 are the old one now
	if len(p.stmts) != 1 || len(p.old) != 3 {
		t.Fatalf("generations: %d current, %d old", len(p.stmts), len(p.old))
	}
	if get(0) != first {
		t.Fatal("a statement of the old generation was not reused")
	}
	var n int
	if err := p.QueryRowContext(ctx, query(0), 1).Scan(&n); err != nil || n != 1 {
		t.Fatalf("old statement, promoted: %d %v", n, err)
	}
	get(4)
	get(5) // rotation: 1 and 2 (never used again) are closed, 0 survives in the old generation
	if _, ok := p.old[query(0)]; !ok {
		t.Fatal("the promoted statement did not move with its generation")
	}
	if err := p.QueryRowContext(ctx, query(1), 1).Scan(&n); err != nil || n != 2 {
		t.Fatalf("a text whose statement was closed is prepared again: %d %v", n, err)
	}
}
