package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
)

// BenchmarkOverview renders the overview (a year, by day) over 10k and 1M
// transactions and logs the ratio of the two; the overview reads only the
// daily rollups, so the aim is a ratio near 1 (≤ 2).
//
// How the data is made: n real transactions, written through
// store.UpsertTransactions in batches of 10k (the import path, which also
// maintains the status rollup), and one revenue and one click source row per
// transaction, each with its own custom (as Amazon's subtag reports give
// them), so that the rollups are built by the real refresh and collapse the
// customs. Setting up the 1M case takes a few minutes. SQLite only:
//
//	go test -run '^$' -bench Overview -benchtime 20x ./internal/web/
func BenchmarkOverview(b *testing.B) {
	perOp := map[int]time.Duration{}
	type server struct {
		h      http.Handler
		cookie *http.Cookie
	}
	// The testing package calls a sub-benchmark several times while it
	// settles b.N; the data is made once per size, on the parent's b so
	// that it outlives those calls.
	servers := map[int]server{}
	parent := b
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("transactions=%d", n), func(b *testing.B) {
			srv, ok := servers[n]
			if !ok {
				setup := time.Now()
				srv.h, srv.cookie = benchServer(b, parent, n)
				servers[n] = srv
				b.Logf("%d transactions and their sources stored in %v", n, time.Since(setup).Round(time.Second))
			}
			h, cookie := srv.h, srv.cookie
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				req := httptest.NewRequest("GET", "/?period=365", nil)
				req.AddCookie(cookie)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("overview: %d", rec.Code)
				}
			}
			perOp[n] = time.Since(start) / time.Duration(b.N)
			// The ratio shows on the 1M line (a parent benchmark's own log
			// is not printed when it has sub-benchmarks); the testing
			// package keeps the metrics of the last, longest run.
			if small := perOp[10_000]; n == 1_000_000 && small > 0 {
				ratio := float64(perOp[n]) / float64(small)
				b.ReportMetric(ratio, "x-of-10k")
				if b.N > 1 {
					b.Logf("overview: %v at 10k, %v at 1M transactions; ratio %.2f", small, perOp[n], ratio)
				}
			}
		})
	}
}

var benchToday = time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC)

// benchServer stores n transactions and their sources and returns the
// dashboard over them; the database lives as long as keep.
func benchServer(b, keep *testing.B, n int) (http.Handler, *http.Cookie) {
	b.Helper()
	bg := context.Background()
	s, err := store.Open(bg, "sqlite:"+filepath.Join(keep.TempDir(), "bench.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	keep.Cleanup(func() { s.Close() })
	if err := s.Migrate(bg); err != nil {
		b.Fatal(err)
	}
	ws, err := s.EnsureWorkspace(bg, "bench")
	if err != nil {
		b.Fatal(err)
	}
	conn, err := s.CreateConnection(bg, nil, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: "bench",
		Currency: "USD", Settings: map[string]string{"store_id": "bench-20"}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	channels := []string{"store-20", "blog-20", "video-20", "mail-20"}
	first := benchToday.AddDate(0, 0, -364)
	// Transaction i is of day i*365/n: in day order, as daily reports
	// arrive, so that a batch of 10k spans a few days and the rollup
	// refresh after it reads those days, not the year.
	dayIndex := func(i int) int { return i * 365 / n }
	dayOf := func(d int) time.Time {
		return time.Date(first.Year(), first.Month(), first.Day()+d, 0, 0, 0, 0, time.UTC)
	}
	// Sources, a day at a time (one write each, as an import of a daily report).
	perDay := make([][]int, 365)
	for i := range n {
		perDay[dayIndex(i)] = append(perDay[dayIndex(i)], i)
	}
	for d, ids := range perDay {
		day := dayOf(d)
		revs := make([]model.Revenue, 0, len(ids))
		clicks := make([]model.Click, 0, len(ids))
		for _, i := range ids {
			ch, custom := channels[i%len(channels)], fmt.Sprintf("sub-%07d", i)
			revs = append(revs, model.Revenue{Date: day, Channel: ch, Program: "amazon.com", Custom: custom, Currency: "USD", Kind: "cps",
				SaleAmount: 2999, Commission: 120, ItemsShipped: 1, Transactions: 1})
			clicks = append(clicks, model.Click{Date: day, Channel: ch, Program: "amazon.com", Custom: custom, Clicks: 9})
		}
		err := s.Write(bg, func(tx *store.Tx) error {
			if err := tx.ReplaceRevenues(bg, ws.ID, conn.ID, []time.Time{day}, revs); err != nil {
				return err
			}
			return tx.ReplaceClicks(bg, ws.ID, conn.ID, []time.Time{day}, clicks)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	batch := make([]store.TxWrite, 0, 10_000)
	statuses := []model.Status{model.StatusPending, model.StatusConfirmed, model.StatusDeclined}
	for i := range n {
		batch = append(batch, store.TxWrite{Tx: model.Transaction{ConnectionID: conn.ID, Network: "amazon", SourceKey: fmt.Sprintf("s:%d", i),
			Program: "amazon.com", Channel: channels[i%len(channels)], Customs: []string{fmt.Sprintf("sub-%07d", i)}, Status: statuses[i%3],
			NetworkStatus: "shipped", Currency: "USD", SaleAmount: 2999, Commission: 120, Quantity: 1, SoldAt: dayOf(dayIndex(i)).Add(time.Hour)}})
		if len(batch) == cap(batch) {
			if _, err := s.UpsertTransactions(bg, ws.ID, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if _, err := s.UpsertTransactions(bg, ws.ID, batch); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Maintain(bg); err != nil { // PRAGMA optimize, as 'affsync serve' runs hourly
		b.Fatal(err)
	}
	hash, err := secret.HashPassword(password)
	if err != nil {
		b.Fatal(err)
	}
	u, err := s.CreateUser(bg, ws.ID, "bench@example.com", hash, store.RoleReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	token := secret.RandomToken(32)
	if err := s.CreateSession(bg, store.Session{TokenHash: tokenHash(token), UserID: u.ID, WorkspaceID: ws.ID, CSRFToken: "x",
		CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{Store: s, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return benchToday }})
	if err != nil {
		b.Fatal(err)
	}
	return srv.Handler(), &http.Cookie{Name: sessionCookie, Value: token}
}
