// Package storetest opens real databases for tests: a fresh SQLite file, and
// a fresh PostgreSQL database when AFFSYNC_TEST_POSTGRES holds a DSN. Every
// suite that uses Run runs unchanged on both engines.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/affsync/affsync/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL DSN for tests.
const EnvPostgres = "AFFSYNC_TEST_POSTGRES"

// Run runs fn once per engine as subtests "sqlite" and "postgres". Without
// AFFSYNC_TEST_POSTGRES the postgres subtest is skipped, saying so.
func Run(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(EnvPostgres) == "" {
			t.Skip("PostgreSQL run skipped: set " + EnvPostgres + " to a DSN to run it")
		}
		fn(t, OpenPostgres(t))
	})
}

// OpenSQLite opens a migrated store on a new file in the test's temp dir.
func OpenSQLite(t testing.TB) *store.Store {
	t.Helper()
	return open(t, "sqlite:"+filepath.Join(t.TempDir(), "affsync.db"))
}

// OpenPostgres creates a throwaway database on the server of
// AFFSYNC_TEST_POSTGRES, opens a migrated store on it and drops it afterwards.
func OpenPostgres(t testing.TB) *store.Store {
	t.Helper()
	return open(t, NewPostgresDatabase(t))
}

// NewPostgresDatabase creates an empty database and returns its DSN.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	return NewPostgresDatabaseWith(t, "")
}

// NewPostgresDatabaseWith creates an empty database with options (what
// follows CREATE DATABASE name, such as another default collation) and
// returns its DSN.
func NewPostgresDatabaseWith(t testing.TB, options string) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip("PostgreSQL skipped: set " + EnvPostgres)
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect %s: %v", EnvPostgres, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "affsync_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+" "+options); err != nil {
		admin.Close(ctx)
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close(context.Background())
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open opens and migrates a store on dsn, closed when the test ends.
func Open(t testing.TB, dsn string) *store.Store { return open(t, dsn) }

func open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", redact(dsn), err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return strings.SplitN(dsn, "?", 2)[0]
}
