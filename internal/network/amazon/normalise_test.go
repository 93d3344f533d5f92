package amazon

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zip"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/network/amazon/files"
	"github.com/affsync/affsync/internal/reportfile"
	"github.com/affsync/affsync/internal/reportfile/reportfiletest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// now is fixed so range checks of files without a date of their own do not move.
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
	err := reportfile.Open(name, bytes.NewReader(data), files.Reports{}, reportfile.DefaultLimits(), func(t *reportfile.Table) error {
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

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "normalise", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// workbook is an Associates Central XLSX download with a Fee-Earnings
// sheet (title row, serial-number date, Total row) and Fee-DailyTrends.
func workbook(t testing.TB) []byte { return reportfiletest.CentralWorkbook(t, false) }

// download is an Associates Central ZIP: CSV, TSV, the tracking summary and
// the workbook.
func download(t testing.TB) []byte {
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	for _, name := range []string{"Fee-Earnings-us.csv", "Fee-Orders-us.tsv", "Fee-Bounty-us.csv", "Fee-Tracking-us.tsv"} {
		w, _ := zw.Create(name)
		w.Write(fixture(t, name))
	}
	w, _ := zw.Create("report.xlsx")
	w.Write(workbook(t))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return z.Bytes()
}

// TestGolden normalises every flavour and marketplace variant of FORMATS.md
// and compares the facts with the golden files; each input gzipped must
// give the same facts.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		file, host string
		data       func(testing.TB) []byte // nil: the fixture of that name
	}{
		{"shop-20-earnings-report-subtags-20261002.tsv", "www.amazon.com", nil},
		{"shop-20-earnings-report-20261003.tsv.gz", "www.amazon.com", nil},
		{"shop-20-orders-report-subtags-20261002.tsv", "www.amazon.com", nil},
		{"shop-20-tracking-report-20261002.tsv", "www.amazon.com", nil},
		{"shop-20-cp-utm-source-report-20261002.tsv", "www.amazon.com", nil},
		{"shop-20-bounty-report-20261002.tsv", "www.amazon.com", nil},
		{"shop-20-earnings-report-subtags-20261003.tsv", "www.amazon.com", nil},
		{"shop-21-earnings-report-20261002.xml", "www.amazon.de", nil},
		{"shop-22-orders-report-20261002.xml", "www.amazon.com", nil},
		{"gynny-21-earnings-report-20120506.xml", "www.amazon.com", nil},
		{"Fee-Earnings-us.csv", "www.amazon.com", nil},
		{"Fee-Orders-us.tsv", "www.amazon.com", nil},
		{"Fee-Bounty-us.csv", "www.amazon.com", nil},
		{"Fee-Tracking-us.tsv", "www.amazon.com", nil},
		{"Fee-Earnings-ca.csv", "www.amazon.ca", nil},
		{"Fee-Earnings-uk.tsv", "www.amazon.co.uk", nil},
		{"Fee-Earnings-ie.tsv", "www.amazon.ie", nil},
		{"Fee-Earnings-de.tsv", "www.amazon.de", nil},
		{"Fee-Earnings-jp.tsv", "www.amazon.co.jp", nil},
		{"Fee-Earnings-in.csv", "www.amazon.in", nil},
		{"report.xlsx", "www.amazon.com", workbook},
		{"download.zip", "www.amazon.com", download},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var data []byte
			if tc.data != nil {
				data = tc.data(t)
			} else {
				data = fixture(t, tc.file)
			}
			got, err := normaliseAll(tc.file, data, tc.host, "")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, got)

			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			zw.Write(data)
			zw.Close()
			gzipped, err := normaliseAll(tc.file, b.Bytes(), tc.host, "")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gzipped, got) {
				t.Fatalf("gzipped reads differently: %+v", gzipped)
			}
		})
	}
}

// TestRealSample is the must-show: the real XML is one earnings item,
// subtag 92164|1|ma, commission 0.60 on 7.99.
func TestRealSample(t *testing.T) {
	got, err := normaliseAll("gynny-21-earnings-report-20120506.xml", fixture(t, "gynny-21-earnings-report-20120506.xml"), "www.amazon.com", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Facts) != 1 {
		t.Fatalf("%d facts", len(got.Facts))
	}
	f := got.Facts[0]
	if f.Subtag != "92164|1|ma" || f.Commission != 60 || f.Price != 799 || f.Revenue != 799 || f.Quantity != 1 || f.Rate != 751 ||
		f.Report != model.ReportEarnings || f.Day.Format("2006-01-02") != "2008-07-07" || f.TrackingID != "cse-ce- 20" || f.Currency != "USD" {
		t.Fatalf("sample fact: %+v", f)
	}
}

