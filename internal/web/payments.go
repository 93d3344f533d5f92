package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/store"
)

type paymentsData struct {
	Query        url.Values
	Filter       store.PaymentFilter
	Since, Until string
	List         []store.Payment
	Next         string
	Connections  []store.Connection
	Names        map[string]string // connection names by id
}

// paymentFilter reads the list's query: since and until are inclusive
// calendar dates of paid_on.
func paymentFilter(q url.Values) (store.PaymentFilter, error) {
	f := store.PaymentFilter{ConnectionID: q.Get("connection"), Cursor: q.Get("cursor"), Limit: pageSize}
	var err error
	f.Since, f.Until, err = dateRange(q)
	return f, err
}

// dateRange reads ?since= and ?until= as inclusive calendar dates.
func dateRange(q url.Values) (since, until *time.Time, err error) {
	for _, b := range []struct {
		name string
		dst  **time.Time
	}{{"since", &since}, {"until", &until}} {
		v := q.Get(b.name)
		if v == "" {
			continue
		}
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			return nil, nil, userError{b.name + " must be a date like 2026-10-02."}
		}
		*b.dst = &d
	}
	return since, until, nil
}

func (s *Server) payments(w http.ResponseWriter, r *http.Request, v *viewer) {
	q := r.URL.Query()
	f, err := paymentFilter(q)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d := paymentsData{Query: q, Filter: f, Since: q.Get("since"), Until: q.Get("until")}
	if d.List, d.Next, err = s.store.Payments(r.Context(), v.WorkspaceID, f); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Connections, d.Names, err = s.connectionNames(r, v); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "payments", "Payments", "payments", d)
}

// connectionNames lists the workspace's connections for a filter and names them by id.
func (s *Server) connectionNames(r *http.Request, v *viewer) ([]store.Connection, map[string]string, error) {
	conns, err := s.store.Connections(r.Context(), v.WorkspaceID)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[string]string, len(conns))
	for _, c := range conns {
		names[c.ID] = c.Name
	}
	return conns, names, nil
}

// exportPayments writes every payment the filter selects as CSV or XLSX.
func (s *Server) exportPayments(w http.ResponseWriter, r *http.Request, v *viewer) {
	f, err := paymentFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	f.Limit = 1000
	header := []string{"id", "connection_id", "reference", "paid_on", "period_start", "period_end", "currency", "amount", "method"}
	exportPages(s, w, r, v, "payments", header, func(cursor string) ([]store.Payment, string, error) {
		f.Cursor = cursor
		return s.store.Payments(r.Context(), v.WorkspaceID, f)
	}, func(p store.Payment) []string {
		return []string{p.ID, p.ConnectionID, p.Reference, isoDay(&p.PaidOn), isoDay(&p.PeriodStart), isoDay(&p.PeriodEnd), p.Currency,
			money.FormatIn(p.Amount, p.Currency), p.Method}
	})
}

func isoDay(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}
