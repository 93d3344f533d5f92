package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
	"github.com/affsync/affsync/internal/webhook"
	"github.com/affsync/affsync/internal/wire"
)

// TestAppsStayInStep is the property of SPEC §4.2 "Removed transactions":
// whatever sequence of imports arrives (re-issued, overlapping, filtered to
// one tracking ID, out of order, stand-alone returns that later find their
// sale), an app that keeps its copy only through time_type=updated&since=
// and one that keeps it only through webhooks (sent by the real dispatcher)
// both hold exactly the store's transactions, field for field, after every
// import.
func TestAppsStayInStep(t *testing.T) {
	seeds := []uint64{1, 2, 3, 4, 5, 6}
	const steps = 16
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		box, err := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
		if err != nil {
			t.Fatal(err)
		}
		e := newEnvWith(t, s, api.Config{Sealer: box, RateLimit: api.RateLimit{Disabled: true}})
		for _, seed := range seeds {
			w := newSyncWorld(t, e, box, seed)
			rng := rand.New(rand.NewPCG(seed, 99))
			for step := range steps {
				name, body := randomDownload(rng, step)
				sum, err := w.write.Import(ctx, w.conn.ID, client.ImportFile{Name: name, Body: strings.NewReader(body)})
				if err != nil || len(sum.Errors) > 0 {
					t.Fatalf("seed %d step %d: import %s: %v %+v\n%s", seed, step, name, err, sum.Errors, body)
				}
				w.deliver(t)
				w.followFeed(t)
				truth := w.truth(t)
				for app, copy := range map[string]map[string]string{"feed": w.feedApp, "webhooks": w.hookApp.live()} {
					if d := diffCopies(truth, copy); d != "" {
						t.Fatalf("seed %d step %d (%s): the %s app differs from the store: %s", seed, step, name, app, d)
					}
				}
			}
			t.Logf("seed %d: %d transactions, %d removals seen in the feed, %d of them came back", seed, len(w.feedApp), w.deleted, w.comebacks)
			if w.deleted == 0 {
				t.Errorf("seed %d: no transaction was removed, so the property was not exercised", seed)
			}
		}
	})
}

// syncWorld is one workspace with a connection in subtags mode, its two
// apps and the dispatcher that feeds the webhook one.
type syncWorld struct {
	e           *env
	conn        store.Connection
	read, write *client.Client
	hooks       *webhook.Dispatcher
	feedApp     map[string]string // id → the transaction as JSON
	since       string
	hookApp     *hookApp
	deleted     int             // tombstones the feed showed
	gone        map[string]bool // ids the feed saw removed
	comebacks   int             // removed ids that came back later
}

