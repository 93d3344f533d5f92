package store_test

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/fxrate"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

func parseRates(t *testing.T, path string) []fxrate.Rate {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rates, err := fxrate.Parse(path, f)
	if err != nil {
		t.Fatal(err)
	}
	return rates
}

func TestImportRates(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		rates := parseRates(t, "../fxrate/testdata/eurofxref-hist.csv")
		got, err := s.ImportRates(ctx, rates)
		if err != nil {
			t.Fatal(err)
		}
		if got != (store.RatesImported{Read: 12, Added: 12}) {
			t.Fatalf("first import: %+v", got)
		}
		table, err := s.Rates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sum := table.Summary()
		if sum.Days != 3 || len(sum.Currencies) != 5 || sum.First.Format(time.DateOnly) != "1999-01-04" || sum.Last.Format(time.DateOnly) != "2026-10-02" {
			t.Fatalf("summary: %+v", sum)
		}

		// Again: nothing changes, not even the version the caches follow.
		got, err = s.ImportRates(ctx, rates)
		if err != nil || got != (store.RatesImported{Read: 12, Unchanged: 12}) {
			t.Fatalf("second import: %+v %v", got, err)
		}
		if again, _ := s.Rates(ctx); again != table {
			t.Fatal("an import that changed nothing reloaded the rates")
		}

		// The daily XML overlaps (same values) and a correction of USD.
		daily := parseRates(t, "../fxrate/testdata/eurofxref-daily.xml")
		daily[0].Value, _ = fxrate.ParseDecimal("1.0830")
		got, err = s.ImportRates(ctx, daily)
		if err != nil || got != (store.RatesImported{Read: 3, Changed: 1, Unchanged: 2}) {
			t.Fatalf("correction: %+v %v", got, err)
		}
		table, err = s.Rates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		q, err := table.Quote("EUR", "USD", day("2026-10-02"))
		if err != nil || q.Rate() != "1.083000000" {
			t.Fatalf("after the correction: %+v %v", q, err)
		}
	})
}

func TestReportingCurrency(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ws, err := s.EnsureWorkspace(ctx, "fresh")
		if err != nil {
			t.Fatal(err)
		}
		if ws.Currency != "" {
			t.Fatalf("a new workspace reports in %q before any connection", ws.Currency)
		}
		if _, err := (func() (fxrate.Conversion, error) {
			c, err := s.Converter(ctx, ws.ID)
			if err != nil {
				t.Fatal(err)
			}
			return c.Convert("USD", day("2026-10-02"), 100)
		})(); !errors.Is(err, fxrate.ErrNoRate) {
			t.Fatalf("conversion without a reporting currency: %v", err)
		}
		for _, cur := range []string{"EUR", "GBP"} {
			if _, err := s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: ws.ID, Network: "custom", Connector: "import",
				Name: cur, Currency: cur}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if ws, _ = s.Workspace(ctx, ws.ID); ws.Currency != "EUR" {
			t.Fatalf("reporting currency %q; want the first connection's EUR", ws.Currency)
		}
		if ws, err = s.SetReportingCurrency(ctx, ws.ID, "jpy"); err != nil || ws.Currency != "JPY" {
			t.Fatalf("set JPY: %+v %v", ws, err)
		}
		if _, err := s.SetReportingCurrency(ctx, ws.ID, "XYZ"); !errors.Is(err, store.ErrUnknownCurrency) {
			t.Fatalf("set XYZ: %v", err)
		}
		if _, err := s.SetReportingCurrency(ctx, "ws_missing", "EUR"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("set in a missing workspace: %v", err)
		}
		if c, _ := s.Converter(ctx, ws.ID); c.Currency() != "JPY" {
			t.Fatalf("converter into %q", c.Currency())
		}
	})
}

