package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/webhook"
)

// TestServeDeliversWebhooks: a webhook created through serve's API gets the
// events of a file imported beside it, signed, and serve stops cleanly.
func TestServeDeliversWebhooks(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "a.db")
	code, out, errOut := run(t, nil, "--db", db, "apikey", "create", "--name", "ci", "--scope", "write")
	if code != 0 {
		t.Fatalf("apikey create: %d %s", code, errOut)
	}
	key := strings.TrimSpace(out)
	code, out, errOut = run(t, nil, "--db", db, "connection", "add", "amazon", "--connector", "import", "--store-id", "shop-20", "--mode", "subtags")
	if code != 0 {
		t.Fatalf("connection add: %d %s", code, errOut)
	}
	var conn struct{ ID string }
	json.Unmarshal([]byte(out), &conn)

	type delivery struct {
		header http.Header
		body   []byte
	}
	got := make(chan delivery, 10)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- delivery{r.Header.Clone(), body}
	}))
	defer receiver.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncWriter{w: new(strings.Builder)}
	done := make(chan int)
	go func() {
		done <- Main([]string{"--db", db, "serve", "--addr", "127.0.0.1:0", "--webhook-poll", "20ms"},
			Env{Stdout: io.Discard, Stderr: logs, Context: ctx, Getenv: func(string) string { return "" }})
	}()
	var base string
	for start := time.Now(); base == "" && time.Since(start) < 20*time.Second; time.Sleep(20 * time.Millisecond) {
		if m := regexp.MustCompile(`url=(http://\S+)`).FindStringSubmatch(logs.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve did not start: %s", logs.String())
	}

	req, _ := http.NewRequest("POST", base+"/v1/webhooks", strings.NewReader(`{"url":"`+receiver.URL+`","events":["transaction.created"]}`))
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var hook struct{ Secret string }
	json.NewDecoder(res.Body).Decode(&hook)
	res.Body.Close()
	if res.StatusCode != 201 || hook.Secret == "" {
		t.Fatalf("create webhook: %d", res.StatusCode)
	}

	report := filepath.Join(dir, "shop-20-earnings-report-subtags-20261001.tsv")
	os.WriteFile(report, []byte("Earnings report\nProduct Line\tItem\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tReferral Fee Rate\tQuantity\tRevenue\tEarnings\tSub Tag\n"+
		"Electronics\tCable\tB1\tAmazon.com\tshop-20\tOctober 1, 2026\t29.99\t4.00\t1\t29.99\t1.20\tuser-42\n"), 0o644)
	if code, _, errOut := run(t, nil, "--db", db, "import", "--connection", conn.ID, report); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	select {
	case d := <-got:
		if err := webhook.Verify(hook.Secret, d.header.Get("Affsync-Signature"), d.body, 5*time.Minute); err != nil ||
			!strings.Contains(string(d.body), `"user-42"`) {
			t.Fatalf("delivery %s: %v", d.body, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no delivery arrived; log:\n%s", logs.String())
	}
	cancel()
	if code := <-done; code != 0 || !strings.Contains(logs.String(), "stopped") {
		t.Fatalf("serve exit %d; log:\n%s", code, logs.String())
	}
}
