// Package store holds all SQL of affsync. One concrete Store serves both
// SQLite (embedded, the default) and PostgreSQL; the two differ only in a
// small dialect value and in their migration files.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect is the SQL engine behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// ErrNotFound is returned by single-row reads when no row (in this workspace) matches.
var ErrNotFound = errors.New("not found")

// Store is the database. Writes go through one writer; reads through a pool.
// On SQLite the writer is a single connection, so writers queue inside the
// process instead of meeting "database is locked"; other processes wait on
// busy_timeout.
type Store struct {
	dialect Dialect
	dsn     string
	path    string // SQLite file path, "" for PostgreSQL
	write   *sql.DB
	read    *readPool
	fx      rateCache // the rates table in memory (rates.go)

	// copyMinRows is the smallest PostgreSQL batch written with COPY (copy.go).
	copyMinRows int
	// customByTransactions switches ?custom= pages to the query shape before
	// migration 00006, BenchmarkCustomPage's baseline (transaction_list.go).
	customByTransactions bool
	// copied counts the rows COPY wrote, for tests that must know the COPY path ran.
	copied      atomic.Int64
	insertTexts sync.Map // insertKey → the text of a multi-row INSERT (batch.go)
	// probed counts the ids upserts looked up, for tests that must know one was not (newids.go).
	probed atomic.Int64
}

// Options tune Open.
type Options struct {
	// ReadConns is the size of the reader pool (default: 2×CPU, at least 4).
	ReadConns int
}

// Open connects to dsn: "sqlite:PATH" (or a bare path) or "postgres://…".
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	if opt.ReadConns <= 0 {
		opt.ReadConns = max(4, 2*runtime.NumCPU())
	}
	s := &Store{dsn: dsn, copyMinRows: defaultCopyMinRows}
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s.dialect = Postgres
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// As many idle connections as open ones: a busy API would otherwise
		// close connections it needs again a moment later, and pay for a new
		// server process and its prepared statements each time.
		db.SetMaxOpenConns(opt.ReadConns + 4)
		db.SetMaxIdleConns(opt.ReadConns + 4)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.write, s.read = db, newReadPool(db)
	default:
		s.dialect = SQLite
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, errors.New("open sqlite: empty path in DSN")
		}
		s.path = path
		if path != ":memory:" {
			if dir := filepath.Dir(path); dir != "." {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return nil, fmt.Errorf("open sqlite: %w", err)
				}
			}
		}
		w, err := sql.Open("sqlite", sqliteDSN(path, true))
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		r, err := sql.Open("sqlite", sqliteDSN(path, false))
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		r.SetMaxOpenConns(opt.ReadConns)
		r.SetMaxIdleConns(opt.ReadConns)
		s.write, s.read = w, newReadPool(r)
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// sqliteDSN puts the pragmas in the DSN so every pooled connection gets them.
// busy_timeout comes first: it must be in force before journal_mode=WAL, which
// may itself wait for a lock.
func sqliteDSN(path string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// Temporary b-trees (DISTINCT and ORDER BY over a large import's facts)
	// go to a file, not to memory: measured 15% less peak memory on a 300k-row
	// import for 4% more time.
	q.Add("_pragma", "temp_store(FILE)")
	// 8 MB of page cache per connection: with 32 MB a million-row import
	// peaked at 425 MB, with 8 MB at 146 MB, for 8% more time (bench/import.sh).
	q.Add("_pragma", "cache_size(-8000)")
	if writer {
		// Take the write lock when the transaction starts, not at its first
		// write, so a transaction never fails half-way on SQLITE_BUSY.
		q.Set("_txlock", "immediate")
		// The writer's large sorts (an import's revenue sums) may use
		// helper threads: the cores the single writer leaves idle.
		q.Add("_pragma", fmt.Sprintf("threads(%d)", min(runtime.NumCPU()-1, 4)))
	} else {
		q.Add("_pragma", "query_only(1)")
		// Readers map the file instead of copying each page in with a
		// read(2): an API request's few index lookups then cost no system
		// call (the pages are the kernel's cache, shared by all readers).
		q.Add("_pragma", "mmap_size(1073741824)")
	}
	return "file:" + uriPath.Replace(path) + "?" + q.Encode()
}

// uriPath escapes what a file: URI would read otherwise in a path: "?"
// starts its query and "#" its fragment (a path cut there opens another
// file), "%" an escape.
var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// Dialect tells which engine this store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Path is the SQLite database file ("" on PostgreSQL).
func (s *Store) Path() string { return s.path }

// Ping answers whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("database does not answer: %w", err)
	}
	return nil
}

// Close closes both pools.
func (s *Store) Close() error {
	var errs []error
	if s.read != nil {
		s.read.closeStmts()
		if s.read.DB != s.write {
			errs = append(errs, s.read.DB.Close())
		}
	}
	if s.write != nil {
		errs = append(errs, s.write.Close())
	}
	return errors.Join(errs...)
}

// Maintain runs the periodic SQLite housekeeping: a WAL checkpoint and
// PRAGMA optimize. On PostgreSQL autovacuum does this work.
func (s *Store) Maintain(ctx context.Context) error {
	if s.dialect != SQLite {
		return nil
	}
	if _, err := s.write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if _, err := s.write.ExecContext(ctx, "PRAGMA optimize"); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	return nil
}

// Tx is one write transaction. Domain methods on Tx let a caller make several
// changes atomically (an imported file is one Tx).
type Tx struct {
	s        *Store
	tx       *sql.Tx
	touched  map[string]touchedRange // days whose rollups need refreshing (rollup.go)
	stmts    map[string]*sql.Stmt    // prepared in this transaction (stmtcache.go)
	grown    map[string]int          // rows written per table since its last ANALYZE (batch.go)
	analyzed map[string]int          // rows written per table before its last ANALYZE
	conn     *sql.Conn               // PostgreSQL: the connection of tx, for COPY (copy.go)
	staged   map[string]string       // staging tables created in this transaction (copy.go)
	checked  map[string]bool         // rows referenced, checked and held (refs.go)
	inserts  map[string]*connInserts // connection → the transactions inserted in this one (newids.go)

	// tests only: sees each exec, query and queryRow (export_plan_test.go)
	traced func(query string, args []any)
}

// Write runs fn in one write transaction, committed when fn returns nil.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	t, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer t.release()
	tx := t.tx
	if err := fn(t); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := t.refreshRollups(ctx); err != nil {
		_ = tx.Rollback()
		return err
	}
	// Readers after this commit plan with statistics of the tables as they
	// now are, not as they were before a large write.
	if err := t.freshStats(ctx, slices.Sorted(maps.Keys(t.grown))...); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
