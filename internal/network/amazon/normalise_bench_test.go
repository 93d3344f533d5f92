package amazon

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/network/amazon/files"
	"github.com/affsync/affsync/internal/reportfile"
)

// BenchmarkNormalise reads a DataFeed earnings TSV of 100,000 rows; b.N
// files. Reports rows/s beside the usual figures.
func BenchmarkNormalise(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("Earnings report\nProduct Line\tItem\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tReferral Fee Rate\tQuantity\tRevenue\tEarnings\tSub Tag\n")
	const rows = 100_000
	for i := range rows {
		fmt.Fprintf(&buf, "Electronics\t\"Cable \"\"%d\"\"\"\tB0C%07d\tAmazon.com\tshop-20\tOctober 2, 2026\t29.99\t4.00\t2\t59.98\t2.40\tsub-%d\n", i, i%5000, i)
	}
	data := buf.Bytes()
	m, _ := LookupMarketplace("www.amazon.com")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := reportfile.Open("shop-20-earnings-report-subtags-20261002.tsv", bytes.NewReader(data), files.Reports{}, reportfile.DefaultLimits(), func(t *reportfile.Table) error {
			_, err := Normalise(t, NormaliseOptions{Marketplace: m, Now: now}, func(model.Fact) error { n++; return nil })
			return err
		})
		if err != nil || n != rows {
			b.Fatalf("%d facts, %v", n, err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
