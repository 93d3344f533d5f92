package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Workspace is a tenant: every other record belongs to exactly one.
type Workspace struct {
	ID        string
	Name      string
	Currency  string // reporting currency; "" until chosen or taken from the first connection
	CreatedAt time.Time
}

// EnsureWorkspace returns the workspace called name, creating it on first use.
func (s *Store) EnsureWorkspace(ctx context.Context, name string) (Workspace, error) {
	if name == "" {
		return Workspace{}, errors.New("workspace name is empty")
	}
	if w, err := s.WorkspaceByName(ctx, name); err == nil || !errors.Is(err, ErrNotFound) {
		return w, err
	}
	w := Workspace{ID: newID("ws"), Name: name, Currency: "", CreatedAt: time.Now().UTC()}
	err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx,
			`INSERT INTO workspaces (id, name, currency, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING`,
			w.ID, w.Name, w.Currency, s.ts(w.CreatedAt))
		return err
	})
	if err != nil {
		return Workspace{}, fmt.Errorf("create workspace %q: %w", name, err)
	}
	// Another process may have won the race: read what is there.
	return s.WorkspaceByName(ctx, name)
}

// WorkspaceByName finds a workspace by its name.
func (s *Store) WorkspaceByName(ctx context.Context, name string) (Workspace, error) {
	return s.scanWorkspace(s.read.QueryRowContext(ctx,
		`SELECT id, name, currency, created_at FROM workspaces WHERE name = $1`, name))
}

// Workspace finds a workspace by id.
func (s *Store) Workspace(ctx context.Context, id string) (Workspace, error) {
	return s.scanWorkspace(s.read.QueryRowContext(ctx,
		`SELECT id, name, currency, created_at FROM workspaces WHERE id = $1`, id))
}

// Workspaces lists every workspace by name.
func (s *Store) Workspaces(ctx context.Context) ([]Workspace, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, name, currency, created_at FROM workspaces ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list workspaces: %w", err)
	}
	return collect(rows, s.scanWorkspace)
}

func (s *Store) scanWorkspace(r rowScanner) (Workspace, error) {
	var w Workspace
	var created scanTime
	if err := r.Scan(&w.ID, &w.Name, &w.Currency, &created); err != nil {
		return w, notFound(err, "workspace")
	}
	w.CreatedAt = created.T
	return w, nil
}

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	var out []T
	err := eachRow(rows, func(r rowScanner) error {
		v, err := scan(r)
		out = append(out, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachRow hands every row to fn, keeping none, and closes rows.
func eachRow(rows *sql.Rows, fn func(rowScanner) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// notFound turns sql.ErrNoRows into ErrNotFound naming what was missing.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("read %s: %w", what, err)
}
