package amazon

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zip"
	"github.com/xuri/excelize/v2"

	"github.com/affsync/affsync/internal/ingest"
	"github.com/affsync/affsync/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// now is fixed so date range checks do not move.
func now() time.Time { return time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC) }

// result is what a golden file holds: the facts and notes of one input.
type result struct {
	Facts []model.Fact `json:"facts"`
	Notes []string     `json:"notes"`
	Rows  int          `json:"rows"`
	Skip  int          `json:"skipped"`
}

func normaliseAll(name string, data []byte, host, tracking string) (result, error) {
	m, ok := LookupMarketplace(host)
	if !ok {
		return result{}, errors.New("unknown marketplace " + host)
	}
	res := result{Facts: []model.Fact{}, Notes: []string{}}
	err := ingest.Open(name, bytes.NewReader(data), ingest.DefaultLimits(), func(t *ingest.Table) error {
		st, err := Normalise(t, NormaliseOptions{ConnectionID: "conn_test", Marketplace: m, TrackingID: tracking, Now: now}, func(f model.Fact) error {
			res.Facts = append(res.Facts, f)
			return nil
		})
		res.Rows += st.Rows
		res.Skip += st.Skipped
		res.Notes = append(res.Notes, st.Notes...)
		return err
	})
	return res, err
}

func golden(t *testing.T, name string, got result) {
	t.Helper()
	path := filepath.Join("testdata", "normalise", name+".golden.json")
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs from %s:\n%s", name, path, b)
	}
}

// TestGolden normalises every flavour and marketplace variant of FORMATS.md.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		file, host, tracking string
	}{
		{"shop-20-earnings-report-subtags-20261002.tsv", "www.amazon.com", ""},
		{"Fee-Earnings-us.csv", "www.amazon.com", ""},
		{"Fee-Orders-us.tsv", "www.amazon.com", ""},
		{"Fee-Bounty-us.csv", "www.amazon.com", ""},
		{"shop-20-tracking-report-20261002.tsv", "www.amazon.com", ""},
		{"Fee-Earnings-uk.tsv", "www.amazon.co.uk", ""},
		{"Fee-Earnings-de.tsv", "www.amazon.de", ""},
		{"Fee-Earnings-jp.tsv", "www.amazon.co.jp", ""},
		{"Fee-Earnings-in.csv", "www.amazon.in", ""},
		{"shop-21-earnings-report-20261002.xml", "www.amazon.de", ""},
		{"gynny-21-earnings-report-20120506.xml", "www.amazon.com", ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "normalise", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := normaliseAll(tc.file, data, tc.host, tc.tracking)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, got)
			// The same file gzipped reads the same.
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			zw.Write(data)
			zw.Close()
			gzipped, err := normaliseAll(tc.file+".gz", b.Bytes(), tc.host, tc.tracking)
			if err != nil {
				t.Fatal(err)
			}
			if len(gzipped.Facts) != len(got.Facts) {
				t.Fatalf("gzipped: %d facts, plain %d", len(gzipped.Facts), len(got.Facts))
			}
			for i := range got.Facts {
				g := gzipped.Facts[i]
				g.File = got.Facts[i].File
				if !reflect.DeepEqual(g, got.Facts[i]) {
					t.Fatalf("gzipped fact %d differs: %+v", i, g)
				}
			}
		})
	}
}

// TestRealSample is SPEC's must-show: the real XML is one item, subtag
// 92164|1|ma, commission 0.60 on 7.99.
func TestRealSample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "normalise", "gynny-21-earnings-report-20120506.xml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := normaliseAll("gynny-21-earnings-report-20120506.xml", data, "www.amazon.com", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Facts) != 1 {
		t.Fatalf("%d facts", len(got.Facts))
	}
	f := got.Facts[0]
	if f.Subtag != "92164|1|ma" || f.Commission != 60 || f.Price != 799 || f.Revenue != 799 || f.Quantity != 1 || f.Rate != 751 ||
		f.Report != model.ReportEarnings || f.Day.Format("2006-01-02") != "2008-07-07" || f.TrackingID != "cse-ce- 20" {
		t.Fatalf("sample fact: %+v", f)
	}
}

