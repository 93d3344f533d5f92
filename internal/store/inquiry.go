package store

import (
	"context"
	"fmt"
	"time"
)

// Inquiry statuses: open → matched (automatically) / accepted / rejected / expired.
const (
	InquiryOpen     = "open"
	InquiryMatched  = "matched"
	InquiryAccepted = "accepted"
	InquiryRejected = "rejected"
	InquiryExpired  = "expired"
)

// Inquiry is a claim for a missing or wrong commission.
type Inquiry struct {
	ID             string
	WorkspaceID    string
	ConnectionID   string
	Custom         string
	OrderDate      time.Time
	Currency       string
	ExpectedAmount int64
	Note           string
	Status         string
	TransactionID  string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// InquiryChange is one status change of an inquiry.
type InquiryChange struct {
	At         time.Time
	FromStatus string
	ToStatus   string
	Reason     string
}

// CreateInquiry opens an inquiry.
func (s *Store) CreateInquiry(ctx context.Context, in Inquiry) (Inquiry, error) {
	now := time.Now().UTC()
	in.ID, in.Status, in.CreatedAt, in.UpdatedAt = newID("inq"), InquiryOpen, now, now
	err := s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO inquiries (id, workspace_id, connection_id, custom, order_date, currency,
			expected_amount, note, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			in.ID, in.WorkspaceID, nullString(in.ConnectionID), in.Custom, date(in.OrderDate), in.Currency, in.ExpectedAmount, in.Note,
			in.Status, s.ts(now), s.ts(now)); err != nil {
			return err
		}
		return tx.inquiryHistory(ctx, in.ID, now, "", InquiryOpen, "created")
	})
	if err != nil {
		return Inquiry{}, fmt.Errorf("create inquiry: %w", err)
	}
	return in, nil
}

// SetInquiryStatus moves an inquiry to a new status, with history.
func (s *Store) SetInquiryStatus(ctx context.Context, workspaceID, id, status, transactionID, reason string) error {
	return s.Write(ctx, func(tx *Tx) error {
		var old string
		if err := tx.tx.QueryRowContext(ctx, `SELECT status FROM inquiries WHERE id = $1 AND workspace_id = $2`, id, workspaceID).Scan(&old); err != nil {
			return notFound(err, "inquiry")
		}
		if old == status {
			return nil
		}
		now := time.Now().UTC()
		if _, err := tx.tx.ExecContext(ctx, `UPDATE inquiries SET status = $1, transaction_id = COALESCE($2, transaction_id), updated_at = $3
			WHERE id = $4 AND workspace_id = $5`, status, nullString(transactionID), s.ts(now), id, workspaceID); err != nil {
			return fmt.Errorf("update inquiry: %w", err)
		}
		return tx.inquiryHistory(ctx, id, now, old, status, reason)
	})
}

func (t *Tx) inquiryHistory(ctx context.Context, id string, at time.Time, from, to, reason string) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO inquiry_history (inquiry_id, at, from_status, to_status, reason) VALUES ($1, $2, $3, $4, $5)`,
		id, t.s.ts(at), from, to, reason)
	if err != nil {
		return fmt.Errorf("inquiry history: %w", err)
	}
	return nil
}

// Inquiries lists a workspace's inquiries, newest first.
func (s *Store) Inquiries(ctx context.Context, workspaceID string) ([]Inquiry, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, workspace_id, COALESCE(connection_id, ''), custom, order_date, currency, expected_amount,
		note, status, COALESCE(transaction_id, ''), created_at, updated_at FROM inquiries WHERE workspace_id = $1 ORDER BY created_at DESC, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list inquiries: %w", err)
	}
	return collect(rows, func(r rowScanner) (Inquiry, error) {
		var in Inquiry
		var order, created, updated scanTime
		if err := r.Scan(&in.ID, &in.WorkspaceID, &in.ConnectionID, &in.Custom, &order, &in.Currency, &in.ExpectedAmount, &in.Note,
			&in.Status, &in.TransactionID, &created, &updated); err != nil {
			return in, fmt.Errorf("read inquiry: %w", err)
		}
		in.OrderDate, in.CreatedAt, in.UpdatedAt = order.T, created.T, updated.T
		return in, nil
	})
}

// InquiryHistory lists an inquiry's status changes, oldest first.
func (s *Store) InquiryHistory(ctx context.Context, workspaceID, id string) ([]InquiryChange, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT h.at, h.from_status, h.to_status, h.reason FROM inquiry_history h
		JOIN inquiries i ON i.id = h.inquiry_id WHERE i.workspace_id = $1 AND h.inquiry_id = $2 ORDER BY h.id`, workspaceID, id)
	if err != nil {
		return nil, fmt.Errorf("inquiry history: %w", err)
	}
	return collect(rows, func(r rowScanner) (InquiryChange, error) {
		var c InquiryChange
		var at scanTime
		if err := r.Scan(&at, &c.FromStatus, &c.ToStatus, &c.Reason); err != nil {
			return c, fmt.Errorf("read inquiry history: %w", err)
		}
		c.At = at.T
		return c, nil
	})
}
