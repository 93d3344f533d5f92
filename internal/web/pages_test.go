package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

var builtURL = regexp.MustCompile(`<code class="secret" id="built-url">([^<]+)</code>`)

func TestLinkBuilder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		member := e.login("member@example.com")
		stored := func() []store.Link {
			list, _, err := s.Links(ctx, e.ws.ID, store.LinkFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		before := len(stored())

		// Without "unique per click": the canonical tracked URL, nothing stored.
		status, body := member.post("/links", member.form("url", "https://www.amazon.co.uk/Cable/dp/b0c1234567/ref=x?tag=theirs-21&linkCode=ll1",
			"channel", "store-21", "custom", "user_7"))
		m := builtURL.FindStringSubmatch(body)
		if status != http.StatusOK || m == nil || html.UnescapeString(m[1]) != "https://www.amazon.co.uk/dp/B0C1234567?tag=store-21&ascsubtag=user_7" {
			t.Fatalf("tracked link: %d %q", status, m)
		}
		if n := len(stored()); n != before {
			t.Fatalf("a plain tracked link was stored: %d links, want %d", n, before)
		}

		// With it: a stored link, shared as /r/{code} on the public URL.
		status, body = member.post("/links", member.form("url", "amazon.com/dp/B0C7654321", "channel", "blog-20", "custom", "spring",
			"unique_per_click", "1"))
		list := stored()
		if status != http.StatusOK || len(list) != before+1 {
			t.Fatalf("redirect link: %d, %d links", status, len(list))
		}
		l := list[0]
		if !l.UniquePerClick || l.Channel != "blog-20" || l.Custom != "spring" || l.URL != "https://www.amazon.com/dp/B0C7654321?tag=blog-20" {
			t.Fatalf("stored link: %+v", l)
		}
		if m := builtURL.FindStringSubmatch(body); m == nil || m[1] != "https://go.example.com/r/"+l.Code {
			t.Fatalf("the page shows %q for link code %s", m, l.Code)
		}
		if !strings.Contains(body, "https://go.example.com/r/"+l.Code+"?custom=USER_ID") || !strings.Contains(body, "count toward custom spring") {
			t.Fatalf("no per-user URL:\n%s", body)
		}

		// Refusals say why and store nothing.
		for _, c := range []struct {
			form []string
			want string
		}{
			{[]string{"url", "https://amzn.to/3abc", "channel", "store-20"}, "short link"},
			{[]string{"url", "https://www.ebay.com/itm/123", "channel", "store-20"}, "not an Amazon marketplace"},
			{[]string{"url", "https://www.amazon.com/gp/bestsellers", "channel", "store-20"}, "not a product page"},
			{[]string{"url", "", "channel", "store-20"}, "url is required"},
			{[]string{"url", "https://www.amazon.com/dp/B0C1234567", "channel", ""}, "channel is required"},
			{[]string{"url", "https://www.amazon.com/dp/B0C1234567", "channel", "store 20"}, "not a tracking ID"},
			{[]string{"url", "https://www.amazon.com/dp/B0C1234567", "channel", "store-20", "custom", "a&b", "unique_per_click", "1"}, "may only hold"},
			{[]string{"url", "https://www.amazon.com/dp/B0C1234567", "channel", "store-20", "custom", strings.Repeat("x", 65)}, "at most 64"},
		} {
			status, body := member.post("/links", member.form(c.form...))
			if status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), c.want) || strings.Contains(body, `id="built"`) {
				t.Errorf("%v: %d, want 400 saying %q", c.form, status, c.want)
			}
		}
		if n := len(stored()); n != before+1 {
			t.Fatalf("refused forms stored links: %d", n)
		}
	})
}

var secretShown = regexp.MustCompile(`<code class="secret">(whsec_[^<]+)</code>`)

func TestWebhookPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		member := e.login("member@example.com")
		hooks := func() []store.Webhook {
			list, err := s.Webhooks(ctx, e.ws.ID)
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		for _, c := range []struct {
			form []string
			want string
		}{
			{[]string{"url", "http://example.com/hook", "events", "transaction.created"}, "https://"},
			{[]string{"url", "https://user:pw@example.com/hook", "events", "transaction.created"}, "no user name"},
			{[]string{"url", "https://example.com/hook"}, "at least one"},
			{[]string{"url", "https://example.com/hook", "events", "payment.created"}, "unknown event"},
			{[]string{"url", "https://example.com/hook", "events", "transaction.created", "description", strings.Repeat("d", 501)}, "at most 500"},
		} {
			status, body := member.post("/webhooks", member.form(c.form...))
			if status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), c.want) {
				t.Errorf("%v: %d, want 400 saying %q", c.form, status, c.want)
			}
		}
		if n := len(hooks()); n != 1 {
			t.Fatalf("refused forms stored webhooks: %d", n)
		}

		// The secret is shown once, is the one stored (sealed), and never again.
		form := member.form("url", "https://receiver.example.com/in", "description", "CRM")
		form["events"] = []string{"transaction.created", "transaction.updated", "transaction.created"}
		status, body := member.post("/webhooks", form)
		m := secretShown.FindStringSubmatch(body)
		if status != http.StatusOK || m == nil {
			t.Fatalf("create: %d, no secret shown", status)
		}
		var hook store.Webhook
		for _, h := range hooks() {
			if h.URL == "https://receiver.example.com/in" {
				hook = h
			}
		}
		if hook.ID == "" || strings.Join(hook.Events, ",") != "transaction.created,transaction.updated" || hook.Description != "CRM" {
			t.Fatalf("stored webhook: %+v", hook)
		}
		if got, err := s.WebhookSecret(ctx, testBox{}, e.ws.ID, hook.ID); err != nil || got != m[1] {
			t.Fatalf("stored secret %q, %v; shown %q", got, err, m[1])
		}
		if _, list := member.get("/webhooks"); strings.Contains(list, m[1]) || !strings.Contains(list, "receiver.example.com") {
			t.Fatal("the list shows the secret again, or not the webhook")
		}

		// Redeliver: the seed's failed-once delivery is due again now, its log kept.
		seedHook := hooks()[0]
		if seedHook.ID == hook.ID {
			seedHook = hooks()[1]
		}
		tried := attemptedDelivery(t, s, e.ws.ID, seedHook.ID)
		status, _ = member.post("/webhooks/"+seedHook.ID+"/deliveries/"+itoa(tried.ID)+"/redeliver", member.form())
		after, err := s.Delivery(ctx, e.ws.ID, seedHook.ID, tried.ID)
		if status != http.StatusSeeOther || err != nil || after.Status != store.DeliveryPending || after.NextAttemptAt == nil ||
			!after.NextAttemptAt.Equal(today) || after.Attempts != 0 || len(after.Log) != 1 {
			t.Fatalf("redeliver: %d, %+v, %v", status, after, err)
		}
		if status, _ := member.post("/webhooks/"+hook.ID+"/deliveries/"+itoa(tried.ID)+"/redeliver", member.form()); status != http.StatusNotFound {
			t.Fatalf("redeliver through another webhook: %d, want 404", status)
		}
		_, page := member.get("/webhooks/" + seedHook.ID)
		if !strings.Contains(page, "HTTP 500 – HTTP 500: receiver down") {
			t.Fatalf("the delivery log lost the attempt:\n%s", page)
		}

		// Delete.
		if status, _ := member.post("/webhooks/"+hook.ID+"/delete", member.form()); status != http.StatusSeeOther {
			t.Fatalf("delete: %d", status)
		}
		if _, err := s.Webhook(ctx, e.ws.ID, hook.ID); err == nil {
			t.Fatal("deleted webhook still there")
		}
		if status, _ := member.post("/webhooks/"+hook.ID+"/delete", member.form()); status != http.StatusNotFound {
			t.Fatalf("delete again: %d, want 404", status)
		}
		if status, _ := member.get("/webhooks/" + hook.ID); status != http.StatusNotFound {
			t.Fatalf("deleted webhook's log: %d, want 404", status)
		}
	})
}

// attemptedDelivery is the seed's delivery that has an attempt.
func attemptedDelivery(t *testing.T, s *store.Store, ws, hook string) store.Delivery {
	t.Helper()
	list, err := s.Deliveries(ctx, ws, hook, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		if len(d.Log) > 0 {
			return d
		}
	}
	t.Fatal("the seed has no attempted delivery")
	return store.Delivery{}
}

