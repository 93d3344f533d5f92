package web

import (
	"bytes"
	"flag"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/fxrate"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden pages")

// TestPagesGolden renders every page over the seed data and compares it
// with testdata/pages/*.html. Random ids are numbered in order of
// appearance and instants written by the store's own clock ("now" during
// the test) become <now>; everything else is fixed. Both engines must
// render the same bytes.
func TestPagesGolden(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		start := time.Now().UTC().Add(-time.Minute)
		e := newEnv(t, s)
		admin, reader := e.login("admin@example.com"), e.login("reader@example.com")
		inquiryOf := func(custom string) string {
			list, _, err := s.Inquiries(ctx, e.ws.ID, store.InquiryFilter{Custom: custom})
			if err != nil || len(list) != 1 {
				t.Fatalf("seed inquiry %s: %v %d", custom, err, len(list))
			}
			return list[0].ID
		}
		hooks, err := s.Webhooks(ctx, e.ws.ID)
		if err != nil || len(hooks) != 1 {
			t.Fatalf("seed webhook: %v %d", err, len(hooks))
		}
		txID := func() string {
			list, _, err := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Custom: "sub-1"})
			if err != nil || len(list) != 1 {
				t.Fatalf("seed transaction: %v %d", err, len(list))
			}
			return list[0].ID
		}()
		pages := []struct {
			name, path string
			c          *client
			status     int
		}{
			{"login", "/login", e.client(), 200},
			{"overview", "/?period=custom&since=2025-03-08&until=2025-03-14", admin, 200},
			{"overview-default", "/", admin, 200},
			{"transactions", "/transactions", admin, 200},
			{"transactions-custom", "/transactions?custom=sub-2", admin, 200},
			{"transaction", "/transactions/" + txID, admin, 200},
			{"revenues", "/revenues?group_by=channel", admin, 200},
			{"clicks", "/clicks", admin, 200},
			{"channels", "/channels", admin, 200},
			{"programs", "/programs", admin, 200},
			{"payments", "/payments", admin, 200},
			{"payments-filtered", "/payments?since=2025-03-16&connection=" + e.conn.ID, admin, 200},
			{"deals", "/deals?since=2025-03-10&until=2025-03-12", admin, 200},
			{"links", "/links", admin, 200},
			{"links-read-only", "/links", reader, 200},
			{"webhooks", "/webhooks", admin, 200},
			{"webhooks-read-only", "/webhooks", reader, 200},
			{"webhook", "/webhooks/" + hooks[0].ID, admin, 200},
			{"webhook-read-only", "/webhooks/" + hooks[0].ID, reader, 200},
			{"inquiries", "/inquiries", admin, 200},
			{"inquiries-matched", "/inquiries?status=matched", admin, 200},
			{"inquiry", "/inquiries/" + inquiryOf("sub-3"), admin, 200},
			{"inquiry-read-only", "/inquiries/" + inquiryOf("sub-9"), reader, 200},
			{"settings", "/settings", reader, 200},
			{"connections", "/connections", admin, 200},
			{"connection", "/connections/" + e.conn.ID, admin, 200},
			{"connection-new", "/connections/new", admin, 200},
			{"import", "/import", admin, 200},
			{"apikeys", "/apikeys", admin, 200},
			{"users", "/users", admin, 200},
			{"users-read-only", "/users", reader, 200},
			{"not-found", "/no/such/page", admin, 404},
		}
		for _, p := range pages {
			status, body := p.c.get(p.path)
			if status != p.status {
				t.Errorf("%s: status %d, want %d", p.path, status, p.status)
			}
			golden(t, "pages/"+p.name+".html", normalise(body, start, time.Now().UTC().Add(time.Minute)))
		}
		// The seed's link after a few hits: the list with its counts, and its page.
		seedLink, err := s.LinkByCode(ctx, "SeedLinkCode")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RecordLinkClicks(ctx, e.ws.ID, []store.LinkClick{
			{LinkID: seedLink.ID, Subtag: "seed-minted-1", Custom: "newsletter", ClickedAt: day("2025-03-17").Add(9 * time.Hour)},
			{LinkID: seedLink.ID, Subtag: "seed-minted-2", Custom: "app-user-7", ClickedAt: day("2025-03-19").Add(18 * time.Hour)},
			{LinkID: seedLink.ID, Subtag: "seed-minted-3", Custom: "newsletter", ClickedAt: day("2025-03-19").Add(19 * time.Hour)},
		}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct{ name, path string }{{"links-clicked", "/links"}, {"link", "/links/" + seedLink.ID}} {
			status, body := admin.get(p.path)
			if status != http.StatusOK {
				t.Errorf("%s: status %d", p.path, status)
			}
			golden(t, "pages/"+p.name+".html", normalise(body, start, time.Now().UTC().Add(time.Minute)))
		}
		// The import page with a summary: one good file, one with an error.
		status, body := admin.upload(e.conn.ID, map[string]string{
			"store-20-earnings-report-subtags-20250310.tsv": uploadHeader + "Electronics\tCable\tB0C1234567\tAmazon.com\tstore-20\tMarch 10, 2025\t29.99\t4.00\t2\t59.98\t2.40\tup-1\n",
			"store-20-earnings-report-subtags-20250311.tsv": uploadHeader + "Electronics\tCable\tB0C1234567\tAmazon.com\tstore-20\tMarch 11, 2025\t29.99\t4.00\t2\t59.98\tlots\tup-2\n",
		})
		if status != http.StatusUnprocessableEntity {
			t.Errorf("upload with an error: %d, want 422", status)
		}
		golden(t, "pages/import-summary.html", normalise(body, start, time.Now().UTC().Add(time.Minute)))
		// The connection form refusing what it was given.
		_, body = admin.post("/connections", admin.form("connector", "creators-tracking", "store_id", "shop-20", "credential_id", "c", "secret", "x"))
		golden(t, "pages/connection-new-invalid.html", normalise(body, start, time.Now().UTC().Add(time.Minute)))
		// The link builder's three answers: a tracked URL, a redirect link, a refusal.
		for _, p := range []struct {
			name   string
			form   []string
			status int
		}{
			{"links-tracked", []string{"url", "https://www.amazon.de/Some-Cable/dp/B0C1234567/ref=sr_1_1?tag=other-21", "channel", "store-20", "custom", "sub-42"}, 200},
			{"links-redirect", []string{"url", "www.amazon.com/gp/product/B0C1234567", "channel", "blog-20", "custom", "", "unique_per_click", "1"}, 200},
			{"links-short", []string{"url", "https://amzn.to/3xYz", "channel", "store-20"}, 400},
		} {
			status, body := admin.post("/links", admin.form(p.form...))
			if status != p.status {
				t.Errorf("%s: status %d, want %d", p.name, status, p.status)
			}
			golden(t, "pages/"+p.name+".html", normalise(body, start, time.Now().UTC().Add(time.Minute)))
		}
		_, body = admin.post("/webhooks", admin.form("url", "http://example.com/hook", "events", "transaction.created"))
		golden(t, "pages/webhooks-invalid.html", normalise(body, start, time.Now().UTC().Add(time.Minute)))
		_, body = reader.post("/settings/time-zone", reader.form("time_zone", "Mars/Olympus_Mons"))
		golden(t, "pages/settings-invalid.html", normalise(body, start, time.Now().UTC().Add(time.Minute)))
		// A refused edit of the webhook, then the webhook paused.
		hook := "/webhooks/" + hooks[0].ID
		_, body = admin.post(hook+"/edit", admin.form("url", "https://hooks.example.com/affsync", "description", "bookkeeping"))
		golden(t, "pages/webhook-edit-invalid.html", normalise(body, start, time.Now().UTC().Add(time.Minute)))
		if status, _ := admin.post(hook+"/pause", admin.form()); status != http.StatusSeeOther {
			t.Fatalf("pause: %d", status)
		}
		for _, p := range []struct{ name, path string }{{"webhooks-paused", "/webhooks"}, {"webhook-paused", hook}} {
			_, body = admin.get(p.path)
			golden(t, "pages/"+p.name+".html", normalise(body, start, time.Now().UTC().Add(time.Minute)))
		}
		// Reporting in EUR, hand-worked: sub-1 (USD 1.50, 29.99, sold on
		// Monday 2025-03-10) at Friday's 1.0833 → EUR 1.38 (1.3847) and
		// 27.68; the overview's 03-10 (USD 2.40 and 59.98 since the upload
		// above) → 2.22 (2.2154) and 55.37 (55.368), 03-11 (2.95, 59.98) at
		// 1.0915 → 2.70 and 54.95, 03-12 (3.60, 89.97) → 3.30 and 82.43:
		// totals EUR 8.22 and 192.75.
		rates := []fxrate.Rate{{Day: day("2025-03-07"), Currency: "USD", Value: fxrate.Decimal{Coef: 10833, Scale: 4}},
			{Day: day("2025-03-11"), Currency: "USD", Value: fxrate.Decimal{Coef: 10915, Scale: 4}}}
		if _, err := s.ImportRates(ctx, rates); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetReportingCurrency(ctx, e.ws.ID, "EUR"); err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct{ name, path string }{
			{"overview-reporting", "/?period=custom&since=2025-03-08&until=2025-03-14"},
			{"transaction-reporting", "/transactions/" + txID},
			{"revenues-reporting", "/revenues?currency=reporting"},
		} {
			_, body = admin.get(p.path)
			golden(t, "pages/"+p.name+".html", normalise(body, start, time.Now().UTC().Add(time.Minute)))
		}
		// A re-issued day: the summary's notes say what of the first file stopped counting.
		status, body = admin.upload(e.conn.ID, map[string]string{
			"store-20-earnings-report-subtags-20250310-reissued.tsv": uploadHeader + "Electronics\tCable\tB0C1234567\tAmazon.com\tstore-20\tMarch 10, 2025\t29.99\t4.00\t1\t29.99\t1.20\tup-1\n",
		})
		if status != http.StatusOK || !strings.Contains(body, "1 transaction of store-20-earnings-report-subtags-20250310.tsv (earnings, 2025-03-10) no longer counts") {
			t.Errorf("re-issued upload: status %d, no note of what it replaced", status)
		}
		golden(t, "pages/import-replaced.html", normalise(body, start, time.Now().UTC().Add(time.Minute)))
	})
}

