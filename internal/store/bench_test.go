package store_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/linkbuilder"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// BenchmarkUpsertTransactions stores 100k-row batches (new rows, new rows with
// a webhook subscribed to them, then the same rows unchanged) and reports
// rows/s on each engine:
//
//	go test -run '^$' -bench UpsertTransactions -benchtime 1x ./internal/store/
func BenchmarkUpsertTransactions(b *testing.B) {
	const rows = 100_000
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
		for _, phase := range []string{"insert", "insert+webhook", "unchanged"} {
			b.Run(fmt.Sprintf("%s/%s", engine, phase), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					s := open(b)
					ws, err := s.EnsureWorkspace(ctx, "bench")
					if err != nil {
						b.Fatal(err)
					}
					conn, err := s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: "bench"}, nil)
					if err != nil {
						b.Fatal(err)
					}
					batch := batchOf(conn, 0, rows)
					if phase == "insert+webhook" {
						box, _ := secret.NewBox(make([]byte, secret.KeySize))
						if _, err := s.CreateWebhook(ctx, box, store.Webhook{WorkspaceID: ws.ID, URL: "https://example.com/",
							Events: []string{"transaction.created"}}, "s"); err != nil {
							b.Fatal(err)
						}
					}
					if phase == "unchanged" {
						if _, err := s.UpsertTransactions(ctx, ws.ID, batch); err != nil {
							b.Fatal(err)
						}
					}
					b.StartTimer()
					st, err := s.UpsertTransactions(ctx, ws.ID, batch)
					if err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					if (phase != "unchanged" && st.Created != rows) || (phase == "unchanged" && st.Unchanged != rows) {
						b.Fatalf("stats %+v", st)
					}
					s.Close()
				}
				b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// BenchmarkRecordLinkClicks stores redirect hits in the batches the click
// queue writes and reports hits/s: the rate /r/{code} can sustain without
// drops.
//
//	go test -run '^$' -bench RecordLinkClicks -benchtime 500x ./internal/store/
func BenchmarkRecordLinkClicks(b *testing.B) {
	const batch = 2000
	engines := map[string]func(testing.TB) *store.Store{"sqlite": storetest.OpenSQLite}
	if os.Getenv(storetest.EnvPostgres) != "" {
		engines["postgres"] = storetest.OpenPostgres
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		open := engines[engine]
		if open == nil {
			continue
		}
		b.Run(engine, func(b *testing.B) {
			s := open(b)
			ws, err := s.EnsureWorkspace(ctx, "bench")
			if err != nil {
				b.Fatal(err)
			}
			l, err := s.CreateLink(ctx, store.Link{WorkspaceID: ws.ID, Code: "bench", URL: "https://www.amazon.com/dp/B0C1234567?tag=b-20",
				Channel: "b-20", Program: "amazon.com", UniquePerClick: true})
			if err != nil {
				b.Fatal(err)
			}
			clicks := make([]store.LinkClick, batch)
			now := time.Now()
			for i := 0; i < b.N; i++ {
				for j := range clicks {
					at := now.Add(time.Duration(i*batch+j) * 50 * time.Microsecond) // 20,000 hits a second
					clicks[j] = store.LinkClick{LinkID: l.ID, Subtag: linkbuilder.NewSubtag(at), Custom: fmt.Sprintf("user%d", j%500), ClickedAt: at}
				}
				if err := s.RecordLinkClicks(ctx, ws.ID, clicks); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(batch)*float64(b.N)/b.Elapsed().Seconds(), "hits/s")
		})
	}
}

// BenchmarkInsertFacts stores 200k facts shaped like an earnings-subtags
// file's rows in one write transaction, on SQLite, and nothing else (no
// parsing, no projection): the floor under an import's time per row, which
// bench/import.sh compares with sqlite3 .import.
//
//	go test -run '^$' -bench InsertFacts -benchtime 1x ./internal/store/
func BenchmarkInsertFacts(b *testing.B) {
	const rows = 200_000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := storetest.OpenSQLite(b)
		f := newFixture(b, s, "bench")
		facts := benchFacts(f.conn, rows)
		b.StartTimer()
		storeBenchFacts(b, s, f, facts)
		b.StopTimer()
		s.Close()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// storeBenchFacts stores facts as one file's, in one write transaction, in
// batches of the importer's 2000.
func storeBenchFacts(b *testing.B, s *store.Store, f fixture, facts []store.GroupedFact) {
	const batch = 2000
	err := s.Write(ctx, func(tx *store.Tx) error {
		id, err := tx.AddFile(ctx, store.ImportedFile{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Filename: "bench.tsv",
			MD5: "m", Outcome: store.FileApplied})
		if err != nil {
			return err
		}
		for from := 0; from < len(facts); from += batch {
			if err := tx.InsertFacts(ctx, f.ws.ID, id, facts[from:min(from+batch, len(facts))]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
