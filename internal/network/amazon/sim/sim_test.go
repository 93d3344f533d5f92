package sim

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

var today = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

func TestDeterministic(t *testing.T) {
	a, _ := New(Config{Seed: 5, Days: 10, Today: today})
	b, _ := New(Config{Seed: 5, Days: 10, Today: today})
	c, _ := New(Config{Seed: 6, Days: 10, Today: today})
	if len(a.files) != 10*6 {
		t.Fatalf("%d files for 10 days", len(a.files))
	}
	for i := range a.files {
		if a.files[i].md5 != b.files[i].md5 || a.files[i].name != b.files[i].name {
			t.Fatalf("same seed, different file %s", a.files[i].name)
		}
	}
	same := 0
	for i := range a.files {
		if a.files[i].md5 == c.files[i].md5 {
			same++
		}
	}
	if same > len(a.files)/2 {
		t.Fatalf("another seed gives the same files (%d of %d)", same, len(a.files))
	}
}

// TestTruthMatchesFiles sums the earnings files with a tiny reader of this
// test's own and compares with the truth's commission.
func TestTruthMatchesFiles(t *testing.T) {
	s, _ := New(Config{Seed: 9, Days: 20, Today: today})
	var fromFiles int64
	for _, f := range s.files {
		if !strings.Contains(f.name, "earnings-report-subtags") {
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(f.body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(zr)
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[1], "Product Line\t") {
			t.Fatalf("%s: no title and header", f.name)
		}
		for _, l := range lines[2:] {
			cols := strings.Split(l, "\t")
			fromFiles += parseCents(t, cols[10])
		}
	}
	var truth int64
	for _, x := range s.Truth().Transactions {
		if !x.Bounty {
			truth += x.Commission
		}
	}
	if fromFiles != truth || truth == 0 {
		t.Fatalf("files sum to %d, truth to %d", fromFiles, truth)
	}
}

func parseCents(t *testing.T, s string) int64 {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var v int64
	for _, c := range whole + frac {
		v = v*10 + int64(c-'0')
	}
	if neg {
		return -v
	}
	return v
}

func TestProtocol(t *testing.T) {
	now := today.Add(10 * time.Hour)
	s, _ := New(Config{Seed: 1, Days: 3, Today: today, Now: func() time.Time { return now }})
	srv := httptest.NewServer(s)
	defer srv.Close()

	post := func(path, ctype, body, token string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("x-marketplace", "www.amazon.com")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		json.NewDecoder(res.Body).Decode(&out)
		return res, out
	}
	res, body := post("/auth/o2/token", "application/json", `{"grant_type":"client_credentials","client_id":"demo-credential","client_secret":"nope","scope":"creatorsapi::default"}`, "")
	if res.StatusCode != 401 || body["error"] != "invalid_client" {
		t.Fatalf("wrong secret: %d %v", res.StatusCode, body)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"demo-credential"}, "client_secret": {"demo-secret"}, "scope": {"creatorsapi/default"}}
	res, body = post("/oauth2/token", "application/x-www-form-urlencoded", form.Encode(), "")
	if res.StatusCode != 200 || body["access_token"] == nil {
		t.Fatalf("form token: %d %v", res.StatusCode, body)
	}
	res, body = post("/auth/o2/token", "application/json", `{"grant_type":"client_credentials","client_id":"demo-credential","client_secret":"demo-secret","scope":"creatorsapi::default"}`, "")
	token, _ := body["access_token"].(string)
	if res.StatusCode != 200 || token == "" {
		t.Fatalf("json token: %d %v", res.StatusCode, body)
	}
	if res, body = post("/reports/v1/listReports", "application/json", "{}", "forged"); res.StatusCode != 401 || body["reason"] != "InvalidToken" {
		t.Fatalf("forged token: %d %v", res.StatusCode, body)
	}
	res, body = post("/reports/v1/listReports", "application/json", "{}", token)
	reports, _ := body["reports"].([]any)
	if res.StatusCode != 200 || len(reports) != 18 {
		t.Fatalf("list: %d %d", res.StatusCode, len(reports))
	}
	name := reports[0].(map[string]any)["filename"].(string)
	res, body = post("/reports/v1/getReport", "application/json", `{"filename":"`+name+`"}`, token)
	link, _ := body["url"].(string)
	if res.StatusCode != 200 || !strings.HasPrefix(link, srv.URL+"/download/") {
		t.Fatalf("getReport: %d %v", res.StatusCode, body)
	}
	if res, _ := http.Get(link); res.StatusCode != 200 {
		t.Fatalf("download: %d", res.StatusCode)
	}
	if res, _ := http.Get(strings.Replace(link, "Signature=", "Signature=0", 1)); res.StatusCode != 403 {
		t.Fatalf("forged signature: %d", res.StatusCode)
	}
	now = now.Add(6 * time.Minute)
	if res, _ := http.Get(link); res.StatusCode != 403 {
		t.Fatalf("expired URL: %d", res.StatusCode)
	}
	now = now.Add(2 * time.Hour)
	if res, body = post("/reports/v1/listReports", "application/json", "{}", token); res.StatusCode != 401 || body["reason"] != "TokenExpired" {
		t.Fatalf("expired token: %d %v", res.StatusCode, body)
	}
	if res, body = post("/reports/v1/getReport", "application/json", `{"filename":"nope"}`, ""); res.StatusCode != 401 {
		t.Fatalf("no token: %d %v", res.StatusCode, body)
	}
}

func TestFailRate(t *testing.T) {
	s, _ := New(Config{Seed: 1, Days: 2, Today: today, FailRate: 0.5})
	srv := httptest.NewServer(s)
	defer srv.Close()
	seen := map[int]int{}
	for range 60 {
		res, err := http.Post(srv.URL+"/reports/v1/listReports", "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]string
		json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		seen[res.StatusCode]++
		switch res.StatusCode {
		case 429:
			if res.Header.Get("Retry-After") == "" || body["type"] != "ThrottleException" {
				t.Fatalf("429 without Retry-After or Amazon's shape: %v", body)
			}
		case 500:
			if body["type"] != "InternalServerException" {
				t.Fatalf("500 body %v", body)
			}
		}
	}
	if seen[429] == 0 || seen[500] == 0 || seen[401] == 0 {
		t.Fatalf("answers: %v", seen)
	}
	if _, err := New(Config{FailRate: 1}); err == nil {
		t.Fatal("fail rate 1 accepted")
	}
}
