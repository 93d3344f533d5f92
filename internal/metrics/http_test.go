package metrics_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/affsync/affsync/internal/metrics"
)

// Requests labels each answer with the pattern that matched, not the path
// asked for, and logs it at debug without the query or any header.
func TestRequests(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg, metrics.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/things/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "missing" {
			http.Error(w, "no", http.StatusNotFound)
			return
		}
		io.WriteString(w, "thing")
	})
	mux.HandleFunc("POST /v1/things", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {}) // writes nothing: 200
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := httptest.NewServer(metrics.Requests(mux, m, log))
	defer srv.Close()

	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/v1/things/a?api_key=afs_querysecret", 200},
		{"GET", "/v1/things/b", 200},
		{"GET", "/v1/things/missing", 404},
		{"POST", "/v1/things", 201},
		{"DELETE", "/v1/things", 405},
		{"GET", "/nowhere", 404},
		{"GET", "/healthz", 200},
		{"BREW", "/healthz", 405},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		req.Header.Set("X-Custom", "header-secret")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Fatalf("%s %s: %d, want %d", c.method, c.path, res.StatusCode, c.want)
		}
	}

	want := `
# HELP affsync_http_requests_total HTTP requests answered, by route pattern, method and status code.
# TYPE affsync_http_requests_total counter
affsync_http_requests_total{method="GET",route="/healthz",status="200"} 1
affsync_http_requests_total{method="GET",route="/v1/things/{id}",status="200"} 2
affsync_http_requests_total{method="GET",route="/v1/things/{id}",status="404"} 1
affsync_http_requests_total{method="GET",route="unmatched",status="404"} 1
affsync_http_requests_total{method="DELETE",route="unmatched",status="405"} 1
affsync_http_requests_total{method="OTHER",route="unmatched",status="405"} 1
affsync_http_requests_total{method="POST",route="/v1/things",status="201"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "affsync_http_requests_total"); err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndCount(reg, "affsync_http_request_duration_seconds"); err != nil || n != 6 {
		t.Fatalf("%d duration series (%v), want one per route and method (6)", n, err)
	}

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 8 {
		t.Fatalf("%d log lines, want one per request:\n%s", len(lines), logs.String())
	}
	for _, l := range lines {
		for _, leak := range []string{"querysecret", "api_key", "header-secret", "/v1/things/a", "/nowhere"} {
			if strings.Contains(l, leak) {
				t.Errorf("log line holds %q: %s", leak, l)
			}
		}
	}
	if !strings.Contains(lines[0], `level=DEBUG msg=request method=GET route=/v1/things/{id} status=200 duration=`) {
		t.Errorf("first line: %s", lines[0])
	}
}

func TestRoute(t *testing.T) {
	for pattern, want := range map[string]string{
		"":                          "unmatched",
		"/":                         "/",
		"GET /v1/transactions/{id}": "/v1/transactions/{id}",
		"POST   /v1/links":          "/v1/links",
		"/static/":                  "/static/",
	} {
		if got := metrics.Route(pattern); got != want {
			t.Errorf("Route(%q) = %q, want %q", pattern, got, want)
		}
	}
}
