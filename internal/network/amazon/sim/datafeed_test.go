package sim

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/icholy/digest"
)

// digestResponse is a client's RFC 7616 §3.4.1 answer, written here apart
// from the server's code.
func digestResponse(h func() hash.Hash, alg, user, pass, method, uri, nonce string) string {
	hx := func(s string) string {
		x := h()
		x.Write([]byte(s))
		return hex.EncodeToString(x.Sum(nil))
	}
	ha1 := hx(user + ":" + digestRealm + ":" + pass)
	ha2 := hx(method + ":" + uri)
	resp := hx(ha1 + ":" + nonce + ":00000001:0a4f113b:auth:" + ha2)
	return fmt.Sprintf(`Digest username="%s", realm="%s", nonce="%s", uri="%s", algorithm=%s, qop=auth, nc=00000001, cnonce="0a4f113b", response="%s", opaque="%s"`,
		user, digestRealm, nonce, uri, alg, resp, digestRealm)
}

var nonceParam = regexp.MustCompile(`nonce="([^"]+)"`)

// challenge fetches a fresh challenge and returns its nonce.
func (f *fixture) challenge(t *testing.T, path string) (nonce string, h http.Header) {
	t.Helper()
	code, h, _ := f.do(t, "GET", path, nil, "")
	if code != 401 {
		t.Fatalf("no credentials: status %d, want 401", code)
	}
	m := nonceParam.FindStringSubmatch(h.Get("WWW-Authenticate"))
	if m == nil {
		t.Fatalf("no nonce in %q", h.Values("WWW-Authenticate"))
	}
	return m[1], h
}

func TestDigestChallenge(t *testing.T) {
	f := newFixture(t, Config{Days: 2})
	_, h := f.challenge(t, "/datafeed/listReports")
	got := h.Values("WWW-Authenticate")
	if len(got) != 2 || !strings.Contains(got[0], "algorithm=SHA-256") || !strings.Contains(got[1], "algorithm=MD5") {
		t.Fatalf("challenges %q, want SHA-256 then MD5", got)
	}
	for _, c := range got {
		if !strings.HasPrefix(c, "Digest ") || !strings.Contains(c, `qop="auth"`) || !strings.Contains(c, `realm="`+digestRealm+`"`) {
			t.Errorf("challenge %q", c)
		}
	}
}

func TestDigestAuth(t *testing.T) {
	f := newFixture(t, Config{Days: 2})
	const path = "/datafeed/getReport?filename=demo-20-tracking-report-20261014.tsv.gz"
	tests := []struct {
		name             string
		hash             func() hash.Hash
		alg, user, pass  string
		uri              string
		staleBy          time.Duration
		wantCode         int
		wantStaleInReply bool
	}{
		{"sha-256 store id", sha256.New, "SHA-256", "demo-20", "demo-secret", path, 0, 200, false},
		{"md5 store id", md5.New, "MD5", "demo-20", "demo-secret", path, 0, 200, false},
		{"md5 credential id", md5.New, "MD5", "demo-credential", "demo-secret", path, 0, 200, false},
		{"wrong password", sha256.New, "SHA-256", "demo-20", "wrong", path, 0, 401, false},
		{"unknown user", md5.New, "MD5", "someone-20", "demo-secret", path, 0, 401, false},
		{"algorithm mislabelled", md5.New, "SHA-256", "demo-20", "demo-secret", path, 0, 401, false},
		{"other uri", sha256.New, "SHA-256", "demo-20", "demo-secret", "/datafeed/listReports", 0, 401, false},
		{"old nonce", sha256.New, "SHA-256", "demo-20", "demo-secret", path, 6 * time.Minute, 401, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nonce, _ := f.challenge(t, path)
			f.clock.advance(tc.staleBy)
			auth := digestResponse(tc.hash, tc.alg, tc.user, tc.pass, "GET", tc.uri, nonce)
			code, h, body := f.do(t, "GET", path, map[string]string{"Authorization": auth}, "")
			if code != tc.wantCode {
				t.Fatalf("status %d, want %d: %s", code, tc.wantCode, body)
			}
			if stale := strings.Contains(h.Get("WWW-Authenticate"), "stale=true"); stale != tc.wantStaleInReply {
				t.Errorf("stale=true in the reply: %v, want %v", stale, tc.wantStaleInReply)
			}
			if code == 200 {
				want, _ := f.sim.File("demo-20-tracking-report-20261014.tsv.gz")
				if string(body) != string(want) {
					t.Errorf("getReport served %d bytes, not the report's %d", len(body), len(want))
				}
			}
		})
	}
	if _, err := parseDigestOK(`Digest username="a", nonce="b", response="c`); err == nil {
		t.Error("an unterminated quoted value was accepted")
	}
}