func newSyncWorld(t *testing.T, e *env, box store.Sealer, seed uint64) *syncWorld {
	ws, err := e.s.EnsureWorkspace(ctx, fmt.Sprintf("sync-%d", seed))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := e.s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: "import",
		Settings: map[string]string{"mode": "subtags", "marketplace": "www.amazon.com"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	key := func(scope string) string {
		plain, prefix, hash, err := secret.NewAPIKey()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.CreateAPIKey(ctx, ws.ID, scope, scope, prefix, hash); err != nil {
			t.Fatal(err)
		}
		return plain
	}
	app := &hookApp{secret: "whsec-test", got: map[string]hookEntry{}}
	receiver := httptest.NewServer(app)
	t.Cleanup(receiver.Close)
	if _, err := e.s.CreateWebhook(ctx, box, store.Webhook{WorkspaceID: ws.ID, URL: receiver.URL, Events: wire.EventTypes()}, app.secret); err != nil {
		t.Fatal(err)
	}
	return &syncWorld{e: e, conn: conn, read: client.New(e.url, key("read")), write: client.New(e.url, key("write")),
		hooks: &webhook.Dispatcher{Store: e.s, Sealer: box, Batch: 8}, feedApp: map[string]string{}, hookApp: app, gone: map[string]bool{}}
}

// deliver sends every queued delivery; a batch goes out at once, so the
// receiver sees them in no particular order.
func (w *syncWorld) deliver(t *testing.T) {
	for {
		n, err := w.hooks.DeliverDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// followFeed is the first app: it asks for what changed since the latest
// instant it has seen (inclusive, so nothing committed in that instant is
// missed), page after page, and applies it in order.
func (w *syncWorld) followFeed(t *testing.T) {
	q := client.TransactionQuery{TimeType: "updated", Since: w.since, Limit: 7}
	for x, err := range w.read.AllTransactions(ctx, q) {
		if err != nil {
			t.Fatal(err)
		}
		at := x.UpdatedAt
		if x.Deleted {
			at = *x.DeletedAt
			delete(w.feedApp, x.ID)
			w.deleted++
			w.gone[x.ID] = true
		} else {
			if w.gone[x.ID] {
				w.comebacks++
				delete(w.gone, x.ID)
			}
			w.feedApp[x.ID] = jsonOf(t, x)
		}
		if s := at.Format(time.RFC3339Nano); w.since == "" || at.After(mustTime(t, w.since)) {
			w.since = s
		}
	}
}

// truth is the store's transactions, through the API's plain listing.
func (w *syncWorld) truth(t *testing.T) map[string]string {
	out := map[string]string{}
	for x, err := range w.read.AllTransactions(ctx, client.TransactionQuery{Limit: 1000}) {
		if err != nil {
			t.Fatal(err)
		}
		if x.Deleted {
			t.Fatalf("the plain listing shows the tombstone of %s", x.ID)
		}
		out[x.ID] = jsonOf(t, x)
		if _, err := w.read.Transaction(ctx, x.ID); err != nil {
			t.Fatalf("GET %s: %v", x.ID, err)
		}
	}
	return out
}

// hookApp is the second app: it verifies each delivery's signature and
// keeps, per transaction, the event with the latest instant (deliveries
// may arrive in any order), as client.Event documents.
type hookApp struct {
	secret string
	mu     sync.Mutex
	got    map[string]hookEntry
}

type hookEntry struct {
	at      time.Time
	deleted bool
	json    string
}

func (a *hookApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := webhook.Verify(a.secret, r.Header.Get(webhook.SignatureHeader), body, time.Hour); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var ev client.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	x := ev.Data.Transaction
	entry := hookEntry{at: x.UpdatedAt}
	switch ev.Type {
	case client.EventTransactionDeleted:
		if !x.Deleted || x.DeletedAt == nil {
			http.Error(w, "a deletion without deleted_at", http.StatusBadRequest)
			return
		}
		entry = hookEntry{at: *x.DeletedAt, deleted: true}
	case client.EventTransactionCreated, client.EventTransactionUpdated:
		b, _ := json.Marshal(x)
		entry.json = string(b)
	}
	a.mu.Lock()
	if old, ok := a.got[x.ID]; !ok || !entry.at.Before(old.at) {
		a.got[x.ID] = entry
	}
	a.mu.Unlock()
}

func (a *hookApp) live() map[string]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]string{}
	for id, e := range a.got {
		if !e.deleted {
			out[id] = e.json
		}
	}
	return out
}

func jsonOf(t *testing.T, x client.Transaction) string {
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustTime(t *testing.T, s string) time.Time {
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func diffCopies(want, got map[string]string) string {
	var out []string
	for id, w := range want {
		switch g, ok := got[id]; {
		case !ok:
			out = append(out, "missing "+id)
		case g != w:
			out = append(out, fmt.Sprintf("%s\n  got  %s\n  want %s", id, g, w))
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			out = append(out, "ghost "+id)
		}
	}
	return strings.Join(out, "; ")
}

// randomDownload writes an Associates Central earnings download: a random
// period of 1 to 6 October, filtered to one tracking ID or not, with rows
// of a few subtags and of rows without one (returns among them, so a
// stand-alone return may find its sale in a later file). Periods and
// filters overlap, repeat (a re-issue) and arrive in any order.
func randomDownload(rng *rand.Rand, step int) (string, string) {
	from := 1 + rng.IntN(6)
	to := min(6, from+rng.IntN(3))
	trackings := []string{"store-20", "store-21"}
	if rng.IntN(3) > 0 {
		trackings = trackings[rng.IntN(2):][:1]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Fee-Earnings reports from 10-%02d-2026 to 10-%02d-2026\n", from, to)
	b.WriteString("Category\tName\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice($)\tItems Shipped\tReturns\tRevenue($)\tAd Fees($)\tDevice Type Group\tSub Tag\n")
	for d := from; d <= to; d++ {
		for _, tr := range trackings {
			for range rng.IntN(3) {
				subtag := []string{"u1", "u2", "u3", "", ""}[rng.IntN(5)]
				asin := []string{"B0AAA00001", "B0AAA00002"}[rng.IntN(2)]
				qty, fees := 1+rng.IntN(2), 40+rng.IntN(3)*10
				if rng.IntN(4) == 0 { // a return
					qty, fees = -1, -40
				}
				fmt.Fprintf(&b, "Electronics\tCable\t%s\tAmazon.com\t%s\t2026-10-%02d\t10.00\t%d\t0\t%d.00\t%s\tDESKTOP\t%s\n",
					asin, tr, d, qty, qty*10, cents(fees), subtag)
			}
		}
	}
	return fmt.Sprintf("Fee-Earnings-%d.tsv", step), b.String()
}

func cents(c int) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// TestOutsideAppsStayInStep imports the independent generator's filtered,
// overlapping and re-issued Central downloads (testdata/outside/
// central-filtered, which TestOutsideCheck reconciles to the cent) one
// file at a time; after each, both apps hold exactly the store's
// transactions, and the re-issue's dropped row reached them as a removal.
func TestOutsideAppsStayInStep(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "outside", "central-filtered", "Fee-Earnings-*.csv"))
	if err != nil || len(files) < 5 {
		t.Fatalf("outside fixtures: %v %v (run python3 testdata/outside/gen.py)", files, err)
	}
	sort.Strings(files)
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		box, err := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
		if err != nil {
			t.Fatal(err)
		}
		e := newEnvWith(t, s, api.Config{Sealer: box, RateLimit: api.RateLimit{Disabled: true}})
		w := newSyncWorld(t, e, box, 0)
		for _, path := range files {
			if _, err := w.write.ImportPaths(ctx, w.conn.ID, path); err != nil {
				t.Fatalf("import %s: %v", path, err)
			}
			w.deliver(t)
			w.followFeed(t)
			truth := w.truth(t)
			for app, copy := range map[string]map[string]string{"feed": w.feedApp, "webhooks": w.hookApp.live()} {
				if d := diffCopies(truth, copy); d != "" {
					t.Fatalf("after %s: the %s app differs from the store: %s", filepath.Base(path), app, d)
				}
			}
		}
		if w.deleted == 0 {
			t.Error("the re-issue's dropped row never reached the feed as a removal")
		}
	})
}
