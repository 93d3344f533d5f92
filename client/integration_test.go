package client_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
	"github.com/affsync/affsync/internal/webhook"
)

// These tests run the real API over a real store (SQLite, and PostgreSQL
// when AFFSYNC_TEST_POSTGRES is set) and talk to it only through the client.

var ctx = context.Background()

// tenant is one workspace as a client app sees it.
type tenant struct {
	ws    store.Workspace
	conn  store.Connection
	read  *client.Client
	write *client.Client
	raw   *recorder // every answer this tenant's clients received
}

type env struct {
	s    *store.Store
	srv  *api.Server
	url  string
	a, b tenant
}

func newEnv(t *testing.T, s *store.Store, cfg api.Config) *env {
	t.Helper()
	cfg.Store = s
	if cfg.Sealer == nil {
		box, err := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Sealer = box
	}
	srv := api.New(cfg)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close() })
	e := &env{s: s, srv: srv, url: ts.URL}
	e.a, e.b = e.tenant(t, "alpha"), e.tenant(t, "beta")
	return e
}

func (e *env) tenant(t *testing.T, name string) tenant {
	t.Helper()
	ws, err := e.s.EnsureWorkspace(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := e.s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: name, Settings: map[string]string{"mode": "subtags"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	key := func(scope string) *client.Client {
		plain, prefix, hash, err := secret.NewAPIKey()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.CreateAPIKey(ctx, ws.ID, name+"-"+scope, scope, prefix, hash); err != nil {
			t.Fatal(err)
		}
		return client.New(e.url, plain, client.WithHTTPClient(&http.Client{Transport: rec}))
	}
	return tenant{ws: ws, conn: conn, read: key(store.ScopeRead), write: key(store.ScopeWrite), raw: rec}
}

// recorder keeps every response body, so a test can look for another
// workspace's data in anything the API answered.
type recorder struct {
	mu     sync.Mutex
	bodies []answer
}

type answer struct{ request, body string }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.bodies = append(r.bodies, answer{req.Method + " " + req.URL.Path, string(b)})
	r.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

func (r *recorder) leaks(markers ...string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, b := range r.bodies {
		for _, m := range markers {
			if strings.Contains(b.body, m) {
				out = append(out, fmt.Sprintf("%q in the answer to %s: %s", m, b.request, b.body))
			}
		}
	}
	return out
}

const earningsHeader = "Earnings report\nProduct Line\tItem\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tReferral Fee Rate\tQuantity\tRevenue\tEarnings\tSub Tag\n"

// earnings is a DataFeed subtags Earnings file of one October 2026 day
// with one shipped item per subtag.
func earnings(tag string, day int, subtags ...string) client.ImportFile {
	var b strings.Builder
	b.WriteString(earningsHeader)
	for _, st := range subtags {
		fmt.Fprintf(&b, "Electronics\tCable\tB0C1234567\tAmazon.com\t%s\tOctober %d, 2026\t29.99\t4.00\t2\t59.98\t2.40\t%s\n", tag, day, st)
	}
	return client.ImportFile{Name: fmt.Sprintf("%s-earnings-report-subtags-202610%02d.tsv", tag, day), Body: strings.NewReader(b.String())}
}

func mustImport(t *testing.T, c *client.Client, connID string, files ...client.ImportFile) client.ImportSummary {
	t.Helper()
	sum, err := c.Import(ctx, connID, files...)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Errors) > 0 {
		t.Fatalf("import rejected: %+v", sum.Errors)
	}
	return sum
}

func collect[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for tx, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tx)
	}
	return out
}

func file(name, body string) client.ImportFile {
	return client.ImportFile{Name: name, Body: strings.NewReader(body)}
}

