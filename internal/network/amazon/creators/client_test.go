package creators_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/network/amazon/creators"
	"github.com/affsync/affsync/internal/network/amazon/sim"
)

var ctx = context.Background()

// sleeps records the waits instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return nil
}

func client(t *testing.T, url, secret, version string, sl *sleeps) *creators.Client {
	t.Helper()
	path := "/auth/o2/token"
	if strings.HasPrefix(version, "2.") {
		path = "/oauth2/token"
	}
	c, err := creators.New(creators.Config{APIBase: url, TokenURL: url + path, CredentialID: "demo-credential", Secret: secret, Version: version, Sleep: sl.sleep})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestListAndDownload(t *testing.T) {
	s, _ := sim.New(sim.Config{Seed: 2, Days: 2})
	srv := httptest.NewServer(s)
	defer srv.Close()
	for _, version := range []string{"2.1", "3.1"} {
		c := client(t, srv.URL, "demo-secret", version, &sleeps{})
		files, err := c.ListReports(ctx)
		if err != nil || len(files) != len(s.Files()) || len(files) == 0 {
			t.Fatalf("%s: list %d %v", version, len(files), err)
		}
		f, err := c.Download(ctx, files[0])
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(f)
		f.Close()
		if int64(len(data)) != files[0].Size {
			t.Fatalf("downloaded %d bytes", len(data))
		}
		if _, err := c.ListReports(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.Stats().Tokens.Load(); got != 2 {
		t.Fatalf("%d token calls for two clients: the token is not cached", got)
	}
	bad := files0(t, srv.URL)
	bad.MD5 = "00000000000000000000000000000000"
	if _, err := client(t, srv.URL, "demo-secret", "3.1", &sleeps{}).Download(ctx, bad); err == nil || !strings.Contains(err.Error(), "MD5") {
		t.Fatalf("MD5 mismatch: %v", err)
	}
}

func files0(t *testing.T, url string) creators.ReportFile {
	files, err := client(t, url, "demo-secret", "3.1", &sleeps{}).ListReports(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return files[0]
}

func TestErrorsAndRetries(t *testing.T) {
	s, _ := sim.New(sim.Config{Seed: 2, Days: 2, FailRate: 0.4})
	srv := httptest.NewServer(s)
	defer srv.Close()
	sl := &sleeps{}
	c := client(t, srv.URL, "demo-secret", "3.1", sl)
	for i := 0; i < 100 && (i < 10 || s.Stats().Failures.Load() == 0); i++ {
		if _, err := c.ListReports(ctx); err != nil {
			t.Fatalf("with 40%% failures: %v", err)
		}
	}
	if s.Stats().Failures.Load() == 0 || len(sl.d) == 0 {
		t.Fatal("no failure was met or retried")
	}
	for _, d := range sl.d {
		if d > 30*time.Second {
			t.Fatalf("waited %v, more than the cap", d)
		}
	}
	_, err := client(t, srv.URL, "wrong", "3.1", &sleeps{}).ListReports(ctx)
	var e *creators.Error
	if !errors.As(err, &e) || !strings.HasPrefix(creators.Explain(err), "credentials rejected") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("wrong secret: %v", err)
	}
}

// TestTokenRenewedOnce: an expired-token answer renews the token and the call
// goes through.
func TestTokenRenewedOnce(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s, _ := sim.New(sim.Config{Seed: 2, Days: 1, Now: clock, TokenTTL: 2 * time.Hour})
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := client(t, srv.URL, "demo-secret", "3.1", &sleeps{})
	if _, err := c.ListReports(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(3 * time.Hour) // the server's clock says the token expired; the client's cache does not know
	mu.Unlock()
	if _, err := c.ListReports(ctx); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if got := s.Stats().Tokens.Load(); got != 2 {
		t.Fatalf("%d token calls, want 2", got)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/token") {
			w.Write([]byte(`{"access_token":"t","expires_in":3600}`))
			return
		}
		calls++
		if calls < 3 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(429)
			w.Write([]byte(`{"type":"ThrottleException","message":"Rate exceeded"}`))
			return
		}
		w.Write([]byte(`{"reports":[]}`))
	}))
	defer srv.Close()
	sl := &sleeps{}
	if _, err := client(t, srv.URL, "s", "3.1", sl).ListReports(ctx); err != nil {
		t.Fatal(err)
	}
	if len(sl.d) != 2 || sl.d[0] < 7*time.Second || sl.d[1] < 7*time.Second {
		t.Fatalf("waits %v, want at least Retry-After (7s) twice", sl.d)
	}
}
