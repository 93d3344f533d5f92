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
