package web

import (
	"net/http"

	"github.com/affsync/affsync/internal/store"
)

type programRow struct {
	store.Program
	History []store.ProgramChange
}

func (s *Server) programs(w http.ResponseWriter, r *http.Request, v *viewer) {
	list, err := s.store.Programs(r.Context(), v.WorkspaceID)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	rows := make([]programRow, len(list))
	for i, p := range list {
		rows[i].Program = p
		if rows[i].History, err = s.store.ProgramHistory(r.Context(), v.WorkspaceID, p.ConnectionID, p.Program); err != nil {
			s.fail(w, r, v, err)
			return
		}
	}
	s.render(w, r, v, http.StatusOK, "programs", "Programs", "programs", rows)
}

// exportPrograms writes every program with its current status as CSV or
// XLSX; the history stays on the page, as in the API's export.
func (s *Server) exportPrograms(w http.ResponseWriter, r *http.Request, v *viewer) {
	list, err := s.store.Programs(r.Context(), v.WorkspaceID)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	out, err := newExport(w, r.URL.Query().Get("format"), "programs")
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if err := out.row("program", "status", "reason", "connection_id", "updated_at"); err != nil {
		return
	}
	for _, p := range list {
		if err := out.row(p.Program, p.Status, p.Reason, p.ConnectionID, isoStamp(&p.UpdatedAt)); err != nil {
			return
		}
	}
	if err := out.close(); err != nil {
		s.log.Warn("export programs", "err", err)
	}
}
