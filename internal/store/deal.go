package store

import (
	"context"
	"fmt"
	"time"
)

// Deal is an offer, coupon or voucher of a program.
type Deal struct {
	ID           string
	WorkspaceID  string
	ConnectionID string
	Program      string
	Title        string
	Description  string
	Code         string
	URL          string
	StartsOn     *time.Time
	EndsOn       *time.Time
	CreatedAt    time.Time
}

// CreateDeal stores a deal.
func (s *Store) CreateDeal(ctx context.Context, d Deal) (Deal, error) {
	d.ID, d.CreatedAt = newID("deal"), time.Now().UTC()
	err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO deals (id, workspace_id, connection_id, program, title, description, code, url,
			starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			d.ID, d.WorkspaceID, nullString(d.ConnectionID), d.Program, d.Title, d.Description, d.Code, d.URL,
			datePtr(d.StartsOn), datePtr(d.EndsOn), s.ts(d.CreatedAt))
		return err
	})
	if err != nil {
		return Deal{}, fmt.Errorf("store deal: %w", err)
	}
	return d, nil
}

// Deals lists a workspace's deals, newest first.
func (s *Store) Deals(ctx context.Context, workspaceID string) ([]Deal, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, workspace_id, COALESCE(connection_id, ''), program, title, description, code, url,
		starts_on, ends_on, created_at FROM deals WHERE workspace_id = $1 ORDER BY created_at DESC, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list deals: %w", err)
	}
	return collect(rows, func(r rowScanner) (Deal, error) {
		var d Deal
		var starts, ends, created scanTime
		if err := r.Scan(&d.ID, &d.WorkspaceID, &d.ConnectionID, &d.Program, &d.Title, &d.Description, &d.Code, &d.URL,
			&starts, &ends, &created); err != nil {
			return d, fmt.Errorf("read deal: %w", err)
		}
		d.StartsOn, d.EndsOn, d.CreatedAt = starts.ptr(), ends.ptr(), created.T
		return d, nil
	})
}

func datePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return date(*t)
}
