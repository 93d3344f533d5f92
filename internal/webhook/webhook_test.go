package webhook_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/metrics"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
	"github.com/affsync/affsync/internal/webhook"
	"github.com/affsync/affsync/internal/wire"
)

var (
	ctx   = context.Background()
	quiet = slog.New(slog.DiscardHandler)
)

const earningsHeader = "Product Line\tItem\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tReferral Fee Rate\tQuantity\tRevenue\tEarnings\tSub Tag\n"

// earnings is the body of a DataFeed subtags earnings file.
func earnings(lines ...string) string {
	body := "Earnings report\n" + earningsHeader
	for _, l := range lines {
		body += l + "\n"
	}
	return body
}

func line(day, asin, subtag string, qty int, revenue, fees string) string {
	d, _ := time.Parse("2006-01-02", day)
	return fmt.Sprintf("Electronics\tCable %s\t%s\tAmazon.com\tshop-20\t%s\t29.99\t4.00\t%d\t%s\t%s\t%s", asin, asin, d.Format("January 2, 2006"), qty, revenue, fees, subtag)
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func file(name string, data []byte) importer.File {
	return importer.File{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

// Day 1 sells to u1, u2 and u3; day 3 brings u2's full return.
var (
	day1 = earnings(line("2026-10-01", "B1", "u1", 2, "59.98", "2.40"), line("2026-10-01", "B2", "u2", 1, "29.99", "1.20"),
		line("2026-10-01", "B3", "u3", 1, "29.99", "1.20"))
	day3 = earnings(line("2026-10-03", "B2", "u2", -1, "-29.99", "-1.20"))
)

// tenant is a workspace with an import connection.
type tenant struct {
	s    *store.Store
	ws   store.Workspace
	conn store.Connection
	im   *importer.Importer
}

func newTenant(t *testing.T, s *store.Store, name string) tenant {
	t.Helper()
	ws, err := s.EnsureWorkspace(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: name,
		Settings: map[string]string{"mode": "subtags", "marketplace": "www.amazon.com"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	im := importer.New(s, nil)
	im.Now = func() time.Time { return time.Date(2026, 10, 20, 12, 0, 0, 0, time.UTC) }
	return tenant{s, ws, conn, im}
}

func (tn tenant) importFile(t *testing.T, f importer.File) importer.Summary {
	t.Helper()
	sum, err := tn.im.Import(ctx, tn.conn, f, nil)
	if err != nil {
		t.Fatalf("import %s: %v", f.Name, err)
	}
	return sum
}

func (tn tenant) hook(t *testing.T, box store.Sealer, url, secretValue string, events ...string) store.Webhook {
	t.Helper()
	w, err := tn.s.CreateWebhook(ctx, box, store.Webhook{WorkspaceID: tn.ws.ID, URL: url, Events: events}, secretValue)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (tn tenant) deliveries(t *testing.T, hookID string) []store.Delivery {
	t.Helper()
	list, err := tn.s.Deliveries(ctx, tn.ws.ID, hookID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func newBox(t *testing.T) *secret.Box {
	box, err := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return box
}

func event(t *testing.T, d store.Delivery) wire.Event {
	t.Helper()
	var ev wire.Event
	if err := json.Unmarshal([]byte(d.Payload), &ev); err != nil {
		t.Fatalf("payload of delivery %d: %v", d.ID, err)
	}
	return ev
}

func TestImportsQueueEvents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		box := newBox(t)
		a, b := newTenant(t, s, "a"), newTenant(t, s, "b")
		created := a.hook(t, box, "https://example.com/created", "s1", wire.EventTransactionCreated)
		updated := a.hook(t, box, "https://example.com/updated", "s2", wire.EventTransactionUpdated)

		if sum := a.importFile(t, file("shop-20-earnings-report-subtags-20261001.tsv.gz", gzipped(day1))); sum.Transactions.Created != 3 {
			t.Fatalf("first import: %+v", sum)
		}
		got := a.deliveries(t, created.ID)
		if len(got) != 3 {
			t.Fatalf("created deliveries = %d, want 3", len(got))
		}
		customs := map[string]bool{}
		for _, d := range got {
			ev := event(t, d)
			if d.Event != wire.EventTransactionCreated || ev.Type != d.Event || ev.ID != d.EventID || d.Status != store.DeliveryPending ||
				len(ev.Data.Changes) != 0 || ev.Data.Transaction.Status != "pending" || ev.Data.Transaction.Currency != "USD" {
				t.Fatalf("created delivery: %+v %+v", d, ev)
			}
			stored, err := s.Transaction(ctx, a.ws.ID, ev.Data.Transaction.ID)
			if err != nil {
				t.Fatal(err)
			}
			conv, err := s.Converter(ctx, a.ws.ID)
			if err != nil || wire.TransactionOf(stored, conv).Commission != ev.Data.Transaction.Commission {
				t.Fatalf("the event's transaction is not the stored one: %+v %v", stored, err)
			}
			customs[ev.Data.Transaction.Customs[0]] = true
		}
		if len(customs) != 3 {
			t.Fatalf("events of %v, want u1, u2, u3", customs)
		}
		if n := len(a.deliveries(t, updated.ID)); n != 0 {
			t.Fatalf("%d deliveries to a webhook that only wants updates", n)
		}

		// The same file again is skipped; the same rows in another file of
		// that day are imported and change nothing: no event either way.
		a.importFile(t, file("shop-20-earnings-report-subtags-20261001.tsv.gz", gzipped(day1)))
		if sum := a.importFile(t, file("shop-20-earnings-report-subtags-20261001.tsv", []byte(day1))); sum.Files != 1 ||
			sum.Transactions.Created+sum.Transactions.Updated != 0 || sum.Transactions.Unchanged != 3 {
			t.Fatalf("same rows again: %+v", sum)
		}
		if n, m := len(a.deliveries(t, created.ID)), len(a.deliveries(t, updated.ID)); n != 3 || m != 0 {
			t.Fatalf("a re-import queued events: %d created, %d updated", n, m)
		}

		// u2's return declines it: one transaction.updated, with the changes.
		if sum := a.importFile(t, file("shop-20-earnings-report-subtags-20261003.tsv", []byte(day3))); sum.Transactions.Updated != 1 {
			t.Fatalf("return import: %+v", sum)
		}
		ups := a.deliveries(t, updated.ID)
		if len(ups) != 1 || len(a.deliveries(t, created.ID)) != 3 {
			t.Fatalf("after the return: %d updated deliveries, want 1", len(ups))
		}
		ev := event(t, ups[0])
		status := false
		for _, c := range ev.Data.Changes {
			status = status || c.Field == "status" && c.From == "pending" && c.To == "declined"
		}
		if ev.Type != wire.EventTransactionUpdated || !status || ev.Data.Transaction.Status != "declined" ||
			ev.Data.Transaction.Customs[0] != "u2" || ev.Data.Transaction.Commission != "0.00" {
			t.Fatalf("updated event: %+v", ev)
		}

		// Another workspace's import reaches none of a's webhooks, and a's
		// webhooks and deliveries are not b's to see.
		if sum := b.importFile(t, file("shop-20-earnings-report-subtags-20261001.tsv.gz", gzipped(day1))); sum.Transactions.Created != 3 {
			t.Fatalf("b's import: %+v", sum)
		}
		if n := len(a.deliveries(t, created.ID)); n != 3 {
			t.Fatalf("b's import queued to a's webhook: %d deliveries", n)
		}
		if list := b.deliveries(t, created.ID); len(list) != 0 {
			t.Fatalf("b sees a's deliveries: %d", len(list))
		}
		if _, err := s.Webhook(ctx, b.ws.ID, created.ID); err == nil {
			t.Fatal("b reads a's webhook")
		}
		if err := s.DeleteWebhook(ctx, b.ws.ID, created.ID); err == nil {
			t.Fatal("b deletes a's webhook")
		}
		if err := s.Redeliver(ctx, b.ws.ID, created.ID, got[0].ID, time.Now()); err == nil {
			t.Fatal("b redelivers a's delivery")
		}
	})
}

// receiver is a webhook endpoint that records what it gets.
type receiver struct {
	*httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	got    []received
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, status int) *receiver {
	r := &receiver{}
	r.status.Store(int32(status))
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Clone(), body})
		r.mu.Unlock()
		w.WriteHeader(int(r.status.Load()))
		fmt.Fprint(w, "receiver says hello")
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// clock is a settable time for the dispatcher's schedule.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func TestDeliveryIsSignedAsDocumented(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		box := newBox(t)
		a := newTenant(t, s, "a")
		rcv := newReceiver(t, http.StatusNoContent)
		const secretValue = "whsec_test_0123456789"
		hook := a.hook(t, box, rcv.URL+"/hooks/affsync", secretValue, wire.EventTransactionCreated, wire.EventTransactionUpdated)
		a.importFile(t, file("shop-20-earnings-report-subtags-20261001.tsv.gz", gzipped(day1)))

		d := &webhook.Dispatcher{Store: s, Sealer: box, Owner: "test", Log: quiet}
		n, err := d.DeliverDue(ctx)
		if err != nil || n != 3 {
			t.Fatalf("deliver: %d, %v", n, err)
		}
		if n, err := d.DeliverDue(ctx); err != nil || n != 0 {
			t.Fatalf("a second round sent %d again (%v)", n, err)
		}
		reqs := rcv.requests()
		if len(reqs) != 3 {
			t.Fatalf("the receiver got %d requests, want 3", len(reqs))
		}
		stored := map[string]store.Delivery{}
		for _, x := range a.deliveries(t, hook.ID) {
			stored[fmt.Sprint(x.ID)] = x
		}
		for _, r := range reqs {
			sig := r.header.Get("Affsync-Signature")
			if !verifyAffsyncSignature(secretValue, sig, r.body, 5*time.Minute) {
				t.Fatalf("the README recipe rejects a real delivery: %s", sig)
			}
			if err := webhook.Verify(secretValue, sig, r.body, 5*time.Minute); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if verifyAffsyncSignature("another secret", sig, r.body, 5*time.Minute) ||
				verifyAffsyncSignature(secretValue, sig, append(r.body, ' '), 5*time.Minute) {
				t.Fatal("the recipe accepts a wrong secret or a changed body")
			}
			x, ok := stored[r.header.Get("Affsync-Delivery")]
			if !ok || string(r.body) != x.Payload || r.header.Get("Affsync-Event") != x.EventID ||
				r.header.Get("Affsync-Event-Type") != wire.EventTransactionCreated || r.header.Get("Content-Type") != "application/json" {
				t.Fatalf("request headers %v do not match delivery %+v", r.header, x)
			}
			if x.Status != store.DeliveryDelivered || x.DeliveredAt == nil || x.LastStatusCode != 204 || len(x.Log) != 1 ||
				x.Log[0].StatusCode != 204 || x.Log[0].Error != "" || x.Log[0].Duration < 0 {
				t.Fatalf("delivery after a 204: %+v", x)
			}
		}
	})
}

func TestFailingReceiverIsRetriedForADay(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		box := newBox(t)
		a := newTenant(t, s, "a")
		rcv := newReceiver(t, http.StatusInternalServerError)
		hook := a.hook(t, box, rcv.URL, "s", wire.EventTransactionUpdated)
		a.importFile(t, file("shop-20-earnings-report-subtags-20261001.tsv.gz", gzipped(day1)))
		a.importFile(t, file("shop-20-earnings-report-subtags-20261003.tsv", []byte(day3)))

		// As precise as the database keeps it, and after the queueing even
		// when the import and this line fall in the same millisecond.
		start := time.Now().UTC().Truncate(time.Millisecond).Add(time.Millisecond)
		clk := &clock{t: start}
		jitter := mrand.New(mrand.NewPCG(1, 2))
		reg := prometheus.NewRegistry()
		m, err := metrics.New(reg, metrics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		d := &webhook.Dispatcher{Store: s, Sealer: box, Owner: "test", Log: quiet, Now: clk.Now, Jitter: jitter.Float64, Metrics: m}
		deadline := start.Add(24 * time.Hour)
		var prev store.Delivery
		for attempt := 1; ; attempt++ {
			if n, err := d.DeliverDue(ctx); err != nil || n != 1 {
				t.Fatalf("attempt %d: claimed %d, %v", attempt, n, err)
			}
			list := a.deliveries(t, hook.ID)
			if len(list) != 1 || len(list[0].Log) != attempt || len(rcv.requests()) != attempt {
				t.Fatalf("attempt %d: %d deliveries, log %d, receiver %d", attempt, len(list), len(list[0].Log), len(rcv.requests()))
			}
			x := list[0]
			last := x.Log[attempt-1]
			if last.StatusCode != 500 || last.Error != "HTTP 500 Internal Server Error: receiver says hello" || !last.At.Equal(clk.Now()) {
				t.Fatalf("attempt %d logged as %+v", attempt, last)
			}
			if x.FirstAttemptAt == nil || !x.FirstAttemptAt.Equal(start) || x.Attempts != attempt {
				t.Fatalf("attempt %d: %+v", attempt, x)
			}
			if x.Status == store.DeliveryFailed {
				if clk.Now().Before(deadline) || x.NextAttemptAt != nil {
					t.Fatalf("failed for good at %v, before the day was over", clk.Now())
				}
				if attempt < 25 || attempt > 40 {
					t.Fatalf("%d attempts in a day; the schedule is off", attempt)
				}
				t.Logf("%d attempts, the last %v after the first", attempt, clk.Now().Sub(start))
				prev = x
				break
			}
			if x.Status != store.DeliveryPending || x.NextAttemptAt == nil {
				t.Fatalf("attempt %d left %+v", attempt, x)
			}
			pause := x.NextAttemptAt.Sub(clk.Now())
			want := webhook.Backoff(attempt)
			if x.NextAttemptAt.After(deadline) || (pause < want*8/10 || pause > want*12/10) && !x.NextAttemptAt.Equal(deadline) {
				t.Fatalf("after attempt %d the pause is %v, want %v ± 20%% and not past %v", attempt, pause, want, deadline)
			}
			// Not due a second early; due on time.
			clk.Set(x.NextAttemptAt.Add(-time.Second))
			if n, err := d.DeliverDue(ctx); err != nil || n != 0 {
				t.Fatalf("attempt %d: retried %v early (%d, %v)", attempt, time.Second, n, err)
			}
			clk.Set(*x.NextAttemptAt)
		}
		if !prev.Log[len(prev.Log)-1].At.Equal(deadline) {
			t.Fatalf("last attempt at %v, want the end of the window %v", prev.Log[len(prev.Log)-1].At, deadline)
		}
		clk.Set(deadline.Add(48 * time.Hour))
		if n, _ := d.DeliverDue(ctx); n != 0 {
			t.Fatal("a failed delivery was sent again by itself")
		}

		// Redelivery on demand: due now, a fresh window, and this time it lands.
		rcv.status.Store(http.StatusOK)
		if err := s.Redeliver(ctx, a.ws.ID, hook.ID, prev.ID, clk.Now()); err != nil {
			t.Fatal(err)
		}
		if n, err := d.DeliverDue(ctx); err != nil || n != 1 {
			t.Fatalf("redelivery: %d, %v", n, err)
		}
		x := a.deliveries(t, hook.ID)[0]
		if x.Status != store.DeliveryDelivered || len(x.Log) != len(prev.Log)+1 || x.Attempts != 1 || !x.FirstAttemptAt.Equal(clk.Now()) {
			t.Fatalf("after redelivery: status %s, %d attempts logged, %+v", x.Status, len(x.Log), x)
		}
		reqs := rcv.requests()
		if first, lastReq := reqs[0], reqs[len(reqs)-1]; !bytes.Equal(first.body, lastReq.body) ||
			first.header.Get("Affsync-Event") != lastReq.header.Get("Affsync-Event") {
			t.Fatal("a redelivery is another event")
		}
		// Every attempt counted once: the retried ones, the last of the day, the redelivery.
		want := fmt.Sprintf(`
# HELP affsync_webhook_deliveries_total Webhook delivery attempts, by outcome: delivered, retry (failed, tried again later) or failed (failed, retries over).
# TYPE affsync_webhook_deliveries_total counter
affsync_webhook_deliveries_total{outcome="delivered"} 1
affsync_webhook_deliveries_total{outcome="failed"} 1
affsync_webhook_deliveries_total{outcome="retry"} %d
`, len(prev.Log)-1)
		if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "affsync_webhook_deliveries_total"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestClaimsDoNotOverlap(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		box := newBox(t)
		a := newTenant(t, s, "a")
		hook := a.hook(t, box, "https://example.com/", "s", wire.EventTransactionCreated)
		a.importFile(t, file("shop-20-earnings-report-subtags-20261001.tsv.gz", gzipped(day1)))
		b := newTenant(t, s, "b")
		b.hook(t, box, "https://example.org/", "s", wire.EventTransactionCreated)
		b.importFile(t, file("shop-20-earnings-report-subtags-20261001.tsv.gz", gzipped(day1)))

		now := time.Now().Add(time.Second)
		var mu sync.Mutex
		seen := map[int64]string{}
		var wg sync.WaitGroup
		for i := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				owner := fmt.Sprintf("instance-%d", i)
				for {
					got, err := s.ClaimDeliveries(ctx, owner, now, time.Minute, 1)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					if other, dup := seen[got[0].ID]; dup {
						t.Errorf("delivery %d claimed by %s and %s", got[0].ID, other, owner)
					}
					seen[got[0].ID] = owner
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != 6 {
			t.Fatalf("claimed %d deliveries of 6", len(seen))
		}
		// A dead instance's claims come due again when the lease ends.
		if got, _ := s.ClaimDeliveries(ctx, "late", now.Add(59*time.Second), time.Minute, 10); len(got) != 0 {
			t.Fatalf("claimed %d under a live lease", len(got))
		}
		got, err := s.ClaimDeliveries(ctx, "late", now.Add(61*time.Second), time.Minute, 10)
		if err != nil || len(got) != 6 {
			t.Fatalf("after the lease: %d, %v", len(got), err)
		}
		// The former holder's answer no longer decides the delivery.
		var mine store.Outgoing
		for _, o := range got {
			if o.WebhookID == hook.ID {
				mine = o
			}
		}
		ok, err := s.RecordAttempt(ctx, store.AttemptResult{Attempt: store.Attempt{At: now, StatusCode: 200}, DeliveryID: mine.ID,
			WorkspaceID: a.ws.ID, Owner: seen[mine.ID], Delivered: true})
		if err != nil || ok {
			t.Fatalf("a lost lease recorded an outcome: %v %v", ok, err)
		}
		x, _ := s.Delivery(ctx, a.ws.ID, hook.ID, mine.ID)
		if x.Status != store.DeliveryPending {
			t.Fatalf("status %s after a stale answer", x.Status)
		}
	})
}

func TestVerifyRejects(t *testing.T) {
	body := []byte(`{"id":"evt_1"}`)
	now := time.Now()
	good := webhook.Sign("s", now, body)
	for _, c := range []struct {
		name, header string
		body         []byte
		want         error
	}{
		{"good", good, body, nil},
		{"another body", good, []byte(`{"id":"evt_2"}`), webhook.ErrSignatureMismatch},
		{"no v1", fmt.Sprintf("t=%d", now.Unix()), body, webhook.ErrMalformedSignature},
		{"empty", "", body, webhook.ErrMalformedSignature},
		{"old", webhook.Sign("s", now.Add(-10*time.Minute), body), body, webhook.ErrSignatureExpired},
		{"future", webhook.Sign("s", now.Add(10*time.Minute), body), body, webhook.ErrSignatureExpired},
		{"one of two v1 matches", good + ",v1=00ff", body, nil},
		{"not hex", fmt.Sprintf("t=%d,v1=zz", now.Unix()), body, webhook.ErrSignatureMismatch},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := webhook.Verify("s", c.header, c.body, 5*time.Minute); err != c.want {
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
		})
	}
}

// TestOldDeliveriesArePruned: ended deliveries older than RetainFor leave
// the log with their attempts; pending ones and recent ones stay.
func TestOldDeliveriesArePruned(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		box := newBox(t)
		a := newTenant(t, s, "a")
		rcv := newReceiver(t, http.StatusNoContent)
		hook := a.hook(t, box, rcv.URL+"/hooks/affsync", "whsec_prune", wire.EventTransactionCreated)
		a.importFile(t, file("shop-20-earnings-report-subtags-20261001.tsv.gz", gzipped(day1)))
		now := time.Now()
		d := &webhook.Dispatcher{Store: s, Sealer: box, Owner: "test", Log: quiet, Now: func() time.Time { return now }}
		if n, err := d.DeliverDue(ctx); err != nil || n != 3 {
			t.Fatalf("deliver: %d, %v", n, err)
		}
		// A receiver that is down leaves a fourth delivery pending.
		down := newReceiver(t, http.StatusServiceUnavailable)
		a.hook(t, box, down.URL+"/down", "whsec_down", wire.EventTransactionCreated)
		a.importFile(t, file("shop-20-earnings-report-subtags-20261002.tsv.gz", gzipped(earnings(line("2026-10-02", "B4", "u4", 1, "9.99", "0.40")))))
		now = time.Now() // the new deliveries are due
		if _, err := d.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}

		if n, err := d.Prune(ctx); err != nil || n != 0 {
			t.Fatalf("pruned %d fresh deliveries (%v)", n, err)
		}
		now = now.Add(31 * 24 * time.Hour)
		n, err := d.Prune(ctx)
		if err != nil || n == 0 {
			t.Fatalf("a month later: pruned %d (%v)", n, err)
		}
		if left := a.deliveries(t, hook.ID); len(left) != 0 {
			t.Fatalf("%d ended deliveries outlived the retention", len(left))
		}
		pending := 0
		for _, h := range mustWebhooks(t, s, a.ws.ID) {
			for _, x := range a.deliveries(t, h.ID) {
				if x.Status != store.DeliveryPending {
					t.Fatalf("an ended delivery stayed: %+v", x)
				}
				pending++
			}
		}
		if pending == 0 {
			t.Fatal("pending deliveries were pruned")
		}
	})
}

