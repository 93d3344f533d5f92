package store_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// BenchmarkAggregateDeepPage: revenues and clicks grouped by custom over a
// million subtags (AFFSYNC_BENCH_SUBTAGS), the first page against a page
// 1000 groups before the end, 100 groups each. Prints the median of each and
// their ratio; a keyset on an index in group-key order makes the two cost
// about the same.
//
//	go test -run '^$' -bench AggregateDeepPage -benchtime 1x -timeout 30m ./internal/store/
func BenchmarkAggregateDeepPage(b *testing.B) {
	subtags := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("AFFSYNC_BENCH_SUBTAGS")); err == nil && v > 0 {
		subtags = v
	}
	engines := map[string]func(testing.TB) *store.Store{"sqlite": storetest.OpenSQLite}
	if os.Getenv(storetest.EnvPostgres) != "" {
		engines["postgres"] = storetest.OpenPostgres
	} else {
		b.Log("postgres: skipped, set " + storetest.EnvPostgres)
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		open := engines[engine]
		if open == nil {
			continue
		}
		b.Run(engine, func(b *testing.B) {
			s := open(b)
			f := newFixture(b, s, "bench")
			start := time.Now()
			seedSubtags(b, s, f, subtags)
			b.Logf("%s: %d subtags seeded in %v", engine, subtags, time.Since(start).Round(time.Second))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, list := range []struct {
					name string
					page func(cursor string, limit int) (int, string, error)
				}{
					{"revenues", func(c string, n int) (int, string, error) {
						rows, next, err := s.Revenues(ctx, f.ws.ID, store.AggregateFilter{GroupBy: []string{"custom"}, Cursor: c, Limit: n})
						return len(rows), next, err
					}},
					{"clicks", func(c string, n int) (int, string, error) {
						rows, next, err := s.Clicks(ctx, f.ws.ID, store.AggregateFilter{GroupBy: []string{"custom"}, Cursor: c, Limit: n})
						return len(rows), next, err
					}},
				} {
					// The deep cursor: walk pages of 1000 to the last 1000 groups.
					deep, walked := "", 0
					walkStart := time.Now()
					for walked < subtags-1000 {
						n, next, err := list.page(deep, 1000)
						if err != nil || next == "" {
							b.Fatalf("walk: %d rows, %v", n, err)
						}
						deep, walked = next, walked+n
					}
					walk := time.Since(walkStart)
					first := medianPage(b, func() (int, string, error) { return list.page("", 100) })
					deepest := medianPage(b, func() (int, string, error) { return list.page(deep, 100) })
					fmt.Printf("AGGREGATE %s %s group_by=custom over %d subtags: first page %v, page after group %d %v, ratio deep/first %.2f"+
						" (walking %d pages of 1000 to it: %v, %v a page)\n", engine, list.name, subtags, first, walked, deepest,
						float64(deepest)/float64(first), walked/1000, walk.Round(time.Millisecond), (walk / time.Duration(max(1, walked/1000))).Round(time.Microsecond))
				}
			}
		})
	}
}

// medianPage times a page of 100 groups 15 times and answers the median.
func medianPage(b *testing.B, page func() (int, string, error)) time.Duration {
	b.Helper()
	var times []time.Duration
	for range 15 {
		t := time.Now()
		n, _, err := page()
		times = append(times, time.Since(t))
		if err != nil || n != 100 {
			b.Fatalf("page: %d rows, %v", n, err)
		}
	}
	slices.Sort(times)
	return times[len(times)/2]
}

// seedSubtags writes a revenue and a click row for each of n subtags over
// 30 days, through the store's own writes, a day per transaction.
func seedSubtags(b *testing.B, s *store.Store, f fixture, n int) {
	b.Helper()
	const days = 30
	for d := range days {
		day := time.Date(2026, 10, 1+d, 0, 0, 0, 0, time.UTC)
		var revs []model.Revenue
		var clicks []model.Click
		for i := d; i < n; i += days {
			c := fmt.Sprintf("st-%07d", i)
			revs = append(revs, model.Revenue{Date: day, Channel: "store-20", Program: "amazon.com", Custom: c, Currency: "USD", Kind: "cps",
				SaleAmount: 2999, Commission: 120, ItemsShipped: 1, Transactions: 1})
			clicks = append(clicks, model.Click{Date: day, Channel: "store-20", Program: "amazon.com", Custom: c, Clicks: 1})
		}
		err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.ReplaceRevenues(ctx, f.ws.ID, f.conn.ID, []time.Time{day}, revs); err != nil {
				return err
			}
			return tx.ReplaceClicks(ctx, f.ws.ID, f.conn.ID, []time.Time{day}, clicks)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
