package reportfile_test

import (
	"bytes"
	"errors"
	. "github.com/affsync/affsync/internal/reportfile"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// sheetRows writes rows into a sheet from A1 on; a nil row stays empty, and
// a string starting with "=" is a number cell stored as the text after it,
// as a spreadsheet application may store it ("=1.1000000000000001").
func sheetRows(t testing.TB, wb *excelize.File, sheet string, rows ...[]any) {
	t.Helper()
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			var err error
			if s, ok := v.(string); ok && strings.HasPrefix(s, "=") {
				err = wb.SetCellDefault(sheet, cell, s[1:])
			} else {
				err = wb.SetCellValue(sheet, cell, v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

func utcDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// records is a person's workbook: a payments, a deals and a custom
// transactions sheet with number and date cells, a sheet of notes, one of
// figures of no imported report, and an empty one.
func records(t testing.TB, date1904 bool) []byte {
	wb := excelize.NewFile()
	if date1904 {
		yes := true
		if err := wb.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			t.Fatal(err)
		}
	}
	wb.SetSheetName("Sheet1", "Payments")
	sheetRows(t, wb, "Payments",
		[]any{"Payment ID", "Paid On", "Month", "Currency", "Amount(€)", "Method"},
		[]any{"P-1", utcDay(2026, 12, 28), "2026-10", "EUR", 1234.56, "Transfer"},
		nil, // an empty row: line numbers stay the spreadsheet's
		[]any{"P-2", "2027-01-27", utcDay(2026, 11, 1), "EUR", "=0.30000000000000004", "Transfer"},
		[]any{"P-3", utcDay(2027, 2, 26), "2026-12", "EUR", "=1.5E-2", "Transfer"},
		[]any{"P-4", utcDay(2027, 3, 29), "2027-01", "EUR", "1.234,56", "Transfer"},
	)
	wb.NewSheet("Deals")
	sheetRows(t, wb, "Deals",
		[]any{"Our deals"},
		[]any{"Deal ID", "Title", "Code", "Starts", "Ends"},
		[]any{1001, "10% off cables", "CABLE10", utcDay(2026, 10, 1), utcDay(2026, 10, 31)},
	)
	wb.NewSheet("Custom")
	sheetRows(t, wb, "Custom",
		[]any{"id", "sold", "revenue", "price", "status", "custom_1"},
		[]any{"A-1", time.Date(2026, 10, 1, 9, 15, 0, 0, time.UTC), "=2.3999999999999999", 1.234, "pending", "00042"},
		[]any{"Total"},
	)
	wb.NewSheet("Notes")
	sheetRows(t, wb, "Notes", []any{"paid by transfer, see the bank"})
	wb.NewSheet("Trends")
	sheetRows(t, wb, "Trends", []any{"Date", "Clicks"}, []any{utcDay(2026, 10, 1), 12})
	wb.NewSheet("Blank")
	var b bytes.Buffer
	if err := wb.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestXLSXRecords: every sheet of a person's workbook is read as what its
// header says, number cells come out as the decimals typed and date cells
// as dates, on rows and columns as the spreadsheet numbers them.
func TestXLSXRecords(t *testing.T) {
	type cell struct {
		table, col string
		line, at   int
		want       string
		numeric    bool
	}
	want := []cell{
		{"Payments", "amount", 2, 5, "1234.56", true},
		{"Payments", "paid_on", 2, 2, "2026-12-28", false},
		{"Payments", "month", 2, 3, "2026-10", false},
		{"Payments", "amount", 4, 5, "0.3", true},        // binary noise beyond 15 digits dropped
		{"Payments", "month", 4, 3, "2026-11-01", false}, // a date cell in a month column
		{"Payments", "amount", 5, 5, "0.015", true},      // the exponent written out
		{"Payments", "amount", 6, 5, "1.234,56", false},  // text, for the connection's decimal mark
		{"Deals", "id", 3, 1, "1001", false},
		{"Deals", "starts", 3, 4, "2026-10-01", false},
		{"Deals", "ends", 3, 5, "2026-10-31", false},
		{"Custom", "sold", 2, 2, "2026-10-01T09:15:00", false},
		{"Custom", "revenue", 2, 3, "2.4", true},
		{"Custom", "price", 2, 4, "1.234", true},     // a point a decimal-comma connection reads as one
		{"Custom", "custom_1", 2, 6, "00042", false}, // text, not a number
	}
	for _, date1904 := range []bool{false, true} {
		kinds := map[string]Kind{}
		got := map[[2]string]map[int]Row{}
		err := Open("records.xlsx", bytes.NewReader(records(t, date1904)), amazon, DefaultLimits(), func(tb *Table) error {
			sheet := strings.TrimPrefix(tb.Name, "records.xlsx#")
			kinds[sheet] = tb.Kind
			for {
				r, err := tb.Next()
				if errors.Is(err, io.EOF) {
					return nil
				}
				if err != nil {
					return err
				}
				for _, c := range tb.Columns {
					if got[[2]string{sheet, c}] == nil {
						got[[2]string{sheet, c}] = map[int]Row{}
					}
					got[[2]string{sheet, c}][r.Line] = r
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		wantKinds := map[string]Kind{"Payments": KindPayments, "Deals": KindDeals, "Custom": KindCustom, "Notes": KindOther, "Trends": KindOther}
		if len(kinds) != len(wantKinds) {
			t.Errorf("1904=%v: tables %v, want %v (the empty sheet passed over)", date1904, kinds, wantKinds)
		}
		for sheet, k := range wantKinds {
			if kinds[sheet] != k {
				t.Errorf("1904=%v: sheet %s is %q, want %q", date1904, sheet, kinds[sheet], k)
			}
		}
		for _, c := range want {
			r, ok := got[[2]string{c.table, c.col}][c.line]
			v, at, _ := r.Get(c.col)
			if !ok || v != c.want || at != c.at || r.Numeric(c.col) != c.numeric {
				t.Errorf("1904=%v: %s %s row %d = %q at column %d, number %v; want %q at %d, number %v", date1904, c.table, c.col, c.line,
					v, at, r.Numeric(c.col), c.want, c.at, c.numeric)
			}
		}
	}
}

func TestExcelNumber(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		number   bool
	}{
		{"12.5", "12.5", true},
		{"-7.99", "-7.99", true},
		{"46298", "46298", true},
		{"1.1000000000000001", "1.1", true},
		{"0.30000000000000004", "0.3", true},
		{"2.3999999999999999", "2.4", true},
		{"9.9999999999999999", "10", true},
		{"-0.99999999999999999", "-1", true},
		{"12345678901234567", "12345678901234600", true}, // Excel keeps 15 digits
		{"1.5E-2", "0.015", true},
		{"1e-7", "0.0000001", true},
		{"1E+3", "1000", true},
		{"2.5e2", "250", true},
		{"1.234", "1.234", true},
		{"123.456", "123.456", true},
		{"1234.567", "1234.567", true},
		{"0", "0", true},
		{"-0", "0", true},
		{"0.000", "0", true},
		{"007.50", "7.5", true},
		{".5", "0.5", true},
		{"5.", "5", true},
		{" 3.25 ", "3.25", true},
		{"00042", "42", true},
		// Not the XML form: text for the locale-aware parsers.
		{"1.234,56", "1.234,56", false},
		{"$12.50", "$12.50", false},
		{"1,234.56", "1,234.56", false},
		{"12.5 €", "12.5 €", false},
		{"1E+400", "1E+400", false},
		{"1e", "1e", false},
		{".", ".", false},
		{"-", "-", false},
		{"", "", false},
		{"abc", "abc", false},
	} {
		got, ok := ExcelNumber(tc.in)
		if got != tc.want || ok != tc.number {
			t.Errorf("ExcelNumber(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.number)
		}
	}
}
