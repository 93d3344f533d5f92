package store_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// The rollups must equal what summing their sources gives, after inserts,
// updates that move a transaction to another day and status, and deletes.
func TestRollupsFollowTheirSources(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		other := newFixture(t, s, "other") // must not leak into acme's rollups
		// A second connection of acme, sold on the same days: its rows must
		// not count in the first one's days, nor the first one's in its.
		second, err := s.CreateConnection(ctx, testBox(t), store.Connection{WorkspaceID: f.ws.ID, Network: "amazon",
			Connector: "creators-subtags", Name: "acme second", Currency: "USD", Settings: map[string]string{"store_id": "second-20"}},
			map[string]string{"secret": "s3cr3t"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertTransactions(ctx, f.ws.ID, batchOf(second, 100, 9)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertTransactions(ctx, f.ws.ID, batchOf(f.conn, 0, 60)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertTransactions(ctx, other.ws.ID, batchOf(other.conn, 0, 7)); err != nil {
			t.Fatal(err)
		}
		period := store.DayFilter{Since: day("2026-09-01"), Until: day("2026-12-31")}
		check := func(stage string) {
			t.Helper()
			for _, conn := range []string{"", f.conn.ID, second.ID} {
				p := period
				p.ConnectionID = conn
				got, err := s.StatusBreakdown(ctx, f.ws.ID, p)
				if err != nil {
					t.Fatal(err)
				}
				if want := statusTotalsOf(t, s, f.ws.ID, conn); !slices.Equal(got, want) {
					t.Errorf("%s, connection %q: status breakdown %+v, want %+v", stage, conn, got, want)
				}
			}
		}
		check("after insert")

		// Confirm five, decline one and move it to another day.
		batch := batchOf(f.conn, 0, 6)
		for i := range batch {
			batch[i].Tx.Status = model.StatusConfirmed
		}
		batch[5].Tx.Status = model.StatusDeclined
		batch[5].Tx.SoldAt = day("2026-11-20")
		batch[5].Tx.Commission = 0
		if _, err := s.UpsertTransactions(ctx, f.ws.ID, batch); err != nil {
			t.Fatal(err)
		}
		check("after update")

		ids := []string{model.TransactionID(f.conn.ID, "s:sub-000010"), model.TransactionID(f.conn.ID, "s:sub-000011")}
		if err := s.Write(ctx, func(tx *store.Tx) error { return tx.DeleteTransactions(ctx, f.ws.ID, ids) }); err != nil {
			t.Fatal(err)
		}
		check("after delete")
	})
}

// statusTotalsOf sums a workspace's transactions (of one connection, unless "").
func statusTotalsOf(t *testing.T, s *store.Store, workspaceID, connectionID string) []store.StatusTotal {
	t.Helper()
	sums := map[string]store.StatusTotal{}
	cursor := ""
	for {
		list, next, err := s.Transactions(ctx, workspaceID, store.TransactionFilter{Cursor: cursor, Limit: 25})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			if connectionID != "" && x.ConnectionID != connectionID {
				continue
			}
			k := string(x.Status) + "/" + x.Currency
			st := sums[k]
			st.Status, st.Currency = x.Status, x.Currency
			st.Transactions++
			st.SaleAmount += x.SaleAmount
			st.Commission += x.Commission
			sums[k] = st
		}
		if next == "" {
			break
		}
		cursor = next
	}
	var out []store.StatusTotal
	for _, k := range slices.Sorted(maps.Keys(sums)) {
		out = append(out, sums[k])
	}
	return out
}

// Revenue and click rollups drop the custom dimension and nothing else.
func TestRevenueAndClickRollups(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		d1, d2 := day("2026-10-01"), day("2026-10-02")
		var revs []model.Revenue
		var clicks []model.Click
		for i := range 40 {
			d := d1
			if i%3 == 0 {
				d = d2
			}
			ch := []string{"store-20", "blog-20"}[i%2]
			revs = append(revs, model.Revenue{Date: d, Channel: ch, Program: "amazon.com", Custom: fmt.Sprintf("sub-%d", i),
				Currency: "USD", SaleAmount: int64(1000 + i), Commission: int64(40 + i), Transactions: 1})
			clicks = append(clicks, model.Click{Date: d, Channel: ch, Program: "amazon.com", Custom: fmt.Sprintf("sub-%d", i), Clicks: int64(i%5 + 1)})
		}
		write := func(revs []model.Revenue, clicks []model.Click) {
			t.Helper()
			err := s.Write(ctx, func(tx *store.Tx) error {
				if err := tx.ReplaceRevenues(ctx, f.ws.ID, f.conn.ID, []time.Time{d1, d2}, revs); err != nil {
					return err
				}
				return tx.ReplaceClicks(ctx, f.ws.ID, f.conn.ID, []time.Time{d1, d2}, clicks)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		compare := func(stage string) {
			t.Helper()
			period := store.DayFilter{Since: d1, Until: d2}
			byDay, err := s.RevenueByDay(ctx, f.ws.ID, period)
			if err != nil {
				t.Fatal(err)
			}
			src, _, err := s.Revenues(ctx, f.ws.ID, store.AggregateFilter{Since: &d1, Until: &d2, GroupBy: []string{"day"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(byDay) != len(src) {
				t.Fatalf("%s: %d rollup days, %d source days", stage, len(byDay), len(src))
			}
			for i := range src {
				if !byDay[i].Day.Equal(*src[i].Date) || byDay[i].Commission != src[i].Commission || byDay[i].SaleAmount != src[i].SaleAmount ||
					byDay[i].Transactions != src[i].Transactions {
					t.Errorf("%s: day %d rollup %+v, source %+v", stage, i, byDay[i], src[i])
				}
			}
			cl, err := s.ClicksByDay(ctx, f.ws.ID, period)
			if err != nil {
				t.Fatal(err)
			}
			srcClicks, _, err := s.Clicks(ctx, f.ws.ID, store.AggregateFilter{Since: &d1, Until: &d2, GroupBy: []string{"day"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(cl) != len(srcClicks) {
				t.Fatalf("%s: %d click days, want %d", stage, len(cl), len(srcClicks))
			}
			for i := range cl {
				if cl[i].Clicks != srcClicks[i].Clicks {
					t.Errorf("%s: clicks on day %d = %d, want %d", stage, i, cl[i].Clicks, srcClicks[i].Clicks)
				}
			}
			by, err := s.RevenueBreakdown(ctx, f.ws.ID, "channel", period)
			if err != nil {
				t.Fatal(err)
			}
			var sum, clickSum int64
			for _, b := range by {
				sum += b.Commission
				clickSum += b.Clicks
			}
			var want, wantClicks int64
			for _, r := range src {
				want += r.Commission
			}
			for _, c := range srcClicks {
				wantClicks += c.Clicks
			}
			if sum != want || clickSum != wantClicks {
				t.Errorf("%s: breakdown by channel sums to %d commission, %d clicks; want %d, %d", stage, sum, clickSum, want, wantClicks)
			}
		}
		write(revs, clicks)
		compare("first write")
		write(revs[:10], clicks[:5]) // a re-issued report with fewer rows
		compare("replacement")
	})
}
