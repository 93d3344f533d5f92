package store_test

import (
	"fmt"
	"math"
	"os"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// benchFacts are n facts shaped like an earnings-subtags file's rows.
func benchFacts(conn store.Connection, n int) []store.GroupedFact {
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	facts := make([]store.GroupedFact, n)
	for i := range facts {
		facts[i] = store.GroupedFact{Group: fmt.Sprintf("s:s%07d", i/3), Fact: model.Fact{ConnectionID: conn.ID,
			Report: model.ReportEarnings, Day: day.AddDate(0, 0, i/3%31), Line: i + 3, Key: fmt.Sprintf("k%d#1", i),
			Program: "amazon.com", Currency: "USD", TrackingID: "bench-20", Subtag: fmt.Sprintf("s%07d", i/3),
			ASIN: fmt.Sprintf("B0%08d", i%50000), Name: fmt.Sprintf("Item %d", i%997), Category: "Electronics",
			Seller: "Amazon.com", Price: 2999, Quantity: 1, Revenue: 2999, Commission: 120, Rate: 400, ItemsShipped: 1}}
	}
	return facts
}

// BenchmarkInsertFactsPostgres is BenchmarkInsertFacts on PostgreSQL: 200k
// facts in batches of the importer's 2000, in one transaction, through
// multi-row INSERTs ("values", the old path) and through COPY ("copy"), in
// one run:
//
//	AFFSYNC_TEST_POSTGRES=… go test -run '^$' -bench InsertFactsPostgres -benchtime 3x ./internal/store/
func BenchmarkInsertFactsPostgres(b *testing.B) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		b.Skip("set " + storetest.EnvPostgres)
	}
	const rows = 200_000
	rate := map[string]float64{}
	for _, path := range []string{"values", "copy"} {
		b.Run(path, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := storetest.OpenPostgres(b)
				if path == "values" {
					s.SetCopyMinRowsForTest(math.MaxInt)
				}
				f := newFixture(b, s, "bench")
				facts := benchFacts(f.conn, rows)
				b.StartTimer()
				storeBenchFacts(b, s, f, facts)
				b.StopTimer()
				s.Close()
			}
			rate[path] = float64(rows) * float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rate[path], "rows/s")
		})
	}
	if rate["values"] > 0 && rate["copy"] > 0 {
		b.Logf("postgres InsertFacts: values %.0f rows/s, copy %.0f rows/s, copy/values %.2f×", rate["values"], rate["copy"], rate["copy"]/rate["values"])
	}
}

// BenchmarkCopyThreshold times small batches of facts through either path
// on PostgreSQL, the measure behind copyMinRows:
//
//	AFFSYNC_TEST_POSTGRES=… go test -run '^$' -bench CopyThreshold ./internal/store/
func BenchmarkCopyThreshold(b *testing.B) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		b.Skip("set " + storetest.EnvPostgres)
	}
	s := storetest.OpenPostgres(b)
	f := newFixture(b, s, "bench")
	var file int64
	if err := s.Write(ctx, func(tx *store.Tx) error {
		var err error
		file, err = tx.AddFile(ctx, store.ImportedFile{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Filename: "bench.tsv", MD5: "m",
			Outcome: store.FileApplied})
		return err
	}); err != nil {
		b.Fatal(err)
	}
	line := 0
	for _, n := range []int{8, 16, 32, 64, 128, 512} {
		for _, path := range []string{"values", "copy"} {
			b.Run(fmt.Sprintf("rows=%d/%s", n, path), func(b *testing.B) {
				min := math.MaxInt
				if path == "copy" {
					min = 1
				}
				defer s.SetCopyMinRowsForTest(min)()
				facts := benchFacts(f.conn, n)
				// One transaction, as an import's: the staging table and
				// the statement descriptions are made once in it.
				b.ResetTimer()
				err := s.Write(ctx, func(tx *store.Tx) error {
					for i := 0; i < b.N; i++ {
						for j := range facts {
							line++
							facts[j].Line, facts[j].Key = line, fmt.Sprintf("k%d", line)
						}
						if err := tx.InsertFacts(ctx, f.ws.ID, file, facts); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}
