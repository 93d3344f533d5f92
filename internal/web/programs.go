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
