package api

import (
	"net/http"
	"time"

	"github.com/affsync/affsync/internal/store"
)

// Payment is money paid out to a connection's account (JSON form).
type Payment struct {
	ID           string    `json:"id"`
	ConnectionID string    `json:"connection_id"`
	Reference    string    `json:"reference"`
	PaidOn       string    `json:"paid_on"`
	PeriodStart  string    `json:"period_start"`
	PeriodEnd    string    `json:"period_end"`
	Currency     string    `json:"currency"`
	Amount       string    `json:"amount"`
	Method       string    `json:"method"`
	Source       string    `json:"source"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// listPayments answers GET /v1/payments: since/until on the day paid
// (inclusive dates), connection_id, keyset pages.
func (s *Server) listPayments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := onlyParams(q, "since", "until", "connection_id", "cursor", "limit"); err != nil {
		s.fail(w, r, err)
		return
	}
	f := store.PaymentFilter{ConnectionID: q.Get("connection_id"), Cursor: q.Get("cursor")}
	var err error
	if f.Limit, err = limitParam(q.Get("limit")); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Since, f.Until, err = dateRange(q.Get("since"), q.Get("until")); err != nil {
		s.fail(w, r, err)
		return
	}
	list, next, err := s.store.Payments(r.Context(), workspace(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Payment, len(list))
	for i, p := range list {
		out[i] = Payment{ID: p.ID, ConnectionID: p.ConnectionID, Reference: p.Reference, PaidOn: day(p.PaidOn), PeriodStart: day(p.PeriodStart),
			PeriodEnd: day(p.PeriodEnd), Currency: p.Currency, Amount: amount(p.Amount, p.Currency), Method: p.Method, Source: p.Source,
			CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	}
	writeJSON(w, http.StatusOK, newPage(out, next))
}

// dateRange reads since and until as inclusive calendar dates.
func dateRange(since, until string) (*time.Time, *time.Time, error) {
	var out [2]*time.Time
	for i, p := range []struct{ name, v string }{{"since", since}, {"until", until}} {
		if p.v == "" {
			continue
		}
		d, err := time.Parse("2006-01-02", p.v)
		if err != nil {
			return nil, nil, badRequest{p.name + " must be a date like 2026-10-02 (inclusive)"}
		}
		out[i] = &d
	}
	return out[0], out[1], nil
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

func dayPtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	d := day(*t)
	return &d
}
