package importer_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store/storetest"
)

// writeEarnings writes an earnings-subtags TSV of n rows shaped like
// bench/gen_earnings.py: about three items a subtag, a month of days.
func writeEarnings(tb testing.TB, path string, n int) { writeEarningsVersion(tb, path, n, false) }

// writeEarningsVersion writes the file, or (reissued) the same report with
// every hundredth row (i%100 == 50) of another quantity, as gen_earnings.py
// --reissue does.
func writeEarningsVersion(tb testing.TB, path string, n int, reissued bool) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "Earnings report for bench-20\n", earningsHeader)
	prices := []int{799, 1299, 2999, 4550, 12345}
	for i := range n {
		price, qty := prices[i*7%5], 1+i*13%3
		if reissued && i%100 == 50 {
			qty = qty%3 + 1
		}
		fmt.Fprintf(w, "Electronics\tItem %d\tB0%08d\tAmazon.com\tbench-20\tOctober %d, 2026\t%d.%02d\t4.00\t%d\t%d.%02d\t%d.%02d\ts%07d\n",
			i%997, i%50000, 1+(i/3)%31, price/100, price%100, qty,
			price*qty/100, price*qty%100, price*qty*4/10000, price*qty*4/100%100, i/3)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
}

// BenchmarkImportEarnings imports a fresh earnings-subtags file per
// iteration (AFFSYNC_BENCH_ROWS rows, default 100000) and reports rows/s.
func BenchmarkImportEarnings(b *testing.B) {
	n := 100000
	if v := os.Getenv("AFFSYNC_BENCH_ROWS"); v != "" {
		fmt.Sscan(v, &n)
	}
	path := filepath.Join(b.TempDir(), "bench-20-earnings-report-subtags-20261031.tsv")
	writeEarnings(b, path, n)
	var rows int
	for b.Loop() {
		b.StopTimer()
		s := storetest.OpenSQLite(b)
		e := newEnv(b, s, "bench")
		b.StartTimer()
		sum, err := e.im.Import(ctx, e.conn, importer.LocalFile(path), nil)
		if err != nil {
			b.Fatal(err)
		}
		rows += sum.Rows
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReimportEarnings imports a file, then (timed) the same report
// re-issued with 1% of its rows changed, and checks the re-import's counts.
func BenchmarkReimportEarnings(b *testing.B) {
	n := 100000
	if v := os.Getenv("AFFSYNC_BENCH_ROWS"); v != "" {
		fmt.Sscan(v, &n)
	}
	name := "bench-20-earnings-report-subtags-20261031.tsv"
	first, again := filepath.Join(b.TempDir(), name), filepath.Join(b.TempDir(), name)
	writeEarnings(b, first, n)
	writeEarningsVersion(b, again, n, true)
	changed, total := (n+49)/100, (n+2)/3
	for b.Loop() {
		b.StopTimer()
		s := storetest.OpenSQLite(b)
		e := newEnv(b, s, "bench")
		if _, err := e.im.Import(ctx, e.conn, importer.LocalFile(first), nil); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		sum, err := e.im.Import(ctx, e.conn, importer.LocalFile(again), nil)
		if err != nil {
			b.Fatal(err)
		}
		if got, want := sum.Transactions, (importer.Counts{Updated: changed, Unchanged: total - changed}); got != want {
			b.Fatalf("re-import counts %+v, want %+v", got, want)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}
