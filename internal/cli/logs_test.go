package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/secret"
)

// TestDemoLogsHoldNoSecret runs a whole demo cycle at debug level with JSON
// logs: the demo's simulator account and first sync, a connection added
// through the API with its secret (checked against the simulator), the API
// key used three ways, a webhook with its secret and a delivery, an upload,
// a dashboard sign-in with the password and pages read with the session
// cookie. Every line it logged is JSON, the lines of a sync, an import, a
// delivery and a request are there, and none holds any secret it used.
// /metrics of the demo shows the sync.
func TestDemoLogsHoldNoSecret(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	vars := map[string]string{"AFFSYNC_LOG_LEVEL": "debug", "AFFSYNC_LOG_FORMAT": "json"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	logs := &syncWriter{w: new(strings.Builder)}
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"demo", "--addr", "127.0.0.1:0", "--dir", dir},
			Env{Stdin: strings.NewReader(""), Stdout: pw, Stderr: logs, Context: ctx, Getenv: func(k string) string { return vars[k] }})
		pw.Close()
	}()
	printed := map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(printed) < 5 && sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		printed[k] = v
	}
	go io.Copy(io.Discard, pr)
	for _, k := range []string{"URL", "USER", "PASSWORD", "API_KEY", "METRICS"} {
		if printed[k] == "" {
			t.Fatalf("demo printed no %s line: %v\n%s", k, printed, logs.String())
		}
	}
	base, key := printed["URL"], printed["API_KEY"]
	secrets := map[string]string{"API key": key, "password": printed["PASSWORD"], "credential secret": "demo-secret"}

	// The key as a bearer token, as X-API-Key, and (refused) in a query.
	if res, _ := call(t, "GET", base+"/v1/transactions?limit=2", key, "", nil); res.StatusCode != 200 {
		t.Fatalf("transactions: %d", res.StatusCode)
	}
	req, _ := http.NewRequest("GET", base+"/v1/channels", nil)
	req.Header.Set("X-API-Key", key)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("X-API-Key: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	if res, _ := call(t, "GET", base+"/v1/transactions?api_key="+url.QueryEscape(key), "", "", nil); res.StatusCode != 401 {
		t.Fatalf("key in the query: %d, want 401", res.StatusCode)
	}

	// A second connection to the demo's simulator, with its secret.
	res, body := call(t, "GET", base+"/v1/connections", key, "", nil)
	var conns struct {
		Data []struct{ Settings map[string]string }
	}
	if json.Unmarshal(body, &conns); res.StatusCode != 200 || len(conns.Data) != 1 {
		t.Fatalf("connections: %d %s", res.StatusCode, body)
	}
	st := conns.Data[0].Settings
	add, _ := json.Marshal(map[string]string{"network": "amazon", "connector": "creators-subtags", "name": "second", "store_id": st["store_id"],
		"credential_id": st["credential_id"], "secret": secrets["credential secret"], "api_base": st["api_base"], "token_url": st["token_url"]})
	if res, body := call(t, "POST", base+"/v1/connections", key, "application/json", bytes.NewReader(add)); res.StatusCode != 201 {
		t.Fatalf("add a connection: %d %s", res.StatusCode, body)
	}

	// A webhook, and an upload whose transactions it is sent.
	var delivered atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		delivered.Add(1)
	}))
	defer receiver.Close()
	res, body = call(t, "POST", base+"/v1/webhooks", key, "application/json",
		strings.NewReader(`{"url":"`+receiver.URL+`","events":["transaction.created"]}`))
	var hook struct{ Secret string }
	if json.Unmarshal(body, &hook); res.StatusCode != 201 || !strings.HasPrefix(hook.Secret, "whsec_") {
		t.Fatalf("webhook: %d %s", res.StatusCode, body)
	}
	secrets["webhook secret"] = hook.Secret
	res, body = call(t, "POST", base+"/v1/connections", key, "application/json", strings.NewReader(`{"network":"custom","name":"Other","currency":"EUR"}`))
	var custom struct{ ID string }
	if json.Unmarshal(body, &custom); res.StatusCode != 201 {
		t.Fatalf("custom connection: %d %s", res.StatusCode, body)
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "other.csv")
	io.WriteString(fw, "id,sold,revenue,status,custom_1\nO-1,2026-11-01,1.50,pending,user-1\n")
	mw.Close()
	if res, body := call(t, "POST", base+"/v1/imports?connection_id="+custom.ID, key, mw.FormDataContentType(), &form); res.StatusCode != 200 {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}

	// The dashboard: sign in with the password, read pages with the session.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	res, err := browser.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	u, _ := url.Parse(base)
	csrf := cookieValue(jar, u, "affsync_login_csrf")
	res, err = browser.PostForm(base+"/login", url.Values{"csrf": {csrf}, "email": {printed["USER"]}, "password": {printed["PASSWORD"]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	session := cookieValue(jar, u, "affsync_session")
	if res.StatusCode != 200 || session == "" || csrf == "" {
		t.Fatalf("sign-in: %d, session cookie %t, login token %t", res.StatusCode, session != "", csrf != "")
	}
	secrets["session cookie"], secrets["login CSRF token"] = session, csrf
	for _, page := range []string{"/transactions?custom=user-1", "/connections", "/webhooks"} {
		res, err := browser.Get(base + page)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %v %v", page, res, err)
		}
		res.Body.Close()
	}

	for start := time.Now(); delivered.Load() == 0 && time.Since(start) < 20*time.Second; time.Sleep(50 * time.Millisecond) {
	}
	if delivered.Load() == 0 {
		t.Fatal("the webhook got no delivery")
	}
	m := scrape(t, printed["METRICS"])
	if m[`affsync_sync_runs_total{connector="creators-subtags",outcome="ok"}`] < 1 || m[`affsync_import_files_total{outcome="imported"}`] < 2 ||
		m[`affsync_webhook_deliveries_total{outcome="delivered"}`] < 1 {
		t.Errorf("demo metrics: syncs %v, files %v, deliveries %v", m[`affsync_sync_runs_total{connector="creators-subtags",outcome="ok"}`],
			m[`affsync_import_files_total{outcome="imported"}`], m[`affsync_webhook_deliveries_total{outcome="delivered"}`])
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("demo exit %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop")
	}

	// The key that seals the credentials, in every form it could be written.
	raw, err := os.ReadFile(filepath.Join(dir, "affsync.db.key"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := secret.LoadKey("", filepath.Join(dir, "affsync.db.key"), false)
	if err != nil {
		t.Fatal(err)
	}
	secrets["key file"] = strings.TrimSpace(string(raw))
	secrets["key, hex"] = hex.EncodeToString(k)
	secrets["key, base64"] = base64.RawStdEncoding.EncodeToString(k)
	secrets["key, base64url"] = base64.RawURLEncoding.EncodeToString(k)

	seen := map[string]int{}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec["msg"] == nil || rec["level"] == nil || rec["time"] == nil {
			t.Fatalf("log line %d is not a JSON record (%v): %s", i+1, err, line)
		}
		seen[fmt.Sprint(rec["msg"])]++
		// The decoded values too: JSON may escape a character of a secret.
		decoded := fmt.Sprint(rec)
		for name, v := range secrets {
			if strings.Contains(line, v) || strings.Contains(decoded, v) {
				t.Errorf("log line %d holds the %s: %s", i+1, name, line)
			}
		}
		for _, marker := range []string{"whsec_", "Bearer ", "api_key", "access_token", "Affsync-Signature", "v1="} {
			if strings.Contains(line, marker) {
				t.Errorf("log line %d holds %q: %s", i+1, marker, line)
			}
		}
	}
	for _, msg := range []string{"sync", "import", "webhook delivery", "request", "login", "first sync"} {
		if seen[msg] == 0 {
			t.Errorf("no %q line among the %d logged: %v", msg, len(lines), seen)
		}
	}
	if seen["request"] < 10 {
		t.Errorf("%d request lines, want one per request made", seen["request"])
	}
}

func cookieValue(jar http.CookieJar, u *url.URL, name string) string {
	for _, c := range jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}