func TestInquiryDecisions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		member := e.login("member@example.com")
		inquiry := func(custom string) store.Inquiry {
			list, _, err := s.Inquiries(ctx, e.ws.ID, store.InquiryFilter{Custom: custom})
			if err != nil || len(list) != 1 {
				t.Fatalf("inquiry %s: %v %d", custom, err, len(list))
			}
			return list[0]
		}
		matched, open := inquiry("sub-3"), inquiry("sub-9")

		// The status filter lists that status only.
		_, page := member.get("/inquiries?status=open")
		if !strings.Contains(page, "/inquiries/"+open.ID) || strings.Contains(page, "/inquiries/"+matched.ID) {
			t.Fatal("status=open lists the wrong inquiries")
		}
		if status, _ := member.get("/inquiries?status=lost"); status != http.StatusBadRequest {
			t.Fatalf("unknown status: %d, want 400", status)
		}

		// The detail links the matched transaction.
		_, page = member.get("/inquiries/" + matched.ID)
		if !strings.Contains(page, `href="/transactions/`+matched.TransactionID+`"`) || matched.TransactionID == "" {
			t.Fatalf("no link to transaction %q", matched.TransactionID)
		}

		e.clock.Add(time.Hour)
		if status, _ := member.post("/inquiries/"+matched.ID+"/accept", member.form("note", "paid with March")); status != http.StatusSeeOther {
			t.Fatalf("accept: %d", status)
		}
		if status, _ := member.post("/inquiries/"+open.ID+"/reject", member.form()); status != http.StatusSeeOther {
			t.Fatalf("reject: %d", status)
		}
		if got := inquiry("sub-3").Status; got != store.InquiryAccepted {
			t.Fatalf("after accept: %s", got)
		}
		if got := inquiry("sub-9").Status; got != store.InquiryRejected {
			t.Fatalf("after reject: %s", got)
		}
		hist, err := s.InquiryHistory(ctx, e.ws.ID, matched.ID)
		if err != nil || len(hist) != 3 || hist[2].FromStatus != "matched" || hist[2].ToStatus != "accepted" || hist[2].Reason != "paid with March" ||
			!hist[2].At.Equal(today.Add(time.Hour)) {
			t.Fatalf("history: %+v, %v", hist, err)
		}
		_, page = member.get("/inquiries/" + matched.ID)
		if !strings.Contains(page, "matched → accepted") || !strings.Contains(page, "paid with March") || strings.Contains(page, "/accept") {
			t.Fatalf("the decided inquiry's page:\n%s", page)
		}
		// A decided inquiry stays decided.
		if status, body := member.post("/inquiries/"+matched.ID+"/reject", member.form()); status != http.StatusBadRequest || !strings.Contains(body, "accepted already") {
			t.Fatalf("reject an accepted inquiry: %d", status)
		}
		if status, _ := member.post("/inquiries/inq_nosuchinquiry/accept", member.form()); status != http.StatusNotFound {
			t.Fatalf("unknown inquiry: %d, want 404", status)
		}
	})
}

func TestTimeZoneSetting(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		reader := e.login("reader@example.com")
		// 15:30 UTC on 2025-03-20 is already 05:30 on the 21st at UTC+14.
		if status, _ := reader.post("/settings/time-zone", reader.form("time_zone", "Pacific/Kiritimati")); status != http.StatusSeeOther {
			t.Fatalf("set zone: %d", status)
		}
		m, err := s.Member(ctx, e.ws.ID, memberID(t, e, "reader@example.com"))
		if err != nil || m.TimeZone != "Pacific/Kiritimati" {
			t.Fatalf("stored zone %q, %v", m.TimeZone, err)
		}
		// The overview's default period ends on the zone's today.
		_, page := reader.get("/")
		if !strings.Contains(page, `id="until" name="until" type="date" value="2025-03-21"`) {
			t.Fatalf("the overview's period does not end on the viewer's today:\n%s", page)
		}
		// Instants show in the zone: sub-1 was sold 2025-03-10 01:00 UTC.
		_, page = reader.get("/transactions?custom=sub-1")
		if !strings.Contains(html.UnescapeString(page), "2025-03-10 15:00 +14") {
			t.Fatalf("a sale's time is not in the viewer's zone:\n%s", page)
		}
		// Refused zones leave it as it was.
		for _, bad := range []string{"", "Local", "Mars/Olympus_Mons", "UTC+2"} {
			if status, _ := reader.post("/settings/time-zone", reader.form("time_zone", bad)); status != http.StatusBadRequest {
				t.Errorf("zone %q: %d, want 400", bad, status)
			}
		}
		if m, _ := s.Member(ctx, e.ws.ID, m.ID); m.TimeZone != "Pacific/Kiritimati" {
			t.Fatalf("a refused zone changed it to %q", m.TimeZone)
		}
		// The zone is the user's own: others still see UTC.
		admin := e.login("admin@example.com")
		if _, page := admin.get("/transactions?custom=sub-1"); !strings.Contains(page, "2025-03-10 01:00 UTC") {
			t.Fatal("another user's zone changed too")
		}
	})
}

