package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/network/amazon/sim"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// TestServeMetrics runs `affsync serve --metrics-addr` on each engine with
// real work beside it: the scheduler's first sync against the simulator, an
// upload, webhook deliveries to a receiver that takes them and to one that
// fails, and redirects. /metrics then says what happened, checked against
// what the store holds.
func TestServeMetrics(t *testing.T) {
	for _, engine := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			vars := map[string]string{}
			pools := []string{"write", "read"}
			if engine == store.Postgres {
				vars["AFFSYNC_DB"] = storetest.NewPostgresDatabase(t) // skips without AFFSYNC_TEST_POSTGRES
				vars["AFFSYNC_SECRET_KEY"] = strings.Repeat("5e", 32)
				pools = []string{"shared"}
			} else {
				vars["AFFSYNC_DB"] = "sqlite:" + filepath.Join(t.TempDir(), "affsync.db")
			}
			testServeMetrics(t, vars, pools)
		})
	}
}

func testServeMetrics(t *testing.T, vars map[string]string, pools []string) {
	ctx := context.Background()
	simulator, err := sim.New(sim.Config{Seed: 7, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	simSrv := httptest.NewServer(simulator)
	defer simSrv.Close()

	code, out, errOut := run(t, vars, "apikey", "create", "--name", "ops", "--scope", "write")
	if code != 0 {
		t.Fatalf("apikey create: %d %s", code, errOut)
	}
	key := strings.TrimSpace(out)
	code, out, errOut = run(t, vars, "connection", "add", "amazon", "--connector", "creators-subtags", "--store-id", simulator.StoreID(),
		"--credential-id", "demo-credential", "--secret", "demo-secret", "--api-base", simSrv.URL, "--token-url", simSrv.URL+"/auth/o2/token")
	if code != 0 {
		t.Fatalf("connection add: %d %s", code, errOut)
	}
	var amazonConn struct{ ID string }
	json.Unmarshal([]byte(out), &amazonConn)

	// Two webhooks, made before serve so that they get every event of the
	// first sync: one receiver takes them, the other always fails.
	taken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	defer taken.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	defer failing.Close()
	env := Env{Context: ctx, Getenv: func(k string) string { return vars[k] }}
	s, err := store.Open(ctx, vars["AFFSYNC_DB"], store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	box, err := sealer(env, s)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := s.EnsureWorkspace(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []store.Webhook
	for _, url := range []string{taken.URL, failing.URL} {
		h, err := s.CreateWebhook(ctx, box, store.Webhook{WorkspaceID: ws.ID, URL: url, Events: []string{"transaction.created"}}, "whsec_test")
		if err != nil {
			t.Fatal(err)
		}
		hooks = append(hooks, h)
	}

	srv := startServe(t, vars, "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--webhook-poll", "20ms")
	defer srv.stop(t)
	waitMetric(t, srv.metrics, `affsync_sync_runs_total{connector="creators-subtags",outcome="ok"}`, 1)

	// An upload to a custom connection.
	res, body := call(t, "POST", srv.base+"/v1/connections", key, "application/json", strings.NewReader(`{"network":"custom","name":"Other network","currency":"EUR"}`))
	var custom struct{ ID string }
	if json.Unmarshal(body, &custom); res.StatusCode != 201 || custom.ID == "" {
		t.Fatalf("custom connection: %d %s", res.StatusCode, body)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "other.csv")
	io.WriteString(fw, "id,sold,revenue,status,custom_1\nO-1,2026-11-01,1.50,pending,user-1\nO-2,2026-11-02,2.50,confirmed,user-2\n")
	mw.Close()
	res, body = call(t, "POST", srv.base+"/v1/imports?connection_id="+custom.ID, key, mw.FormDataContentType(), &form)
	var upload struct{ Rows int }
	if json.Unmarshal(body, &upload); res.StatusCode != 200 || upload.Rows != 2 {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}

	// Three redirects.
	res, body = call(t, "POST", srv.base+"/v1/links", key, "application/json",
		strings.NewReader(`{"url":"https://www.amazon.com/dp/B0C1234567","channel":"demo-20","unique_per_click":true}`))
	var link struct{ Code string }
	if json.Unmarshal(body, &link); res.StatusCode != 201 {
		t.Fatalf("link: %d %s", res.StatusCode, body)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i := range 3 {
		res, err := noFollow.Get(srv.base + "/r/" + link.Code + "?custom=u" + strconv.Itoa(i))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusFound {
			t.Fatalf("redirect: %d", res.StatusCode)
		}
	}

	// What the store holds: every created transaction queued one delivery per webhook.
	deliveries := func(h store.Webhook) []store.Delivery {
		list, err := s.Deliveries(ctx, ws.ID, h.ID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	queued := len(deliveries(hooks[0]))
	if queued < 3 || len(deliveries(hooks[1])) != queued {
		t.Fatalf("%d and %d deliveries queued, want the same, more than the upload's 2", queued, len(deliveries(hooks[1])))
	}
	waitMetric(t, srv.metrics, `affsync_webhook_deliveries_total{outcome="delivered"}`, float64(queued))
	waitMetric(t, srv.metrics, `affsync_webhook_deliveries_total{outcome="retry"}`, float64(queued)) // the next try is 30 s away
	waitMetric(t, srv.metrics, `affsync_redirect_hits_total{outcome="written"}`, 3)
	for _, d := range deliveries(hooks[0]) {
		if d.Status != store.DeliveryDelivered {
			t.Fatalf("delivery %d to the receiver that takes them: %s", d.ID, d.Status)
		}
	}
	runs, err := s.Runs(ctx, ws.ID, amazonConn.ID, 10)
	if err != nil || len(runs) != 1 || runs[0].Outcome != "ok" || runs[0].Files == 0 {
		t.Fatalf("runs: %+v %v", runs, err)
	}

	m := scrape(t, srv.metrics)
	want := map[string]float64{
		`affsync_sync_duration_seconds_count{connector="creators-subtags"}`:           1,
		`affsync_import_files_total{outcome="imported"}`:                              float64(runs[0].Files + 1),
		`affsync_import_files_total{outcome="rejected"}`:                              0,
		`affsync_import_duration_seconds_count{outcome="imported"}`:                   float64(runs[0].Files + 1),
		`affsync_import_rows_total`:                                                   float64(runs[0].Rows + upload.Rows),
		`affsync_webhook_deliveries_total{outcome="failed"}`:                          0,
		`affsync_webhook_delivery_duration_seconds_count`:                             float64(2 * queued),
		`affsync_webhook_queue_depth{webhook_state="active"}`:                         float64(queued), // the failing receiver's
		`affsync_webhook_queue_depth{webhook_state="paused"}`:                         0,
		`affsync_redirect_hits_total{outcome="dropped"}`:                              0,
		`affsync_redirect_hits_total{outcome="failed"}`:                               0,
		`affsync_redirect_queue_length`:                                               0,
		`affsync_http_requests_total{method="GET",route="/r/{code}",status="302"}`:    3,
		`affsync_http_requests_total{method="POST",route="/v1/imports",status="200"}`: 1,
		`affsync_http_requests_total{method="POST",route="/v1/links",status="201"}`:   1,
		`affsync_http_request_duration_seconds_count{method="GET",route="/r/{code}"}`: 3,
		`affsync_scheduler_due_connections`:                                           0, // synced; next in an hour
		`affsync_scheduler_lag_seconds`:                                               0,
	}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%s = %v (present: %v), want %v", k, got, ok, v)
		}
	}
	if n := m[`affsync_sync_runs_total{connector="creators-subtags",outcome="error"}`]; n != 0 {
		t.Errorf("%v failed syncs", n)
	}
	if age := m["affsync_webhook_oldest_pending_age_seconds"]; age <= 0 || age > 120 {
		t.Errorf("oldest pending delivery is %v s old, want the age of the failing receiver's first", age)
	}
	for _, p := range pools {
		if m[`affsync_db_open_connections{pool="`+p+`"}`] < 1 || m[`affsync_db_max_open_connections{pool="`+p+`"}`] < 1 {
			t.Errorf("pool %s: open %v, max %v", p, m[`affsync_db_open_connections{pool="`+p+`"}`], m[`affsync_db_max_open_connections{pool="`+p+`"}`])
		}
	}
	for _, prefix := range []string{"affsync_build_info{", "go_build_info{", "go_goroutines", "process_resident_memory_bytes"} {
		if !hasSeries(m, prefix) {
			t.Errorf("no %s series", prefix)
		}
	}
	// Not on the public listener.
	res, body = call(t, "GET", srv.base+"/metrics", "", "", nil)
	if res.StatusCode == 200 && strings.Contains(string(body), "affsync_") {
		t.Error("the public listener serves the metrics")
	}
}

// served is an `affsync serve` running in-process.
type served struct {
	base, metrics string
	logs          *syncWriter
	cancel        func()
	done          chan int
}

func startServe(t *testing.T, vars map[string]string, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sv := &served{logs: &syncWriter{w: new(strings.Builder)}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		sv.done <- Main(append([]string{"serve"}, args...), Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: sv.logs,
			Context: ctx, Getenv: func(k string) string { return vars[k] }})
	}()
	baseRE, metricsRE := regexp.MustCompile(`msg=serving url=(\S+)`), regexp.MustCompile(`msg="serving metrics" url=(\S+)`)
	for start := time.Now(); (sv.base == "" || sv.metrics == "") && time.Since(start) < 20*time.Second; time.Sleep(20 * time.Millisecond) {
		if m := baseRE.FindStringSubmatch(sv.logs.String()); m != nil {
			sv.base = m[1]
		}
		if m := metricsRE.FindStringSubmatch(sv.logs.String()); m != nil {
			sv.metrics = m[1]
		}
	}
	if sv.base == "" || sv.metrics == "" {
		cancel()
		t.Fatalf("serve did not start: %s", sv.logs.String())
	}
	return sv
}

func (sv *served) stop(t *testing.T) {
	sv.cancel()
	select {
	case code := <-sv.done:
		if code != 0 {
			t.Errorf("serve exit %d: %s", code, sv.logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Error("serve did not stop")
	}
}

// call makes one request with an API key ("" for none) and reads the answer.
func call(t *testing.T, method, url, key, contentType string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// scrape reads /metrics in the text format: each sample line's series, as
// printed (name and sorted labels), to its value.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("scrape: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if i < 0 || err != nil {
			t.Fatalf("scrape: not a sample line: %q", line)
		}
		out[line[:i]] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func hasSeries(m map[string]float64, prefix string) bool {
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// waitMetric scrapes until series has value (writes and deliveries happen
// in the background), for at most 20 seconds.
func waitMetric(t *testing.T, url, series string, value float64) {
	t.Helper()
	var got float64
	for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(50 * time.Millisecond) {
		if got = scrape(t, url)[series]; got == value {
			return
		}
	}
	t.Fatalf("%s = %v after 20 s, want %v", series, got, value)
}
