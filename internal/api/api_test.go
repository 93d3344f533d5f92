package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

var ctx = context.Background()

// env is a running API over a real store, with two workspaces.
type env struct {
	t      *testing.T
	s      *store.Store
	srv    *api.Server
	url    string
	a, b   tenant
	client *http.Client
}

type tenant struct {
	ws        store.Workspace
	conn      store.Connection
	readKey   string
	writeKey  string
	firstTxID string
}

func newEnv(t *testing.T, s *store.Store) *env {
	return newEnvWith(t, s, api.Config{})
}

// newEnvWith is newEnv with a config (its Store is set here).
func newEnvWith(t *testing.T, s *store.Store, cfg api.Config) *env {
	cfg.Store = s
	srv := api.New(cfg)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.Close() })
	e := &env{t: t, s: s, srv: srv, url: ts.URL, client: ts.Client()}
	e.a, e.b = e.tenant("a"), e.tenant("b")
	return e
}

func (e *env) tenant(name string) tenant {
	t := e.t
	ws, err := e.s.EnsureWorkspace(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := e.s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	key := func(scope string) string {
		plain, prefix, hash, err := secret.NewAPIKey()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.CreateAPIKey(ctx, ws.ID, name+"-"+scope, scope, prefix, hash); err != nil {
			t.Fatal(err)
		}
		return plain
	}
	tn := tenant{ws: ws, conn: conn, readKey: key("read"), writeKey: key("write")}
	if _, err := e.s.UpsertTransactions(ctx, ws.ID, txs(conn, 0, 5)); err != nil {
		t.Fatal(err)
	}
	tn.firstTxID = model.TransactionID(conn.ID, "s:u-0")
	return tn
}

func txs(conn store.Connection, from, n int) []store.TxWrite {
	var out []store.TxWrite
	for i := from; i < from+n; i++ {
		direct := true
		out = append(out, store.TxWrite{Tx: model.Transaction{
			ConnectionID: conn.ID, Network: "amazon", SourceKey: fmt.Sprintf("s:u-%d", i), Program: "amazon.com", Channel: "store-20",
			Customs: []string{fmt.Sprintf("u-%d", i)}, Status: model.StatusPending, NetworkStatus: "shipped", Currency: "USD",
			SaleAmount: 5998, Commission: 240, Quantity: 2, SoldAt: time.Date(2026, 10, 2+i%5, 0, 0, 0, 0, time.UTC),
			Items: []model.Item{{SKU: "B0C1234567", Name: "Cable", Category: "Electronics", Seller: "Amazon.com", Price: 2999, Quantity: 2,
				SaleAmount: 5998, Commission: 240, Rate: 400, Device: "DESKTOP", LinkType: "Text", Direct: &direct}},
		}})
	}
	return out
}

// do sends a request and decodes the JSON answer into out (if not nil).
func (e *env) do(method, path, key string, body string, out any) int {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		e.t.Fatalf("%s %s: content type %q", method, path, ct)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return res.StatusCode
}

type apiError struct {
	Error struct{ Code, Message string } `json:"error"`
}

type txPage struct {
	Data       []api.Transaction `json:"data"`
	NextCursor *string           `json:"next_cursor"`
}

func TestAuthAndErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		for _, tc := range []struct {
			name, method, path, key, body string
			status                        int
			code                          string
		}{
			{"no key", "GET", "/v1/transactions", "", "", 401, "unauthorized"},
			{"wrong key", "GET", "/v1/transactions", "afs_wrong", "", 401, "unauthorized"},
			{"read key on write route", "POST", "/v1/inquiries", e.a.readKey, `{"custom":"u-1","order_date":"2026-10-01","expected_amount":"1.00"}`, 403, "forbidden"},
			{"other workspace's transaction", "GET", "/v1/transactions/" + e.b.firstTxID, e.a.readKey, "", 404, "not_found"},
			{"missing transaction", "GET", "/v1/transactions/tx_nope", e.a.readKey, "", 404, "not_found"},
			{"limit too large", "GET", "/v1/transactions?limit=1001", e.a.readKey, "", 400, "bad_request"},
			{"bad since", "GET", "/v1/transactions?since=yesterday", e.a.readKey, "", 400, "bad_request"},
			{"bad status", "GET", "/v1/transactions?status=paid", e.a.readKey, "", 400, "bad_request"},
			{"bad time type", "GET", "/v1/transactions?time_type=shipped", e.a.readKey, "", 400, "bad_request"},
			{"unknown parameter", "GET", "/v1/transactions?costum=u-1", e.a.readKey, "", 400, "bad_request"},
			{"bad cursor", "GET", "/v1/transactions?cursor=zzz", e.a.readKey, "", 400, "bad_request"},
			{"bad body", "POST", "/v1/inquiries", e.a.writeKey, `{"custom":"u-1","order_date":"someday","expected_amount":"1.00"}`, 400, "bad_request"},
			{"unknown endpoint", "GET", "/v1/nothing", e.a.readKey, "", 404, "not_found"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var got apiError
				if status := e.do(tc.method, tc.path, tc.key, tc.body, &got); status != tc.status || got.Error.Code != tc.code || got.Error.Message == "" {
					t.Fatalf("%d %+v, want %d %s", status, got, tc.status, tc.code)
				}
			})
		}
		var health client.Health
		if status := e.do("GET", "/healthz", "", "", &health); status != 200 || health.Status != "ok" || health.Rates.LastRefresh != nil {
			t.Fatalf("healthz: %d %v", status, health)
		}
		var in api.Inquiry
		if status := e.do("POST", "/v1/inquiries", e.a.writeKey, `{"custom":"u-9","order_date":"2026-10-01","expected_amount":"12.34","note":"missing"}`, &in); status != 201 || in.Status != "open" || in.ExpectedAmount != "12.34" {
			t.Fatalf("create inquiry: %d %+v", status, in)
		}
		var ins struct{ Data []api.Inquiry }
		e.do("GET", "/v1/inquiries", e.b.readKey, "", &ins)
		if len(ins.Data) != 0 {
			t.Fatalf("b sees a's inquiry: %+v", ins.Data)
		}
	})
}

func TestTransactionsReadAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		var p txPage
		if status := e.do("GET", "/v1/transactions?custom=u-3", "", "", nil); status != 401 {
			t.Fatalf("no key: %d", status)
		}
		e.do("GET", "/v1/transactions?custom=u-3", e.a.readKey, "", &p)
		if len(p.Data) != 1 || p.NextCursor != nil {
			t.Fatalf("custom filter: %+v", p)
		}
		x := p.Data[0]
		if x.SaleAmount != "59.98" || x.Commission != "2.40" || x.Currency != "USD" || x.Quantity != 2 || x.OrderRef != nil ||
			len(x.Items) != 1 || x.Items[0].Rate != "4.00" || x.Items[0].Price != "29.99" || *x.Items[0].Direct != true ||
			x.SoldAt.Format(time.RFC3339) != "2026-10-05T00:00:00Z" {
			t.Fatalf("transaction JSON: %+v", x)
		}
		// The raw JSON has the documented field names and nulls.
		req, _ := http.NewRequest("GET", e.url+"/v1/transactions/"+x.ID, nil)
		req.Header.Set("X-API-Key", e.a.readKey)
		res, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, want := range []string{`"order_ref":null`, `"customs":["u-3"]`, `"paid":false`, `"history":[]`, `"clicked_at":null`, `"network":"amazon"`} {
			if !strings.Contains(string(raw), want) {
				t.Errorf("GET by id lacks %s: %s", want, raw)
			}
		}
		// A change shows up in history and in time_type=updated.
		before := time.Now().UTC()
		change := txs(e.a.conn, 3, 1)
		change[0].Tx.Status, change[0].Tx.Commission = model.StatusConfirmed, 250
		change[0].Reason = "return window passed"
		if _, err := s.UpsertTransactions(ctx, e.a.ws.ID, change); err != nil {
			t.Fatal(err)
		}
		var detail api.TransactionDetail
		e.do("GET", "/v1/transactions/"+x.ID, e.a.readKey, "", &detail)
		if len(detail.History) != 1 || detail.History[0].Reason != "return window passed" || detail.Status != "confirmed" {
			t.Fatalf("history: %+v", detail.History)
		}
		e.do("GET", "/v1/transactions?time_type=updated&since="+before.Add(-time.Millisecond).Format(time.RFC3339Nano), e.a.readKey, "", &p)
		if len(p.Data) != 1 || p.Data[0].ID != x.ID {
			t.Fatalf("updated since: %+v", p.Data)
		}
		for q, want := range map[string]int{
			"since=2026-10-03&until=2026-10-04": 2, "status=confirmed": 1, "status=pending": 4, "channel=store-20": 5,
			"program=amazon.com": 5, "connection_id=" + e.a.conn.ID: 5, "connection_id=" + e.b.conn.ID: 0,
		} {
			e.do("GET", "/v1/transactions?"+q, e.a.readKey, "", &p)
			if len(p.Data) != want {
				t.Errorf("%s: %d rows, want %d", q, len(p.Data), want)
			}
		}
	})
}

// TestPaginationUnderConcurrentWrites pages through the API while a writer
// adds and changes transactions: no row is skipped, none repeated.
func TestPaginationUnderConcurrentWrites(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		if _, err := s.UpsertTransactions(ctx, e.a.ws.ID, txs(e.a.conn, 5, 195)); err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A bounded writer: however fast it runs next to the pages, the
			// rows stay under the key's burst of requests (9 a page).
			for i := 0; i < 150; i++ {
				select {
				case <-stop:
					return
				default:
				}
				batch := append(txs(e.a.conn, 1000+3*i, 3), txs(e.a.conn, i%200, 1)...)
				batch[3].Tx.Commission = int64(1000 + i)
				if _, err := s.UpsertTransactions(ctx, e.a.ws.ID, batch); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		seen := map[string]int{}
		path := "/v1/transactions?limit=9"
		for {
			var p txPage
			if status := e.do("GET", path, e.a.readKey, "", &p); status != 200 {
				t.Fatalf("page: %d", status)
			}
			for _, x := range p.Data {
				seen[x.ID]++
			}
			if p.NextCursor == nil {
				break
			}
			path = "/v1/transactions?limit=9&cursor=" + *p.NextCursor
		}
		close(stop)
		wg.Wait()
		for id, n := range seen {
			if n > 1 {
				t.Fatalf("%s repeated %d times", id, n)
			}
		}
		for i := range 200 {
			if seen[model.TransactionID(e.a.conn.ID, fmt.Sprintf("s:u-%d", i))] != 1 {
				t.Fatalf("u-%d skipped", i)
			}
		}
	})
}