const uploadHeader = "Earnings report\nProduct Line\tItem\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tReferral Fee Rate\tQuantity\tRevenue\tEarnings\tSub Tag\n"

// upload posts files with the upload form (multipart, token in the query).
func (c *client) upload(connID string, files map[string]string) (int, string) {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("connection", connID)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sortStrings(names)
	for _, n := range names {
		w, _ := mw.CreateFormFile("files", n)
		_, _ = w.Write([]byte(files[n]))
	}
	mw.Close()
	resp, err := c.http.Post(c.e.url+"/import?csrf="+c.csrf, mw.FormDataContentType(), &body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	return resp.StatusCode, out.String()
}

func sortStrings(xs []string) {
	for i := range xs {
		for j := i + 1; j < len(xs); j++ {
			if xs[j] < xs[i] {
				xs[i], xs[j] = xs[j], xs[i]
			}
		}
	}
}

var (
	idPattern    = regexp.MustCompile(`\b(conn|usr|inq|key|ws|tx|wh|evt|lnk|pay|deal)_[a-z0-9]{12,}`)
	csrfPattern  = regexp.MustCompile(`(name="csrf" value="|csrf=)[A-Za-z0-9_-]+`)
	stampPattern = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC`)
	// No \b after a code: one that ends in "-" (base64url) has no word boundary there.
	codePattern = regexp.MustCompile(`/r/[A-Za-z0-9_-]{12}`)
)

// normalise makes a page stable: random ids numbered by first appearance,
// tokens blanked, instants inside [from, to] (the store's own clock during
// the test) replaced by <now>.
func normalise(page string, from, to time.Time) string {
	seen := map[string]string{}
	page = idPattern.ReplaceAllStringFunc(page, func(id string) string {
		if n, ok := seen[id]; ok {
			return n
		}
		prefix, _, _ := strings.Cut(id, "_")
		seen[id] = fmt.Sprintf("%s_%d", prefix, len(seen)+1)
		return seen[id]
	})
	page = csrfPattern.ReplaceAllString(page, "${1}TOKEN")
	page = codePattern.ReplaceAllStringFunc(page, func(path string) string {
		if path == "/r/SeedLinkCode" {
			return path
		}
		return "/r/CODE"
	})
	return stampPattern.ReplaceAllStringFunc(page, func(s string) string {
		t, err := time.Parse("2006-01-02 15:04 MST", s)
		if err == nil && !t.Before(from.Truncate(time.Minute)) && !t.After(to) {
			return "<now>"
		}
		return s
	})
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/web -run Golden -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden page; run with -update if intended.\n%s", path, diffLines(string(want), got))
	}
}

// diffLines shows the first differing line.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant: %s\ngot:  %s", i+1, a, b)
		}
	}
	return ""
}
