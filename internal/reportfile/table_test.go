package reportfile_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	. "github.com/affsync/affsync/internal/reportfile"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zip"

	"github.com/affsync/affsync/internal/reportfile/reportfiletest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// tableDump is what a golden file holds of one table.
type tableDump struct {
	Kind                                               string `json:",omitempty"` // when not a report
	Name, Report, RawType, Format, Title, CurrencyHint string
	Subtags                                            bool
	Coverage                                           [2]string
	Columns                                            []string
	HeaderLine, HintColumn, Skipped                    int
	Rows                                               []rowDump
}

type rowDump struct {
	Line   int
	Values map[string]string // canonical column → value
	At     map[string]int    // canonical column → 1-based column
	Number []string          `json:",omitempty"` // columns read from spreadsheet number cells
}

func day(t interface{ Format(string) string }, zero bool) string {
	if zero {
		return ""
	}
	return t.Format("2006-01-02")
}

// readAll opens an input and dumps every table and row.
func readAll(name string, data []byte, lim Limits) ([]tableDump, error) {
	out := []tableDump{}
	err := Open(name, bytes.NewReader(data), amazon, lim, func(tb *Table) error {
		d := tableDump{Name: tb.Name, Report: string(tb.Report), RawType: tb.RawType, Format: tb.Format, Title: tb.Title,
			CurrencyHint: tb.CurrencyHint, Subtags: tb.Subtags, Columns: tb.Columns, HeaderLine: tb.HeaderLine, HintColumn: tb.HintColumn,
			Coverage: [2]string{day(tb.Coverage[0], tb.Coverage[0].IsZero()), day(tb.Coverage[1], tb.Coverage[1].IsZero())}, Rows: []rowDump{}}
		if tb.Kind != KindReport {
			d.Kind = string(tb.Kind)
		}
		for {
			r, err := tb.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			rd := rowDump{Line: r.Line, Values: map[string]string{}, At: map[string]int{}}
			for _, col := range tb.Columns {
				if v, c, ok := r.Get(col); ok {
					rd.Values[col], rd.At[col] = v, c
				}
				if r.Numeric(col) {
					rd.Number = append(rd.Number, col)
				}
			}
			d.Rows = append(d.Rows, rd)
		}
		d.Skipped = tb.Skipped()
		out = append(out, d)
		return nil
	})
	return out, err
}

func golden(t *testing.T, name string, got any) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".json")
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs from %s; got:\n%s", name, path, b)
	}
}

