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
		key, err := s.lookupKey(r.Context(), secret.HashAPIKey(raw))
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

// keyCheckAge is how long a key checked against the store is taken on
// trust: a busy key costs one lookup a second, not one per request. A key
// revoked through this server is forgotten at once; one revoked through
// another instance stops working here within this time.
const keyCheckAge = time.Second

// keyCache remembers the keys checked lately (by hash) and when each key's
// last use was written, so that a busy key costs one write a minute.
type keyCache struct {
	mu      sync.Mutex
	checked map[string]checkedKey
	touched map[string]time.Time
}

type checkedKey struct {
	key store.APIKey
	at  time.Time
}

func newKeyCache() *keyCache {
	return &keyCache{checked: map[string]checkedKey{}, touched: map[string]time.Time{}}
}

// forget drops a key's records (the key was revoked).
func (c *keyCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.touched, id)
	for hash, ck := range c.checked {
		if ck.key.ID == id {
			delete(c.checked, hash)
		}
	}
}

// lookupKey finds the key of a hash: from the cache when it was checked
// less than keyCheckAge ago, else from the store. Unknown hashes are not
// remembered, so guessing keys fills no memory.
func (s *Server) lookupKey(ctx context.Context, hash string) (store.APIKey, error) {
	now := s.now()
	s.keys.mu.Lock()
	ck, ok := s.keys.checked[hash]
	s.keys.mu.Unlock()
	if ok && now.Sub(ck.at) < keyCheckAge && !ck.at.After(now) {
		return ck.key, nil
	}
	key, err := s.store.APIKeyByHash(ctx, hash)
	if err != nil {
		return key, err
	}
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	if len(s.keys.checked) >= 10_000 { // many keys at once: drop the stale checks
		for h, old := range s.keys.checked {
			if now.Sub(old.at) >= keyCheckAge {
				delete(s.keys.checked, h)
			}
		}
	}
	s.keys.checked[hash] = checkedKey{key: key, at: now}
	return key, nil
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
