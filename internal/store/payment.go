package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// Payment is money paid out by a network to one connection's account, for
// the shipments of a period.
type Payment struct {
	ID           string // model.PaymentID(ConnectionID, Reference)
	WorkspaceID  string
	ConnectionID string
	Reference    string // the network's payment reference; the upsert key
	PaidOn       time.Time
	PeriodStart  time.Time
	PeriodEnd    time.Time
	Currency     string
	Amount       int64
	Method       string
	Source       string // "file:line" of the row that last set it
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// same tells whether two versions of a payment say the same.
func (p Payment) same(o Payment) bool {
	return p.Reference == o.Reference && p.PaidOn.Equal(o.PaidOn) && p.PeriodStart.Equal(o.PeriodStart) &&
		p.PeriodEnd.Equal(o.PeriodEnd) && p.Currency == o.Currency && p.Amount == o.Amount && p.Method == o.Method
}

// Upserted is what storing a record by its key did.
type Upserted int

const (
	UpsertUnchanged Upserted = iota // the same record was there: nothing written
	UpsertCreated
	UpsertUpdated
)

// UpsertPayment stores a payment by its reference (for callers outside an import).
func (s *Store) UpsertPayment(ctx context.Context, p Payment) (Payment, error) {
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		p, _, _, err = tx.UpsertPayment(ctx, p)
		return err
	})
	return p, err
}

// UpsertPayment stores a payment by (connection, reference): new ones are
// inserted, changed ones updated, identical ones left alone. prev is the
// version it replaced, when it updated one.
func (t *Tx) UpsertPayment(ctx context.Context, p Payment) (stored Payment, what Upserted, prev *Payment, err error) {
	p.ID = model.PaymentID(p.ConnectionID, p.Reference)
	old, err := scanPayment(t.queryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE id = $1 AND workspace_id = $2`,
		p.ID, p.WorkspaceID))
	switch {
	case errors.Is(err, ErrNotFound):
		p.CreatedAt = time.Now().UTC()
		p.UpdatedAt = p.CreatedAt
		_, err = t.exec(ctx, `INSERT INTO payments (id, workspace_id, connection_id, reference, paid_on, period_start,
			period_end, currency, amount, method, source, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			p.ID, p.WorkspaceID, p.ConnectionID, p.Reference, date(p.PaidOn), date(p.PeriodStart), date(p.PeriodEnd), p.Currency, p.Amount,
			p.Method, p.Source, t.s.ts(p.CreatedAt), t.s.ts(p.UpdatedAt))
		if err != nil {
			return p, 0, nil, fmt.Errorf("store payment %s: %w", p.Reference, err)
		}
		return p, UpsertCreated, nil, nil
	case err != nil:
		return p, 0, nil, err
	case old.same(p):
		return old, UpsertUnchanged, nil, nil
	}
	p.CreatedAt, p.UpdatedAt = old.CreatedAt, time.Now().UTC()
	_, err = t.exec(ctx, `UPDATE payments SET paid_on = $1, period_start = $2, period_end = $3, currency = $4, amount = $5,
		method = $6, source = $7, updated_at = $8 WHERE id = $9 AND workspace_id = $10`,
		date(p.PaidOn), date(p.PeriodStart), date(p.PeriodEnd), p.Currency, p.Amount, p.Method, p.Source, t.s.ts(p.UpdatedAt), p.ID, p.WorkspaceID)
	if err != nil {
		return p, 0, nil, fmt.Errorf("update payment %s: %w", p.Reference, err)
	}
	return p, UpsertUpdated, &old, nil
}

const paymentColumns = `id, workspace_id, connection_id, reference, paid_on, period_start, period_end, currency, amount, method, source,
	created_at, updated_at`

func scanPayment(r rowScanner) (Payment, error) {
	var p Payment
	var paid, start, end, created, updated scanTime
	err := r.Scan(&p.ID, &p.WorkspaceID, &p.ConnectionID, &p.Reference, &paid, &start, &end, &p.Currency, &p.Amount, &p.Method,
		&p.Source, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("read payment: %w", err)
	}
	p.PaidOn, p.PeriodStart, p.PeriodEnd, p.CreatedAt, p.UpdatedAt = paid.T, start.T, end.T, created.T, updated.T
	return p, nil
}

// ConnectionPayments lists every payment of one connection (what the paid
// flag of its transactions is computed from).
func (t *Tx) ConnectionPayments(ctx context.Context, workspaceID, connectionID string) ([]Payment, error) {
	rows, err := t.query(ctx, `SELECT `+paymentColumns+` FROM payments WHERE workspace_id = $1 AND connection_id = $2 ORDER BY seq`,
		workspaceID, connectionID)
	if err != nil {
		return nil, fmt.Errorf("list payments: %w", err)
	}
	return collect(rows, scanPayment)
}

// PaymentFilter selects payments of one workspace. Zero values match everything.
type PaymentFilter struct {
	Since, Until *time.Time // on paid_on, both inclusive dates
	ConnectionID string
	Cursor       string
	Limit        int
}

// Payments lists a workspace's payments a page at a time, in the order they
// were first stored (an immutable key, so pages never skip or repeat a row).
func (s *Store) Payments(ctx context.Context, workspaceID string, f PaymentFilter) ([]Payment, string, error) {
	w, err := newSeqPage(workspaceID, "pay", f.Cursor, f.Limit)
	if err != nil {
		return nil, "", err
	}
	if f.Since != nil {
		w.where("paid_on >= ?", date(*f.Since))
	}
	if f.Until != nil {
		w.where("paid_on <= ?", date(*f.Until))
	}
	if f.ConnectionID != "" {
		w.where("connection_id = ?", f.ConnectionID)
	}
	return readSeqPage(ctx, s.read, w, `SELECT seq, `+paymentColumns+` FROM payments`, scanPayment)
}
