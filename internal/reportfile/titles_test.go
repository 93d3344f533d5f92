package reportfile_test

import (
	"bytes"
	. "github.com/affsync/affsync/internal/reportfile"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// titleFixture reads the one file of a testdata/titles variant.
func titleFixture(t testing.TB, variant string) (string, []byte) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "titles", variant, "*"))
	if err != nil || len(names) != 1 {
		t.Fatalf("testdata/titles/%s: %v %v", variant, names, err)
	}
	data, err := os.ReadFile(names[0])
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Base(names[0]), data
}

// sameRows compares rows by value and column, not by line: the variants
// differ in how many lines come before the header.
func sameRows(t *testing.T, got, want []rowDump) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i].Values, want[i].Values) || !reflect.DeepEqual(got[i].At, want[i].At) {
			t.Errorf("row %d: %v %v, want %v %v", i, got[i].Values, got[i].At, want[i].Values, want[i].At)
		}
	}
}

// TestTitleLines: whatever comes before the header (SPEC §3.5), every
// variant of testdata/titles reads as the same earnings rows; the title
// gives the report type and days when it states them, else the file name.
func TestTitleLines(t *testing.T) {
	baseName, base := titleFixture(t, "no-title")
	want, err := readAll(baseName, base, DefaultLimits())
	if err != nil || len(want) != 1 || len(want[0].Rows) != 4 {
		t.Fatalf("base: %v %+v", err, want)
	}
	golden(t, "titles-no-title", want)
	day := [2]string{"2026-10-11", "2026-10-11"}
	for _, tc := range []struct {
		variant, title, format string
		header                 int
		coverage               [2]string
	}{
		{"plain-title", "Earnings report", "tsv", 2, day},
		{"commas-long-date", "Earnings Report (Sub Tags) for store-20 from October 11, 2026 to October 11, 2026", "tsv", 2, day},
		{"commas-dashed-date", "Earnings Report (Sub Tags) for store-20, from 10-11-2026 to 10-11-2026", "tsv", 2, day},
		{"commas-iso-date", "Earnings Report (Sub Tags), store-20, from 2026-10-11 to 2026-10-11", "tsv", 2, day},
		{"quotes", `"Earnings" report for "store-20", as of Oct. 11, 2026 (5" screens, "open quote`, "tsv", 2, day},
		{"semicolons", "Earnings report; store-20; Sub Tags; from 10-11-2026 to 10-11-2026; generated 2026-10-12", "tsv", 2, day},
		{"tabs-in-title", "Earnings report store-20 from October 11, 2026 to October 11, 2026", "tsv", 2, day},
		{"two-preamble-lines", "Amazon Associates Central, store-20 | Earnings Report (Sub Tags) from October 11, 2026 to October 11, 2026", "tsv", 3, day},
		{"blank-before-header", "Earnings Report (Sub Tags) for store-20 from October 11, 2026 to October 11, 2026", "tsv", 3, day},
		{"title-names-columns", "Earnings, Date Shipped and Sub Tag of store-20 from October 11, 2026 to October 11, 2026", "tsv", 2, day},
		{"title-only-states-it", "Earnings Report (Sub Tags) for store-20 from October 11, 2026 to October 11, 2026", "tsv", 2, day},
		{"csv-title-with-tabs", "Earnings Report (Sub Tags) store-20 from 10-11-2026 to 10-11-2026", "csv", 2, day},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			name, data := titleFixture(t, tc.variant)
			got, err := readAll(name, data, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("%d tables", len(got))
			}
			g := got[0]
			if g.Report != "earnings" || !g.Subtags || g.Title != tc.title || g.Format != tc.format || g.HeaderLine != tc.header || g.Coverage != tc.coverage {
				t.Errorf("report %q subtags %v title %q format %s header line %d coverage %v; want earnings, subtags, %q, %s, %d, %v",
					g.Report, g.Subtags, g.Title, g.Format, g.HeaderLine, g.Coverage, tc.title, tc.format, tc.header, tc.coverage)
			}
			if !reflect.DeepEqual(g.Columns, want[0].Columns) {
				t.Errorf("columns %v, want %v", g.Columns, want[0].Columns)
			}
			sameRows(t, g.Rows, want[0].Rows)
			for i, r := range g.Rows {
				if r.Line != want[0].Rows[i].Line+g.HeaderLine-want[0].HeaderLine {
					t.Errorf("row %d at line %d, want %d", i, r.Line, want[0].Rows[i].Line+g.HeaderLine-want[0].HeaderLine)
				}
			}
		})
	}
}

