package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/network/amazon/sim"
)

var ctx = context.Background()

func TestCreatorsListAndOpen(t *testing.T) {
	for _, version := range []string{"2.1", "2.3", "3.1", "3.2"} {
		t.Run(version, func(t *testing.T) {
			f := newFixture(t, sim.Config{}, nil)
			c, rec := f.creators(t, version, nil)
			files, err := c.List(ctx)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			f.wantFiles(t, files)
			f.openAll(t, c, files[:4])
			if files, err = Check(ctx, c); err != nil || len(files) == 0 {
				t.Errorf("Check: %d files, %v", len(files), err)
			}
			st := f.sim.Stats()
			if st.Tokens != 1 || st.Lists != 2 || st.Gets != 4 || st.Downloads != 4 {
				t.Errorf("stats %+v: want 1 token (cached), 2 lists, 4 gets, 4 downloads", st)
			}
			if w := rec.all(); len(w) != 0 {
				t.Errorf("waited %v with nothing failing", w)
			}
			wantAuth := "Bearer "
			api := f.requests("/reports/")
			for _, r := range api {
				tok, version2, _ := strings.Cut(strings.TrimPrefix(r.Authorization, wantAuth), ", ")
				if !strings.HasPrefix(r.Authorization, wantAuth) || tok == "" || r.Marketplace != "www.amazon.com" {
					t.Errorf("API request %s: Authorization %q, x-marketplace %q", r.Path, r.Authorization, r.Marketplace)
				}
				if want := map[bool]string{true: "Version " + version, false: ""}[strings.HasPrefix(version, "2.")]; version2 != want {
					t.Errorf("Authorization %q: want version part %q", r.Authorization, want)
				}
			}
			downloads := f.requests("/download/")
			for _, r := range downloads {
				if r.Authorization != "" {
					t.Errorf("the pre-signed URL was fetched with Authorization %q", r.Authorization)
				}
			}
			if len(api) != 6 || len(downloads) != 4 || len(f.requests(tokenPath(version))) != 1 {
				t.Errorf("%d API calls, %d downloads, %d token calls", len(api), len(downloads), len(f.requests(tokenPath(version))))
			}
		})
	}
}

// TestTokenCache: a token is used until 30 s before it expires, then renewed.
func TestTokenCache(t *testing.T) {
	tests := []struct {
		after      time.Duration
		wantTokens int64
	}{
		{time.Hour - 31*time.Second, 1},
		{time.Hour - 29*time.Second, 2},
	}
	for _, tc := range tests {
		t.Run(tc.after.String(), func(t *testing.T) {
			f := newFixture(t, sim.Config{}, nil)
			c, _ := f.creators(t, "3.1", nil)
			if _, err := c.List(ctx); err != nil {
				t.Fatal(err)
			}
			f.clock.advance(tc.after)
			if _, err := c.List(ctx); err != nil {
				t.Fatal(err)
			}
			if got := f.sim.Stats().Tokens.Load(); got != tc.wantTokens {
				t.Errorf("%d tokens issued, want %d", got, tc.wantTokens)
			}
		})
	}
}

func TestWrongSecretIsCredentialsRejected(t *testing.T) {
	for _, version := range []string{"2.1", "3.1"} {
		t.Run(version, func(t *testing.T) {
			f := newFixture(t, sim.Config{}, nil)
			c, rec := f.creators(t, version, func(cfg *CreatorsConfig) { cfg.Secret = "not-the-secret" })
			_, err := Check(ctx, c)
			if st, says := Classify(err); st != StateCredentialsRejected {
				t.Errorf("Classify(%v) = %v, %q; want credentials rejected", err, st, says)
			}
			if n := len(f.requests(tokenPath(version))); n != 1 || len(rec.all()) != 0 {
				t.Errorf("%d token calls, waits %v: a 401 must not be retried", n, rec.all())
			}
			if len(f.requests("/reports/")) != 0 {
				t.Error("reports were called without a token")
			}
		})
	}
}