func gz(s []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(s)
	w.Close()
	return b.Bytes()
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fixtures(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

// zipOf packs members into a ZIP archive.
func zipOf(t testing.TB, members ...[2]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, m := range members {
		w, err := zw.Create(m[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(m[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// workbook is an Associates Central XLSX download: Fee-Earnings with a
// title row, a date cell stored as a serial number and a Total row;
// Fee-DailyTrends; and a sheet that is no report.
func workbook(t testing.TB) []byte { return reportfiletest.CentralWorkbook(t, true) }

// generated are inputs built by the test: compressed and binary flavours.
func generated(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"shop-20-earnings-report-20261002.tsv.gz": gz(fixture(t, "shop-20-earnings-report-20261002.tsv")),
		"shop-21-orders-report-20261002.xml.gz":   gz(fixture(t, "shop-21-orders-report-20261002.xml")),
		"report.xlsx":                             workbook(t),
		"records.xlsx":                            records(t, false),
		"download.zip": zipOf(t,
			[2]string{"Fee-Earnings.csv", string(fixture(t, "Fee-Earnings.csv"))},
			[2]string{"Fee-Orders-de.tsv", string(fixture(t, "Fee-Orders-de.tsv"))},
			[2]string{"__MACOSX/._Fee-Orders-de.tsv", "\x00\x05\x16\x07junk"},
			[2]string{"inner/shop-20-tracking-report-20261002.tsv.gz", string(gz(fixture(t, "shop-20-tracking-report-20261002.tsv")))},
			[2]string{"report.xlsx", string(workbook(t))}),
	}
}

// TestGolden reads every fixture (and the generated gzip, ZIP and XLSX
// inputs) and compares tables and rows with testdata/golden.
func TestGolden(t *testing.T) {
	inputs := map[string][]byte{}
	for _, name := range fixtures(t) {
		inputs[name] = fixture(t, name)
	}
	for name, data := range generated(t) {
		inputs[name] = data
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			got, err := readAll(name, data, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name, got)
		})
	}
}

// TestRealSample is the must-show: the real XML holds one earnings item.
func TestRealSample(t *testing.T) {
	tables, err := readAll("gynny-21-earnings-report-20120506.xml", fixture(t, "gynny-21-earnings-report-20120506.xml"), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 || len(tables[0].Rows) != 1 || tables[0].Report != "earnings" {
		t.Fatalf("tables = %+v", tables)
	}
	want := map[string]string{"subtag": "92164|1|ma", "commission": "0.60", "price": "7.99", "tracking_id": "cse-ce- 20",
		"category": "14", "name": "Double Shot (Goldy Culinary Mysteries, Book 12)", "epoch": "1215414000", "date": "July 07, 2008"}
	for k, v := range want {
		if got := tables[0].Rows[0].Values[k]; got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// TestGzipSameAsPlain: compression changes nothing but the bytes read.
func TestGzipSameAsPlain(t *testing.T) {
	for _, name := range fixtures(t) {
		plain, err := readAll(name, fixture(t, name), DefaultLimits())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		packed, err := readAll(name, gz(fixture(t, name)), DefaultLimits())
		if err != nil {
			t.Fatalf("%s.gz: %v", name, err)
		}
		a, _ := json.Marshal(plain)
		b, _ := json.Marshal(packed)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: gzipped reads differently:\n%s\n%s", name, a, b)
		}
	}
}

// TestLimitsDefault: a zero Limits means the defaults, not "nothing allowed".
func TestLimitsDefault(t *testing.T) {
	if _, err := readAll("Fee-Earnings.csv", fixture(t, "Fee-Earnings.csv"), Limits{}); err != nil {
		t.Fatal(err)
	}
}

// TestBadInput: every kind of bad input is an *Error naming file, line and
// column where they are known.
func TestBadInput(t *testing.T) {
	lim := Limits{MaxLineBytes: 100, MaxMemberBytes: 10 << 10, MaxXMLDepth: 4, MaxMembers: 3}
	full := gz([]byte("Title\nASIN\tEarnings\tDate Shipped\n" + strings.Repeat("B1\t1.00\t2026-10-02\n", 200)))
	bomb := gz([]byte("ASIN\tEarnings\n" + strings.Repeat("B1\t1.00\n", 5000)))
	member := strings.Repeat("ASIN\tEarnings\n", 2000)
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"truncated gzip", "a.tsv.gz", full[:len(full)-20], "a.tsv.gz:31: corrupt or truncated compressed data: unexpected EOF"},
		{"gzip checksum", "a.tsv.gz", append(full[:len(full)-8:len(full)-8], 1, 2, 3, 4, 5, 6, 7, 8), "a.tsv.gz:203: corrupt or truncated compressed data: gzip: invalid checksum"},
		{"not gzip after magic", "a.tsv.gz", []byte{0x1f, 0x8b, 0, 0}, "a.tsv.gz: not a valid gzip file: unexpected EOF"},
		{"binary junk", "a.tsv", []byte{0x00, 0x01, 0x02, 0xff, 0x10}, "a.tsv:1:1: not a report: binary data that is neither gzip, ZIP, XLSX, XML nor text (UTF-16 text too is not read: save it as UTF-8)"},
		{"wrong columns", "a.tsv", []byte("Foo\tBar\tBaz\nhello\tworld\tagain\n"), "a.tsv:1:1: wrong columns: no report header found in the first 10 lines (expected columns like ASIN, Date Shipped, Ad Fees)"},
		{"wrong columns in a named report", "x-20-earnings-report-20261002.tsv", []byte("title\nFoo\tBar\n1\t2\n"), "x-20-earnings-report-20261002.tsv:2:1: wrong columns: no report header found in the first 10 lines (expected columns like ASIN, Date Shipped, Ad Fees)"},
		{"huge line", "a.tsv", []byte("ASIN\tEarnings\n" + strings.Repeat("x", 200) + "\n"), "a.tsv:2: line longer than the 100-byte limit"},
		{"huge quoted value", "a.tsv", []byte("ASIN\tEarnings\nB1\t\"" + strings.Repeat("x\n", 60) + "\"\n"), "a.tsv:2:2: a quoted value runs longer than the 100-byte line limit"},
		{"unclosed quote", "a.tsv", []byte("ASIN\tEarnings\nB1\t\"1.00\n"), "a.tsv:2:2: a quoted value is not closed"},
		{"gzip bomb", "a.tsv.gz", bomb, "a.tsv.gz:1280: decompressed size exceeds the 10 KiB limit"},
		{"zip bomb", "a.zip", zipOf(t, [2]string{"Fee-Earnings.tsv", member}), "a.zip/Fee-Earnings.tsv: decompressed size exceeds the 10 KiB limit (zip bomb?)"},
		{"zip bomb in gzip", "a.zip.gz", gz(zipOf(t, [2]string{"Fee-Earnings.tsv", member})), "a.zip.gz/Fee-Earnings.tsv: decompressed size exceeds the 10 KiB limit (zip bomb?)"},
		{"too many members", "a.zip", zipOf(t, [2]string{"1", ""}, [2]string{"2", ""}, [2]string{"3", ""}, [2]string{"4", ""}), "a.zip: holds 4 members, more than the limit of 3"},
		{"truncated zip", "a.zip", zipOf(t, [2]string{"Fee-Earnings.tsv", "ASIN\tEarnings\n"})[:40], "a.zip: not a valid ZIP archive: zip: not a valid zip file"},
		{"xml doctype", "a.xml", []byte("<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"b\">]><Data/>"), "a.xml:2:1: XML with a DOCTYPE or entity declarations is refused"},
		{"xml entity", "a.xml", []byte("<Data><Items>\n<Item ASIN=\"&boom;\"/></Items></Data>"), "a.xml:2: invalid XML: invalid character entity &boom;"},
		{"xml too deep", "a.xml", []byte("<Data>\n <a><b><c><d></d></c></b></a></Data>"), "a.xml:2:11: XML nested deeper than the limit of 4 elements"},
		{"xml huge text", "a.xml", []byte("<Data><Items>" + strings.Repeat("x", 80<<10) + "</Items></Data>"), "a.xml:1: an XML element or text longer than the 65636-byte limit"},
		{"xml not a report", "a.xml", []byte("<html><body>Service unavailable</body></html>"), "a.xml:1:1: not an Amazon XML report: the root element is <html>, not <Data>"},
		{"xml truncated", "a.xml", []byte("<Data><Items><Item ASIN=\"B1\"/>"), "a.xml:1: invalid XML: unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readAll(tc.file, tc.data, lim)
			var ie *Error
			if !errors.As(err, &ie) || err.Error() != tc.want {
				t.Fatalf("error %v\nwant an *Error %q", err, tc.want)
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "f.tsv", Line: 3, Column: 7, Msg: "bad"}, "f.tsv:3:7: bad"},
		{Error{File: "f.tsv", Line: 3, Msg: "bad"}, "f.tsv:3: bad"},
		{Error{File: "f.tsv", Msg: "bad"}, "f.tsv: bad"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
	}
}

func TestSplitFields(t *testing.T) {
	for _, tc := range []struct {
		line  string
		delim byte
		want  []string
	}{
		{"a\tb\t\tc", '\t', []string{"a", "b", "", "c"}},
		{`"a, b",c`, ',', []string{"a, b", "c"}},
		{`"say ""hi""";x`, ';', []string{`say "hi"`, "x"}},
		{`5" screen,x`, ',', []string{`5" screen`, "x"}},
		{"", ',', []string{""}},
	} {
		got, _, err := SplitFields(tc.line, tc.delim)
		if err != nil || strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("SplitFields(%q) = %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
}

func TestNormaliseHeader(t *testing.T) {
	for _, tc := range []struct{ in, key, canon, hint string }{
		{"Price($)", "price", "price", "USD"},
		{"Price(Rs.)", "price", "price", "INR"},
		{"Ad Fees(€)", "adfees", "commission", "EUR"},
		{"Revenue (£)", "revenue", "revenue", "GBP"},
		{"Price(¥)", "price", "price", "JPY"},
		{"\ufeffCategory", "category", "category", ""},
		{"Tracking Id", "trackingid", "tracking_id", ""},
		{"Sub Tag", "subtag", "subtag", ""},
		{"SubTag", "subtag", "subtag", ""},
		{"Items Ordered (Amazon)", "itemsordered", "items_ordered", ""},
		{"Device Type Group", "devicetypegroup", "device", ""},
	} {
		key, suffix := NormaliseHeader(tc.in)
		if key != tc.key || amazon.Aliases()[key] != tc.canon || CurrencySuffixes[suffix] != tc.hint {
			t.Errorf("%q → %q %q (%q); want %q %q %q", tc.in, key, amazon.Aliases()[key], CurrencySuffixes[suffix], tc.key, tc.canon, tc.hint)
		}
	}
}
