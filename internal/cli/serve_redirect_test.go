package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/store"
)

// TestServeRedirects runs `affsync serve` in-process: a link made through the
// API redirects under the configured public URL, and the hit is in the
// database once serve has stopped.
func TestServeRedirects(t *testing.T) {
	db := filepath.Join(t.TempDir(), "serve.db")
	vars := map[string]string{"AFFSYNC_DB": "sqlite:" + db, "AFFSYNC_PUBLIC_URL": "https://go.example.com"}
	code, out, errOut := run(t, vars, "apikey", "create", "--name", "app", "--scope", "write")
	if code != 0 {
		t.Fatalf("apikey: %d %s", code, errOut)
	}
	key := strings.TrimSpace(out)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: pw, Context: ctx, Getenv: func(k string) string { return vars[k] }}
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"serve", "--addr", "127.0.0.1:0"}, env)
		pw.Close()
	}()
	var base string
	sc := bufio.NewScanner(pr)
	for base == "" && sc.Scan() {
		if m := regexp.MustCompile(`url=(http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" {
		t.Fatal("serve printed no URL")
	}

	req, _ := http.NewRequest("POST", base+"/v1/links", strings.NewReader(`{"url":"https://www.amazon.co.uk/dp/B0C1234567","channel":"shop-21","unique_per_click":true}`))
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var link struct{ ID, Code, URL string }
	json.NewDecoder(res.Body).Decode(&link)
	res.Body.Close()
	if res.StatusCode != 201 || link.URL != "https://go.example.com/r/"+link.Code {
		t.Fatalf("create link: %d %+v", res.StatusCode, link)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = noFollow.Get(base + "/r/" + link.Code + "?custom=u1")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound || !strings.HasPrefix(res.Header.Get("Location"), "https://www.amazon.co.uk/dp/B0C1234567?tag=shop-21&ascsubtag=") {
		t.Fatalf("redirect: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exit %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	s, err := store.Open(context.Background(), "sqlite:"+db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ws, err := s.EnsureWorkspace(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	clicks, err := s.LinkClicks(context.Background(), ws.ID, link.ID)
	if err != nil || len(clicks) != 1 || clicks[0].Custom != "u1" || !strings.HasSuffix(res.Header.Get("Location"), "="+clicks[0].Subtag) {
		t.Fatalf("stored hits: %+v %v", clicks, err)
	}
}
