package sim

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestToken(t *testing.T) {
	f := newFixture(t, Config{Days: 2})
	jsonHdr := map[string]string{"Content-Type": "application/json"}
	formHdr := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	form := func(id, secret, scope string) string {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {scope}}.Encode()
	}
	tests := []struct {
		name, path string
		header     map[string]string
		body       string
		wantCode   int
		wantError  string // OAuth2 "error"; "" for a token
	}{
		{"json ok", "/auth/o2/token", jsonHdr, `{"grant_type":"client_credentials","client_id":"demo-credential","client_secret":"demo-secret","scope":"creatorsapi::default"}`, 200, ""},
		{"json wrong secret", "/auth/o2/token", jsonHdr, `{"grant_type":"client_credentials","client_id":"demo-credential","client_secret":"nope","scope":"creatorsapi::default"}`, 401, "invalid_client"},
		{"json wrong id", "/auth/o2/token", jsonHdr, `{"grant_type":"client_credentials","client_id":"other","client_secret":"demo-secret","scope":"creatorsapi::default"}`, 401, "invalid_client"},
		{"json cognito scope", "/auth/o2/token", jsonHdr, `{"grant_type":"client_credentials","client_id":"demo-credential","client_secret":"demo-secret","scope":"creatorsapi/default"}`, 400, "invalid_scope"},
		{"json not json", "/auth/o2/token", jsonHdr, `grant_type=client_credentials`, 400, "invalid_request"},
		{"form ok", "/oauth2/token", formHdr, form("demo-credential", "demo-secret", "creatorsapi/default"), 200, ""},
		{"form wrong secret", "/oauth2/token", formHdr, form("demo-credential", "demo-secre", "creatorsapi/default"), 401, "invalid_client"},
		{"form lwa scope", "/oauth2/token", formHdr, form("demo-credential", "demo-secret", "creatorsapi::default"), 400, "invalid_scope"},
		{"form wrong grant", "/oauth2/token", formHdr, strings.Replace(form("demo-credential", "demo-secret", "creatorsapi/default"), "client_credentials", "password", 1), 400, "unsupported_grant_type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := f.do(t, "POST", tc.path, tc.header, tc.body)
			if code != tc.wantCode {
				t.Fatalf("status %d, want %d: %s", code, tc.wantCode, body)
			}
			var got struct {
				AccessToken      string `json:"access_token"`
				TokenType        string `json:"token_type"`
				ExpiresIn        int    `json:"expires_in"`
				Error            string `json:"error"`
				ErrorDescription string `json:"error_description"`
			}
			mustJSON(t, body, &got)
			if tc.wantError != "" {
				if got.Error != tc.wantError || got.ErrorDescription == "" || got.AccessToken != "" {
					t.Errorf("got %+v, want error %q", got, tc.wantError)
				}
				return
			}
			if got.AccessToken == "" || got.TokenType != "bearer" || got.ExpiresIn != 3600 {
				t.Errorf("got %+v, want a bearer token for 3600 s", got)
			}
			if code, _, b := f.api(t, got.AccessToken, "/reports/v1/listReports", `{}`); code != 200 {
				t.Errorf("the token does not work: %d %s", code, b)
			}
		})
	}
	if got := f.sim.Stats().Tokens; got != 2 {
		t.Errorf("Stats().Tokens = %d, want 2 (failed attempts issue none)", got)
	}
}

func TestAPIAuthorization(t *testing.T) {
	f := newFixture(t, Config{Days: 2})
	tok := f.token(t)
	tests := []struct {
		name       string
		header     map[string]string
		wantCode   int
		wantType   string
		wantReason string
	}{
		{"bearer", map[string]string{"Authorization": "Bearer " + tok, "x-marketplace": "www.amazon.com"}, 200, "", ""},
		{"bearer with version", map[string]string{"Authorization": "Bearer " + tok + ", Version 2.1", "x-marketplace": "www.amazon.com"}, 200, "", ""},
		{"no authorization", map[string]string{"x-marketplace": "www.amazon.com"}, 401, "UnauthorizedException", "InvalidToken"},
		{"unknown token", map[string]string{"Authorization": "Bearer Atza|forged", "x-marketplace": "www.amazon.com"}, 401, "UnauthorizedException", "InvalidToken"},
		{"basic instead of bearer", map[string]string{"Authorization": "Basic " + tok, "x-marketplace": "www.amazon.com"}, 401, "UnauthorizedException", "InvalidToken"},
		{"no marketplace", map[string]string{"Authorization": "Bearer " + tok}, 400, "ValidationException", ""},
		{"other marketplace", map[string]string{"Authorization": "Bearer " + tok, "x-marketplace": "www.amazon.de"}, 400, "ValidationException", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.header["Content-Type"] = "application/json"
			code, _, body := f.do(t, "POST", "/reports/v1/listReports", tc.header, `{}`)
			if code != tc.wantCode {
				t.Fatalf("status %d, want %d: %s", code, tc.wantCode, body)
			}
			if tc.wantType == "" {
				return
			}
			var e amazonError
			mustJSON(t, body, &e)
			if e.Type != tc.wantType || e.Reason != tc.wantReason || e.Message == "" {
				t.Errorf("error %+v, want %s/%s with a message", e, tc.wantType, tc.wantReason)
			}
		})
	}
}