// TestExpiredTokenRenewedOnce: the client believes its token is fresh (its
// clock lags), Amazon says TokenExpired; the token is renewed and the call
// made again.
func TestExpiredTokenRenewedOnce(t *testing.T) {
	f := newFixture(t, sim.Config{}, nil)
	lagging := newClock()
	c, _ := f.creators(t, "3.1", func(cfg *CreatorsConfig) { cfg.Now = lagging.Now })
	if _, err := c.List(ctx); err != nil {
		t.Fatal(err)
	}
	f.clock.advance(2 * time.Hour)
	if _, err := c.List(ctx); err != nil {
		t.Fatalf("List after the token expired: %v", err)
	}
	if st := f.sim.Stats(); st.Tokens != 2 || st.Lists != 2 {
		t.Errorf("stats %+v: want 2 tokens and 2 lists", st)
	}
	if n := len(f.requests("/reports/v1/listReports")); n != 3 {
		t.Errorf("%d listReports calls, want 3 (one refused)", n)
	}
}

func TestTokenRefusedTwiceIsNotRenewedAgain(t *testing.T) {
	for _, reason := range []string{"TokenExpired", "InvalidToken"} {
		t.Run(reason, func(t *testing.T) {
			f := newFixture(t, sim.Config{}, func(f *fixture, next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/reports/v1/listReports" {
						w.WriteHeader(http.StatusUnauthorized)
						fmt.Fprintf(w, `{"type":"UnauthorizedException","reason":%q,"message":"no"}`, reason)
						return
					}
					next.ServeHTTP(w, r)
				})
			})
			c, _ := f.creators(t, "3.1", nil)
			_, err := c.List(ctx)
			var api *APIError
			if !errors.As(err, &api) || api.Reason != reason {
				t.Fatalf("error %v, want the %s refusal", err, reason)
			}
			if st, _ := Classify(err); st != StateOther {
				t.Errorf("Classify = %v, want other", st)
			}
			if tokens, calls := f.sim.Stats().Tokens.Load(), len(f.requests("/reports/v1/listReports")); tokens != 2 || calls != 2 {
				t.Errorf("%d tokens, %d calls; want 2 and 2 (renewed once)", tokens, calls)
			}
		})
	}
}

