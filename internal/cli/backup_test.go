package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/affsync/affsync/internal/store"
)

// A backup taken while import writes file after file holds whole files
// only, and restoring it gives a store with exactly those files' rows.
func TestBackupDuringImportRestore(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "live.db")
	db := "sqlite:" + dbPath
	vars := map[string]string{}
	code, out, errOut := run(t, vars, "--db", db, "connection", "add", "custom", "--name", "Other", "--currency", "EUR")
	if code != 0 {
		t.Fatalf("connection add: %d %s", code, errOut)
	}
	var conn struct{ ID string }
	if err := json.Unmarshal([]byte(out), &conn); err != nil {
		t.Fatal(err)
	}
	const files, rowsPerFile = 10, 1000
	var paths []string
	for f := range files {
		var b strings.Builder
		b.WriteString("id,sold,revenue,price,status\n")
		for r := range rowsPerFile {
			fmt.Fprintf(&b, "F%02d-%05d,2026-10-%02d,1.%02d,30.00,pending\n", f, r, 1+r%28, r%100)
		}
		p := filepath.Join(dir, fmt.Sprintf("rows%02d.csv", f))
		os.WriteFile(p, []byte(b.String()), 0o600)
		paths = append(paths, p)
	}
	imported := make(chan int, files)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(imported)
		for i, p := range paths {
			if code, _, errOut := run(t, vars, "--db", db, "import", "--connection", conn.ID, "--json", p); code != 0 {
				t.Errorf("import %s: %d %s", p, code, errOut)
				return
			}
			imported <- i + 1
		}
	})
	<-imported // at least one file in, the rest still coming
	backup := filepath.Join(dir, "backup.db")
	code, out, errOut = run(t, vars, "--db", db, "backup", "--to", backup)
	if code != 0 {
		t.Fatalf("backup: %d %s", code, errOut)
	}
	t.Logf("backup:\n%s", out)
	for _, want := range []string{"integrity ok", "transactions", "KEY: "} {
		if !strings.Contains(out, want) {
			t.Errorf("backup output lacks %q:\n%s", want, out)
		}
	}
	wg.Wait()
	last := 0
	for n := range imported {
		last = n
	}
	if last != files {
		t.Fatalf("import stopped after %d files", last)
	}

	// Restoring over a database a process holds open is refused, and
	// leaves it as it was.
	live, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut = run(t, vars, "--db", db, "restore", "--from", backup)
	live.Close()
	if code != 1 || !strings.Contains(errOut, "running affsync") {
		t.Fatalf("restore over an open database: %d %q", code, errOut)
	}
	if n := count(t, dbPath, "transactions"); n != files*rowsPerFile {
		t.Fatalf("refused restore changed the store: %d transactions", n)
	}

	code, out, errOut = run(t, vars, "--db", db, "restore", "--from", backup)
	if code != 0 {
		t.Fatalf("restore: %d %s", code, errOut)
	}
	t.Logf("restore:\n%s", out)
	gotFiles, gotTx := count(t, dbPath, "imported_files"), count(t, dbPath, "transactions")
	t.Logf("backup taken after %d of %d files: restored %d files, %d transactions", gotFiles, files, gotFiles, gotTx)
	if gotFiles < 1 || gotTx != gotFiles*rowsPerFile {
		t.Fatalf("restored store holds %d transactions for %d files of %d rows: not one consistent state", gotTx, gotFiles, rowsPerFile)
	}
	// Each whole file: every row of the first files, none of the others.
	q := openRO(t, dbPath)
	sum := 0
	for f := range files {
		var n int
		if err := q.QueryRow("SELECT COUNT(*) FROM transactions WHERE source_key LIKE ?", fmt.Sprintf("%%F%02d-%%", f)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 && n != rowsPerFile {
			t.Fatalf("file %d half restored: %d of %d rows", f, n, rowsPerFile)
		}
		sum += n
	}
	q.Close()
	if sum != gotTx {
		t.Fatalf("rows by file add up to %d, not %d", sum, gotTx)
	}
	// The restored store is a working one: importing the rest completes it.
	for _, p := range paths {
		if code, _, errOut := run(t, vars, "--db", db, "import", "--connection", conn.ID, "--json", p); code != 0 {
			t.Fatalf("import after restore: %d %s", code, errOut)
		}
	}
	if n := count(t, dbPath, "transactions"); n != files*rowsPerFile {
		t.Fatalf("after re-import: %d transactions, want %d", n, files*rowsPerFile)
	}
}

func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "a.db")
	if code, _, errOut := run(t, nil, "--db", db, "migrate"); code != 0 {
		t.Fatal(errOut)
	}
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("junk"), 0o600)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--db", db, "backup"}, 2, "--to FILE"},
		{[]string{"--db", db, "backup", "--to", junk}, 1, "already exists"},
		{[]string{"--db", db, "restore", "--from", junk}, 1, "junk.db is not a readable SQLite database"},
		{[]string{"--db", "postgres://x@127.0.0.1:1/none", "restore", "--from", junk}, 2, "pg_restore"},
	} {
		code, _, errOut := run(t, map[string]string{}, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d %q, want %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}

func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func count(t *testing.T, path, table string) int {
	t.Helper()
	db := openRO(t, path)
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