// TestWorkspaceIsolation: with either of its keys, alpha reads and writes
// through every endpoint of the client, aimed at its own lists and at beta's
// objects by their ids: it never sees a trace of beta's data, and every
// write at beta's objects is refused.
func TestWorkspaceIsolation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, api.Config{})
		b := e.b
		hook, err := b.write.CreateWebhook(ctx, client.NewWebhook{URL: "http://127.0.0.1:9/beta-hook", Events: []string{"transaction.created"}})
		if err != nil {
			t.Fatal(err)
		}
		mustImport(t, e.a.write, e.a.conn.ID, earnings("alpha-20", 2, "a-user-1", "a-user-2"))
		mustImport(t, b.write, b.conn.ID, earnings("beta-20", 2, "b-secret-1"),
			file("beta-payments.csv", "payment_id,paid_on,month,currency,amount,method\nB-PAY-1,2026-12-28,2026-10,USD,12.34,beta-method\n"),
			file("beta-deals.csv", "id,marketplace,title,description,code,url,starts,ends\nB-DEAL-1,www.amazon.com,beta-deal,beta,BETACODE,https://www.amazon.com/deal/b,2026-10-01,2026-10-31\n"))
		bInq, err := b.write.CreateInquiry(ctx, client.NewInquiry{Custom: "b-secret-2", OrderDate: "2026-10-01", ExpectedAmount: "1.00"})
		if err != nil {
			t.Fatal(err)
		}
		bKey, err := b.write.CreateAPIKey(ctx, client.NewAPIKey{Name: "beta-extra"})
		if err != nil {
			t.Fatal(err)
		}
		bLink, err := b.write.CreateLink(ctx, client.NewLink{URL: "https://www.amazon.com/dp/B0C1234567", Channel: "beta-20", Custom: "b-secret-3",
			UniquePerClick: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetProgramStatus(ctx, b.ws.ID, b.conn.ID, "amazon.com", "active", "beta-synced"); err != nil {
			t.Fatal(err)
		}
		bTx := collect(t, b.read.AllTransactions(ctx, client.TransactionQuery{}))
		deliveries, err := b.read.Deliveries(ctx, hook.ID, 0, "")
		if len(bTx) != 1 || err != nil || len(deliveries.Data) != 1 {
			t.Fatalf("beta's own data: %d transactions, %v deliveries %v", len(bTx), deliveries, err)
		}
		if p, err := b.read.Payments(ctx, client.PageQuery{}); err != nil || len(p.Data) != 1 {
			t.Fatalf("beta's payments: %+v %v", p, err)
		}
		if p, err := b.read.Deals(ctx, client.PageQuery{}); err != nil || len(p.Data) != 1 {
			t.Fatalf("beta's deals: %+v %v", p, err)
		}
		markers := []string{b.ws.ID, b.conn.ID, "beta-", "b-secret", "B-PAY", "B-DEAL", "BETACODE", bTx[0].ID, bInq.ID, hook.ID, bKey.ID, bKey.Prefix, bLink.ID, bLink.Code}

		// Everything alpha may read, read with both of alpha's keys.
		for _, c := range []*client.Client{e.a.read, e.a.write} {
			if got := collect(t, c.AllTransactions(ctx, client.TransactionQuery{})); len(got) != 2 {
				t.Fatalf("alpha sees %d transactions, want its 2", len(got))
			}
			for _, q := range []client.TransactionQuery{{Custom: "b-secret-1"}, {ConnectionID: b.conn.ID}, {Channel: "beta-20"}} {
				if got := collect(t, c.AllTransactions(ctx, q)); len(got) != 0 {
					t.Fatalf("filter %+v crossed workspaces: %+v", q, got)
				}
			}
			lists := map[string]func() error{
				"revenues": func() error {
					_, err := c.Revenues(ctx, client.AggregateQuery{GroupBy: []string{"day", "channel", "program", "custom"}})
					return err
				},
				"clicks": func() error {
					_, err := c.Clicks(ctx, client.AggregateQuery{GroupBy: []string{"day", "channel", "program", "custom"}})
					return err
				},
				"channels":    func() error { _, err := c.Channels(ctx); return err },
				"programs":    func() error { _, err := c.Programs(ctx); return err },
				"connections": func() error { _, err := c.Connections(ctx); return err },
				"inquiries":   func() error { _, err := c.Inquiries(ctx, client.InquiryQuery{}); return err },
				"payments":    func() error { _, err := c.Payments(ctx, client.PageQuery{}); return err },
				"deals":       func() error { _, err := c.Deals(ctx, client.PageQuery{}); return err },
				"webhooks":    func() error { _, err := c.Webhooks(ctx); return err },
				"apikeys":     func() error { _, err := c.APIKeys(ctx); return err },
				"links":       func() error { _, err := c.Links(ctx, client.LinkQuery{}); return err },
			}
			for name, f := range lists {
				if err := f(); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			byID := map[string]func() error{
				"transaction":     func() error { _, err := c.Transaction(ctx, bTx[0].ID); return err },
				"runs":            func() error { _, err := c.Runs(ctx, b.conn.ID, 0); return err },
				"inquiry":         func() error { _, err := c.Inquiry(ctx, bInq.ID); return err },
				"deliveries":      func() error { _, err := c.Deliveries(ctx, hook.ID, 0, ""); return err },
				"program history": func() error { _, err := c.ProgramHistory(ctx, b.conn.ID, "amazon.com"); return err },
				"link":            func() error { _, err := c.Link(ctx, bLink.ID); return err },
			}
			for name, f := range byID {
				if err := f(); !client.IsStatus(err, http.StatusNotFound) {
					t.Errorf("%s of beta's with alpha's key: %v, want 404", name, err)
				}
			}
		}

		// Writes aimed at beta's objects with alpha's write key.
		w := e.a.write
		writes := map[string]struct {
			call   func() error
			status int
		}{
			"sync":           {func() error { return w.SyncConnection(ctx, b.conn.ID) }, 404},
			"accept inquiry": {func() error { _, err := w.AcceptInquiry(ctx, bInq.ID, "alpha"); return err }, 404},
			"reject inquiry": {func() error { _, err := w.RejectInquiry(ctx, bInq.ID, "alpha"); return err }, 404},
			"revoke key":     {func() error { return w.RevokeAPIKey(ctx, bKey.ID) }, 404},
			"delete webhook": {func() error { return w.DeleteWebhook(ctx, hook.ID) }, 404},
			"update webhook": {func() error {
				_, err := w.UpdateWebhook(ctx, hook.ID, client.WebhookUpdate{URL: ptr("http://127.0.0.1:9/alpha-hook"), Active: ptr(false)})
				return err
			}, 404},
			"redeliver": {func() error { _, err := w.Redeliver(ctx, hook.ID, deliveries.Data[0].ID); return err }, 404},
			"import":    {func() error { _, err := w.Import(ctx, b.conn.ID, earnings("beta-20", 3, "a-into-b")); return err }, 400},
			"inquiry on beta's connection": {func() error {
				_, err := w.CreateInquiry(ctx, client.NewInquiry{ConnectionID: b.conn.ID, Custom: "x", OrderDate: "2026-10-01", ExpectedAmount: "1.00"})
				return err
			}, 400},
		}
		for name, wr := range writes {
			if err := wr.call(); !client.IsStatus(err, wr.status) {
				t.Errorf("%s: %v, want %d", name, err, wr.status)
			}
		}

		// Beta's data is as it was.
		if got := collect(t, b.read.AllTransactions(ctx, client.TransactionQuery{})); len(got) != 1 {
			t.Fatalf("alpha's writes reached beta: %d transactions", len(got))
		}
		if in, err := b.read.Inquiry(ctx, bInq.ID); err != nil || in.Status != "open" {
			t.Fatalf("beta's inquiry: %+v %v", in, err)
		}
		if keys, err := b.read.APIKeys(ctx); err != nil || len(keys) != 3 || slices.ContainsFunc(keys, func(k client.APIKey) bool { return k.RevokedAt != nil }) {
			t.Fatalf("beta's keys: %+v %v", keys, err)
		}
		if hooks, err := b.read.Webhooks(ctx); err != nil || len(hooks) != 1 || hooks[0].URL != hook.URL || !hooks[0].Active {
			t.Fatalf("beta's webhooks: %+v %v", hooks, err)
		}
		if leaks := e.a.raw.leaks(markers...); len(leaks) > 0 {
			t.Fatalf("alpha's answers hold beta's data:\n%s", strings.Join(leaks, "\n"))
		}
		// The check is not blind: beta's own answers hold every marker but
		// its workspace id, which no answer shows.
		for _, m := range markers[1:] {
			if len(b.raw.leaks(m)) == 0 {
				t.Errorf("marker %q never seen even by beta", m)
			}
		}
	})
}

