package web

import (
	"net/http"

	"github.com/affsync/affsync/internal/store"
)

type clicksData struct {
	aggregateQuery
	Rows []store.ClickRow
	Next string // the next page's cursor; "" on the last
}

// Key is the row's grouped value.
func (d clicksData) Key(r store.ClickRow) string {
	return groupKey(d.GroupBy, r.Date, r.Channel, r.Program, r.Custom)
}

// clickRows reads the clicks a page shows.
func (s *Server) clickRows(r *http.Request, v *viewer) (clicksData, error) {
	a, err := aggregateQueryOf(r.URL.Query())
	if err != nil {
		return clicksData{}, err
	}
	a.Filter.Kind = ""
	rows, next, err := s.store.Clicks(r.Context(), v.WorkspaceID, a.Filter)
	return clicksData{a, rows, next}, err
}

func (s *Server) clicks(w http.ResponseWriter, r *http.Request, v *viewer) {
	d, err := s.clickRows(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "clicks", "Clicks", "clicks", d)
}

// exportClicks writes every group the filter selects, page by page.
func (s *Server) exportClicks(w http.ResponseWriter, r *http.Request, v *viewer) {
	a, err := aggregateQueryOf(r.URL.Query())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	f := a.Filter
	f.Kind, f.Limit = "", 1000
	exportPages(s, w, r, v, "clicks", []string{a.GroupBy, "clicks"}, func(cursor string) ([]store.ClickRow, string, error) {
		f.Cursor = cursor
		return s.store.Clicks(r.Context(), v.WorkspaceID, f)
	}, func(x store.ClickRow) []string {
		return []string{groupKey(a.GroupBy, x.Date, x.Channel, x.Program, x.Custom), itoa(x.Clicks)}
	})
}