// failFirst answers the first n calls of path with status and headers.
func failFirst(path string, n int64, status int, retryAfter string) func(*fixture, http.Handler) http.Handler {
	return func(f *fixture, next http.Handler) http.Handler {
		var count atomic.Int64
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, path) && count.Add(1) <= n {
				if retryAfter != "" {
					w.Header().Set("Retry-After", retryAfter)
				}
				w.WriteHeader(status)
				fmt.Fprint(w, `{"type":"ThrottleException","message":"Rate exceeded"}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		wrap      func(*fixture, http.Handler) http.Handler
		wantCalls int // calls of the failing path
		minWait   []time.Duration
		maxWait   []time.Duration
	}{
		{"429 with Retry-After", failFirst("/reports/v1/listReports", 2, 429, "3"), 3,
			[]time.Duration{3 * time.Second, 3 * time.Second}, []time.Duration{3 * time.Second, 3 * time.Second}},
		{"429 with an HTTP date", failFirst("/reports/v1/listReports", 1, 429, simToday.Add(9*time.Hour+5*time.Second).Format(http.TimeFormat)), 2,
			[]time.Duration{5 * time.Second}, []time.Duration{5 * time.Second}},
		{"Retry-After capped", failFirst("/reports/v1/listReports", 1, 429, "3600"), 2,
			[]time.Duration{10 * time.Second}, []time.Duration{10 * time.Second}},
		{"500 backs off", failFirst("/reports/v1/listReports", 3, 500, ""), 4,
			[]time.Duration{0, 0, 0}, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"503 on the token", failFirst("/auth/o2/token", 1, 503, "1"), 2,
			[]time.Duration{time.Second}, []time.Duration{time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, sim.Config{}, tc.wrap)
			c, rec := f.creators(t, "3.1", nil)
			files, err := c.List(ctx)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			f.wantFiles(t, files)
			waits := rec.all()
			if len(waits) != len(tc.minWait) {
				t.Fatalf("waits %v, want %d", waits, len(tc.minWait))
			}
			for i, w := range waits {
				if w < tc.minWait[i] || w > tc.maxWait[i] {
					t.Errorf("wait %d = %v, want within [%v, %v]", i, w, tc.minWait[i], tc.maxWait[i])
				}
			}
			path := "/reports/v1/listReports"
			if strings.Contains(tc.name, "token") {
				path = "/auth/o2/token"
			}
			if n := len(f.requests(path)); n != tc.wantCalls {
				t.Errorf("%d calls of %s, want %d", n, path, tc.wantCalls)
			}
		})
	}
}

func TestRetriesRunOut(t *testing.T) {
	f := newFixture(t, sim.Config{}, failFirst("/reports/v1/listReports", 1000, 500, ""))
	c, rec := f.creators(t, "3.1", func(cfg *CreatorsConfig) { cfg.Retry.MaxAttempts = 4 })
	_, err := Check(ctx, c)
	var un *UnavailableError
	if !errors.As(err, &un) || un.Attempts != 4 {
		t.Fatalf("error %v, want a give-up after 4 attempts", err)
	}
	if st, says := Classify(err); st != StateUnavailable || !strings.Contains(says, "4 attempts") {
		t.Errorf("Classify = %v, %q", st, says)
	}
	if n := len(f.requests("/reports/v1/listReports")); n != 4 || len(rec.all()) != 3 {
		t.Errorf("%d calls and %d waits, want 4 and 3", n, len(rec.all()))
	}
}

// TestFailRate: a simulator failing 30 % of its calls with 429 or 500 still
// yields every file, and every failure cost exactly one wait.
func TestFailRate(t *testing.T) {
	f := newFixture(t, sim.Config{FailRate: 0.3, Seed: 7}, nil)
	c, rec := f.creators(t, "2.2", func(cfg *CreatorsConfig) { cfg.Retry.MaxAttempts = 10 })
	files, err := c.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	f.wantFiles(t, files)
	f.openAll(t, c, files)
	failures := f.sim.Stats().Failures.Load()
	if failures == 0 {
		t.Fatal("the simulator failed no call; the test proves nothing")
	}
	if got := int64(len(rec.all())); got != failures {
		t.Errorf("%d waits for %d failures", got, failures)
	}
}

// corruptOne flips a byte in the download of one file, keeping its size.
func corruptOne(name string) func(*fixture, http.Handler) http.Handler {
	return func(f *fixture, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			isDownload := strings.HasPrefix(r.URL.Path, "/download/") || strings.HasPrefix(r.URL.Path, "/datafeed/getReport")
			if !isDownload || !strings.Contains(r.URL.String(), name) {
				next.ServeHTTP(w, r)
				return
			}
			body, ok := f.sim.File(name)
			if !ok || r.Header.Get("Authorization") == "" && strings.HasPrefix(r.URL.Path, "/datafeed/") {
				next.ServeHTTP(w, r) // let the Digest handshake happen
				return
			}
			bad := append([]byte(nil), body...)
			bad[len(bad)/2] ^= 0xff
			w.Write(bad)
		})
	}
}

func TestMD5Mismatch(t *testing.T) {
	probe := newFixture(t, sim.Config{}, nil)
	victim := probe.sim.Files()[1]
	f := newFixture(t, sim.Config{}, corruptOne(victim.Name))
	spool := t.TempDir()
	c, rec := f.creators(t, "3.1", func(cfg *CreatorsConfig) { cfg.SpoolDir = spool })
	files, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Open(ctx, files[1])
	var mm *MismatchError
	if !errors.As(err, &mm) || mm.What != "MD5" || mm.Want != victim.MD5 || mm.Got == victim.MD5 {
		t.Fatalf("error %v, want an MD5 mismatch", err)
	}
	for _, part := range []string{victim.Name, victim.MD5, mm.Got} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not name %s", err, part)
		}
	}
	if len(rec.all()) != 0 {
		t.Error("a mismatch was retried")
	}
	assertEmpty(t, spool)
	f.openAll(t, c, files[2:4]) // the others are fine
}

// expireDownloads moves the simulator's clock past the pre-signed URL's
// lifetime before the first n downloads, as a slow queue would.
func expireDownloads(n int64) func(*fixture, http.Handler) http.Handler {
	return func(f *fixture, next http.Handler) http.Handler {
		var count atomic.Int64
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/download/") && count.Add(1) <= n {
				f.clock.advance(6 * time.Minute)
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestExpiredPresignedURL(t *testing.T) {
	t.Run("asked again once", func(t *testing.T) {
		f := newFixture(t, sim.Config{}, expireDownloads(1))
		c, _ := f.creators(t, "3.1", nil)
		files, err := c.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		f.openAll(t, c, files[:1])
		if st := f.sim.Stats(); st.Gets != 2 || st.Downloads != 1 {
			t.Errorf("stats %+v: want 2 gets and 1 download", st)
		}
	})
	t.Run("expired again", func(t *testing.T) {
		f := newFixture(t, sim.Config{}, expireDownloads(100))
		c, rec := f.creators(t, "3.1", nil)
		files, err := c.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Open(ctx, files[0])
		var api *APIError
		if !errors.As(err, &api) || api.Status != 403 || api.Type != "AccessDenied" || !strings.Contains(err.Error(), "expired") {
			t.Fatalf("error %v, want S3's 403 AccessDenied", err)
		}
		if st := f.sim.Stats(); st.Gets != 2 || len(rec.all()) != 0 {
			t.Errorf("stats %+v, waits %v: want 2 gets and no retry", st, rec.all())
		}
	})
}

func TestNoReportAccess(t *testing.T) {
	f := newFixture(t, sim.Config{ReportsNotAvailable: true}, nil)
	c, _ := f.creators(t, "3.1", nil)
	_, err := Check(ctx, c)
	if st, says := Classify(err); st != StateNoReportAccess || !strings.Contains(says, "no report access") {
		t.Errorf("Classify(%v) = %v, %q", err, st, says)
	}
}

func TestNotEligible(t *testing.T) {
	f := newFixture(t, sim.Config{}, func(f *fixture, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/reports/") {
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, `{"type":"AccessDeniedException","reason":"AssociateNotEligible","message":"Not eligible"}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	c, _ := f.creators(t, "3.1", nil)
	_, err := Check(ctx, c)
	if st, _ := Classify(err); st != StateNotEligible {
		t.Errorf("Classify(%v) = %v, want not eligible", err, st)
	}
}

func TestCheckWithoutFiles(t *testing.T) {
	f := newFixture(t, sim.Config{}, func(f *fixture, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/reports/v1/listReports" {
				fmt.Fprint(w, `{"reports":[]}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	c, _ := f.creators(t, "3.1", nil)
	files, err := Check(ctx, c)
	if st, says := Classify(err); len(files) != 0 || st != StateNoReportAccess || says != "no report files are listed for this account yet" {
		t.Errorf("Check = %d files, %v (%v, %q)", len(files), err, st, says)
	}
	if f.sim.Stats().Tokens != 1 {
		t.Error("Check did not obtain a token")
	}
}

func TestWrongMarketplace(t *testing.T) {
	f := newFixture(t, sim.Config{}, nil)
	c, rec := f.creators(t, "3.1", func(cfg *CreatorsConfig) { cfg.Marketplace = "www.amazon.de" })
	_, err := c.List(ctx)
	var api *APIError
	if !errors.As(err, &api) || api.Type != "ValidationException" || len(rec.all()) != 0 {
		t.Errorf("error %v, waits %v: want a ValidationException, not retried", err, rec.all())
	}
}

func TestGetReportUnknownFile(t *testing.T) {
	f := newFixture(t, sim.Config{}, nil)
	c, _ := f.creators(t, "3.1", nil)
	_, err := c.Open(ctx, ReportFile{Name: "nope-20-earnings-report-20261002.tsv.gz", Size: 1, MD5: md5Hex("x")})
	var api *APIError
	if !errors.As(err, &api) || api.Status != 404 || api.Type != "ResourceNotFoundException" {
		t.Errorf("error %v, want a 404 ResourceNotFoundException", err)
	}
}

func TestNewCreatorsChecksItsConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  CreatorsConfig
		want string
	}{
		{"unknown version", CreatorsConfig{CredentialID: "id", Secret: "s", Version: "4.0"}, `credential version "4.0"`},
		{"no secret", CreatorsConfig{CredentialID: "id", Version: "3.1"}, "a credential ID and a secret are required"},
		{"no credential ID", CreatorsConfig{Secret: "s", Version: "2.1"}, "a credential ID and a secret are required"},
	}
	for _, tc := range tests {
		if _, err := NewCreators(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	c, err := NewCreators(CreatorsConfig{CredentialID: "id", Secret: "s", Version: "2.2"})
	if err != nil || c.apiBase != DefaultAPIBase || c.tokens.url != "https://creatorsapi.auth.eu-south-2.amazoncognito.com/oauth2/token" ||
		c.marketplace != "www.amazon.com" || c.tokens.style.json || c.tokens.style.scope != "creatorsapi/default" {
		t.Errorf("defaults of 2.2: %+v, %v", c, err)
	}
	c, err = NewCreators(CreatorsConfig{CredentialID: "id", Secret: "s", Version: "3.3"})
	if err != nil || c.tokens.url != "https://api.amazon.co.jp/auth/o2/token" || !c.tokens.style.json || c.tokens.style.scope != "creatorsapi::default" {
		t.Errorf("defaults of 3.3: %+v, %v", c, err)
	}
}