func memberID(t *testing.T, e *env, email string) string {
	t.Helper()
	u, err := e.s.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestExports reads every export back: CSV with encoding/csv, XLSX with
// excelize; both must hold the header and exactly the rows the filter selects.
func TestExports(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		reader := e.login("reader@example.com")
		for _, c := range []struct {
			path   string
			header string
			rows   [][]string // selected cells of each row, by header name
			pick   []string
		}{
			{"/transactions/export?time_type=sold&since=2025-03-11&until=2025-03-12", "id", [][]string{{"sub-2", "pending", "2.40"}, {"sub-3", "confirmed", "3.60"}},
				[]string{"customs", "status", "commission"}},
			{"/transactions/export?status=declined", "id", [][]string{{"sub-4", "declined", "0.00"}}, []string{"customs", "status", "commission"}},
			{"/payments/export?connection=" + e.conn.ID, "id", [][]string{{"PAY-2025-02", "2025-03-15", "1234.56", "USD"}},
				[]string{"reference", "paid_on", "amount", "currency"}},
			{"/payments/export?since=2025-03-16", "id", nil, []string{"reference"}},
			{"/deals/export?program=amazon.com", "id", [][]string{{"Spring sale", "SPRING25", "2025-03-01", "2025-03-31"}},
				[]string{"title", "code", "starts_on", "ends_on"}},
			{"/channels/export", "code", [][]string{{"blog-20", e.conn.ID}, {"store-20", e.conn.ID}}, []string{"code", "connection_id"}},
			{"/programs/export", "program", [][]string{{"amazon.com", "active", "reports arrive", e.conn.ID}},
				[]string{"program", "status", "reason", "connection_id"}},
			{"/inquiries/export", "id", [][]string{{"sub-3", "matched"}, {"sub-9", "open"}}, []string{"custom", "status"}},
			{"/inquiries/export?status=open", "id", [][]string{{"sub-9", "2025-03-09", "4.50", "USD", "open", "", "order 111-9 missing"}},
				[]string{"custom", "order_date", "expected_amount", "currency", "status", "transaction_id", "note"}},
			{"/inquiries/export?status=rejected", "id", nil, []string{"custom"}},
			{"/links/export", "id", [][]string{{"https://go.example.com/r/SeedLinkCode", "SeedLinkCode", "store-20", "amazon.com", "newsletter", "true", "0", "",
				"https://www.amazon.com/dp/B0C1234561?tag=store-20"}},
				[]string{"url", "code", "channel", "program", "custom", "unique_per_click", "clicks", "last_click_at", "amazon_url"}},
		} {
			for _, format := range []string{"csv", "xlsx"} {
				sep := "?"
				if strings.Contains(c.path, "?") {
					sep = "&"
				}
				resp, err := reader.http.Get(e.url + c.path + sep + "format=" + format)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s %s: %d", c.path, format, resp.StatusCode)
				}
				var table [][]string
				if format == "csv" {
					table, err = csv.NewReader(bytes.NewReader(body)).ReadAll()
				} else {
					if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
						t.Fatalf("%s: content type %q", c.path, ct)
					}
					table, err = readXLSX(body)
				}
				if err != nil {
					t.Fatalf("%s %s: %v", c.path, format, err)
				}
				if len(table) == 0 || table[0][0] != c.header {
					t.Fatalf("%s %s: no header: %q", c.path, format, table)
				}
				col := map[string]int{}
				for i, h := range table[0] {
					col[h] = i
				}
				var got [][]string
				for _, row := range table[1:] {
					var cells []string
					for _, name := range c.pick {
						i, ok := col[name]
						if !ok {
							t.Fatalf("%s: no column %s in %q", c.path, name, table[0])
						}
						cells = append(cells, row[i])
					}
					got = append(got, cells)
				}
				if len(got) != len(c.rows) {
					t.Fatalf("%s %s: %d rows %q, want %q", c.path, format, len(got), got, c.rows)
				}
				for i := range got {
					if strings.Join(got[i], "|") != strings.Join(c.rows[i], "|") {
						t.Errorf("%s %s row %d: %q, want %q", c.path, format, i+1, got[i], c.rows[i])
					}
				}
			}
		}
		// The export checks the filter as its page does.
		if status, _ := reader.get("/inquiries/export?status=lost&format=csv"); status != http.StatusBadRequest {
			t.Errorf("an unknown status exports with %d, want 400", status)
		}
	})
}

