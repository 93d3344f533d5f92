package transport

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/network/amazon/sim"
)

// onlyMD5 hides the simulator's SHA-256 challenge, as an older server would.
func onlyMD5(f *fixture, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(md5Challenges{w}, r)
	})
}

type md5Challenges struct{ http.ResponseWriter }

func (w md5Challenges) WriteHeader(code int) {
	h := w.Header()
	all := h.Values("WWW-Authenticate")
	h.Del("WWW-Authenticate")
	for _, c := range all {
		if !strings.Contains(c, "SHA-256") {
			h.Add("WWW-Authenticate", c)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func TestDataFeedListAndOpen(t *testing.T) {
	tests := []struct {
		name      string
		wrap      func(*fixture, http.Handler) http.Handler
		user      func(sim.Config) string
		algorithm string
	}{
		{"store ID, SHA-256", nil, func(c sim.Config) string { return c.StoreID }, "algorithm=SHA-256"},
		{"credential ID, SHA-256", nil, func(c sim.Config) string { return c.CredentialID }, "algorithm=SHA-256"},
		{"store ID, MD5", onlyMD5, func(c sim.Config) string { return c.StoreID }, "algorithm=MD5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, sim.Config{}, tc.wrap)
			d, rec := f.dataFeed(t, func(cfg *DataFeedConfig) { cfg.User = tc.user(f.cfg) })
			files, err := Check(ctx, d)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			f.wantFiles(t, files)
			f.openAll(t, d, files[:3])
			if st := f.sim.Stats(); st.Lists != 1 || st.Downloads != 3 {
				t.Errorf("stats %+v: want 1 list and 3 downloads", st)
			}
			if len(rec.all()) != 0 {
				t.Errorf("waited %v with nothing failing", rec.all())
			}
			authorized := 0
			for _, r := range f.requests("/datafeed/") {
				if r.Authorization == "" {
					continue
				}
				authorized++
				if !strings.HasPrefix(r.Authorization, "Digest ") || !strings.Contains(r.Authorization, tc.algorithm) || !strings.Contains(r.Authorization, "qop=auth") {
					t.Errorf("Authorization %q: want Digest with %s and qop=auth", r.Authorization, tc.algorithm)
				}
			}
			if authorized != 4 || len(f.requests("/datafeed/")) != 5 {
				t.Errorf("%d requests, %d authorized: want one challenge, then the challenge reused", len(f.requests("/datafeed/")), authorized)
			}
		})
	}
}

func TestDataFeedWrongPassword(t *testing.T) {
	f := newFixture(t, sim.Config{}, nil)
	d, rec := f.dataFeed(t, func(cfg *DataFeedConfig) { cfg.Password = "not-the-password" })
	_, err := Check(ctx, d)
	if st, says := Classify(err); st != StateCredentialsRejected || !strings.Contains(says, "DataFeed") {
		t.Errorf("Classify(%v) = %v, %q; want credentials rejected", err, st, says)
	}
	if n := len(f.requests("/datafeed/")); n != 2 || len(rec.all()) != 0 {
		t.Errorf("%d requests, waits %v: want the challenge and one refused answer, no retry", n, rec.all())
	}
}

// TestDataFeedStaleNonce: a nonce older than the server allows is renewed
// by the Digest handshake, not reported as a wrong password.
func TestDataFeedStaleNonce(t *testing.T) {
	f := newFixture(t, sim.Config{}, nil)
	d, _ := f.dataFeed(t, nil)
	if _, err := d.List(ctx); err != nil {
		t.Fatal(err)
	}
	f.clock.advance(10 * time.Minute)
	files, err := d.List(ctx)
	if err != nil {
		t.Fatalf("List with a stale nonce: %v", err)
	}
	f.wantFiles(t, files)
}

func TestDataFeedFailRate(t *testing.T) {
	f := newFixture(t, sim.Config{FailRate: 0.3, Seed: 11, Days: 2}, nil)
	d, rec := f.dataFeed(t, func(cfg *DataFeedConfig) { cfg.Retry.MaxAttempts = 10 })
	files, err := d.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	f.wantFiles(t, files)
	f.openAll(t, d, files)
	failures := f.sim.Stats().Failures.Load()
	if failures == 0 {
		t.Fatal("the simulator failed no call; the test proves nothing")
	}
	if got := int64(len(rec.all())); got != failures {
		t.Errorf("%d waits for %d failures", got, failures)
	}
}

func TestDataFeedMD5Mismatch(t *testing.T) {
	probe := newFixture(t, sim.Config{}, nil)
	victim := probe.sim.Files()[0]
	f := newFixture(t, sim.Config{}, corruptOne(victim.Name))
	d, _ := f.dataFeed(t, nil)
	files, err := d.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Open(ctx, files[0])
	var mm *MismatchError
	if !errors.As(err, &mm) || mm.File != victim.Name || mm.Want != victim.MD5 {
		t.Fatalf("error %v, want an MD5 mismatch of %s", err, victim.Name)
	}
}

func TestDataFeedUnknownFile(t *testing.T) {
	f := newFixture(t, sim.Config{}, nil)
	d, rec := f.dataFeed(t, nil)
	_, err := d.Open(ctx, ReportFile{Name: "nope-20-orders-report-20261002.tsv.gz", Size: 1, MD5: md5Hex("x")})
	var api *APIError
	if !errors.As(err, &api) || api.Status != 404 || len(rec.all()) != 0 {
		t.Errorf("error %v, waits %v: want a 404, not retried", err, rec.all())
	}
}

func TestNewDataFeedChecksItsConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  DataFeedConfig
		want string
	}{
		{"no password", DataFeedConfig{User: "shop-20"}, "a user and a password are required"},
		{"no user", DataFeedConfig{Password: "p"}, "a user and a password are required"},
		{"relative base", DataFeedConfig{User: "u", Password: "p", BaseURL: "datafeed.local"}, "want an absolute URL"},
	}
	for _, tc := range tests {
		if _, err := NewDataFeed(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	own := &http.Client{Timeout: time.Minute}
	d, err := NewDataFeed(DataFeedConfig{User: "u", Password: "p", HTTPClient: own})
	if err != nil || d.base != DefaultDataFeedBase || own.Transport != nil || d.client.Timeout != time.Minute {
		t.Errorf("defaults: %+v, %v; the caller's client must stay untouched", d, err)
	}
}
