package api

import (
	"net/http"
	"time"

	"github.com/affsync/affsync/internal/store"
)

// Deal is an offer, coupon or voucher of a program (JSON form).
type Deal struct {
	ID           string    `json:"id"`
	ConnectionID string    `json:"connection_id"`
	Reference    string    `json:"reference"`
	Program      string    `json:"program"`
	Title        string    `json:"title"`
	Description  string    `json:"description"`
	Code         string    `json:"code"`
	URL          string    `json:"url"`
	StartsOn     *string   `json:"starts_on"`
	EndsOn       *string   `json:"ends_on"`
	Source       string    `json:"source"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// listDeals answers GET /v1/deals: since/until keep the deals valid on
// some day of that range (inclusive dates), connection_id, program, keyset pages.
func (s *Server) listDeals(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := onlyParams(q, "since", "until", "connection_id", "program", "cursor", "limit"); err != nil {
		s.fail(w, r, err)
		return
	}
	f := store.DealFilter{ConnectionID: q.Get("connection_id"), Program: q.Get("program"), Cursor: q.Get("cursor")}
	var err error
	if f.Limit, err = limitParam(q.Get("limit")); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Since, f.Until, err = dateRange(q.Get("since"), q.Get("until")); err != nil {
		s.fail(w, r, err)
		return
	}
	list, next, err := s.store.Deals(r.Context(), workspace(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Deal, len(list))
	for i, d := range list {
		out[i] = Deal{ID: d.ID, ConnectionID: d.ConnectionID, Reference: d.Reference, Program: d.Program, Title: d.Title,
			Description: d.Description, Code: d.Code, URL: d.URL, StartsOn: dayPtr(d.StartsOn), EndsOn: dayPtr(d.EndsOn), Source: d.Source,
			CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	}
	writeJSON(w, http.StatusOK, newPage(out, next))
}
