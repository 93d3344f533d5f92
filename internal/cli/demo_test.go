package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDemo runs `affsync demo` in-process: it prints its four lines, and the
// API key it prints reads the transactions of the first sync.
func TestDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	env := Env{Stdin: strings.NewReader(""), Stdout: pw, Stderr: io.Discard, Context: ctx, Getenv: func(string) string { return "" }}
	done := make(chan int)
	go func() {
		done <- Main([]string{"demo", "--addr", "127.0.0.1:0", "--dir", filepath.Join(t.TempDir(), "demo")}, env)
		pw.Close()
	}()
	lines := map[string]string{}
	sc := bufio.NewScanner(pr)
	for len(lines) < 4 && sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		lines[k] = v
	}
	go io.Copy(io.Discard, pr)
	defer func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("demo exit %d", code)
			}
		case <-time.After(30 * time.Second):
			t.Error("demo did not stop")
		}
	}()
	for _, k := range []string{"URL", "USER", "PASSWORD", "API_KEY"} {
		if lines[k] == "" {
			t.Fatalf("demo printed no %s line: %v", k, lines)
		}
	}
	req, _ := http.NewRequest("GET", lines["URL"]+"/v1/transactions?limit=5", nil)
	req.Header.Set("Authorization", "Bearer "+lines["API_KEY"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var page struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil || res.StatusCode != 200 || len(page.Data) != 5 {
		t.Fatalf("transactions with the demo key: %d %v %d", res.StatusCode, err, len(page.Data))
	}
	// The demo reports in EUR from the simulator's rates: converted at once.
	for _, x := range page.Data {
		c, ok := x["converted"].(map[string]any)
		if !ok || c["currency"] != "EUR" || c["sale_amount"] == "" || c["rate_date"] == "" {
			t.Fatalf("demo transaction not converted to EUR: %v (%v)", x["converted"], x["converted_reason"])
		}
	}
}