func TestErrorAnswers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, api.Config{})
		noKey := client.New(e.url, "")
		wrongKey := client.New(e.url, "ak_not-a-key")
		cases := []struct {
			name   string
			call   func() error
			status int
			code   string
		}{
			{"no key", func() error { _, err := noKey.Transactions(ctx, client.TransactionQuery{}); return err }, 401, "unauthorized"},
			{"wrong key", func() error { _, err := wrongKey.Transactions(ctx, client.TransactionQuery{}); return err }, 401, "unauthorized"},
			{"read key writes", func() error {
				_, err := e.a.read.CreateInquiry(ctx, client.NewInquiry{Custom: "x", OrderDate: "2026-10-01", ExpectedAmount: "1"})
				return err
			}, 403, "forbidden"},
			{"unknown transaction", func() error { _, err := e.a.read.Transaction(ctx, "tx_nope"); return err }, 404, "not_found"},
			{"limit too large", func() error { _, err := e.a.read.Transactions(ctx, client.TransactionQuery{Limit: 5000}); return err }, 400, "bad_request"},
			{"bad date", func() error {
				_, err := e.a.read.Transactions(ctx, client.TransactionQuery{Since: "yesterday"})
				return err
			}, 400, "bad_request"},
			{"bad cursor", func() error { _, err := e.a.read.Transactions(ctx, client.TransactionQuery{Cursor: "zzz"}); return err }, 400, "bad_request"},
			{"bad group", func() error {
				_, err := e.a.read.Revenues(ctx, client.AggregateQuery{GroupBy: []string{"month"}})
				return err
			}, 400, "bad_request"},
			{"revenues by source", func() error {
				_, err := e.a.read.Revenues(ctx, client.AggregateQuery{GroupBy: []string{"source"}})
				return err
			}, 400, "bad_request"},
			{"bad click source", func() error { _, err := e.a.read.Clicks(ctx, client.AggregateQuery{Source: "tv"}); return err }, 400, "bad_request"},
		}
		for _, c := range cases {
			err := c.call()
			var ae *client.Error
			if !errors.As(err, &ae) || ae.Status != c.status || ae.Code != c.code || ae.Message == "" {
				t.Errorf("%s: %v, want %d %s with a message", c.name, err, c.status, c.code)
			}
		}
	})
}

