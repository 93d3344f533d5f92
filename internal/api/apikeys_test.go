package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// raw sends a request and returns the answer with its body read.
func (e *env) raw(method, path, key, body string) (*http.Response, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return res, b
}

func TestAPIKeys(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		var created api.NewAPIKey
		if status := e.do("POST", "/v1/apikeys", e.a.writeKey, `{"name":"backend","scope":"write"}`, &created); status != 201 {
			t.Fatalf("create: %d", status)
		}
		if !strings.HasPrefix(created.Secret, created.Prefix) || created.Scope != "write" || created.Name != "backend" || created.RevokedAt != nil {
			t.Fatalf("created: %+v", created)
		}
		// The new key works, in its workspace only.
		var p txPage
		if status := e.do("GET", "/v1/transactions", created.Secret, "", &p); status != 200 || len(p.Data) != 5 || p.Data[0].ConnectionID != e.a.conn.ID {
			t.Fatalf("new key: %d %d rows", status, len(p.Data))
		}

		// The list shows every key of the workspace, never a hash or secret.
		res, body := e.raw("GET", "/v1/apikeys", e.a.readKey, "")
		if res.StatusCode != 200 {
			t.Fatalf("list: %d %s", res.StatusCode, body)
		}
		for _, leak := range []string{created.Secret, `"hash"`, `"secret"`, e.a.readKey, e.a.writeKey} {
			if strings.Contains(string(body), leak) {
				t.Fatalf("list shows %q: %s", leak, body)
			}
		}
		var list struct{ Data []api.APIKey }
		if err := json.Unmarshal(body, &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Data) != 3 {
			t.Fatalf("a's keys: %+v", list.Data)
		}
		for _, k := range list.Data {
			if k.Prefix == "" || k.ID == "" || k.CreatedAt.IsZero() {
				t.Fatalf("key without its fields: %+v", k)
			}
		}

		for _, tc := range []struct {
			name, method, path, key, body string
			status                        int
			code                          string
		}{
			{"no name", "POST", "/v1/apikeys", e.a.writeKey, `{"scope":"read"}`, 400, "bad_request"},
			{"bad scope", "POST", "/v1/apikeys", e.a.writeKey, `{"name":"x","scope":"admin"}`, 400, "bad_request"},
			{"read key creates", "POST", "/v1/apikeys", e.a.readKey, `{"name":"x"}`, 403, "forbidden"},
			{"read key revokes", "DELETE", "/v1/apikeys/" + created.ID, e.a.readKey, "", 403, "forbidden"},
			{"other workspace's key", "DELETE", "/v1/apikeys/" + created.ID, e.b.writeKey, "", 404, "not_found"},
			{"missing key", "DELETE", "/v1/apikeys/key_nope", e.a.writeKey, "", 404, "not_found"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var got apiError
				if status := e.do(tc.method, tc.path, tc.key, tc.body, &got); status != tc.status || got.Error.Code != tc.code {
					t.Fatalf("%d %+v, want %d %s", status, got, tc.status, tc.code)
				}
			})
		}
		// b cannot see a's keys, and b's failed revocation left a's key working.
		list.Data = nil
		e.do("GET", "/v1/apikeys", e.b.readKey, "", &list)
		if len(list.Data) != 2 {
			t.Fatalf("b's keys: %+v", list.Data)
		}
		if status := e.do("GET", "/v1/transactions", created.Secret, "", &p); status != 200 {
			t.Fatalf("key after b's attempt: %d", status)
		}

		// Revoked: the very next request with it is refused.
		if res, body := e.raw("DELETE", "/v1/apikeys/"+created.ID, e.a.writeKey, ""); res.StatusCode != 204 {
			t.Fatalf("revoke: %d %s", res.StatusCode, body)
		}
		var apiErr apiError
		if status := e.do("GET", "/v1/transactions", created.Secret, "", &apiErr); status != 401 || apiErr.Error.Code != "unauthorized" {
			t.Fatalf("revoked key: %d %+v", status, apiErr)
		}
		if res, _ := e.raw("DELETE", "/v1/apikeys/"+created.ID, e.a.writeKey, ""); res.StatusCode != 204 {
			t.Fatalf("revoking twice: %d", res.StatusCode)
		}
		list.Data = nil
		e.do("GET", "/v1/apikeys", e.a.readKey, "", &list)
		for _, k := range list.Data {
			if (k.ID == created.ID) != (k.RevokedAt != nil) {
				t.Fatalf("revoked_at: %+v", k)
			}
		}
	})
}

