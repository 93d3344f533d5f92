package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// A backup taken while another goroutine writes holds one consistent state:
// a prefix of the writes, all of them whole, and restoring it gives exactly
// that state back.
func TestBackupWhileWritingRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "affsync.db")
	s, err := store.Open(ctx, "sqlite:"+dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			if _, err := s.EnsureWorkspace(ctx, fmt.Sprintf("ws%05d", i)); err != nil {
				t.Error(err)
				return
			}
		}
	})
	backup := filepath.Join(dir, "backup.db")
	for {
		ws, err := s.Workspaces(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ws) >= 20 {
			break
		}
	}
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	close(done)
	wg.Wait()
	if err := s.Backup(ctx, backup); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second backup to the same file: %v, want refusal", err)
	}
	info, err := store.VerifyBackup(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := s.SchemaVersion()
	if info.SchemaVersion != want || info.Counts[0].Table != "workspaces" || info.Counts[0].Rows < 20 {
		t.Fatalf("backup info %+v, want version %d and at least 20 workspaces", info, want)
	}
	after, err := s.Workspaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(after)) <= info.Counts[0].Rows {
		t.Logf("writer made no workspace after the backup (%d)", len(after))
	}

	if _, err := store.Restore(ctx, backup, dbPath); !errors.Is(err, store.ErrInUse) {
		t.Fatalf("restore over an open store: %v, want ErrInUse", err)
	}
	if got, _ := s.Workspaces(ctx); len(got) != len(after) {
		t.Fatalf("refused restore changed the store: %d workspaces, had %d", len(got), len(after))
	}
	s.Close()
	if _, err := store.Restore(ctx, backup, dbPath); err != nil {
		t.Fatal(err)
	}
	r := storetest.Open(t, "sqlite:"+dbPath)
	got, err := r.Workspaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(got)) != info.Counts[0].Rows {
		t.Fatalf("restored %d workspaces, backup holds %d", len(got), info.Counts[0].Rows)
	}
	// Whole writes, in order: the names are a gap-free prefix.
	last := -1
	names := map[int]bool{}
	for _, w := range got {
		var i int
		if _, err := fmt.Sscanf(w.Name, "ws%05d", &i); err == nil {
			names[i] = true
			last = max(last, i)
		}
	}
	for i := 0; i <= last; i++ {
		if !names[i] {
			t.Fatalf("restored store lacks ws%05d but holds ws%05d", i, last)
		}
	}
}

func TestVerifyBackupRejects(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("not a database, just words\n"), 0o644)
	// A store of a newer affsync: one more migration applied.
	newer := filepath.Join(dir, "newer.db")
	s := storetest.Open(t, "sqlite:"+newer)
	s.Close()
	db, err := sql.Open("sqlite", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, tc := range []struct{ name, path, want string }{
		{"missing", filepath.Join(dir, "none.db"), "no such file"},
		{"junk", junk, "not a readable SQLite database"},
		{"dir", dir, "not a regular file"},
		{"newer", newer, "has schema version 9999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := store.VerifyBackup(ctx, tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Fatalf("VerifyBackup(%s): %v, want an error naming the file and %q", tc.path, err, tc.want)
			}
			target := filepath.Join(t.TempDir(), "target.db")
			os.WriteFile(target, []byte("keep"), 0o644)
			if _, err := store.Restore(ctx, tc.path, target); err == nil {
				t.Fatal("restore of a bad backup succeeded")
			}
			if b, _ := os.ReadFile(target); string(b) != "keep" {
				t.Fatalf("refused restore changed the target: %q", b)
			}
		})
	}
}

func TestBackupPostgresRefused(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip("PostgreSQL run skipped: set " + storetest.EnvPostgres)
	}
	s := storetest.OpenPostgres(t)
	if err := s.Backup(context.Background(), filepath.Join(t.TempDir(), "b.db")); !errors.Is(err, store.ErrNotSQLite) {
		t.Fatalf("backup of PostgreSQL: %v, want ErrNotSQLite", err)
	}
}