// TestPagingWhileImporting pages through the transactions, a few at a
// time, while imports add rows and change existing ones between pages.
// Ordered by first storage (sold), no row is seen twice and every row that
// existed before paging began is seen. Ordered by last change (updated), a
// row that changed is seen again with its new state, and the last state seen
// of every row is its state at the end.
func TestPagingWhileImporting(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		for _, timeType := range []string{"sold", "updated"} {
			e := newEnv(t, s, api.Config{})
			conn := e.a.conn.ID
			if timeType == "updated" {
				conn = e.b.conn.ID // a fresh connection per ordering
				e.a = e.b
			}
			for day := 1; day <= 6; day++ {
				mustImport(t, e.a.write, conn, earnings("alpha-20", day, subtags("before", day, 20)...))
			}
			var before []string
			for _, tx := range collect(t, e.a.read.AllTransactions(ctx, client.TransactionQuery{})) {
				before = append(before, tx.ID)
			}
			if len(before) != 120 {
				t.Fatalf("%d transactions before paging, want 120", len(before))
			}

			// Between pages: a new day's file, then a re-issue of an old
			// day with one more item on each of its subtags (an update).
			changes := []client.ImportFile{}
			for day := 7; day <= 12; day++ {
				changes = append(changes, earnings("alpha-20", day, subtags("during", day, 15)...))
				old := earnings("alpha-20", day-6, append(subtags("before", day-6, 20), subtags("before", day-6, 20)...)...)
				changes = append(changes, old)
			}
			seen := map[string]int{}
			last := map[string]client.Transaction{}
			q := client.TransactionQuery{Limit: 7, TimeType: timeType}
			for {
				p, err := e.a.read.Transactions(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, tx := range p.Data {
					seen[tx.ID]++
					last[tx.ID] = tx
				}
				if len(changes) > 0 {
					mustImport(t, e.a.write, conn, changes[0])
					changes = changes[1:]
				}
				if p.NextCursor == nil {
					break
				}
				q.Cursor = *p.NextCursor
			}
			if len(changes) > 0 {
				t.Fatalf("paging ended before the imports: %d left", len(changes))
			}
			for _, id := range before {
				if seen[id] == 0 {
					t.Errorf("time_type=%s: %s skipped", timeType, id)
				}
			}
			switch timeType {
			case "sold":
				for id, n := range seen {
					if n > 1 {
						t.Errorf("time_type=sold: %s seen %d times", id, n)
					}
				}
			case "updated":
				final := collect(t, e.a.read.AllTransactions(ctx, client.TransactionQuery{}))
				if len(final) != len(last) {
					t.Errorf("time_type=updated saw %d rows, the store holds %d", len(last), len(final))
				}
				for _, tx := range final {
					if got := last[tx.ID]; got.Quantity != tx.Quantity || !got.UpdatedAt.Equal(tx.UpdatedAt) {
						t.Errorf("time_type=updated: last seen %s with quantity %d, it ends with %d", tx.ID, got.Quantity, tx.Quantity)
					}
				}
			}
		}
	})
}

