package web

import (
	"net/http"
	"net/url"

	"github.com/affsync/affsync/internal/store"
)

type dealsData struct {
	Query        url.Values
	Filter       store.DealFilter
	Since, Until string
	List         []store.Deal
	Next         string
	Connections  []store.Connection
	Names        map[string]string
}

// dealFilter reads the list's query: since and until keep the deals valid
// on some day of that range (inclusive dates).
func dealFilter(q url.Values) (store.DealFilter, error) {
	f := store.DealFilter{ConnectionID: q.Get("connection"), Program: q.Get("program"), Cursor: q.Get("cursor"), Limit: pageSize}
	var err error
	f.Since, f.Until, err = dateRange(q)
	return f, err
}

func (s *Server) deals(w http.ResponseWriter, r *http.Request, v *viewer) {
	q := r.URL.Query()
	f, err := dealFilter(q)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d := dealsData{Query: q, Filter: f, Since: q.Get("since"), Until: q.Get("until")}
	if d.List, d.Next, err = s.store.Deals(r.Context(), v.WorkspaceID, f); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Connections, d.Names, err = s.connectionNames(r, v); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "deals", "Deals", "deals", d)
}

// exportDeals writes every deal the filter selects as CSV or XLSX.
func (s *Server) exportDeals(w http.ResponseWriter, r *http.Request, v *viewer) {
	f, err := dealFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	f.Limit = 1000
	header := []string{"id", "connection_id", "reference", "program", "title", "description", "code", "url", "starts_on", "ends_on"}
	exportPages(s, w, r, v, "deals", header, func(cursor string) ([]store.Deal, string, error) {
		f.Cursor = cursor
		return s.store.Deals(r.Context(), v.WorkspaceID, f)
	}, func(x store.Deal) []string {
		return []string{x.ID, x.ConnectionID, x.Reference, x.Program, x.Title, x.Description, x.Code, x.URL, isoDay(x.StartsOn), isoDay(x.EndsOn)}
	})
}