func TestTokenExpires(t *testing.T) {
	f := newFixture(t, Config{Days: 2})
	tok := f.token(t)
	f.clock.advance(3599 * time.Second)
	if code, _, b := f.api(t, tok, "/reports/v1/listReports", `{}`); code != 200 {
		t.Fatalf("a token 3599 s old: %d %s", code, b)
	}
	f.clock.advance(time.Second)
	code, _, body := f.api(t, tok, "/reports/v1/listReports", `{}`)
	var e amazonError
	mustJSON(t, body, &e)
	if code != 401 || e.Type != "UnauthorizedException" || e.Reason != "TokenExpired" {
		t.Fatalf("a token 3600 s old: %d %+v, want 401 TokenExpired", code, e)
	}
	if code, _, b := f.api(t, f.token(t), "/reports/v1/listReports", `{}`); code != 200 {
		t.Fatalf("a renewed token: %d %s", code, b)
	}
}

type listed struct {
	Reports []struct {
		Filename     string `json:"filename"`
		MD5          string `json:"md5"`
		Size         int64  `json:"size"`
		LastModified string `json:"lastModified"`
	} `json:"reports"`
}

func TestListGetDownload(t *testing.T) {
	f := newFixture(t, Config{Days: 3})
	tok := f.token(t)
	code, _, body := f.api(t, tok, "/reports/v1/listReports", `{}`)
	if code != 200 {
		t.Fatalf("listReports: %d %s", code, body)
	}
	var l listed
	mustJSON(t, body, &l)
	if want := 3*fileKinds + 1; len(l.Reports) != want {
		t.Fatalf("%d reports listed, want %d", len(l.Reports), want)
	}
	for _, r := range l.Reports {
		if _, err := time.Parse(time.RFC3339, r.LastModified); err != nil || !strings.HasSuffix(r.LastModified, "Z") {
			t.Errorf("%s: lastModified %q is not RFC 3339 UTC", r.Filename, r.LastModified)
		}
		code, _, body := f.api(t, tok, "/reports/v1/getReport", `{"filename":"`+r.Filename+`"}`)
		if code != 200 {
			t.Fatalf("getReport %s: %d %s", r.Filename, code, body)
		}
		var g struct{ URL string }
		mustJSON(t, body, &g)
		if !strings.HasPrefix(g.URL, f.srv.URL+"/") {
			t.Fatalf("url %q is not on the same server", g.URL)
		}
		res, err := http.Get(g.URL) // plain GET, no auth header
		if err != nil {
			t.Fatal(err)
		}
		data := readAll(t, res)
		sum := md5.Sum(data)
		if res.StatusCode != 200 || int64(len(data)) != r.Size || hex.EncodeToString(sum[:]) != r.MD5 {
			t.Errorf("%s: status %d, %d bytes md5 %x; listed %d bytes md5 %s", r.Filename, res.StatusCode, len(data), sum, r.Size, r.MD5)
		}
	}
	st := f.sim.Stats()
	if st.Lists != 1 || st.Gets != Count(len(l.Reports)) || st.Downloads != Count(len(l.Reports)) {
		t.Errorf("stats %+v, want 1 list and %d gets and downloads", st, len(l.Reports))
	}
}

func TestGetReportErrors(t *testing.T) {
	f := newFixture(t, Config{Days: 2})
	tok := f.token(t)
	tests := []struct {
		name, body string
		wantCode   int
		wantType   string
	}{
		{"unknown file", `{"filename":"demo-20-earnings-report-19990101.tsv.gz"}`, 404, "ResourceNotFoundException"},
		{"no filename", `{}`, 400, "ValidationException"},
		{"not json", `filename`, 400, "ValidationException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := f.api(t, tok, "/reports/v1/getReport", tc.body)
			var e amazonError
			mustJSON(t, body, &e)
			if code != tc.wantCode || e.Type != tc.wantType {
				t.Errorf("%d %+v, want %d %s", code, e, tc.wantCode, tc.wantType)
			}
		})
	}
}

