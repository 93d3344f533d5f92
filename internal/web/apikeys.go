package web

import (
	"net/http"
	"strings"

	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
)

type apiKeysData struct {
	Keys   []store.APIKey
	NewKey string // shown once, right after creation
	Error  string
}

func (s *Server) apiKeys(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.showAPIKeys(w, r, v, http.StatusOK, apiKeysData{})
}

func (s *Server) showAPIKeys(w http.ResponseWriter, r *http.Request, v *viewer, status int, d apiKeysData) {
	var err error
	if d.Keys, err = s.store.APIKeys(r.Context(), v.WorkspaceID); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, status, "apikeys", "API keys", "apikeys", d)
}

// createAPIKey makes a key and shows its secret on this one answer (not a
// redirect, so it never lands in a URL or the history); only its hash is kept.
func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request, v *viewer) {
	name, scope := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("scope")
	if name == "" || (scope != store.ScopeRead && scope != store.ScopeWrite) {
		s.showAPIKeys(w, r, v, http.StatusBadRequest, apiKeysData{Error: "Give the key a name and a scope (read or write)."})
		return
	}
	plain, prefix, hash, err := secret.NewAPIKey()
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if _, err := s.store.CreateAPIKey(r.Context(), v.WorkspaceID, name, scope, prefix, hash); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.log.Info("api key created", "name", name, "scope", scope, "user", v.ID)
	s.showAPIKeys(w, r, v, http.StatusOK, apiKeysData{NewKey: plain})
}

func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request, v *viewer) {
	if err := s.store.RevokeAPIKey(r.Context(), v.WorkspaceID, r.PathValue("id")); err != nil {
		s.fail(w, r, v, err)
		return
	}
	redirect(w, r, "/apikeys", "Key revoked.")
}