// Converted values are derived: new rates or a new reporting currency
// change them at once, with no write to transactions and no webhook event.
func TestConvertedIsDerived(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme") // its USD connection makes USD the reporting currency
		hook := newHook(t, s, f, "https://example.com/h", "transaction.created", "transaction.updated")
		if _, err := s.ImportRates(ctx, parseRates(t, "../fxrate/testdata/eurofxref-hist.csv")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetReportingCurrency(ctx, f.ws.ID, "EUR"); err != nil {
			t.Fatal(err)
		}
		x := makeTx(f.conn, 0) // 29.99 USD, 1.20 commission, sold 2026-10-02
		if _, err := s.UpsertTransactions(ctx, f.ws.ID, []store.TxWrite{{Tx: x, Group: "g", Reason: "shipped", Source: "t.tsv:1"}}); err != nil {
			t.Fatal(err)
		}
		list := hookDeliveries(t, s, f, hook.ID)
		if len(list) != 1 {
			t.Fatalf("%d deliveries", len(list))
		}
		var ev client.Event
		if err := json.Unmarshal([]byte(list[0].Payload), &ev); err != nil {
			t.Fatal(err)
		}
		// 2999 / 1.0823 = 2770.95 → 2771; 120 / 1.0823 = 110.87 → 111.
		want := client.Converted{Currency: "EUR", SaleAmount: "27.71", Commission: "1.11", Rate: "0.9239582371", RateDate: "2026-10-02"}
		if c := ev.Data.Transaction.Converted; c == nil || *c != want {
			t.Fatalf("event body converted = %+v (%s); want %+v", c, ev.Data.Transaction.ConvertedReason, want)
		}
		id := ev.Data.Transaction.ID
		before, err := s.Transaction(ctx, f.ws.ID, id)
		if err != nil {
			t.Fatal(err)
		}

		if _, err := s.SetReportingCurrency(ctx, f.ws.ID, "GBP"); err != nil {
			t.Fatal(err)
		}
		daily := parseRates(t, "../fxrate/testdata/eurofxref-daily.xml")
		daily[0].Value, _ = fxrate.ParseDecimal("1.0830")
		if _, err := s.ImportRates(ctx, daily); err != nil {
			t.Fatal(err)
		}
		after, err := s.Transaction(ctx, f.ws.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Fatalf("updated_at moved: %v → %v", before.UpdatedAt, after.UpdatedAt)
		}
		if n := len(hookDeliveries(t, s, f, hook.ID)); n != 1 {
			t.Fatalf("%d deliveries after new rates and currency; want still 1", n)
		}
		conv, err := s.Converter(ctx, f.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		// 2999 × 0.86453 / 1.0830 = 2394.03 → 2394 pence.
		c, err := conv.Convert(after.Currency, after.SoldAt, after.SaleAmount)
		if err != nil || c.Currency != "GBP" || c.Minor[0] != 2394 {
			t.Fatalf("converted now: %+v %v", c, err)
		}
	})
}

func TestRatesRefreshLog(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		if _, err := s.LastRatesRefresh(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no refresh yet: %v", err)
		}
		at := time.Date(2026, 12, 2, 16, 0, 0, 0, time.UTC)
		for _, r := range []store.RatesRefresh{
			{Source: "https://example.com/a.xml", StartedAt: at, FinishedAt: at.Add(time.Second), Outcome: store.RefreshOK,
				Result: store.RatesImported{Read: 90, Added: 3, Unchanged: 87}},
			{Source: "https://example.com/a.xml", StartedAt: at.Add(24 * time.Hour), FinishedAt: at.Add(24*time.Hour + time.Minute),
				Outcome: store.RefreshError, Error: "503 Service Unavailable", Attempts: 4},
		} {
			if err := s.RecordRatesRefresh(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		st, err := s.RatesStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		last := st.LastRefresh
		if last == nil || last.Outcome != store.RefreshError || last.Attempts != 4 || last.Error != "503 Service Unavailable" ||
			!last.StartedAt.Equal(at.Add(24*time.Hour)) || st.Days != 0 {
			t.Fatalf("status: %+v %+v", st, last)
		}
	})
}
