package api

import (
	"github.com/affsync/affsync/client"
	"net/http"
	"time"

	"github.com/affsync/affsync/internal/fxrate"
	"github.com/affsync/affsync/internal/store"
)

// Payment is money paid out to a connection's account (JSON form).
type Payment = client.Payment

// paymentJSON shapes a payment, converted on the day it was paid.
func paymentJSON(conv fxrate.Converter) func(p store.Payment) Payment {
	return func(p store.Payment) Payment {
		out := Payment{ID: p.ID, ConnectionID: p.ConnectionID, Reference: p.Reference, PaidOn: day(p.PaidOn), PeriodStart: day(p.PeriodStart),
			PeriodEnd: day(p.PeriodEnd), Currency: p.Currency, Amount: amount(p.Amount, p.Currency), Method: p.Method, Source: p.Source,
			CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
		out.Converted, out.ConvertedReason = convertedAmount(conv, p.Currency, p.Amount, p.PaidOn)
		return out
	}
}

// paymentFilter reads GET /v1/payments: since/until on the day paid
// (inclusive dates), connection_id, keyset pages.
func paymentFilter(r *http.Request) (store.PaymentFilter, error) {
	q := r.URL.Query()
	if err := onlyParams(q, "since", "until", "connection_id", "cursor", "limit"); err != nil {
		return store.PaymentFilter{}, err
	}
	f := store.PaymentFilter{ConnectionID: q.Get("connection_id"), Cursor: q.Get("cursor")}
	var err error
	if f.Limit, err = limitParam(q.Get("limit")); err != nil {
		return f, err
	}
	f.Since, f.Until, err = dateRange(q.Get("since"), q.Get("until"))
	return f, err
}

func (s *Server) listPayments(w http.ResponseWriter, r *http.Request) {
	f, err := paymentFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, next, err := s.store.Payments(r.Context(), workspace(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	conv, err := s.store.Converter(r.Context(), workspace(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newPage(mapSlice(list, paymentJSON(conv)), next))
}

func (s *Server) paymentRows(r *http.Request, emit func(Payment) error) error {
	f, err := paymentFilter(r)
	if err != nil {
		return err
	}
	conv, err := s.store.Converter(r.Context(), workspace(r))
	if err != nil {
		return err
	}
	return walkPages(&f.Cursor, &f.Limit, func() ([]store.Payment, string, error) { return s.store.Payments(r.Context(), workspace(r), f) },
		paymentJSON(conv), emit)
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