func TestPresignedURL(t *testing.T) {
	f := newFixture(t, Config{Days: 2})
	name := f.sim.Files()[0].Name
	_, _, body := f.api(t, f.token(t), "/reports/v1/getReport", `{"filename":"`+name+`"}`)
	var g struct{ URL string }
	mustJSON(t, body, &g)
	tampered := strings.Replace(g.URL, query(g.URL).Get("X-Amz-Expires"), "9999999999", 1)
	other := strings.Replace(g.URL, name, f.sim.Files()[1].Name, 1)
	tests := []struct {
		name    string
		url     string
		advance time.Duration
		want    int
		wantIn  string
	}{
		{"fresh", g.URL, 0, 200, ""},
		{"expiry moved", tampered, 0, 403, "SignatureDoesNotMatch"},
		{"other file", other, 0, 403, "SignatureDoesNotMatch"},
		{"at five minutes", g.URL, 5 * time.Minute, 200, ""},
		{"after five minutes", g.URL, time.Second, 403, "expired"},
	}
	for _, tc := range tests { // in order: the clock only moves forward
		f.clock.advance(tc.advance)
		res, err := http.Get(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		b := readAll(t, res)
		if res.StatusCode != tc.want || !strings.Contains(string(b), tc.wantIn) {
			t.Errorf("%s: %d %s, want %d containing %q", tc.name, res.StatusCode, b, tc.want, tc.wantIn)
		}
	}
}

func TestReportsNotAvailable(t *testing.T) {
	f := newFixture(t, Config{Days: 2, ReportsNotAvailable: true})
	for _, path := range []string{"/reports/v1/listReports", "/reports/v1/getReport"} {
		code, _, body := f.api(t, f.token(t), path, `{}`)
		var e amazonError
		mustJSON(t, body, &e)
		if code != 403 || e.Type != "AccessDeniedException" || e.Reason != "ReportsNotAvailable" {
			t.Errorf("%s: %d %+v, want 403 AccessDeniedException/ReportsNotAvailable", path, code, e)
		}
	}
}

func TestFailRate(t *testing.T) {
	run := func(seed int64) (sequence string) {
		f := newFixture(t, Config{Days: 2, Seed: seed, FailRate: 0.5})
		tok := f.token(t) // tokens never fail
		var seen429, seen500 bool
		for range 60 {
			code, h, body := f.api(t, tok, "/reports/v1/listReports", `{}`)
			sequence += http.StatusText(code)[:1]
			var e amazonError
			switch code {
			case 200:
				continue
			case 429:
				mustJSON(t, body, &e)
				seen429 = true
				if h.Get("Retry-After") != "1" || e.Type != "ThrottleException" {
					t.Errorf("429 with Retry-After %q and %+v", h.Get("Retry-After"), e)
				}
			case 500:
				mustJSON(t, body, &e)
				seen500 = true
				if e.Type != "InternalServerException" || e.Message == "" {
					t.Errorf("500 with %+v", e)
				}
			default:
				t.Fatalf("status %d: %s", code, body)
			}
		}
		if !seen429 || !seen500 {
			t.Errorf("seed %d: 429 seen %v, 500 seen %v in 60 calls at rate 0.5", seed, seen429, seen500)
		}
		if n := f.sim.Stats().Failures; n < 15 || n > 45 {
			t.Errorf("seed %d: %d failures in 60 calls at rate 0.5", seed, n)
		}
		return sequence
	}
	if a, b := run(7), run(7); a != b {
		t.Errorf("one seed, two fault sequences:\n%s\n%s", a, b)
	}
}

func TestCatalog(t *testing.T) {
	f := newFixture(t, Config{Days: 2})
	tok := f.token(t)
	known := f.sim.acc.catalog[3]
	tests := []struct {
		name, body string
		wantCode   int
		wantASINs  []string
	}{
		{"known and unknown", `{"itemIds":["` + known.asin + `","B000000000"]}`, 200, []string{known.asin}},
		{"none", `{"itemIds":[]}`, 400, nil},
		{"eleven", `{"itemIds":["1","2","3","4","5","6","7","8","9","10","11"]}`, 400, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := f.api(t, tok, "/catalog/v1/getItems", tc.body)
			if code != tc.wantCode {
				t.Fatalf("%d %s, want %d", code, body, tc.wantCode)
			}
			if code != 200 {
				return
			}
			var got struct {
				Items []struct{ ASIN, Title, Category string }
			}
			mustJSON(t, body, &got)
			if len(got.Items) != len(tc.wantASINs) || got.Items[0].ASIN != known.asin || got.Items[0].Title != known.title || got.Items[0].Category != known.cat.name {
				t.Errorf("items %+v, want %s %q %s", got.Items, known.asin, known.title, known.cat.name)
			}
		})
	}
}

func readAll(t *testing.T, res *http.Response) []byte {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
