package transport

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/network/amazon/sim"
)

// simToday is the simulated account's today; its clock starts that morning.
var simToday = time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)

// clock is a settable time source shared by the simulator and a client.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: simToday.Add(9 * time.Hour)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// seen is one request as the simulator received it.
type seen struct {
	Method, Path, Authorization, Marketplace string
}

// fixture is a simulated account behind a real HTTP server, with a record
// of the requests it saw and an optional middleware in front of it.
type fixture struct {
	sim   *sim.Server
	srv   *httptest.Server
	clock *clock
	cfg   sim.Config

	mu   sync.Mutex
	seen []seen
}

// newFixture serves a simulator of cfg (a few days by default). wrap, when
// not nil, puts a handler in front of it, to inject faults.
func newFixture(t *testing.T, cfg sim.Config, wrap func(f *fixture, next http.Handler) http.Handler) *fixture {
	t.Helper()
	f := &fixture{clock: newClock()}
	if cfg.Days == 0 {
		cfg.Days = 3
	}
	cfg.Today, cfg.Now = simToday, f.clock.Now
	s, err := sim.New(cfg)
	if err != nil {
		t.Fatalf("sim.New: %v", err)
	}
	f.sim, f.cfg = s, s.Config()
	var h http.Handler = s
	if wrap != nil {
		h = wrap(f, h)
	}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.seen = append(f.seen, seen{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("x-marketplace")})
		f.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// requests returns the requests seen on paths starting with prefix.
func (f *fixture) requests(prefix string) []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []seen
	for _, s := range f.seen {
		if strings.HasPrefix(s.Path, prefix) {
			out = append(out, s)
		}
	}
	return out
}

// recorder records the waits of a client's retries without waiting.
type recorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recorder) sleep(_ context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return nil
}

func (r *recorder) all() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

// tokenPath is the simulator's token endpoint of a credential version.
func tokenPath(version string) string {
	if strings.HasPrefix(version, "2.") {
		return "/oauth2/token"
	}
	return "/auth/o2/token"
}

// creators makes a Creators client of the fixture's account; edit, when
// not nil, changes its configuration first.
func (f *fixture) creators(t *testing.T, version string, edit func(*CreatorsConfig)) (*Creators, *recorder) {
	t.Helper()
	rec := &recorder{}
	cfg := CreatorsConfig{
		APIBase: f.srv.URL, TokenURL: f.srv.URL + tokenPath(version),
		CredentialID: f.cfg.CredentialID, Secret: f.cfg.Secret, Version: version,
		HTTPClient: f.srv.Client(), Now: f.clock.Now, SpoolDir: t.TempDir(),
		Retry: RetryPolicy{BaseDelay: time.Second, MaxDelay: 10 * time.Second, Sleep: rec.sleep},
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := NewCreators(cfg)
	if err != nil {
		t.Fatalf("NewCreators: %v", err)
	}
	return c, rec
}

// dataFeed makes a DataFeed client of the fixture's account.
func (f *fixture) dataFeed(t *testing.T, edit func(*DataFeedConfig)) (*DataFeed, *recorder) {
	t.Helper()
	rec := &recorder{}
	cfg := DataFeedConfig{
		BaseURL: f.srv.URL, User: f.cfg.StoreID, Password: f.cfg.Secret, HTTPClient: f.srv.Client(),
		SpoolDir: t.TempDir(), Retry: RetryPolicy{BaseDelay: time.Second, MaxDelay: 10 * time.Second, Sleep: rec.sleep},
	}
	if edit != nil {
		edit(&cfg)
	}
	d, err := NewDataFeed(cfg)
	if err != nil {
		t.Fatalf("NewDataFeed: %v", err)
	}
	return d, rec
}

// wantFiles checks a listing against the simulator's own list.
func (f *fixture) wantFiles(t *testing.T, got []ReportFile) {
	t.Helper()
	want := f.sim.Files()
	if len(got) != len(want) {
		t.Fatalf("%d files listed, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.Name || g.Size != w.Size || g.MD5 != w.MD5 || !g.LastModified.Equal(w.LastModified) || g.LastModified.Location() != time.UTC {
			t.Errorf("file %d: got %+v, want %+v", i, g, w)
		}
	}
}

// openAll opens every file and checks its bytes against the simulator's.
func (f *fixture) openAll(t *testing.T, s Source, files []ReportFile) {
	t.Helper()
	for _, file := range files {
		r, err := s.Open(context.Background(), file)
		if err != nil {
			t.Fatalf("Open %s: %v", file.Name, err)
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("read %s: %v", file.Name, err)
		}
		if err := r.Close(); err != nil {
			t.Errorf("Close %s: %v", file.Name, err)
		}
		if want, _ := f.sim.File(file.Name); !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes differ from the simulator's %d", file.Name, len(got), len(want))
		}
	}
}

// logTo is a logger writing every level to buf.
func logTo(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