// clock is a test's time, moved by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestRateLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := &clock{now: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}
		e := newEnvWith(t, s, api.Config{Now: clk.Now, RateLimit: api.RateLimit{PerSecond: 2, Burst: 5}})
		header := func(res *http.Response, name string) int {
			t.Helper()
			n, err := strconv.Atoi(res.Header.Get(name))
			if err != nil {
				t.Fatalf("%s: %q", name, res.Header.Get(name))
			}
			return n
		}
		for i := range 5 {
			res, body := e.raw("GET", "/v1/channels", e.a.readKey, "")
			if res.StatusCode != 200 {
				t.Fatalf("request %d: %d %s", i+1, res.StatusCode, body)
			}
			if header(res, "RateLimit-Limit") != 5 || header(res, "RateLimit-Remaining") != 4-i {
				t.Fatalf("request %d headers: %v", i+1, res.Header)
			}
			if got, want := header(res, "RateLimit-Reset"), (i+2)/2; got != want { // (spent tokens)/(2 a second), rounded up
				t.Fatalf("request %d reset %d, want %d", i+1, got, want)
			}
			if p := res.Header.Get("RateLimit-Policy"); p != "5;w=3" {
				t.Fatalf("policy %q", p)
			}
		}
		// The sixth within the same instant is refused, with the error shape and headers.
		res, body := e.raw("GET", "/v1/channels", e.a.readKey, "")
		var apiErr apiError
		if err := json.Unmarshal(body, &apiErr); err != nil || res.StatusCode != 429 || apiErr.Error.Code != "rate_limited" {
			t.Fatalf("6th: %d %s", res.StatusCode, body)
		}
		if header(res, "Retry-After") != 1 || header(res, "RateLimit-Remaining") != 0 || header(res, "RateLimit-Reset") != 3 {
			t.Fatalf("6th headers: %v", res.Header)
		}
		// A write route is refused too: the budget is the key's, not the route's.
		if res, _ := e.raw("POST", "/v1/inquiries", e.a.readKey, `{}`); res.StatusCode != 429 {
			t.Fatalf("write route while limited: %d", res.StatusCode)
		}
		// Another key, even of the same workspace, has its own budget.
		if res, _ := e.raw("GET", "/v1/channels", e.a.writeKey, ""); res.StatusCode != 200 || header(res, "RateLimit-Remaining") != 4 {
			t.Fatalf("other key: %d %v", res.StatusCode, res.Header)
		}
		// Half a second refills one request, and only one.
		clk.Advance(500 * time.Millisecond)
		if res, _ := e.raw("GET", "/v1/channels", e.a.readKey, ""); res.StatusCode != 200 || header(res, "RateLimit-Remaining") != 0 {
			t.Fatalf("after refill: %d %v", res.StatusCode, res.Header)
		}
		if res, _ := e.raw("GET", "/v1/channels", e.a.readKey, ""); res.StatusCode != 429 {
			t.Fatalf("after one refill spent: %d", res.StatusCode)
		}
		// Long idle: the bucket is full again, never fuller.
		clk.Advance(time.Hour)
		for i := range 5 {
			if res, _ := e.raw("GET", "/v1/channels", e.a.readKey, ""); res.StatusCode != 200 {
				t.Fatalf("after idle, request %d: %d", i+1, res.StatusCode)
			}
		}
		if res, _ := e.raw("GET", "/v1/channels", e.a.readKey, ""); res.StatusCode != 429 {
			t.Fatalf("after idle, 6th: %d", res.StatusCode)
		}
		// Unauthenticated answers carry no budget.
		if res, _ := e.raw("GET", "/v1/channels", "", ""); res.StatusCode != 401 || res.Header.Get("RateLimit-Limit") != "" {
			t.Fatalf("no key: %d %v", res.StatusCode, res.Header)
		}
	})
}

// TestKeyRevokedElsewhere: a key revoked by another instance (straight in
// the store, not through this server) stops working here once this
// server's check of it is a second old.
func TestKeyRevokedElsewhere(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		var clock atomic.Int64
		clock.Store(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC).UnixNano())
		e := newEnvWith(t, s, api.Config{Now: func() time.Time { return time.Unix(0, clock.Load()) }})
		if code := e.do("GET", "/v1/channels", e.a.readKey, "", nil); code != 200 {
			t.Fatalf("before: %d", code)
		}
		keys, err := s.APIKeys(ctx, e.a.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if k.Scope == store.ScopeRead {
				if err := s.RevokeAPIKey(ctx, e.a.ws.ID, k.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		clock.Add(int64(time.Second))
		if code := e.do("GET", "/v1/channels", e.a.readKey, "", nil); code != 401 {
			t.Fatalf("a second after its revocation elsewhere: %d, want 401", code)
		}
	})
}