func subtags(prefix string, day, n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("%s-%d-%d", prefix, day, i))
	}
	return out
}

// TestUpdatedSince: time_type=updated with since returns exactly the rows
// that changed after that instant, which is how an app pulls incrementally.
func TestUpdatedSince(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, api.Config{})
		for day := 1; day <= 3; day++ {
			mustImport(t, e.a.write, e.a.conn.ID, earnings("alpha-20", day, subtags("u", day, 10)...))
		}
		var mark time.Time
		for _, tx := range collect(t, e.a.read.AllTransactions(ctx, client.TransactionQuery{})) {
			if tx.UpdatedAt.After(mark) {
				mark = tx.UpdatedAt
			}
		}
		since := mark.Add(time.Microsecond).Format(time.RFC3339Nano)

		// Day 2 re-issued: subtags 0 and 1 get a second item; the rest is as it was.
		reissue := subtags("u", 2, 10)
		reissue = append(reissue, "u-2-0", "u-2-1")
		sum := mustImport(t, e.a.write, e.a.conn.ID, earnings("alpha-20", 2, reissue...))
		if sum.Transactions.Updated != 2 {
			t.Fatalf("re-issue: %+v", sum.Transactions)
		}
		got := collect(t, e.a.read.AllTransactions(ctx, client.TransactionQuery{TimeType: "updated", Since: since}))
		var customs []string
		for _, tx := range got {
			customs = append(customs, strings.Join(tx.Customs, ","))
		}
		slices.Sort(customs)
		if want := []string{"u-2-0", "u-2-1"}; !slices.Equal(customs, want) {
			t.Fatalf("updated since %s: %v, want %v", since, customs, want)
		}
		for _, tx := range got {
			if tx.Quantity != 4 {
				t.Errorf("%v: quantity %d, want 4", tx.Customs, tx.Quantity)
			}
		}
	})
}

// TestRateLimited: a key that spends its budget gets 429 with Retry-After,
// while another key of the same workspace goes on.
func TestRateLimited(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		var clock atomic.Int64 // the server's clock, moved by the test
		clock.Store(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC).UnixNano())
		now := func() time.Time { return time.Unix(0, clock.Load()) }
		e := newEnv(t, s, api.Config{RateLimit: api.RateLimit{PerSecond: 1, Burst: 3}, Now: now})
		for i := range 3 {
			if _, err := e.a.read.Channels(ctx); err != nil {
				t.Fatalf("request %d of a budget of 3: %v", i+1, err)
			}
		}
		_, err := e.a.read.Channels(ctx)
		var ae *client.Error
		if !errors.As(err, &ae) || ae.Status != 429 || ae.Code != "rate_limited" || ae.RetryAfter == "" {
			t.Fatalf("the 4th request: %v, want 429 rate_limited with Retry-After", err)
		}
		if _, err := e.a.write.Channels(ctx); err != nil {
			t.Fatalf("another key: %v", err)
		}
		clock.Add(int64(time.Second)) // one more request's worth of budget
		if _, err := e.a.read.Channels(ctx); err != nil {
			t.Fatalf("after a second: %v", err)
		}
	})
}

