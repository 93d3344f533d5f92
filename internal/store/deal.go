package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// Deal is an offer, coupon or voucher of a program.
type Deal struct {
	ID           string // model.DealID(ConnectionID, Reference)
	WorkspaceID  string
	ConnectionID string
	Reference    string // the file's deal id, or a key made of the deal's identity; the upsert key
	Program      string
	Title        string
	Description  string
	Code         string
	URL          string
	StartsOn     *time.Time
	EndsOn       *time.Time
	Source       string // "file:line" of the row that last set it
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (d Deal) same(o Deal) bool {
	return d.Program == o.Program && d.Title == o.Title && d.Description == o.Description && d.Code == o.Code && d.URL == o.URL &&
		sameDay(d.StartsOn, o.StartsOn) && sameDay(d.EndsOn, o.EndsOn)
}

func sameDay(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

// UpsertDeal stores a deal by its reference (for callers outside an import).
func (s *Store) UpsertDeal(ctx context.Context, d Deal) (Deal, Upserted, error) {
	var what Upserted
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		d, what, err = tx.UpsertDeal(ctx, d)
		return err
	})
	return d, what, err
}

// UpsertDeal stores a deal by (connection, reference): new ones are
// inserted, changed ones updated, identical ones left alone.
func (t *Tx) UpsertDeal(ctx context.Context, d Deal) (Deal, Upserted, error) {
	d.ID = model.DealID(d.ConnectionID, d.Reference)
	old, err := scanDeal(t.queryRow(ctx, `SELECT `+dealColumns+` FROM deals WHERE id = $1 AND workspace_id = $2`, d.ID, d.WorkspaceID))
	switch {
	case errors.Is(err, ErrNotFound):
		d.CreatedAt = time.Now().UTC()
		d.UpdatedAt = d.CreatedAt
		_, err = t.exec(ctx, `INSERT INTO deals (id, workspace_id, connection_id, reference, program, title, description, code,
			url, starts_on, ends_on, source, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			d.ID, d.WorkspaceID, d.ConnectionID, d.Reference, d.Program, d.Title, d.Description, d.Code, d.URL, datePtr(d.StartsOn),
			datePtr(d.EndsOn), d.Source, t.s.ts(d.CreatedAt), t.s.ts(d.UpdatedAt))
		if err != nil {
			return d, 0, fmt.Errorf("store deal %s: %w", d.Reference, err)
		}
		return d, UpsertCreated, nil
	case err != nil:
		return d, 0, err
	case old.same(d):
		return old, UpsertUnchanged, nil
	}
	d.CreatedAt, d.UpdatedAt = old.CreatedAt, time.Now().UTC()
	_, err = t.exec(ctx, `UPDATE deals SET program = $1, title = $2, description = $3, code = $4, url = $5, starts_on = $6,
		ends_on = $7, source = $8, updated_at = $9 WHERE id = $10 AND workspace_id = $11`,
		d.Program, d.Title, d.Description, d.Code, d.URL, datePtr(d.StartsOn), datePtr(d.EndsOn), d.Source, t.s.ts(d.UpdatedAt), d.ID, d.WorkspaceID)
	if err != nil {
		return d, 0, fmt.Errorf("update deal %s: %w", d.Reference, err)
	}
	return d, UpsertUpdated, nil
}

const dealColumns = `id, workspace_id, connection_id, reference, program, title, description, code, url, starts_on, ends_on, source,
	created_at, updated_at`

func scanDeal(r rowScanner) (Deal, error) {
	var d Deal
	var starts, ends, created, updated scanTime
	err := r.Scan(&d.ID, &d.WorkspaceID, &d.ConnectionID, &d.Reference, &d.Program, &d.Title, &d.Description, &d.Code, &d.URL,
		&starts, &ends, &d.Source, &created, &updated)
	if err != nil {
		return d, notFound(err, "deal")
	}
	d.StartsOn, d.EndsOn, d.CreatedAt, d.UpdatedAt = starts.ptr(), ends.ptr(), created.T, updated.T
	return d, nil
}

// DealFilter selects deals of one workspace. Zero values match everything.
type DealFilter struct {
	// Since and Until (inclusive dates) keep the deals valid on some day of
	// [Since, Until]: a deal without start or end is open on that side.
	Since, Until *time.Time
	ConnectionID string
	Program      string
	Cursor       string
	Limit        int
}

// Deals lists a workspace's deals a page at a time, in the order they were
// first stored.
func (s *Store) Deals(ctx context.Context, workspaceID string, f DealFilter) ([]Deal, string, error) {
	w, err := newSeqPage(workspaceID, "deal", f.Cursor, f.Limit)
	if err != nil {
		return nil, "", err
	}
	if f.Since != nil {
		w.where("(ends_on IS NULL OR ends_on >= ?)", date(*f.Since))
	}
	if f.Until != nil {
		w.where("(starts_on IS NULL OR starts_on <= ?)", date(*f.Until))
	}
	if f.ConnectionID != "" {
		w.where("connection_id = ?", f.ConnectionID)
	}
	if f.Program != "" {
		w.where("program = ?", f.Program)
	}
	return readSeqPage(ctx, s.read, w, `SELECT seq, `+dealColumns+` FROM deals`, scanDeal)
}

func datePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return date(*t)
}
