package api

import (
	"github.com/affsync/affsync/client"
	"net/http"

	"github.com/affsync/affsync/internal/store"
)

// Deal is an offer, coupon or voucher of a program (JSON form).
type Deal = client.Deal

func dealJSON(d store.Deal) Deal {
	return Deal{ID: d.ID, ConnectionID: d.ConnectionID, Reference: d.Reference, Program: d.Program, Title: d.Title,
		Description: d.Description, Code: d.Code, URL: d.URL, StartsOn: dayPtr(d.StartsOn), EndsOn: dayPtr(d.EndsOn), Source: d.Source,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

// dealFilter reads GET /v1/deals: since/until keep the deals valid on some
// day of that range (inclusive dates), connection_id, program, keyset pages.
func dealFilter(r *http.Request) (store.DealFilter, error) {
	q := r.URL.Query()
	if err := onlyParams(q, "since", "until", "connection_id", "program", "cursor", "limit"); err != nil {
		return store.DealFilter{}, err
	}
	f := store.DealFilter{ConnectionID: q.Get("connection_id"), Program: q.Get("program"), Cursor: q.Get("cursor")}
	var err error
	if f.Limit, err = limitParam(q.Get("limit")); err != nil {
		return f, err
	}
	f.Since, f.Until, err = dateRange(q.Get("since"), q.Get("until"))
	return f, err
}

func (s *Server) listDeals(w http.ResponseWriter, r *http.Request) {
	f, err := dealFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, next, err := s.store.Deals(r.Context(), workspace(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newPage(mapSlice(list, dealJSON), next))
}

func (s *Server) dealRows(r *http.Request, emit func(Deal) error) error {
	f, err := dealFilter(r)
	if err != nil {
		return err
	}
	return walkPages(&f.Cursor, &f.Limit, func() ([]store.Deal, string, error) { return s.store.Deals(r.Context(), workspace(r), f) },
		dealJSON, emit)
}
