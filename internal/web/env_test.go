package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
)

var ctx = context.Background()

const password = "correct horse battery"

// today is the fixed "now" of the dashboard in tests.
var today = time.Date(2025, 3, 20, 15, 30, 0, 0, time.UTC)

// clock is a settable clock for the server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// env is a workspace with an admin, a member and a read-only user, one
// connection with data, and the dashboard on an httptest server.
type env struct {
	t     *testing.T
	s     *store.Store
	ws    store.Workspace
	conn  store.Connection // a file-import connection with the seed data
	api   store.Connection // a Creators API connection (never contacted in these tests)
	clock *clock
	url   string
}

type testBox struct{}

func (testBox) Seal(p []byte) ([]byte, error) { return append([]byte("sealed:"), p...), nil }
func (testBox) Open(p []byte) ([]byte, error) {
	return []byte(strings.TrimPrefix(string(p), "sealed:")), nil
}

func newEnv(t *testing.T, s *store.Store) *env {
	t.Helper()
	e := &env{t: t, s: s, clock: &clock{t: today}}
	var err error
	if e.ws, err = s.EnsureWorkspace(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	hash, err := secret.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ email, role string }{
		{"admin@example.com", store.RoleAdmin}, {"member@example.com", store.RoleMember}, {"reader@example.com", store.RoleReadOnly},
	} {
		if _, err := s.CreateUser(ctx, e.ws.ID, u.email, hash, u.role); err != nil {
			t.Fatal(err)
		}
	}
	if e.conn, err = s.CreateConnection(ctx, testBox{}, store.Connection{WorkspaceID: e.ws.ID, Network: "amazon", Connector: "import",
		Name: "Amazon store-20", Currency: "USD", Settings: map[string]string{"store_id": "store-20", "mode": "subtags"}}, nil); err != nil {
		t.Fatal(err)
	}
	if e.api, err = s.CreateConnection(ctx, testBox{}, store.Connection{WorkspaceID: e.ws.ID, Network: "amazon", Connector: "creators-subtags",
		Name: "Amazon API", Currency: "USD", Settings: map[string]string{"store_id": "api-20", "credential_id": "cred-1"}},
		map[string]string{"secret": "s3cr3t"}); err != nil {
		t.Fatal(err)
	}
	seed(t, s, e.ws.ID, e.conn)
	srv, err := New(Config{Store: s, Sealer: testBox{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: e.clock.Now,
		PublicURL: "https://go.example.com/"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e.url = ts.URL
	return e
}

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// seed writes a small, fixed data set through the store's own write paths.
func seed(t *testing.T, s *store.Store, ws string, conn store.Connection) {
	t.Helper()
	direct := true
	tx := func(n int, status model.Status, sold string, commission int64) store.TxWrite {
		ref := fmt.Sprintf("111-%07d", n)
		return store.TxWrite{Tx: model.Transaction{ConnectionID: conn.ID, Network: "amazon", SourceKey: fmt.Sprintf("s:sub-%d", n),
			Program: "amazon.com", Channel: []string{"store-20", "blog-20"}[n%2], Customs: []string{fmt.Sprintf("sub-%d", n)}, OrderRef: &ref,
			Status: status, NetworkStatus: "shipped", Currency: "USD", SaleAmount: 2999 * int64(n), Commission: commission, Quantity: int64(n),
			SoldAt: day(sold).Add(time.Duration(n) * time.Hour), Items: []model.Item{{SKU: "B0C123456" + fmt.Sprint(n), Name: "USB-C cable <2 m>",
				Category: "Electronics", Seller: "Amazon.com", Price: 2999, Quantity: int64(n), SaleAmount: 2999 * int64(n), Commission: commission,
				Rate: 400, Device: "DESKTOP", LinkType: "Text", Direct: &direct}}},
			Group: fmt.Sprintf("s:sub-%d", n), Reason: "shipped", Source: fmt.Sprintf("store-20-earnings.tsv:%d", n+2)}
	}
	// A webhook before the transactions, so that they queue its deliveries.
	if _, err := s.CreateWebhook(ctx, testBox{}, store.Webhook{WorkspaceID: ws, URL: "https://hooks.example.com/affsync",
		Events: []string{"transaction.created", "transaction.updated"}, Description: "bookkeeping"}, "whsec_seed"); err != nil {
		t.Fatal(err)
	}
	batch := []store.TxWrite{tx(1, model.StatusPending, "2025-03-10", 120), tx(2, model.StatusPending, "2025-03-11", 240),
		tx(3, model.StatusConfirmed, "2025-03-12", 360), tx(4, model.StatusDeclined, "2025-03-13", 0)}
	if _, err := s.UpsertTransactions(ctx, ws, batch); err != nil {
		t.Fatal(err)
	}
	later := tx(1, model.StatusConfirmed, "2025-03-10", 150) // a change, so sub-1 has a history
	later.Reason, later.Source = "rate corrected", "store-20-earnings-20250315.tsv:3"
	if _, err := s.UpsertTransactions(ctx, ws, []store.TxWrite{later}); err != nil {
		t.Fatal(err)
	}
	err := s.Write(ctx, func(w *store.Tx) error {
		days := []time.Time{day("2025-03-10"), day("2025-03-11"), day("2025-03-12")}
		var revs []model.Revenue
		var clicks []model.Click
		for i, d := range days {
			revs = append(revs, model.Revenue{Date: d, Channel: "store-20", Program: "amazon.com", Custom: fmt.Sprintf("sub-%d", i+1), Currency: "USD",
				Kind: "cps", SaleAmount: int64(2999 * (i + 1)), Commission: int64(120 * (i + 1)), ItemsShipped: int64(i + 1), Transactions: 1})
			clicks = append(clicks, model.Click{Date: d, Channel: "store-20", Program: "amazon.com", Custom: fmt.Sprintf("sub-%d", i+1), Clicks: int64(10 * (i + 1))},
				model.Click{Date: d, Channel: "blog-20", Program: "amazon.com", Clicks: 7})
		}
		revs = append(revs, model.Revenue{Date: days[1], Channel: "blog-20", Program: "amazon.com", Currency: "USD", Kind: "cpc", Commission: 55})
		if err := w.ReplaceRevenues(ctx, ws, conn.ID, days, revs); err != nil {
			return err
		}
		if err := w.ReplaceClicks(ctx, ws, conn.ID, days, clicks); err != nil {
			return err
		}
		if err := w.EnsureChannels(ctx, ws, conn.ID, []string{"store-20", "blog-20"}); err != nil {
			return err
		}
		return w.SetProgramStatus(ctx, ws, conn.ID, "amazon.com", "active", "reports arrive")
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateInquiry(ctx, store.Inquiry{WorkspaceID: ws, Custom: "sub-9", OrderDate: day("2025-03-09"), Currency: "USD",
		ExpectedAmount: 450, Note: "order 111-9 missing"}, today); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateInquiry(ctx, store.Inquiry{WorkspaceID: ws, Custom: "sub-3", OrderDate: day("2025-03-12"), Currency: "USD",
		ExpectedAmount: 360, Note: "matched at once"}, today.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	// One delivery tried once: the receiver answered 500, a retry is due.
	claimed, err := s.ClaimDeliveries(ctx, "seed", time.Now().Add(time.Hour), time.Minute, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim a delivery: %v, %d", err, len(claimed))
	}
	retry := today.Add(time.Hour)
	if _, err := s.RecordAttempt(ctx, store.AttemptResult{Attempt: store.Attempt{At: today, StatusCode: 500, Error: "HTTP 500: receiver down",
		Duration: 120 * time.Millisecond}, DeliveryID: claimed[0].ID, WorkspaceID: ws, Owner: "seed", NextAttemptAt: &retry}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertPayment(ctx, store.Payment{WorkspaceID: ws, ConnectionID: conn.ID, Reference: "PAY-2025-02", PaidOn: day("2025-03-15"),
		PeriodStart: day("2025-02-01"), PeriodEnd: day("2025-02-28"), Currency: "USD", Amount: 123456, Method: "Direct deposit",
		Source: "payments.csv:2"}); err != nil {
		t.Fatal(err)
	}
	starts, ends := day("2025-03-01"), day("2025-03-31")
	if _, _, err := s.UpsertDeal(ctx, store.Deal{WorkspaceID: ws, ConnectionID: conn.ID, Reference: "D-1", Program: "amazon.com", Title: "Spring sale",
		Description: "20% off cables", Code: "SPRING25", URL: "https://www.amazon.com/deals", StartsOn: &starts, EndsOn: &ends,
		Source: "deals.csv:2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLink(ctx, store.Link{WorkspaceID: ws, Code: "SeedLinkCode", URL: "https://www.amazon.com/dp/B0C1234561?tag=store-20",
		Channel: "store-20", Program: "amazon.com", Custom: "newsletter", UniquePerClick: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAPIKey(ctx, ws, "reporting", store.ScopeRead, "afs_Fixed", secret.HashAPIKey("afs_Fixed-key-for-tests")); err != nil {
		t.Fatal(err)
	}
}

// client is a browser-like session: a cookie jar, no redirects followed.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login signs in and keeps the session's CSRF token; it fails the test
// unless the server redirects to the overview.
func (e *env) login(email string) *client {
	e.t.Helper()
	c := e.client()
	if status, _ := c.tryLogin(email, password); status != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d", email, status)
	}
	_, body := c.get("/")
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no CSRF token on the overview:\n%s", body)
	}
	c.csrf = m[1]
	return c
}

func (c *client) tryLogin(email, pw string) (int, string) {
	c.e.t.Helper()
	_, page := c.get("/login")
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		c.e.t.Fatalf("no CSRF token on the login page:\n%s", page)
	}
	return c.post("/login", url.Values{"email": {email}, "password": {pw}, "csrf": {m[1]}})
}

func (c *client) get(path string) (int, string) {
	c.e.t.Helper()
	resp, err := c.http.Get(c.e.url + path)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (c *client) post(path string, form url.Values) (int, string) {
	c.e.t.Helper()
	resp, err := c.http.PostForm(c.e.url+path, form)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// form is a form with this session's CSRF token.
func (c *client) form(kv ...string) url.Values {
	v := url.Values{"csrf": {c.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}