func TestXLSXAndZip(t *testing.T) {
	wb := excelize.NewFile()
	wb.SetSheetName("Sheet1", "Fee-Earnings")
	rows := [][]any{
		{"Fee-Earnings reports from 10-01-2026 to 10-31-2026"},
		{"Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price($)", "Items Shipped", "Returns", "Revenue($)", "Ad Fees($)", "Device Type Group", "Sub Tag"},
		{"Electronics", "Cable", "B0C1234567", "Amazon.com", "shop-20", "2026-10-02", "29.99", "2", "0", "59.98", "2.40", "DESKTOP", "x1"},
		{"Total", "", "", "", "", "", "", "2", "0", "59.98", "2.40", "", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		wb.SetSheetRow("Fee-Earnings", cell, &r)
	}
	wb.NewSheet("Fee-DailyTrends")
	wb.SetSheetRow("Fee-DailyTrends", "A1", &[]any{"Fee-DailyTrends reports from 10-01-2026 to 10-31-2026"})
	wb.SetSheetRow("Fee-DailyTrends", "A2", &[]any{"Date", "Clicks", "Items Ordered (Amazon)", "Items Ordered (3rd Party)", "Total Items Ordered", "Conversion"})
	wb.SetSheetRow("Fee-DailyTrends", "A3", &[]any{"2026-10-02", "10", "1", "0", "1", "10%"})
	var xlsx bytes.Buffer
	if err := wb.Write(&xlsx); err != nil {
		t.Fatal(err)
	}
	got, err := normaliseAll("report.xlsx", xlsx.Bytes(), "www.amazon.com", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Facts) != 1 || got.Facts[0].Subtag != "x1" || got.Facts[0].Commission != 240 || got.Facts[0].File != "report.xlsx#Fee-Earnings" ||
		len(got.Notes) != 1 || !strings.Contains(got.Notes[0], "Fee-DailyTrends") {
		t.Fatalf("xlsx: %+v", got)
	}

	// A ZIP of every US file and the workbook: each member read, the workbook's sheets too.
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	for _, name := range []string{"Fee-Earnings-us.csv", "Fee-Orders-us.tsv", "Fee-Bounty-us.csv"} {
		data, _ := os.ReadFile(filepath.Join("testdata", "normalise", name))
		w, _ := zw.Create(name)
		w.Write(data)
	}
	w, _ := zw.Create("report.xlsx")
	w.Write(xlsx.Bytes())
	zw.Close()
	all, err := normaliseAll("download.zip", z.Bytes(), "www.amazon.com", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Facts) != 2+2+3+1 {
		t.Fatalf("zip: %d facts", len(all.Facts))
	}
}

func TestTrackingFilterAndCurrency(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join("testdata", "normalise", "shop-20-earnings-report-subtags-20261002.tsv"))
	got, err := normaliseAll("shop-20-earnings-report-subtags-20261002.tsv", data, "www.amazon.com", "shop-21")
	if err != nil || len(got.Facts) != 1 || got.Skip != 3 || got.Facts[0].TrackingID != "shop-21" {
		t.Fatalf("tracking filter: %+v %v", got, err)
	}
	uk, _ := os.ReadFile(filepath.Join("testdata", "normalise", "Fee-Earnings-us.csv"))
	if _, err := normaliseAll("Fee-Earnings-us.csv", uk, "www.amazon.co.uk", ""); err == nil || !strings.Contains(err.Error(), "USD") {
		t.Fatalf("a USD file on a UK connection: %v", err)
	}
}

func TestBadRows(t *testing.T) {
	head := "Category\tName\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tItems Shipped\tReturns\tRevenue\tAd Fees\n"
	for _, tc := range []struct{ name, body, want string }{
		{"bad number", head + "B\tN\tA1\tS\tt-20\t2026-10-02\t1.00\t1\t0\t1.00\tabc\n", "bad.tsv:2:11: commission \"abc\""},
		{"bad date", head + "B\tN\tA1\tS\tt-20\t2026-13-45\t1.00\t1\t0\t1.00\t0.04\n", "bad.tsv:2:6: date \"2026-13-45\""},
		{"date out of range", head + "B\tN\tA1\tS\tt-20\t1970-01-01\t1.00\t1\t0\t1.00\t0.04\n", "bad.tsv:2:6: date \"1970-01-01\" is out of range"},
		{"bad quantity", head + "B\tN\tA1\tS\tt-20\t2026-10-02\t1.00\tone\t0\t1.00\t0.04\n", "bad.tsv:2:8: items_shipped \"one\""},
		{"ambiguous amount", head + "B\tN\tA1\tS\tt-20\t2026-10-02\t1.00\t1\t0\t1.234\t0.04\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := normaliseAll("bad.tsv", []byte(tc.body), "www.amazon.com", "")
			if tc.want == "" {
				return // accepted under the marketplace's hint
			}
			var ie *ingest.Error
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// FuzzNormalise runs any bytes through sniffing, reading and normalising: no
// panic, and every failure is a located *ingest.Error.
func FuzzNormalise(f *testing.F) {
	entries, _ := os.ReadDir(filepath.Join("testdata", "normalise"))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".golden.json") {
			continue
		}
		data, _ := os.ReadFile(filepath.Join("testdata", "normalise", e.Name()))
		f.Add(e.Name(), data)
	}
	if data, err := os.ReadFile("../../../../shared/amazon/samples/earnings-one-item.xml"); err == nil {
		f.Add("sample.xml", data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		_, err := normaliseAll(name, data, "www.amazon.com", "")
		if err == nil {
			return
		}
		var ie *ingest.Error
		if !errors.As(err, &ie) && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("unlocated error %T: %v", err, err)
		}
	})
}