func readXLSX(b []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.GetRows("Sheet1")
}

var nextPage = regexp.MustCompile(`<a rel="next" href="([^"]+)">`)

// TestPaymentAndDealPaging walks the lists a page at a time: every row
// once, in pages of pageSize.
func TestPaymentAndDealPaging(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		const extra = pageSize + 7
		for i := range extra {
			ref := "P-" + itoa(int64(1000+i))
			if _, err := s.UpsertPayment(ctx, store.Payment{WorkspaceID: e.ws.ID, ConnectionID: e.conn.ID, Reference: ref,
				PaidOn: day("2025-01-01").AddDate(0, 0, i), PeriodStart: day("2024-12-01"), PeriodEnd: day("2024-12-31"), Currency: "USD",
				Amount: int64(100 + i), Method: "wire", Source: "p.csv"}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.UpsertDeal(ctx, store.Deal{WorkspaceID: e.ws.ID, ConnectionID: e.conn.ID, Reference: "D-" + itoa(int64(1000+i)),
				Program: "amazon.com", Title: "Deal " + itoa(int64(1000+i)), Source: "d.csv"}); err != nil {
				t.Fatal(err)
			}
		}
		reader := e.login("reader@example.com")
		for _, c := range []struct {
			path string
			item *regexp.Regexp
			want int
		}{
			{"/payments?connection=" + e.conn.ID, regexp.MustCompile(`<td>(P-\d+|PAY-2025-02)</td>`), extra + 1},
			{"/deals?program=amazon.com", regexp.MustCompile(`>(Deal \d+|Spring sale)<`), extra + 1},
		} {
			seen := map[string]bool{}
			pages := 0
			for path := c.path; path != ""; pages++ {
				status, body := reader.get(path)
				if status != http.StatusOK {
					t.Fatalf("%s: %d", path, status)
				}
				items := c.item.FindAllStringSubmatch(body, -1)
				if len(items) == 0 || len(items) > pageSize {
					t.Fatalf("%s: %d rows on a page", path, len(items))
				}
				for _, m := range items {
					if seen[m[1]] {
						t.Fatalf("%s: %s twice", c.path, m[1])
					}
					seen[m[1]] = true
				}
				path = ""
				if m := nextPage.FindStringSubmatch(body); m != nil {
					path = html.UnescapeString(m[1])
				}
			}
			if len(seen) != c.want || pages != 2 {
				t.Fatalf("%s: %d rows in %d pages, want %d in 2", c.path, len(seen), pages, c.want)
			}
		}
	})
}

