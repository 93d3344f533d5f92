package sim

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var today = time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)

// clock is a settable time source for tokens, nonces and URL expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: today.Add(9 * time.Hour)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// fixture is a simulator behind a real HTTP server.
type fixture struct {
	sim   *Server
	srv   *httptest.Server
	clock *clock
}

func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	f := &fixture{clock: newClock()}
	if cfg.Today.IsZero() {
		cfg.Today = today
	}
	cfg.Now = f.clock.Now
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	f.sim = s
	f.srv = httptest.NewServer(s)
	t.Cleanup(f.srv.Close)
	return f
}

// post sends a request and returns status, headers and body.
func (f *fixture) do(t *testing.T, method, path string, header map[string]string, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, b
}

// token obtains a token the Login-with-Amazon way.
func (f *fixture) token(t *testing.T) string {
	t.Helper()
	code, _, body := f.do(t, "POST", "/auth/o2/token", map[string]string{"Content-Type": "application/json"},
		`{"grant_type":"client_credentials","client_id":"demo-credential","client_secret":"demo-secret","scope":"creatorsapi::default"}`)
	if code != 200 {
		t.Fatalf("token: %d %s", code, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	mustJSON(t, body, &tok)
	return tok.AccessToken
}

func (f *fixture) api(t *testing.T, tok, path, body string) (int, http.Header, []byte) {
	t.Helper()
	return f.do(t, "POST", path, map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json",
		"x-marketplace": "www.amazon.com"}, body)
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// amazonError is the Creators API's error shape.
type amazonError struct{ Type, Message, Reason string }

func gunzipT(t *testing.T, name string, b []byte) string {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(out)
}

// tsvTable is a tiny reader of the simulator's TSV files, independent of the
// writers: title, header, rows of fields by header name.
type tsvTable struct {
	title  string
	header []string
	rows   []map[string]string
}

func readTSV(t *testing.T, name, text string) tsvTable {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 2 {
		t.Fatalf("%s: %d lines, want title and header at least", name, len(lines))
	}
	tb := tsvTable{title: lines[0], header: strings.Split(lines[1], "\t")}
	for i, l := range lines[2:] {
		fields := strings.Split(l, "\t")
		if len(fields) != len(tb.header) {
			t.Fatalf("%s line %d: %d fields, header has %d", name, i+3, len(fields), len(tb.header))
		}
		row := map[string]string{}
		for j, f := range fields {
			if strings.HasPrefix(f, `"`) {
				f = strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(f, `"`), `"`), `""`, `"`)
			}
			row[tb.header[j]] = f
		}
		tb.rows = append(tb.rows, row)
	}
	return tb
}

// cents reads "-12.05" as -1205.
func cents(t *testing.T, s string) int64 {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	whole, frac, ok := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if !ok || len(frac) != 2 || err1 != nil || err2 != nil {
		t.Fatalf("amount %q", s)
	}
	if neg {
		return -(w*100 + f)
	}
	return w*100 + f
}

func integer(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("integer %q: %v", s, err)
	}
	return n
}

// parseDay reads either date spelling of the files.
func parseDay(t *testing.T, s string) time.Time {
	t.Helper()
	for _, layout := range []string{"January 2, 2006", "2006-01-02"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d
		}
	}
	t.Fatalf("date %q", s)
	return time.Time{}
}

func query(u string) url.Values {
	p, _ := url.Parse(u)
	return p.Query()
}