func mustWebhooks(t *testing.T, s *store.Store, workspaceID string) []store.Webhook {
	t.Helper()
	hooks, err := s.Webhooks(ctx, workspaceID)
	if err != nil {
		t.Fatal(err)
	}
	return hooks
}

// A dispatcher stopped while receivers hang gives its claims back: another
// instance sends them at once, not after the lease.
func TestShutdownReleasesClaims(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		box := newBox(t)
		a := newTenant(t, s, "a")
		arrived, end := make(chan struct{}, 10), make(chan struct{})
		hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			arrived <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-end:
			}
		}))
		defer hang.Close()
		defer close(end)
		a.hook(t, box, hang.URL, "whsec_hang_0123456789", wire.EventTransactionCreated, wire.EventTransactionUpdated)
		a.importFile(t, file("shop-20-earnings-report-subtags-20261001.tsv.gz", gzipped(day1)))

		stopping := &webhook.Dispatcher{Store: s, Sealer: box, Owner: "stopping", Log: quiet, Timeout: time.Hour}
		stop, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { _, err := stopping.DeliverDue(stop); done <- err }()
		select {
		case <-arrived: // a POST in flight, its delivery claimed with the rest of the batch
		case <-time.After(10 * time.Second):
			t.Fatal("no delivery reached the receiver")
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("stopped dispatcher: %v", err)
		}
		claimed, err := s.ClaimDeliveries(ctx, "other", time.Now(), time.Minute, 10)
		if err != nil || len(claimed) != 3 {
			t.Fatalf("another instance claimed %d right after the stop (%v), want the 3 released", len(claimed), err)
		}
	})
}

