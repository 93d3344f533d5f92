package store_test

import (
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// BenchmarkCustomPage stores a custom of 20,000 transactions, one of 10,
// and 20,000 transactions of neither (each has a custom of its own), then
// fetches pages of each custom many times (the first 50 pages of the large
// one in turn), in the list order and in the update order, with the query
// shape before migration 00006 (the
// customs table without the list order: every page sorts the custom's whole
// set) and after it, in one run. It prints p50 and p99 of each and the
// ratio of the large custom's p50 to the small one's. With limit=10 both
// pages carry 10 rows (the small custom's whole set), so the ratio is the
// cost of the custom's size alone; with limit=100 the large custom's pages
// carry ten times the rows of the small one's:
//
//	go test -run '^$' -bench CustomPage -benchtime 1x -v ./internal/store/
func BenchmarkCustomPage(b *testing.B) {
	const big, small, noise, reps = 20_000, 10, 20_000, 300
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
			b.StopTimer()
			s := open(b)
			f := newFixture(b, s, "bench")
			// Interleaved, as a real account's traffic: the large custom's
			// rows are spread over the whole seq range.
			var batch []store.TxWrite
			n, m := 0, 0
			for i := range big + noise + small {
				w := batchOf(f.conn, i, 1)[0]
				switch {
				case i%2 == 0 && n < big:
					w.Tx.Customs = append(w.Tx.Customs, "big")
					n++
				case i%4000 == 1 && m < small:
					w.Tx.Customs = append(w.Tx.Customs, "small")
					m++
				}
				batch = append(batch, w)
			}
			for chunk := range slices.Chunk(batch, 5000) {
				if _, err := s.UpsertTransactions(ctx, f.ws.ID, chunk); err != nil {
					b.Fatal(err)
				}
			}
			if err := s.AnalyzeForTest(ctx); err != nil {
				b.Fatal(err)
			}
			for _, c := range []struct {
				tt    store.TimeType
				limit int
			}{{store.TimeSold, 10}, {store.TimeUpdated, 10}, {store.TimeSold, 100}} {
				tt, limit := c.tt, c.limit
				p50 := map[string]time.Duration{}
				for _, shape := range []string{"before", "after"} {
					restore := s.SetCustomOrderByTransactionsForTest(shape == "before")
					for _, custom := range []string{"big", "small"} {
						// The cursors of the first pages, walked once.
						cursors := []string{""}
						for c := ""; len(cursors) < 50; {
							page, next, err := s.Transactions(ctx, f.ws.ID, store.TransactionFilter{Custom: custom, TimeType: tt, Cursor: c, Limit: limit})
							if err != nil {
								b.Fatal(err)
							}
							if len(page) == 0 || next == "" {
								break
							}
							cursors, c = append(cursors, next), next
						}
						times := make([]time.Duration, reps)
						b.StartTimer()
						for i := range times {
							start := time.Now()
							page, _, err := s.Transactions(ctx, f.ws.ID, store.TransactionFilter{Custom: custom, TimeType: tt, Cursor: cursors[i%len(cursors)],
								Limit: limit})
							times[i] = time.Since(start)
							if err != nil || len(page) == 0 {
								b.Fatalf("page: %d rows, %v", len(page), err)
							}
						}
						b.StopTimer()
						slices.Sort(times)
						key := shape + "/" + custom
						p50[key] = times[reps/2]
						b.Logf("%-8s time_type=%-7s limit=%-3d %-6s custom=%-5s (%5d rows, %2d pages) p50 %9v p99 %9v",
							engine, tt, limit, shape, custom, map[string]int{"big": big, "small": small}[custom], len(cursors),
							times[reps/2].Round(time.Microsecond), times[reps*99/100].Round(time.Microsecond))
					}
					restore()
				}
				for _, shape := range []string{"before", "after"} {
					b.Logf("%-8s time_type=%-7s limit=%-3d %-6s p50 big/small %.2f×", engine, tt, limit, shape,
						float64(p50[shape+"/big"])/float64(p50[shape+"/small"]))
				}
				b.ReportMetric(float64(p50["after/big"])/float64(p50["after/small"]), fmt.Sprintf("big/small-%s-%d", tt, limit))
			}
		})
	}
}
