package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// BackupInfo is what a verified SQLite backup holds.
type BackupInfo struct {
	Path          string
	Size          int64
	SchemaVersion int64
	Counts        []TableCount // in backupTables' order
}

// TableCount is the number of rows in one table.
type TableCount struct {
	Table string
	Rows  int64
}

// backupTables are the tables a backup's summary counts: the ones an
// operator recognises, not every table.
var backupTables = []string{"workspaces", "users", "api_keys", "connections", "connection_runs",
	"imported_files", "facts", "transactions", "clicks", "revenues", "payments", "links", "link_clicks",
	"webhooks", "webhook_deliveries"}

// ErrNotSQLite is returned by the backup methods on PostgreSQL, whose own
// tools (pg_dump, pg_restore) do the job.
var ErrNotSQLite = errors.New("only an SQLite store can be backed up by affsync: use pg_dump -Fc for PostgreSQL")

// Backup writes a consistent copy of the SQLite store to path with VACUUM
// INTO. It reads one snapshot (WAL lets writers go on meanwhile), so the copy
// is the state of one moment even while serve, import or sync write. The copy
// is written beside path and renamed into place, so path never holds half a
// backup; an existing path is refused rather than overwritten.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return ErrNotSQLite
	}
	if s.path == ":memory:" {
		return errors.New("backup: an in-memory database has nothing to copy")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	// VACUUM INTO wants a file that does not exist or is empty.
	os.Remove(tmpName)
	defer os.Remove(tmpName)
	// Through a reader connection of its own, not the writer: VACUUM INTO
	// only reads this database, and the writer stays free for the process's
	// writes meanwhile.
	db, err := sql.Open("sqlite", "file:"+s.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmpName); err != nil {
		return fmt.Errorf("backup of %s: %w", s.path, err)
	}
	if err := syncFile(tmpName); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// Link, not rename: it fails if path appeared meanwhile instead of
	// replacing it.
	if err := os.Link(tmpName, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

func syncFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// SchemaVersion is the newest migration this binary carries for the store's
// dialect: a backup must be at this version to be restored by it.
func (s *Store) SchemaVersion() (int64, error) {
	return latestMigration(s.dialect)
}

func latestMigration(d Dialect) (int64, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+string(d))
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	var v int64
	for _, e := range entries {
		n, _, ok := strings.Cut(e.Name(), "_")
		if !ok || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		if i, err := strconv.ParseInt(n, 10, 64); err == nil && i > v {
			v = i
		}
	}
	return v, nil
}

// VerifyBackup opens the SQLite file at path read-only, checks its integrity
// and that its schema is the one this binary migrates to, and counts what it
// holds. Any failure names the file.
func VerifyBackup(ctx context.Context, path string) (BackupInfo, error) {
	info := BackupInfo{Path: path}
	st, err := os.Stat(path)
	if err != nil {
		return info, fmt.Errorf("backup %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return info, fmt.Errorf("backup %s: not a regular file", path)
	}
	info.Size = st.Size()
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return info, fmt.Errorf("backup %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return info, fmt.Errorf("backup %s is not a readable SQLite database: %w", path, err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return info, fmt.Errorf("backup %s: integrity check: %w", path, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return info, fmt.Errorf("backup %s: integrity check: %w", path, err)
	}
	rows.Close()
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], "…")
		}
		return info, fmt.Errorf("backup %s fails the integrity check: %s", path, strings.Join(problems, "; "))
	}
	var version sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version WHERE is_applied").Scan(&version); err != nil {
		return info, fmt.Errorf("backup %s is not an affsync database (no schema version): %w", path, err)
	}
	info.SchemaVersion = version.Int64
	want, err := latestMigration(SQLite)
	if err != nil {
		return info, err
	}
	if info.SchemaVersion != want {
		return info, fmt.Errorf("backup %s has schema version %d, this affsync has %d: restore it with the affsync that made it, or migrate a copy first", path, info.SchemaVersion, want)
	}
	for _, t := range backupTables {
		var n int64
		// Table names come from backupTables, never from input.
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
			return info, fmt.Errorf("backup %s: count %s: %w", path, t, err)
		}
		info.Counts = append(info.Counts, TableCount{t, n})
	}
	return info, nil
}

// ErrInUse is returned by Restore when another connection holds the database.
var ErrInUse = errors.New("the database is open in a running affsync (serve, import, sync…): stop it first")

// Restore replaces the SQLite database at dbPath with the verified backup at
// from. It refuses while any process has dbPath open: in WAL mode every open
// connection keeps a shared lock on the database file, so an attempt at an
// exclusive lock (locking_mode EXCLUSIVE, no busy wait) fails exactly when
// someone else holds it, and the kernel drops those locks when a process
// dies, even by kill -9, so a crashed serve never blocks a restore. The new
// file is copied beside dbPath and renamed over it (atomic on one file
// system), and the old database's -wal and -shm files go, so they can never
// be replayed into the restored one.
func Restore(ctx context.Context, from, dbPath string) (BackupInfo, error) {
	info, err := VerifyBackup(ctx, from)
	if err != nil {
		return info, err
	}
	if dir := filepath.Dir(dbPath); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return info, fmt.Errorf("restore: %w", err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(dbPath), "."+filepath.Base(dbPath)+".*.restore")
	if err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp.Name())
	src, err := os.Open(from)
	if err != nil {
		tmp.Close()
		return info, fmt.Errorf("restore: %w", err)
	}
	_, err = tmp.ReadFrom(src)
	src.Close()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return info, fmt.Errorf("restore: copy %s: %w", from, err)
	}
	// The probe lets go of its lock before the rename: a connection closed
	// after it would checkpoint into, and delete the -wal of, whatever file
	// then has the name.
	if err := probeExclusive(ctx, dbPath); err != nil {
		return info, err
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return info, fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp.Name(), dbPath); err != nil {
		return info, fmt.Errorf("restore: %w", err)
	}
	return info, nil
}

// probeExclusive takes and lets go of an exclusive lock on the SQLite file
// at path, if it exists: ErrInUse if another connection has the file open.
func probeExclusive(ctx context.Context, path string) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(0)")
	q.Add("_pragma", "locking_mode(EXCLUSIVE)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// In exclusive mode the first write transaction takes the EXCLUSIVE lock
	// on the file; nothing is written.
	_, err = db.ExecContext(ctx, "BEGIN EXCLUSIVE; COMMIT")
	if err != nil {
		if strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy") {
			return fmt.Errorf("restore into %s: %w", path, ErrInUse)
		}
		return fmt.Errorf("restore: %s: %w", path, err)
	}
	return nil
}