// TestTitleCoverage: the days a title states, in each date style.
func TestTitleCoverage(t *testing.T) {
	for _, tc := range []struct{ title, from, to string }{
		{"Fee-Orders reports from 12-01-2020 to 12-31-2020", "2020-12-01", "2020-12-31"},
		{"Fee-Earnings reports from 20.09.2026 to 23.11.2026", "2026-09-20", "2026-11-23"},
		{"Earnings Report (Sub Tags) for store-20 from October 11, 2026 to October 12, 2026", "2026-10-11", "2026-10-12"},
		{"Earnings report from Oct 1, 2026 to Oct. 31 2026", "2026-10-01", "2026-10-31"},
		{"Earnings report from 1 October 2026 to 31 October 2026", "2026-10-01", "2026-10-31"},
		{"Earnings report FROM 2026-10-01 TO 2026-10-31", "2026-10-01", "2026-10-31"},
		{"Earnings report from 2026-10-01 - 2026-10-31", "2026-10-01", "2026-10-31"},
		{"Earnings report for shop-20 on 2026-10-02", "2026-10-02", "2026-10-02"},
		{"Earnings report for October 2, 2026", "2026-10-02", "2026-10-02"},
		{"Earnings report from 13-01-2026 to 14-01-2026", "2026-01-13", "2026-01-14"}, // only day first makes sense
		{"Earnings report", "", ""},
		{"Earnings report from Someday 11, 2026 to October 11, 2026", "", ""},
		{"Earnings report from 2026-10-31 to 2026-10-01", "", ""}, // backwards: no coverage rather than a wrong one
	} {
		from, to, ok := TitleCoverage(tc.title)
		got := [2]string{day(from, !ok), day(to, !ok)}
		if got != [2]string{tc.from, tc.to} {
			t.Errorf("%q: %v, want %s %s", tc.title, got, tc.from, tc.to)
		}
	}
}

// TestNoHeader: a file without a header among its first lines is refused
// at the first line that is no title, with its file, line and column.
func TestNoHeader(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"a.tsv", "Foo\tBar\n1\t2\n", "a.tsv:1:1: "},
		{"a.csv", "Earnings Report (Sub Tags) for store-20 from October 11, 2026 to October 11, 2026\nFoo,Bar\n1,2\n", "a.csv:2:1: "},
		{"x-20-earnings-report-20261002.tsv", "Earnings, from 10-02-2026 to 10-02-2026\n\nhello\tworld\n", "x-20-earnings-report-20261002.tsv:3:1: "},
		// The header below the tenth line is not looked for.
		{"b.tsv", strings.Repeat("Preamble\n", 10) + "ASIN\tEarnings\tDate Shipped\nB1\t1.00\t2026-10-02\n", "b.tsv:2:1: "},
	} {
		_, err := readAll(tc.name, []byte(tc.data), DefaultLimits())
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !strings.Contains(err.Error(), "no report header found in the first 10 lines") {
			t.Errorf("%s: %v, want %q…", tc.name, err, tc.want)
		}
	}
}

// FuzzTitleLine puts any text before the header of a good file: the rows
// read are the same. The text is made a plausible preamble first: no
// control characters (the file would be binary), valid UTF-8 (an invalid
// byte switches a file to Windows-1252), at most nine lines (the header
// must stay among the first ten), not starting with "<" (sniffed as XML),
// and none of its lines a header naming at least as many columns as the
// real one (then it is the header).
func FuzzTitleLine(f *testing.F) {
	for _, s := range []string{
		"Earnings Report (Sub Tags) for store-20 from October 11, 2026 to October 11, 2026",
		`"Earnings" report, "open`, "a;b;c;d", "Earnings\tReport\t(Sub Tags)", "Fee-Earnings reports from 10-11-2026 to 10-11-2026",
		"ASIN, Earnings, Date Shipped", "line one\nline two\n", "", "Total", "\ufeffTitle",
	} {
		f.Add(s)
	}
	baseName, base := titleFixture(f, "no-title")
	want, err := readAll(baseName, base, DefaultLimits())
	if err != nil {
		f.Fatal(err)
	}
	realKnown := HeaderKnown(strings.SplitN(string(base), "\n", 2)[0], amazon)
	f.Fuzz(func(t *testing.T, title string) {
		title = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && r != '\t' && r != '\n' {
				return ' '
			}
			return r
		}, strings.ToValidUTF8(title, "?"))
		title = strings.TrimSuffix(title, "\n")
		lines := strings.Split(title, "\n")
		if len(lines) > HeaderWindow-1 || strings.HasPrefix(strings.TrimLeft(strings.TrimPrefix(title, "\ufeff"), " \t\n"), "<") ||
			!utf8.ValidString(title) || len(title) > 4096 {
			return
		}
		for _, l := range lines {
			if HeaderKnown(l, amazon) >= realKnown {
				return
			}
		}
		got, err := readAll(baseName, append([]byte(title+"\n"), base...), DefaultLimits())
		if err != nil {
			t.Fatalf("title %q: %v", title, err)
		}
		if len(got) != 1 || got[0].Report != want[0].Report || !reflect.DeepEqual(got[0].Columns, want[0].Columns) {
			t.Fatalf("title %q: %+v", title, got)
		}
		sameRows(t, got[0].Rows, want[0].Rows)
	})
}