// TestWebhookEditAndPause: the edit form changes URL, events and description
// with the checks of creation; pause holds the queued deliveries and resume
// sends them now; another workspace's webhook cannot be touched.
func TestWebhookEditAndPause(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		member := e.login("member@example.com")
		hooks, err := s.Webhooks(ctx, e.ws.ID)
		if err != nil || len(hooks) != 1 {
			t.Fatalf("seed webhook: %v %d", err, len(hooks))
		}
		hook := hooks[0]
		path := "/webhooks/" + hook.ID
		stored := func() store.Webhook {
			w, err := s.Webhook(ctx, e.ws.ID, hook.ID)
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
		// postTo posts a form and answers the status and where it leads.
		postTo := func(path string, form url.Values) (int, string) {
			resp, err := member.http.PostForm(e.url+path, form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode, resp.Header.Get("Location")
		}

		_, page := member.get(path)
		if !strings.Contains(page, `value="https://hooks.example.com/affsync"`) || !strings.Contains(page, `value="bookkeeping"`) ||
			strings.Count(page, `name="events" value="transaction.`) != 3 || strings.Count(page, " checked>") != 2 {
			t.Fatalf("the edit form does not hold the webhook:\n%s", page)
		}

		for _, c := range []struct {
			form []string
			want string
		}{
			{[]string{"url", "http://example.com/hook", "events", "transaction.created"}, "https://"},
			{[]string{"url", "https://user:pw@example.com/hook", "events", "transaction.created"}, "no user name"},
			{[]string{"url", "https://example.com/kept-in-the-form"}, "at least one"},
			{[]string{"url", "https://example.com/hook", "events", "payment.created"}, "unknown event"},
			{[]string{"url", "https://example.com/hook", "events", "transaction.created", "description", strings.Repeat("d", 501)}, "at most 500"},
		} {
			status, body := member.post(path+"/edit", member.form(c.form...))
			if status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), c.want) ||
				!strings.Contains(body, `id="edit-url" name="url" type="url" required value="`+c.form[1]+`"`) {
				t.Errorf("%v: %d, want 400 saying %q with the URL sent", c.form, status, c.want)
			}
		}
		if w := stored(); w.URL != hook.URL || w.Description != hook.Description || strings.Join(w.Events, ",") != strings.Join(hook.Events, ",") {
			t.Fatalf("refused edits changed the webhook: %+v", w)
		}

		form := member.form("url", " https://receiver.example.com/moved ", "description", "ledger")
		form["events"] = []string{"transaction.updated"}
		if status, to := postTo(path+"/edit", form); status != http.StatusSeeOther || !strings.HasPrefix(to, path+"?flash=") {
			t.Fatalf("edit: %d to %s", status, to)
		}
		if w := stored(); w.URL != "https://receiver.example.com/moved" || w.Description != "ledger" ||
			strings.Join(w.Events, ",") != "transaction.updated" || !w.Active {
			t.Fatalf("after the edit: %+v", w)
		}
		if sec, err := s.WebhookSecret(ctx, testBox{}, e.ws.ID, hook.ID); err != nil || sec != "whsec_seed" {
			t.Fatalf("the edit changed the secret: %q %v", sec, err)
		}

		// Pause from the list: back to the list; the queued deliveries wait.
		pending := func() []store.Delivery {
			list, err := s.Deliveries(ctx, e.ws.ID, hook.ID, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			var out []store.Delivery
			for _, d := range list {
				if d.Status == store.DeliveryPending {
					out = append(out, d)
				}
			}
			if len(out) == 0 {
				t.Fatal("the seed has no pending delivery")
			}
			return out
		}
		if status, to := postTo(path+"/pause", member.form("from", "list")); status != http.StatusSeeOther || !strings.HasPrefix(to, "/webhooks?flash=") {
			t.Fatalf("pause: %d to %s", status, to)
		}
		if stored().Active {
			t.Fatal("still active after the pause")
		}
		for _, d := range pending() {
			if d.NextAttemptAt != nil {
				t.Fatalf("delivery %d is due at %v while paused", d.ID, d.NextAttemptAt)
			}
		}
		_, list := member.get("/webhooks")
		_, page = member.get(path)
		if !strings.Contains(list, `action="`+path+`/resume"`) || strings.Contains(list, `action="`+path+`/pause"`) ||
			!strings.Contains(page, "paused: no new events") || !strings.Contains(page, "when resumed") || !strings.Contains(page, `action="`+path+`/resume"`) {
			t.Fatalf("a paused webhook's pages do not say so:\n%s\n%s", list, page)
		}

		// Resume from its page: back there; the waiting deliveries are due now.
		if status, to := postTo(path+"/resume", member.form()); status != http.StatusSeeOther || !strings.HasPrefix(to, path+"?flash=") {
			t.Fatalf("resume: %d to %s", status, to)
		}
		if !stored().Active {
			t.Fatal("still paused after the resume")
		}
		for _, d := range pending() {
			if d.NextAttemptAt == nil || !d.NextAttemptAt.Equal(today) || d.Attempts != 0 {
				t.Fatalf("delivery %d after the resume: %+v", d.ID, d)
			}
		}

		// Another workspace's webhook: not found, and untouched.
		other, err := s.EnsureWorkspace(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := s.CreateWebhook(ctx, testBox{}, store.Webhook{WorkspaceID: other.ID, URL: "https://other.example.com/", Events: []string{"transaction.created"}}, "whsec_other")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			action string
			form   []string
		}{{"edit", []string{"url", "https://evil.example.com/", "events", "transaction.updated"}}, {"pause", nil}, {"resume", nil}} {
			if status, _ := member.post("/webhooks/"+theirs.ID+"/"+c.action, member.form(c.form...)); status != http.StatusNotFound {
				t.Errorf("%s another workspace's webhook: %d, want 404", c.action, status)
			}
		}
		if w, err := s.Webhook(ctx, other.ID, theirs.ID); err != nil || w.URL != "https://other.example.com/" || !w.Active {
			t.Fatalf("another workspace's webhook: %+v %v", w, err)
		}
	})
}