func parseDigestOK(h string) (map[string]string, error) {
	p, ok := parseDigest(h)
	if !ok {
		return nil, fmt.Errorf("not a digest header")
	}
	return p, nil
}

// TestDataFeedWithDigestClient lists and downloads through the Digest
// client affsync's transport uses, and checks the listing's shape against
// the real captured page.
func TestDataFeedWithDigestClient(t *testing.T) {
	f := newFixture(t, Config{Days: 2})
	c := &http.Client{Transport: &digest.Transport{Username: "demo-20", Password: "demo-secret"}}
	res, err := c.Get(f.srv.URL + "/datafeed/listReports")
	if err != nil {
		t.Fatal(err)
	}
	page := string(readAll(t, res))
	if res.StatusCode != 200 {
		t.Fatalf("listReports: %d %s", res.StatusCode, page)
	}
	// The page's frame must be the real captured page's, byte for byte.
	sample, err := os.ReadFile("testdata/datafeed-listReports.html")
	if err != nil {
		t.Fatal(err)
	}
	s := string(sample)
	head, tail := s[:strings.Index(s, "</TR>")+5], s[strings.LastIndex(s, "</TABLE>"):]
	if !strings.HasPrefix(page, head) || !strings.HasSuffix(strings.TrimSpace(page), strings.TrimSpace(tail)) {
		t.Errorf("page frame differs from the sample:\n%.300s", page)
	}
	row := regexp.MustCompile(`<TR><TD>([^<]+)</TD><TD>(\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} GMT \d{4})</TD><TD>"([0-9a-f]{32})"</TD><TD>(\d+)</TD><TD><a href='getReport\?filename=([^']+)'>click to download</a></TD></TR>`)
	if n := len(row.FindAllString(s, -1)); n != 3 {
		t.Fatalf("the row pattern finds %d of the sample's 3 rows", n)
	}
	rows := row.FindAllStringSubmatch(page, -1)
	files := f.sim.Files()
	if len(rows) != len(files) {
		t.Fatalf("%d rows in the page, %d files", len(rows), len(files))
	}
	for i, r := range rows {
		fl := files[i]
		if r[1] != fl.Name || r[3] != fl.MD5 || r[4] != fmt.Sprint(fl.Size) || r[5] != fl.Name {
			t.Errorf("row %v, file %+v", r[1:], fl)
		}
		if lm, err := time.Parse(datafeedTime, r[2]); err != nil || !lm.Equal(fl.LastModified) {
			t.Errorf("%s: last modified %q, want %v", fl.Name, r[2], fl.LastModified)
		}
	}
	res, err = c.Get(f.srv.URL + "/datafeed/getReport?filename=" + files[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, res)
	if sum := md5.Sum(body); res.StatusCode != 200 || hex.EncodeToString(sum[:]) != files[0].MD5 {
		t.Errorf("getReport: %d, md5 %x, want %s", res.StatusCode, sum, files[0].MD5)
	}
	res, err = c.Get(f.srv.URL + "/datafeed/getReport?filename=nope.tsv.gz")
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, res)
	if res.StatusCode != 404 {
		t.Errorf("unknown file: %d, want 404", res.StatusCode)
	}
	wrong := &http.Client{Transport: &digest.Transport{Username: "demo-20", Password: "nope"}}
	res, err = wrong.Get(f.srv.URL + "/datafeed/listReports")
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, res)
	if res.StatusCode != 401 {
		t.Errorf("wrong password: %d, want 401", res.StatusCode)
	}
	if st := f.sim.Stats(); st.Lists != 1 || st.Downloads != 1 {
		t.Errorf("stats %+v, want 1 list and 1 download", st)
	}
}