// TestKeys: equal rows stay distinct, a re-read finds the same keys, and a
// "|" inside a value cannot make two different rows one key.
func TestKeys(t *testing.T) {
	name := "shop-20-earnings-report-subtags-20261002.tsv"
	first, err := normaliseAll(name, fixture(t, name), "www.amazon.com", "")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := normaliseAll(name, fixture(t, name), "www.amazon.com", "")
	keys := map[string]bool{}
	for i, f := range first.Facts {
		if keys[f.Key] {
			t.Errorf("key %q twice", f.Key)
		}
		keys[f.Key] = true
		if again.Facts[i].Key != f.Key {
			t.Errorf("re-read key %q, first %q", again.Facts[i].Key, f.Key)
		}
	}
	if !strings.HasSuffix(first.Facts[0].Key, "#1") || !strings.HasSuffix(first.Facts[1].Key, "#2") ||
		strings.TrimSuffix(first.Facts[0].Key, "#1") != strings.TrimSuffix(first.Facts[1].Key, "#2") {
		t.Errorf("identical lines: %q, %q", first.Facts[0].Key, first.Facts[1].Key)
	}
	head := "Tracking ID\tSub Tag\tASIN\tDate Shipped\tQuantity\tEarnings\n"
	got, err := normaliseAll("k.tsv", []byte(head+"a\tb|c\tX\t2026-10-02\t1\t1.00\na|b\tc\tX\t2026-10-02\t1\t1.00\n"), "www.amazon.com", "")
	if err != nil || len(got.Facts) != 2 || got.Facts[0].Key == got.Facts[1].Key {
		t.Fatalf("escaped keys: %+v %v", got.Facts, err)
	}
}

func TestTrackingFilter(t *testing.T) {
	name := "shop-20-earnings-report-subtags-20261002.tsv"
	got, err := normaliseAll(name, fixture(t, name), "www.amazon.com", "shop-21")
	if err != nil || len(got.Facts) != 1 || got.Skip != 3 || got.Rows != 4 || got.Facts[0].TrackingID != "shop-21" {
		t.Fatalf("tracking filter: %+v %v", got, err)
	}
}

