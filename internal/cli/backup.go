package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/affsync/affsync/internal/store"
)

func runBackup(env Env, args []string) error {
	fs, g := newFlags(env, "backup", "backup --to FILE")
	to := fs.String("to", "", "file to write the copy to (must not exist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *to == "" {
		return usagef("backup takes --to FILE and no arguments")
	}
	s, err := g.openStore(env)
	if err != nil {
		return err
	}
	defer s.Close()
	if s.Dialect() != store.SQLite {
		return usagef("%v: pg_dump -Fc -f affsync.dump DSN, and pg_restore --clean --if-exists -d DSN affsync.dump to restore (README, Backups)", store.ErrNotSQLite)
	}
	if err := s.Backup(env.Context, *to); err != nil {
		return err
	}
	info, err := store.VerifyBackup(env.Context, *to)
	if err != nil {
		return fmt.Errorf("the backup was written but does not verify: %w", err)
	}
	printBackup(env.Stdout, "backup", info)
	fmt.Fprintln(env.Stdout, keyAdvice(env, s.Path(), "backup"))
	return nil
}

func runRestore(env Env, args []string) error {
	fs, g := newFlags(env, "restore", "restore --from FILE")
	from := fs.String("from", "", "backup file made by affsync backup")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *from == "" {
		return usagef("restore takes --from FILE and no arguments")
	}
	dsn := g.dsn(env)
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return usagef("restore is for SQLite: on PostgreSQL use pg_restore --clean --if-exists -d DSN affsync.dump (README, Backups)")
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	if path == "" || path == ":memory:" {
		return usagef("restore needs an SQLite file, not %q", dsn)
	}
	info, err := store.Restore(env.Context, *from, path)
	if err != nil {
		if errors.Is(err, store.ErrInUse) {
			return fmt.Errorf("%w; nothing was changed", err)
		}
		return err
	}
	info.Path = path
	printBackup(env.Stdout, "restored", info)
	fmt.Fprintln(env.Stdout, keyAdvice(env, path, "restore"))
	return nil
}

func printBackup(w io.Writer, what string, info store.BackupInfo) {
	fmt.Fprintf(w, "%s %s: %d bytes, schema version %d, integrity ok\n", what, info.Path, info.Size, info.SchemaVersion)
	for _, c := range info.Counts {
		fmt.Fprintf(w, "  %-20s %d\n", c.Table, c.Rows)
	}
}

// keyAdvice says which key opens the credentials in the database: without
// it a backup restores everything but the connections' sealed secrets.
// The key itself is never printed or copied: kept apart from the backup, a
// stolen backup does not give away the networks' credentials.
func keyAdvice(env Env, dbPath, what string) string {
	if env.Getenv("AFFSYNC_SECRET_KEY") != "" {
		return "KEY: credentials are sealed with AFFSYNC_SECRET_KEY; keep that value with the backup (elsewhere): without it the connections' credentials cannot be opened"
	}
	keyFile := dbPath + ".key"
	if _, err := os.Stat(keyFile); err != nil {
		return "KEY: no key file " + keyFile + " beside the database; if credentials were sealed with AFFSYNC_SECRET_KEY, set the same value"
	}
	if what == "backup" {
		return "KEY: credentials are sealed with " + keyFile + "; copy it alongside the backup, kept apart from it: the backup alone cannot open them"
	}
	return "KEY: " + keyFile + " is the key in place: it must be the one of the instance that made the backup, or connections need their credentials again"
}
