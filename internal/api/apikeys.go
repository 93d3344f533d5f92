package api

import (
	"github.com/affsync/affsync/client"
	"net/http"
	"strings"

	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
)

// APIKey is the JSON form of a key: never its hash, and its secret only in
// the answer that created it.
type APIKey = client.APIKey

// NewAPIKey is the answer to POST /v1/apikeys: the key and, once, its secret.
type NewAPIKey = client.CreatedAPIKey

func apiKeyJSON(k store.APIKey) APIKey {
	return APIKey{ID: k.ID, Name: k.Name, Scope: k.Scope, Prefix: k.Prefix, CreatedAt: k.CreatedAt,
		LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
}

func (s *Server) listAPIKeys(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	keys, err := s.store.APIKeys(r.Context(), workspace(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]APIKey, len(keys))
	for i, k := range keys {
		out[i] = apiKeyJSON(k)
	}
	writeJSON(w, http.StatusOK, newPage(out, ""))
}

// createAPIKey makes a key in the caller's workspace and answers its secret,
// which is stored nowhere and shown this once.
func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name  string `json:"name"`
		Scope string `json:"scope"`
	}
	if err := decodeJSON(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	body.Name = strings.TrimSpace(body.Name)
	if body.Name == "" {
		s.fail(w, r, badRequest{"name is required: something to recognise the key by"})
		return
	}
	if body.Scope == "" {
		body.Scope = store.ScopeRead
	}
	if body.Scope != store.ScopeRead && body.Scope != store.ScopeWrite {
		s.fail(w, r, badRequest{"scope must be read or write"})
		return
	}
	plain, prefix, hash, err := secret.NewAPIKey()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	k, err := s.store.CreateAPIKey(r.Context(), workspace(r), body.Name, body.Scope, prefix, hash)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, NewAPIKey{APIKey: apiKeyJSON(k), Secret: plain})
}

// revokeAPIKey stops a key of the caller's workspace from working. Every
// request looks its key up in the store, so the next one is refused at once;
// the in-memory use and rate records of the key are dropped with it.
func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.store.RevokeAPIKey(r.Context(), workspace(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.keys.forget(id)
	s.limits.forget(id)
	w.WriteHeader(http.StatusNoContent)
}
