package web

import (
	"net/http"

	"github.com/affsync/affsync/internal/store"
)

type clicksData struct {
	aggregateQuery
	Rows []store.ClickRow
}

// Key is the row's grouped value.
func (d clicksData) Key(r store.ClickRow) string {
	return groupKey(d.GroupBy, r.Date, r.Channel, r.Program, r.Custom)
}

// clickRows reads the clicks a page or its export shows.
func (s *Server) clickRows(r *http.Request, v *viewer) (clicksData, error) {
	a, err := aggregateQueryOf(r.URL.Query())
	if err != nil {
		return clicksData{}, err
	}
	a.Filter.Kind = ""
	rows, err := s.store.Clicks(r.Context(), v.WorkspaceID, a.Filter)
	return clicksData{a, rows}, err
}

func (s *Server) clicks(w http.ResponseWriter, r *http.Request, v *viewer) {
	d, err := s.clickRows(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "clicks", "Clicks", "clicks", d)
}

func (s *Server) exportClicks(w http.ResponseWriter, r *http.Request, v *viewer) {
	d, err := s.clickRows(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	a, rows := d.aggregateQuery, d.Rows
	out, err := newExport(w, r.URL.Query().Get("format"), "clicks")
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if err := out.row(a.GroupBy, "clicks"); err != nil {
		return
	}
	for _, x := range rows {
		if err := out.row(groupKey(a.GroupBy, x.Date, x.Channel, x.Program, x.Custom), itoa(x.Clicks)); err != nil {
			return
		}
	}
	if err := out.close(); err != nil {
		s.log.Warn("export clicks", "err", err)
	}
}
