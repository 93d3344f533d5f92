package store

import (
	"context"
	"fmt"
	"time"
)

// Payment is money paid out by a network for a period of shipments.
type Payment struct {
	ID           string
	WorkspaceID  string
	ConnectionID string // "" when not tied to one connection
	Reference    string // the network's payment reference; the upsert key
	PaidOn       time.Time
	PeriodStart  time.Time
	PeriodEnd    time.Time
	Currency     string
	Amount       int64
	CreatedAt    time.Time
}

// UpsertPayment stores a payment by its reference.
func (s *Store) UpsertPayment(ctx context.Context, p Payment) (Payment, error) {
	if p.ID == "" {
		p.ID = newID("pay")
	}
	p.CreatedAt = time.Now().UTC()
	err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO payments (id, workspace_id, connection_id, reference, paid_on, period_start, period_end,
			currency, amount, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (workspace_id, reference) DO UPDATE SET connection_id = excluded.connection_id, paid_on = excluded.paid_on,
			period_start = excluded.period_start, period_end = excluded.period_end, currency = excluded.currency, amount = excluded.amount`,
			p.ID, p.WorkspaceID, nullString(p.ConnectionID), p.Reference, date(p.PaidOn), date(p.PeriodStart), date(p.PeriodEnd),
			p.Currency, p.Amount, s.ts(p.CreatedAt))
		return err
	})
	if err != nil {
		return Payment{}, fmt.Errorf("store payment %s: %w", p.Reference, err)
	}
	return p, nil
}

// Payments lists a workspace's payments, newest first.
func (s *Store) Payments(ctx context.Context, workspaceID string) ([]Payment, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, workspace_id, COALESCE(connection_id, ''), reference, paid_on, period_start, period_end,
		currency, amount, created_at FROM payments WHERE workspace_id = $1 ORDER BY paid_on DESC, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list payments: %w", err)
	}
	return collect(rows, func(r rowScanner) (Payment, error) {
		var p Payment
		var paid, start, end, created scanTime
		if err := r.Scan(&p.ID, &p.WorkspaceID, &p.ConnectionID, &p.Reference, &paid, &start, &end, &p.Currency, &p.Amount, &created); err != nil {
			return p, fmt.Errorf("read payment: %w", err)
		}
		p.PaidOn, p.PeriodStart, p.PeriodEnd, p.CreatedAt = paid.T, start.T, end.T, created.T
		return p, nil
	})
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