// TestWebhookThroughTheAPI: a webhook made through the client receives the
// transaction.created events of an import, signed as the README says; a
// receiver that fails is retried, and the delivery log shows both attempts.
func TestWebhookThroughTheAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, api.Config{})
		var (
			mu       sync.Mutex
			failNext = true
			got      []client.Event
		)
		var secretKey string
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			defer mu.Unlock()
			if failNext {
				failNext = false
				http.Error(w, "down for a moment", http.StatusInternalServerError)
				return
			}
			// The README's recipe: HMAC-SHA256 over "<t>.<body>" with the
			// webhook's secret, hex, in Affsync-Signature: t=…,v1=….
			var ts, v1 string
			for _, part := range strings.Split(r.Header.Get("Affsync-Signature"), ",") {
				k, v, _ := strings.Cut(part, "=")
				switch k {
				case "t":
					ts = v
				case "v1":
					v1 = v
				}
			}
			mac := hmac.New(sha256.New, []byte(secretKey))
			mac.Write([]byte(ts + "." + string(body)))
			if !hmac.Equal([]byte(hex.EncodeToString(mac.Sum(nil))), []byte(v1)) {
				http.Error(w, "bad signature", http.StatusUnauthorized)
				return
			}
			var ev client.Event
			if err := json.Unmarshal(body, &ev); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			got = append(got, ev)
		}))
		defer receiver.Close()

		hook, err := e.a.write.CreateWebhook(ctx, client.NewWebhook{URL: receiver.URL + "/hook", Events: []string{"transaction.created"}})
		if err != nil {
			t.Fatal(err)
		}
		secretKey = hook.Secret
		if secretKey == "" {
			t.Fatal("the secret is not in the answer that made the webhook")
		}
		mustImport(t, e.a.write, e.a.conn.ID, earnings("alpha-20", 2, "hook-user"))

		var clock atomic.Int64
		clock.Store(time.Now().UnixNano())
		box, _ := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
		d := &webhook.Dispatcher{Store: s, Sealer: box, Owner: "test", Now: func() time.Time { return time.Unix(0, clock.Load()) },
			Jitter: func() float64 { return 0.5 }}
		if n, err := d.DeliverDue(ctx); err != nil || n != 1 {
			t.Fatalf("first round: %d sent, %v", n, err)
		}
		if n, _ := d.DeliverDue(ctx); n != 0 {
			t.Fatalf("retried at once: %d", n)
		}
		clock.Add(int64(2 * time.Minute)) // past the first backoff
		if n, err := d.DeliverDue(ctx); err != nil || n != 1 {
			t.Fatalf("retry: %d sent, %v", n, err)
		}
		mu.Lock()
		if len(got) != 1 || got[0].Type != "transaction.created" || got[0].Data.Transaction.Customs[0] != "hook-user" ||
			got[0].Data.Transaction.Commission != "2.40" {
			t.Fatalf("received: %+v", got)
		}
		mu.Unlock()
		log, err := e.a.read.Deliveries(ctx, hook.ID, 0, "")
		if err != nil || len(log.Data) != 1 {
			t.Fatalf("delivery log: %+v %v", log, err)
		}
		if dl := log.Data[0]; dl.Status != "delivered" || len(dl.Attempts) != 2 || dl.Attempts[0].StatusCode != 500 || dl.Attempts[1].StatusCode != 200 {
			t.Fatalf("delivery: %+v", dl)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestWebhookEditAndPause: PATCH moves a webhook and changes its events; a
// paused webhook gets no new events and holds the queued ones, which go out
// when it is resumed.
func TestWebhookEditAndPause(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, api.Config{})
		var (
			mu  sync.Mutex
			got []string // path and custom of each delivery received
		)
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var ev client.Event
			if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			mu.Lock()
			got = append(got, r.URL.Path+" "+ev.Data.Transaction.Customs[0])
			mu.Unlock()
		}))
		defer receiver.Close()
		received := func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(got) }
		box, _ := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
		d := &webhook.Dispatcher{Store: s, Sealer: box, Owner: "test"}
		deliver := func(want int) {
			t.Helper()
			if n, err := d.DeliverDue(ctx); err != nil || n != want {
				t.Fatalf("sent %d (%v), want %d", n, err, want)
			}
		}

		hook, err := e.a.write.CreateWebhook(ctx, client.NewWebhook{URL: receiver.URL + "/old", Events: []string{"transaction.updated"}})
		if err != nil {
			t.Fatal(err)
		}
		edited, err := e.a.write.UpdateWebhook(ctx, hook.ID, client.WebhookUpdate{URL: ptr(receiver.URL + "/new"),
			Events: &[]string{"transaction.created"}, Description: ptr("edited")})
		if err != nil || edited.URL != receiver.URL+"/new" || !slices.Equal(edited.Events, []string{"transaction.created"}) ||
			edited.Description != "edited" || !edited.Active || edited.Secret != "" || edited.ID != hook.ID {
			t.Fatalf("edit: %+v %v", edited, err)
		}
		if list, err := e.a.read.Webhooks(ctx); err != nil || len(list) != 1 || !sameWebhook(list[0], edited) {
			t.Fatalf("the list shows %+v, the edit answered %+v (%v)", list, edited, err)
		}

		// Queued before the pause: held while paused, sent on the resume.
		mustImport(t, e.a.write, e.a.conn.ID, earnings("alpha-20", 2, "before-pause"))
		if paused, err := e.a.write.UpdateWebhook(ctx, hook.ID, client.WebhookUpdate{Active: ptr(false)}); err != nil || paused.Active ||
			paused.URL != edited.URL || paused.Description != "edited" {
			t.Fatalf("pause: %+v %v", paused, err)
		}
		mustImport(t, e.a.write, e.a.conn.ID, earnings("alpha-20", 3, "while-paused"))
		deliver(0)
		log, err := e.a.read.Deliveries(ctx, hook.ID, 0, "")
		if err != nil || len(log.Data) != 1 || log.Data[0].Status != "pending" || log.Data[0].NextAttemptAt != nil {
			t.Fatalf("log while paused: %+v %v; want the one from before the pause, unscheduled", log.Data, err)
		}
		if _, err := e.a.write.UpdateWebhook(ctx, hook.ID, client.WebhookUpdate{Active: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		deliver(1)
		mustImport(t, e.a.write, e.a.conn.ID, earnings("alpha-20", 4, "after-resume"))
		deliver(1)
		if r := received(); !slices.Equal(r, []string{"/new before-pause", "/new after-resume"}) {
			t.Fatalf("received %q", r)
		}

		// Refused: checked as on creation, write scope, own workspace only.
		for name, c := range map[string]struct {
			by     *client.Client
			in     client.WebhookUpdate
			status int
		}{
			"plain http elsewhere": {e.a.write, client.WebhookUpdate{URL: ptr("http://example.com/hook")}, 400},
			"no events":            {e.a.write, client.WebhookUpdate{Events: &[]string{}}, 400},
			"unknown event":        {e.a.write, client.WebhookUpdate{Events: &[]string{"transaction.removed"}}, 400},
			"read key":             {e.a.read, client.WebhookUpdate{Active: ptr(false)}, 403},
			"another workspace":    {e.b.write, client.WebhookUpdate{Active: ptr(false)}, 404},
		} {
			if _, err := c.by.UpdateWebhook(ctx, hook.ID, c.in); !client.IsStatus(err, c.status) {
				t.Errorf("%s: %v, want %d", name, err, c.status)
			}
		}
		if list, _ := e.a.read.Webhooks(ctx); len(list) != 1 || list[0].URL != edited.URL || !list[0].Active || len(list[0].Events) != 1 {
			t.Fatalf("refused updates changed the webhook: %+v", list)
		}
	})
}