// An export walks every page of the store, not the first one: 2,500 more
// transactions make three store pages of the export's 1,000 rows.
func TestExportWalksEveryPage(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		const extra = 2500
		batch := make([]store.TxWrite, extra)
		for i := range batch {
			batch[i] = store.TxWrite{Tx: model.Transaction{ConnectionID: e.conn.ID, Network: "amazon", SourceKey: fmt.Sprintf("s:bulk-%d", i),
				Program: "amazon.com", Channel: "store-20", Customs: []string{fmt.Sprintf("bulk-%d", i)}, Status: model.StatusPending,
				NetworkStatus: "shipped", Currency: "USD", SaleAmount: 1000, Commission: 40, Quantity: 1,
				SoldAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}, Group: fmt.Sprintf("s:bulk-%d", i), Reason: "shipped", Source: "test"}
		}
		if _, err := s.UpsertTransactions(ctx, e.ws.ID, batch); err != nil {
			t.Fatal(err)
		}
		total, err := s.CountTransactions(ctx, e.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := e.login("reader@example.com").http.Get(e.url + "/transactions/export?format=csv")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		table, err := csv.NewReader(resp.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, row := range table[1:] {
			ids[row[0]] = true
		}
		if len(table)-1 != total || len(ids) != total {
			t.Fatalf("export: %d rows, %d distinct, want the workspace's %d transactions", len(table)-1, len(ids), total)
		}
	})
}

// TestConnectionCurrencyForm: the add-connection form refuses a marketplace
// that contradicts the currency given, with the reason, and stores nothing;
// a currency alone picks its marketplace.
func TestConnectionCurrencyForm(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin := e.login("admin@example.com")
		before, err := s.Connections(ctx, e.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		status, page := admin.post("/connections", admin.form("connector", "import", "store_id", "s-21", "currency", "gbp", "marketplace", "www.amazon.com"))
		if status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(page),
			"marketplace www.amazon.com sells in USD, not in the currency given, GBP: give currency USD, or give the marketplace that sells in GBP (www.amazon.co.uk) or leave it out") {
			t.Fatalf("contradiction: %d\n%s", status, page)
		}
		if after, _ := s.Connections(ctx, e.ws.ID); len(after) != len(before) {
			t.Fatal("a refused form stored a connection")
		}
		if status, _ := admin.post("/connections", admin.form("connector", "import", "store_id", "s-21", "currency", "GBP")); status != http.StatusSeeOther {
			t.Fatalf("currency alone: %d", status)
		}
		after, _ := s.Connections(ctx, e.ws.ID)
		if len(after) != len(before)+1 {
			t.Fatalf("%d connections", len(after))
		}
		for _, c := range after {
			if c.Settings["store_id"] == "s-21" && (c.Currency != "GBP" || c.Settings["marketplace"] != "www.amazon.co.uk") {
				t.Fatalf("stored %s %v", c.Currency, c.Settings)
			}
		}
	})
}