// A hung POST holds only its own slot: Run keeps sending the other
// deliveries, slot by slot, instead of waiting for its whole batch to end
// (one hung POST would otherwise stall every delivery claimed with it, and
// the queue behind them, until the timeout).
func TestHangingReceiverDoesNotStallOthers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		box := newBox(t)
		a := newTenant(t, s, "a")
		end := make(chan struct{})
		var posts atomic.Int32
		hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if posts.Add(1) > 1 {
				return // answers 200 from the second POST on
			}
			select {
			case <-r.Context().Done():
			case <-end:
			}
		}))
		defer hang.Close()
		defer close(end)
		ok := newReceiver(t, http.StatusNoContent)
		a.hook(t, box, hang.URL, "whsec_hang_0123456789", wire.EventTransactionCreated, wire.EventTransactionUpdated)
		hook := a.hook(t, box, ok.URL, "whsec_ok_0123456789ab", wire.EventTransactionCreated, wire.EventTransactionUpdated)
		a.importFile(t, file("shop-20-earnings-report-subtags-20261001.tsv.gz", gzipped(day1)))
		a.importFile(t, file("shop-20-earnings-report-subtags-20261003.tsv.gz", gzipped(day3)))
		want := len(a.deliveries(t, hook.ID))
		if want < 4 {
			t.Fatalf("%d deliveries for the healthy receiver; the test needs more than the batch", want)
		}
		// Two slots, an hour's timeout, a poll that never comes in the
		// test: only freed slots can move the healthy receiver's queue.
		d := &webhook.Dispatcher{Store: s, Sealer: box, Owner: "test", Log: slog.New(slog.DiscardHandler),
			Batch: 2, Timeout: time.Hour, Poll: time.Hour}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { d.Run(runCtx); close(done) }()
		deadline := time.Now().Add(20 * time.Second)
		for len(ok.requests()) < want && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		<-done
		if got := len(ok.requests()); got != want {
			t.Fatalf("the healthy receiver got %d of its %d deliveries while a POST hung", got, want)
		}
	})
}
