package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
)

type ctxKey int

const keyCtx ctxKey = iota

// apiKey is the authenticated key of a request.
func apiKey(r *http.Request) store.APIKey {
	k, _ := r.Context().Value(keyCtx).(store.APIKey)
	return k
}

// workspace is the workspace every query of a request is scoped to.
func workspace(r *http.Request) string { return apiKey(r).WorkspaceID }

func (s *Server) read(h http.HandlerFunc) http.Handler  { return s.authenticate(store.ScopeRead, h) }
func (s *Server) write(h http.HandlerFunc) http.Handler { return s.authenticate(store.ScopeWrite, h) }

// authenticate checks the key (Authorization: Bearer, or X-API-Key) and its scope.
func (s *Server) authenticate(scope string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw := r.Header.Get("X-API-Key")
		if auth := r.Header.Get("Authorization"); auth != "" {
			scheme, token, ok := strings.Cut(auth, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") {
				writeError(w, http.StatusUnauthorized, "unauthorized", "use Authorization: Bearer <api key>")
				return
			}
			raw = strings.TrimSpace(token)
		}
		if raw == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="affsync"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", "an API key is required (Authorization: Bearer <key>)")
			return
		}
		key, err := s.store.APIKeyByHash(r.Context(), secret.HashAPIKey(raw))
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusUnauthorized, "unauthorized", "the API key is not valid or was revoked")
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !s.limit(w, key.ID) {
			return
		}
		if scope == store.ScopeWrite && key.Scope != store.ScopeWrite {
			writeError(w, http.StatusForbidden, "forbidden", "this API key may only read; use a key with scope write")
			return
		}
		s.touch(key)
		h(w, r.WithContext(context.WithValue(r.Context(), keyCtx, key)))
	})
}

// keyCache remembers when each key's last use was written, so that a busy
// key costs one write a minute, not one per request.
type keyCache struct {
	mu      sync.Mutex
	touched map[string]time.Time
}

func newKeyCache() *keyCache { return &keyCache{touched: map[string]time.Time{}} }

// forget drops a key's record (the key was revoked).
func (c *keyCache) forget(id string) {
	c.mu.Lock()
	delete(c.touched, id)
	c.mu.Unlock()
}

func (s *Server) touch(k store.APIKey) {
	now := s.now()
	s.keys.mu.Lock()
	last := s.keys.touched[k.ID]
	due := now.Sub(last) >= time.Minute
	if due {
		s.keys.touched[k.ID] = now
	}
	s.keys.mu.Unlock()
	if !due {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.store.TouchAPIKey(ctx, k.ID, now); err != nil {
			s.log.Warn("record api key use", "key", k.ID, "err", err)
		}
	}()
}