// TestAggregatePaging walks the revenues and clicks pages grouped by custom
// through their next-page links: every group once, in key order, and the
// export holds them all.
func TestAggregatePaging(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		const n = aggregatePageSize + 7
		d := day("2025-06-01")
		var revs []model.Revenue
		var clicks []model.Click
		for i := range n {
			c := "pg-" + itoa(int64(1000+i))
			revs = append(revs, model.Revenue{Date: d, Channel: "store-20", Program: "amazon.com", Custom: c, Currency: "USD", Kind: "cps", Commission: 1})
			clicks = append(clicks, model.Click{Date: d, Channel: "store-20", Program: "amazon.com", Custom: c, Clicks: 1})
		}
		if err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.ReplaceRevenues(ctx, e.ws.ID, e.conn.ID, []time.Time{d}, revs); err != nil {
				return err
			}
			return tx.ReplaceClicks(ctx, e.ws.ID, e.conn.ID, []time.Time{d}, clicks)
		}); err != nil {
			t.Fatal(err)
		}
		reader := e.login("reader@example.com")
		item := regexp.MustCompile(`<tr><td>(pg-\d+)</td>`)
		for _, section := range []string{"revenues", "clicks"} {
			var seen []string
			pages := 0
			for path := "/" + section + "?group_by=custom&since=2025-06-01&until=2025-06-01"; path != ""; pages++ {
				status, body := reader.get(path)
				if status != http.StatusOK {
					t.Fatalf("%s: %d", path, status)
				}
				items := item.FindAllStringSubmatch(body, -1)
				if len(items) == 0 || len(items) > aggregatePageSize {
					t.Fatalf("%s: %d rows on a page", path, len(items))
				}
				for _, m := range items {
					seen = append(seen, m[1])
				}
				path = ""
				if m := nextPage.FindStringSubmatch(body); m != nil {
					path = html.UnescapeString(m[1])
				}
			}
			if pages != 2 || len(seen) != n || !slices.IsSorted(seen) || len(slices.Compact(slices.Clone(seen))) != n {
				t.Fatalf("%s: %d pages, %d groups", section, pages, len(seen))
			}
			status, body := reader.get("/" + section + "/export?group_by=custom&since=2025-06-01&until=2025-06-01&format=csv")
			recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if status != http.StatusOK || err != nil || len(recs) != n+1 {
				t.Fatalf("%s export: %d, %d records, %v", section, status, len(recs), err)
			}
		}
	})
}

// TestExportGuardsFormulas: the dashboard's CSV writes a would-be formula
// as text and a negative amount as a number, cell for cell as the API's
// export does (internal/api TestExportGuardsFormulas: both use cellsafe).
func TestExportGuardsFormulas(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		if _, err := s.UpsertTransactions(ctx, e.ws.ID, []store.TxWrite{{Tx: model.Transaction{
			ConnectionID: e.conn.ID, Network: "amazon", SourceKey: "x:evil", Program: "amazon.com", Channel: "@store-21",
			Customs: []string{`=HYPERLINK("http://evil.example")`, "user-1"}, Status: model.StatusDeclined, NetworkStatus: "-1+cmd|' /C calc'!A0",
			Currency: "USD", SaleAmount: -2999, Commission: -120, Quantity: -1, SoldAt: day("2025-03-01"),
		}}}); err != nil {
			t.Fatal(err)
		}
		status, body := e.login("reader@example.com").get("/transactions/export?channel=%40store-21&format=csv")
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if status != http.StatusOK || err != nil || len(recs) != 2 {
			t.Fatalf("export: %d, %d records, %v", status, len(recs), err)
		}
		row := map[string]string{}
		for i, col := range recs[0] {
			row[col] = recs[1][i]
		}
		for col, want := range map[string]string{
			"customs": `'=HYPERLINK("http://evil.example");user-1`, "channel": "'@store-21", "network_status": "'-1+cmd|' /C calc'!A0",
			"sale_amount": "-29.99", "commission": "-1.20", "quantity": "-1",
		} {
			if row[col] != want {
				t.Errorf("%s = %q, want %q", col, row[col], want)
			}
		}
	})
}