func sameWebhook(a, b client.Webhook) bool {
	return a.ID == b.ID && a.URL == b.URL && slices.Equal(a.Events, b.Events) && a.Description == b.Description &&
		a.Active == b.Active && a.CreatedAt.Equal(b.CreatedAt) && a.Secret == b.Secret
}

// TestRedirectCarriesTheAppsCustom: a redirect link made through the client
// mints a subtag per hit and counts the click; the transaction Amazon later
// reports for that subtag carries the app's custom too.
func TestRedirectCarriesTheAppsCustom(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, api.Config{})
		link, err := e.a.write.CreateLink(ctx, client.NewLink{URL: "https://www.amazon.com/Some-Cable/dp/B0C1234567/ref=sr_1_1", Channel: "alpha-20",
			UniquePerClick: true})
		if err != nil {
			t.Fatal(err)
		}
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noFollow.Get(link.URL + "?custom=app-user-7")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		to, err := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || err != nil || to.Query().Get("tag") != "alpha-20" {
			t.Fatalf("redirect: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		subtag := to.Query().Get("ascsubtag")
		if subtag == "" || subtag == "app-user-7" {
			t.Fatalf("minted subtag %q", subtag)
		}
		if err := e.srv.FlushClicks(ctx); err != nil {
			t.Fatal(err)
		}
		clicks := collect(t, e.a.read.AllClicks(ctx, client.AggregateQuery{GroupBy: []string{"custom"}, Custom: "app-user-7"}))
		if len(clicks) != 1 || clicks[0].Clicks != 1 {
			t.Fatalf("clicks of app-user-7: %+v", clicks)
		}
		bySource := collect(t, e.a.read.AllClicks(ctx, client.AggregateQuery{GroupBy: []string{"source"}}))
		if len(bySource) != 1 || bySource[0].Source == nil || *bySource[0].Source != "redirect" || bySource[0].Clicks != 1 {
			t.Fatalf("clicks by source: %+v", bySource)
		}
		if fromReports, err := e.a.read.Clicks(ctx, client.AggregateQuery{Source: "report"}); err != nil || len(fromReports.Data) != 1 || fromReports.Data[0].Clicks != 0 || fromReports.NextCursor != nil {
			t.Fatalf("report clicks: %+v %v", fromReports, err)
		}

		mustImport(t, e.a.write, e.a.conn.ID, earnings("alpha-20", 2, subtag))
		txs := collect(t, e.a.read.AllTransactions(ctx, client.TransactionQuery{Custom: "app-user-7"}))
		if len(txs) != 1 || !slices.Contains(txs[0].Customs, subtag) || !slices.Contains(txs[0].Customs, "app-user-7") {
			t.Fatalf("transactions of app-user-7: %+v", txs)
		}
		// The link counts its hit and finds the sale of its subtag.
		got, err := e.a.read.Link(ctx, link.ID)
		if err != nil || got.Clicks != 1 || got.Customs != 1 || got.LastClickAt == nil || len(got.Sales) != 1 || got.Sales[0].Transactions != 1 {
			t.Fatalf("link: %+v %v", got, err)
		}
		if page, err := e.a.read.Links(ctx, client.LinkQuery{}); err != nil || len(page.Data) != 1 || page.Data[0].Clicks != 1 {
			t.Fatalf("links: %+v %v", page, err)
		}
	})
}

