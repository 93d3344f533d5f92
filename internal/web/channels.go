package web

import "net/http"

func (s *Server) channels(w http.ResponseWriter, r *http.Request, v *viewer) {
	list, err := s.store.Channels(r.Context(), v.WorkspaceID)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "channels", "Channels", "channels", list)
}

// exportChannels writes every channel as CSV or XLSX; the store answers
// them in one list, as the page shows them.
func (s *Server) exportChannels(w http.ResponseWriter, r *http.Request, v *viewer) {
	list, err := s.store.Channels(r.Context(), v.WorkspaceID)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	out, err := newExport(w, r.URL.Query().Get("format"), "channels")
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if err := out.row("code", "name", "connection_id", "created_at"); err != nil {
		return
	}
	for _, c := range list {
		if err := out.row(c.Code, c.Name, c.ConnectionID, isoStamp(&c.CreatedAt)); err != nil {
			return
		}
	}
	if err := out.close(); err != nil {
		s.log.Warn("export channels", "err", err)
	}
}