// TestBadInput: every bad value is an *reportfile.Error naming file, line and
// column, and the file's own column name.
func TestBadInput(t *testing.T) {
	head := "Category\tName\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tItems Shipped\tReturns\tRevenue\tAd Fees\tDirect\n"
	row := func(date, shipped, revenue, fees, direct string) string {
		return "B\tN\tA1\tS\tt-20\t" + date + "\t1.00\t" + shipped + "\t0\t" + revenue + "\t" + fees + "\t" + direct + "\n"
	}
	for _, tc := range []struct {
		name, file, host, body, want string
		wraps                        error // the message must then start with want and wrap this
	}{
		{"bad number", "bad.tsv", "www.amazon.com", head + row("2026-10-02", "1", "1.00", "abc", "Y"), `bad.tsv:2:11: Ad Fees "abc": `, money.ErrSyntax},
		{"malformed amount", "bad.tsv", "www.amazon.com", head + row("2026-10-02", "1", "1.2.3", "0.04", "Y"), `bad.tsv:2:10: Revenue "1.2.3": `, money.ErrSyntax},
		{"bad count", "bad.tsv", "www.amazon.com", head + row("2026-10-02", "one", "1.00", "0.04", "Y"), `bad.tsv:2:8: Items Shipped "one": `, money.ErrSyntax},
		{"bad flag", "bad.tsv", "www.amazon.com", head + row("2026-10-02", "1", "1.00", "0.04", "maybe"), `bad.tsv:2:12: Direct "maybe": want Y/N or DI/NDI`, nil},
		{"bad date", "bad.tsv", "www.amazon.com", head + row("2026-13-45", "1", "1.00", "0.04", "Y"), `bad.tsv:2:6: Date Shipped "2026-13-45": not a date this marketplace writes`, nil},
		{"day-first date on a US file", "bad.tsv", "www.amazon.com", head + row("31/10/2026", "1", "1.00", "0.04", "Y"), `bad.tsv:2:6: Date Shipped "31/10/2026": not a date this marketplace writes`, nil},
		{"date before 1995", "bad.tsv", "www.amazon.com", head + row("1970-01-01", "1", "1.00", "0.04", "Y"), `bad.tsv:2:6: Date Shipped "1970-01-01" is out of range (1995 to 2027-11-24)`, nil},
		{"date a year after its file", "t-20-earnings-report-20120506.tsv", "www.amazon.com", head + row("2013-06-01", "1", "1.00", "0.04", "Y"),
			`t-20-earnings-report-20120506.tsv:2:6: Date Shipped "2013-06-01" is out of range (1995 to 2013-05-06)`, nil},
		{"no date at all", "bad.tsv", "www.amazon.com", "ASIN\tEarnings\nA1\t1.00\n", "bad.tsv:2: the row has no date, and the file gives no single day", nil},
		{"bad epoch", "x-20-earnings-report-20261002.xml", "www.amazon.com", `<Data><Items><Item ASIN="A" Earnings="1.00" EDate="soon"/></Items></Data>`,
			`x-20-earnings-report-20261002.xml:1:14: EDate "soon": not epoch seconds`, nil},
		{"words the marketplace does not write, no EDate", "x-20-earnings-report-20261002.xml", "www.amazon.de", `<Data><Items><Item ASIN="A" Earnings="1,00" Date="Oktober 02, 2026"/></Items></Data>`,
			`x-20-earnings-report-20261002.xml:1:14: Date "Oktober 02, 2026": not a date this marketplace writes`, nil},
		{"wrong columns", "x-20-earnings-report-20261002.tsv", "www.amazon.com", "title\nASIN\tName\tPrice\nA\tN\t1.00\n",
			"x-20-earnings-report-20261002.tsv:2:1: wrong columns: a earnings report needs commission; the header has asin, name, price", nil},
		{"currency against marketplace", "Fee-Earnings-us.csv", "www.amazon.co.uk", string(fixture(t, "Fee-Earnings-us.csv")),
			"Fee-Earnings-us.csv:2:7: the header says amounts are in USD, but this connection's transactions are in GBP: import the file into a connection " +
				"of the account it comes from, made with --currency USD (or --marketplace www.amazon.com); nothing of this file was stored", nil},
		{"yen on a euro market", "Fee-Earnings-jp.tsv", "www.amazon.de", string(fixture(t, "Fee-Earnings-jp.tsv")),
			"Fee-Earnings-jp.tsv:1:7: the header says amounts are in JPY, but this connection's transactions are in EUR: import the file into a connection " +
				"of the account it comes from, made with --currency JPY (or --marketplace www.amazon.co.jp); nothing of this file was stored", nil},
		{"cents in yen", "Fee-Earnings-jp.tsv", "www.amazon.co.jp", "ASIN\tDate Shipped\tAd Fees\nA\t2026/10/02\t1.50\n",
			`Fee-Earnings-jp.tsv:2:3: Ad Fees "1.50": `, money.ErrPrecision},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := normaliseAll(tc.file, []byte(tc.body), tc.host, "")
			var ie *reportfile.Error
			if tc.wraps != nil {
				if !errors.As(err, &ie) || !errors.Is(err, tc.wraps) || !strings.HasPrefix(err.Error(), tc.want) || len(err.Error()) == len(tc.want) {
					t.Fatalf("error %v\nwant *reportfile.Error %q… wrapping %v", err, tc.want, tc.wraps)
				}
				return
			}
			if !errors.As(err, &ie) || err.Error() != tc.want {
				t.Fatalf("error %v\nwant *reportfile.Error %q", err, tc.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in       string
		dayFirst bool
		want     string // "" for an error
	}{
		{"January 5, 2020", false, "2020-01-05"},
		{"Jan 5, 2020", false, "2020-01-05"},
		{"July 07, 2008", false, "2008-07-07"},
		{"October  2,  2026", false, "2026-10-02"},
		{"2026-10-02", true, "2026-10-02"},
		{"2026-10-02 23:59:59", false, "2026-10-02"},
		{"2026/10/02", false, "2026-10-02"},
		{"10/02/2026", false, "2026-10-02"},
		{"10/02/2026", true, "2026-02-10"},
		{"2/10/2026", true, "2026-10-02"},
		{"02.10.2026", true, "2026-10-02"},
		{"02.10.2026", false, "2026-10-02"},
		{"13/02/2026", false, ""},
		{"02/13/2026", true, ""},
		{"yesterday", false, ""},
		{"2026-02-30", false, ""},
	} {
		d, err := parseDate(tc.in, tc.dayFirst)
		got := ""
		if err == nil {
			got = d.Format("2006-01-02")
			if d.Hour() != 0 || d.Location() != time.UTC {
				t.Errorf("%q: %v is not midnight UTC", tc.in, d)
			}
		}
		if got != tc.want {
			t.Errorf("parseDate(%q, dayFirst=%v) = %q, %v; want %q", tc.in, tc.dayFirst, got, err, tc.want)
		}
	}
}

func TestLookupMarketplace(t *testing.T) {
	for _, tc := range []struct{ host, program, currency string }{
		{"www.amazon.com", "amazon.com", "USD"}, {"www.amazon.co.uk", "amazon.co.uk", "GBP"}, {"www.amazon.de", "amazon.de", "EUR"},
		{"www.amazon.fr", "amazon.fr", "EUR"}, {"www.amazon.it", "amazon.it", "EUR"}, {"www.amazon.es", "amazon.es", "EUR"},
		{"www.amazon.nl", "amazon.nl", "EUR"}, {"www.amazon.ca", "amazon.ca", "CAD"}, {"www.amazon.co.jp", "amazon.co.jp", "JPY"},
		{"www.amazon.in", "amazon.in", "INR"}, {"www.amazon.com.au", "amazon.com.au", "AUD"}, {"www.amazon.com.mx", "amazon.com.mx", "MXN"},
		{"www.amazon.com.br", "amazon.com.br", "BRL"}, {"www.amazon.se", "amazon.se", "SEK"}, {"www.amazon.pl", "amazon.pl", "PLN"},
		{"www.amazon.com.tr", "amazon.com.tr", "TRY"}, {"www.amazon.ae", "amazon.ae", "AED"}, {"www.amazon.sa", "amazon.sa", "SAR"},
		{"www.amazon.sg", "amazon.sg", "SGD"}, {"www.amazon.eg", "amazon.eg", "EGP"}, {"www.amazon.com.be", "amazon.com.be", "EUR"},
		{"www.amazon.ie", "amazon.ie", "EUR"}, {"amazon.ie", "amazon.ie", "EUR"},
		{"amazon.de", "amazon.de", "EUR"}, {"https://www.amazon.co.jp/", "amazon.co.jp", "JPY"}, {" WWW.AMAZON.COM ", "amazon.com", "USD"},
		{"www.amazon.cn", "", ""}, {"", "", ""}, {"www.ebay.com", "", ""},
	} {
		m, ok := LookupMarketplace(tc.host)
		if ok != (tc.program != "") || m.Program != tc.program || m.Currency != tc.currency {
			t.Errorf("LookupMarketplace(%q) = %+v, %v", tc.host, m, ok)
		}
	}
	de, _ := LookupMarketplace("www.amazon.de")
	if de != (Marketplace{"www.amazon.de", "amazon.de", "EUR", 2, true}) {
		t.Errorf("de = %+v", de)
	}
	ie, _ := LookupMarketplace("www.amazon.ie")
	if ie != (Marketplace{"www.amazon.ie", "amazon.ie", "EUR", money.HintDot, true}) {
		t.Errorf("ie = %+v", ie)
	}
}

// FuzzNormalise runs any bytes through sniffing, reading and normalising: no
// panic, and every failure is a located *reportfile.Error.
func FuzzNormalise(f *testing.F) {
	entries, _ := os.ReadDir(filepath.Join("testdata", "normalise"))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".golden.json") {
			continue
		}
		f.Add(e.Name(), fixture(f, e.Name()))
	}
	f.Add("report.xlsx", workbook(f))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		_, err := normaliseAll(name, data, "www.amazon.com", "")
		var ie *reportfile.Error
		if err != nil && !errors.As(err, &ie) {
			t.Fatalf("unlocated error %T: %v", err, err)
		}
	})
}

// TestEpochFallback: an XML date in words the parser does not know falls
// back to EDate, which says the same day.
func TestEpochFallback(t *testing.T) {
	xml := `<Data><Items><Item ASIN="A" Earnings="1,00" Date="Oktober 02, 2026" EDate="1790899200"/></Items></Data>`
	got, err := normaliseAll("x-21-earnings-report-20261002.xml", []byte(xml), "www.amazon.de", "")
	if err != nil || len(got.Facts) != 1 || got.Facts[0].Day.Format("2006-01-02") != "2026-10-02" || got.Facts[0].Commission != 100 {
		t.Fatalf("%+v %v", got, err)
	}
}