// TestAggregateIterators: AllRevenues and AllClicks follow next_cursor to
// the end, and give what one big page gives.
func TestAggregateIterators(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, api.Config{})
		for day := 1; day <= 3; day++ {
			mustImport(t, e.a.write, e.a.conn.ID, earnings("alpha-20", day, subtags("agg", day, 9)...))
		}
		q := client.AggregateQuery{GroupBy: []string{"custom", "day"}}
		whole, err := e.a.read.Revenues(ctx, client.AggregateQuery{GroupBy: q.GroupBy, Limit: 1000})
		if err != nil || whole.NextCursor != nil || len(whole.Data) != 27 {
			t.Fatalf("one page: %d rows, next %v, %v", len(whole.Data), whole.NextCursor, err)
		}
		q.Limit = 4
		first, err := e.a.read.Revenues(ctx, q)
		if err != nil || len(first.Data) != 4 || first.NextCursor == nil {
			t.Fatalf("first page of 4: %d rows, next %v, %v", len(first.Data), first.NextCursor, err)
		}
		paged := collect(t, e.a.read.AllRevenues(ctx, q))
		if len(paged) != len(whole.Data) {
			t.Fatalf("AllRevenues: %d rows, want %d", len(paged), len(whole.Data))
		}
		for i, r := range paged {
			w := whole.Data[i]
			if *r.Custom != *w.Custom || *r.Date != *w.Date || r.Commission != w.Commission || r.SaleAmount != w.SaleAmount {
				t.Fatalf("row %d: %+v, want %+v", i, r, w)
			}
		}
		clicks := collect(t, e.a.read.AllClicks(ctx, client.AggregateQuery{GroupBy: []string{"day"}, Limit: 1}))
		if len(clicks) != 0 {
			t.Fatalf("clicks of earnings alone: %+v", clicks)
		}
	})
}