// sheetWith is a workbook of one Fee-Earnings sheet: preamble rows, then
// the header and two data rows (none when header is false).
func sheetWith(t *testing.T, preamble [][]any, header bool) []byte {
	t.Helper()
	wb := excelize.NewFile()
	wb.SetSheetName("Sheet1", "Fee-Earnings")
	rows := append([][]any{}, preamble...)
	if header {
		rows = append(rows,
			[]any{"Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price($)", "Items Shipped", "Returns", "Revenue($)", "Ad Fees($)", "Sub Tag"},
			[]any{"Electronics", "Cable, 2 m", "B0C1234567", "Amazon.com", "shop-20", "2026-10-11", 29.99, 2, 0, 59.98, 2.40, "x1"},
			[]any{"Books", "Novel", "0060527307", "Amazon.com", "shop-20", 46306.0, 7.99, 1, 0, 7.99, 0.60, ""})
	}
	for i, r := range rows {
		if len(r) == 0 {
			continue // a blank row
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := wb.SetSheetRow("Fee-Earnings", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := wb.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestXLSXTitleRows: a sheet's header is found the same way, below any
// title rows, and its rows read the same; a Fee-* sheet without one in its
// first ten rows is refused at the row after its title.
func TestXLSXTitleRows(t *testing.T) {
	want, err := readAll("book.xlsx", sheetWith(t, nil, true), DefaultLimits())
	if err != nil || len(want) != 1 || len(want[0].Rows) != 2 {
		t.Fatalf("base: %v %+v", err, want)
	}
	oct := [2]string{"2026-10-11", "2026-10-11"}
	for _, tc := range []struct {
		name     string
		preamble [][]any
		title    string
		header   int
		coverage [2]string
	}{
		{"commas", [][]any{{"Earnings Report (Sub Tags) for shop-20 from October 11, 2026 to October 11, 2026"}}, "Earnings Report (Sub Tags) for shop-20 from October 11, 2026 to October 11, 2026", 2, oct},
		{"two rows and a blank one", [][]any{{"Amazon Associates; shop-20"}, {"Fee-Earnings reports from 10-11-2026 to 10-11-2026"}, {}},
			"Amazon Associates; shop-20 | Fee-Earnings reports from 10-11-2026 to 10-11-2026", 4, oct},
		{"title in two cells", [][]any{{"Fee-Earnings reports", "from 2026-10-11 to 2026-10-11"}}, "Fee-Earnings reports from 2026-10-11 to 2026-10-11", 2, oct},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll("book.xlsx", sheetWith(t, tc.preamble, true), DefaultLimits())
			if err != nil || len(got) != 1 {
				t.Fatalf("%v %+v", err, got)
			}
			if g := got[0]; g.Report != "earnings" || g.Title != tc.title || g.HeaderLine != tc.header || g.Coverage != tc.coverage {
				t.Errorf("report %q title %q header row %d coverage %v; want %q %d %v", g.Report, g.Title, g.HeaderLine, g.Coverage, tc.title, tc.header, tc.coverage)
			}
			sameRows(t, got[0].Rows, want[0].Rows)
		})
	}
	_, err = readAll("book.xlsx", sheetWith(t, [][]any{{"Fee-Earnings reports"}, {}, {"Foo", "Bar"}, {"1", "2"}}, false), DefaultLimits())
	if err == nil || err.Error() != "book.xlsx#Fee-Earnings:3:1: wrong columns: no report header found in the first 10 rows of sheet Fee-Earnings" {
		t.Errorf("no header: %v", err)
	}
}
