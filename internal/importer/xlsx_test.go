package importer_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// sheet is one sheet of a workbook, rows from A1 on. Cells are as a
// spreadsheet stores them: a time.Time a date cell (with its time, if
// any), a float64 or int a number cell, a string starting with "=" a number
// cell stored as the text after it ("=2.3999999999999999", the binary noise
// Excel writes), nil no cell.
type sheet struct {
	name string
	rows [][]any
}

// book is an XLSX workbook of sheets.
func book(t *testing.T, sheets ...sheet) []byte {
	t.Helper()
	wb := excelize.NewFile()
	for i, sh := range sheets {
		if i == 0 {
			wb.SetSheetName("Sheet1", sh.name)
		} else if _, err := wb.NewSheet(sh.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sh.rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				var err error
				switch s, isText := v.(string); {
				case v == nil:
					continue
				case isText && strings.HasPrefix(s, "="):
					err = wb.SetCellDefault(sh.name, cell, s[1:])
				default:
					err = wb.SetCellValue(sh.name, cell, v)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := wb.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
}

// notes is a sheet a person keeps beside the records: listed, not read.
var notes = sheet{"Notes", [][]any{{"Remember to ask about the October payment"}}}

// fullDump is everything an import leaves for a connection: transactions
// with their history, revenues, payments and deals. Store ids, times and
// the file's name (in sources) are left out: they differ by workspace and
// file, not by what was imported.
func (e env) fullDump(t *testing.T, file string) string {
	t.Helper()
	lines := []string{e.dump(t)}
	txs, _, err := e.s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range txs {
		hist, err := e.s.TransactionHistory(ctx, e.ws.ID, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hist {
			b, _ := json.Marshal(struct{ Key, Reason, Source, Changes any }{x.SourceKey, h.Reason, h.Source, h.Changes})
			lines = append(lines, "history "+string(b))
		}
	}
	pays, _, err := e.s.Payments(ctx, e.ws.ID, store.PaymentFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pays {
		p.ID, p.WorkspaceID, p.ConnectionID, p.CreatedAt, p.UpdatedAt = "", "", "", time.Time{}, time.Time{}
		b, _ := json.Marshal(p)
		lines = append(lines, "payment "+string(b))
	}
	deals, _, err := e.s.Deals(ctx, e.ws.ID, store.DealFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deals {
		d.ID, d.WorkspaceID, d.ConnectionID, d.CreatedAt, d.UpdatedAt = "", "", "", time.Time{}, time.Time{}
		b, _ := json.Marshal(d)
		lines = append(lines, "deal "+string(b))
	}
	sort.Strings(lines[1:])
	out := strings.ReplaceAll(strings.Join(lines, "\n"), file+":", "FILE:")
	for id, ref := range e.paymentRefs(t) {
		out = strings.ReplaceAll(out, id, "payment:"+ref) // payment ids derive from the connection
	}
	return out
}

// firstDifference is the first line where two dumps differ.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "got  " + gl + "\nwant " + wl
		}
	}
	return ""
}

// TestXLSXImportsAsCSV: a payments, a deals and a custom transactions
// workbook, amounts and dates in number and date cells, leave exactly the
// store that the equivalent CSV leaves; a sheet of notes beside them is
// listed and skipped.
func TestXLSXImportsAsCSV(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		for _, tc := range []struct {
			name   string
			custom bool
			before []importer.File // imported first into both connections
			csv    string          // testdata file
			xlsx   sheet
		}{
			{"payments", false, paidDays(), "payments.csv", sheet{"Payments", [][]any{
				{"Payment ID", "Paid On", "Month", "Currency", "Amount", "Method"},
				// The month a date cell, as a spreadsheet makes "Oct 2026".
				{"P-2026-10", at(2026, 12, 28, 0, 0), at(2026, 10, 1, 0, 0), "USD", 1234.56, "Direct deposit"},
			}}},
			{"deals", false, nil, "deals.csv", sheet{"Deals", [][]any{
				{"id", "marketplace", "title", "description", "code", "url", "starts", "ends"},
				{"D-1", "www.amazon.com", "10% off cables", "All USB cables", "CABLE10", "https://www.amazon.com/deal/cables", at(2026, 10, 1, 0, 0), at(2026, 10, 31, 0, 0)},
				{nil, "amazon.com", "Prime Day", nil, nil, "https://www.amazon.com/primeday", at(2026, 7, 8, 0, 0), at(2026, 7, 9, 0, 0)},
			}}},
			{"custom", true, nil, "custom.csv", sheet{"Transactions", [][]any{
				{"id", "clicked", "sold", "revenue", "price", "status", "currency", "custom_1", "custom_2"},
				{"A-1", at(2026, 10, 1, 9, 15), at(2026, 10, 1, 10, 0), "=2.3999999999999999", 59.98, "pending", "USD", "user-1", "campaign-a"},
				{"A-2", nil, at(2026, 10, 2, 0, 0), 1.2, 29.99, "confirmed", "EUR", "user-2"},
				{"A-3", at(2026, 10, 3, 8, 0), at(2026, 10, 3, 9, 30), 0, 15, "declined", "USD"},
				{nil, nil, at(2026, 10, 4, 0, 0), 0.5, 5, "pending", "USD", "user-4"},
				{nil, nil, at(2026, 10, 4, 0, 0), 0.5, 5, "pending", "USD", "user-4"},
			}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				newEnvOf := newEnv
				if tc.custom {
					newEnvOf = newCustomEnv
				}
				fromCSV, fromXLSX := newEnvOf(t, s, tc.name+"-csv"), newEnvOf(t, s, tc.name+"-xlsx")
				fromCSV.importAll(t, tc.before...)
				fromXLSX.importAll(t, tc.before...)
				csvSum := fromCSV.importAll(t, fixture(t, tc.csv))
				xlsxName := tc.name + ".xlsx"
				xlsxSum := fromXLSX.importAll(t, memFile(xlsxName, book(t, tc.xlsx, notes)))

				if want, got := fromCSV.fullDump(t, tc.csv), fromXLSX.fullDump(t, xlsxName+"#"+tc.xlsx.name); got != want {
					t.Errorf("the workbook left another store than the CSV:\n%s", firstDifference(got, want))
				}
				wantNote := []string{xlsxName + `#Notes: sheet "Notes" skipped: its first rows hold no header of a report, payments, deals or custom transactions file`}
				if strings.Join(xlsxSum.Notes, "\n") != strings.Join(append(csvSum.Notes, wantNote...), "\n") {
					t.Errorf("notes %q, want those of the CSV and %q", xlsxSum.Notes, wantNote)
				}
				csvSum.Notes, xlsxSum.Notes = nil, nil
				if b1, b2 := mustJSON(csvSum), mustJSON(xlsxSum); b1 != b2 {
					t.Errorf("summary of the workbook %s, of the CSV %s", b2, b1)
				}
				if csvSum.Rows == 0 {
					t.Fatalf("the CSV imported no rows: %+v", csvSum)
				}
			})
		}
	})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestBadXLSXCellLeavesStoreAsItWas: a bad cell of a workbook rejects the
// whole file, named by file and sheet, the spreadsheet's row and column,
// and leaves the store as it was, also when an earlier sheet was good.
func TestBadXLSXCellLeavesStoreAsItWas(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		amazon, custom := newEnv(t, s, "amazon"), newCustomEnv(t, s, "custom")
		amazon.importAll(t, append(paidDays(), fixture(t, "payments.csv"), fixture(t, "deals.csv"))...)
		custom.importAll(t, fixture(t, "custom.csv"))
		before := map[bool]string{false: amazon.fullDump(t, ""), true: custom.fullDump(t, "")}

		payHead := []any{"Payment ID", "Paid On", "Month", "Currency", "Amount", "Method"}
		goodPayments := sheet{"Paid", [][]any{payHead, {"P-9", at(2027, 1, 28, 0, 0), "2026-11", "USD", 99.5, "Check"}}}
		dealHead := []any{"id", "title", "code", "url", "starts", "ends"}
		customHead := []any{"id", "sold", "revenue", "currency"}
		for _, tc := range []struct {
			name   string
			custom bool
			sheets []sheet
			sheet  string
			row    int
			col    int
			says   string
		}{
			{"payments amount text", false, []sheet{{"Payments", [][]any{payHead,
				{"P-1", at(2026, 11, 29, 0, 0), "2026-09", "USD", 10, "Check"},
				{"P-2", at(2026, 12, 28, 0, 0), "2026-10", "USD", "12.3.4", "Check"}}}},
				"Payments", 3, 5, `"12.3.4"`},
			{"payments amount of three decimals", false, []sheet{{"Payments", [][]any{payHead,
				{"P-1", at(2026, 11, 29, 0, 0), "2026-09", "USD", 1.234, "Check"}}}},
				"Payments", 2, 5, `"1.234": more decimals`},
			{"payments date cell of 1900", false, []sheet{{"Payments", [][]any{payHead,
				nil,
				{"P-1", at(1900, 1, 10, 0, 0), "2026-09", "USD", 10, "Check"}}}},
				"Payments", 3, 2, "out of range"},
			{"a bad sheet after a good one", false, []sheet{goodPayments, notes, {"More", [][]any{{"Our payments"}, payHead,
				{"P-10", at(2027, 2, 26, 0, 0), "2026-12", "USD", "ten", "Check"}}}},
				"More", 3, 5, `"ten"`},
			{"deals url", false, []sheet{{"Deals", [][]any{dealHead,
				{"D-9", "Half off", "HALF", "ftp://example.com", at(2026, 11, 1, 0, 0), at(2026, 11, 30, 0, 0)}}}},
				"Deals", 2, 4, "not an http or https URL"},
			{"deals end before start", false, []sheet{{"Deals", [][]any{dealHead,
				{"D-9", "Half off", "HALF", "https://www.amazon.com/x", at(2026, 11, 30, 0, 0), at(2026, 11, 1, 0, 0)}}}},
				"Deals", 2, 6, "before"},
			{"custom revenue of three decimals", true, []sheet{{"Sales", [][]any{customHead,
				{"B-1", at(2026, 11, 2, 12, 0), "=1.0049999999999999", "USD"}}}},
				"Sales", 2, 3, `"1.005": more decimals`},
			{"custom sold text", true, []sheet{{"Sales", [][]any{customHead,
				{"B-1", "yesterday", 1.5, "USD"}}}},
				"Sales", 2, 2, `"yesterday"`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := amazon
				if tc.custom {
					e = custom
				}
				f := memFile("bad.xlsx", book(t, tc.sheets...))
				sum, err := e.im.Import(ctx, e.conn, f, nil)
				var rej *importer.RejectedError
				if !errors.As(err, &rej) {
					t.Fatalf("not rejected: %v (%+v)", err, sum)
				}
				fe := sum.Errors[0]
				if fe.File != "bad.xlsx#"+tc.sheet || fe.Line != tc.row || fe.Column != tc.col || !strings.Contains(fe.Message, tc.says) {
					t.Fatalf("error %+v, want bad.xlsx#%s row %d column %d saying %q", fe, tc.sheet, tc.row, tc.col, tc.says)
				}
				if got := e.fullDump(t, ""); got != before[tc.custom] {
					t.Fatalf("a rejected workbook changed the store:\n%s", firstDifference(got, before[tc.custom]))
				}
			})
		}
	})
}

// TestXLSXNumberCellsOnDecimalComma: on amazon.de, whose files write
// decimal commas, a number cell's point is still the decimal one (1.234 is
// no thousand), while text cells keep the marketplace's forms; for the
// payments file and an Associates Central Fee-* sheet alike.
func TestXLSXNumberCellsOnDecimalComma(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "de")
		conn, err := s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: e.ws.ID, Network: "amazon", Connector: "import", Name: "de",
			Settings: map[string]string{"marketplace": "www.amazon.de"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		e.conn = conn
		payHead := []any{"Payment ID", "Paid On", "Month", "Amount", "Method"}
		e.importAll(t, memFile("payments.xlsx", book(t, sheet{"Payments", [][]any{payHead,
			{"P-1", at(2026, 12, 28, 0, 0), "2026-10", 1234.5, "Überweisung"},
			{"P-2", at(2027, 1, 27, 0, 0), "2026-11", "1.234,56", "Überweisung"},
			{"P-3", at(2027, 2, 26, 0, 0), "2026-12", "=12.75", "Überweisung"},
		}})))
		pays, _, err := s.Payments(ctx, e.ws.ID, store.PaymentFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, p := range pays {
			got[p.Reference] = p.Currency + " " + strconvI(p.Amount)
		}
		if want := map[string]string{"P-1": "EUR 123450", "P-2": "EUR 123456", "P-3": "EUR 1275"}; !equalMaps(got, want) {
			t.Fatalf("payments %v, want %v", got, want)
		}

		earnHead := []any{"Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price(€)", "Items Shipped", "Returns",
			"Revenue(€)", "Ad Fees(€)", "Device Type Group"}
		for _, tc := range []struct {
			name     string
			sheet    sheet
			row, col int
			says     string
		}{
			{"payment of three decimals", sheet{"Payments", [][]any{payHead, {"P-4", at(2027, 3, 29, 0, 0), "2027-01", 1.234, "Überweisung"}}},
				2, 4, `"1.234": more decimals`},
			{"ad fees of three decimals", sheet{"Fee-Earnings", [][]any{{"Fee-Earnings reports from 10-01-2026 to 10-31-2026"}, earnHead,
				{"Bücher", "Roman", "3423000000", "Amazon.de", "shop-21", at(2026, 10, 2, 0, 0), 12.5, 1, 0, 12.5, 1.875, "PHONE"}}},
				3, 11, `"1.875": more decimals`},
		} {
			_, err := e.im.Import(ctx, e.conn, memFile("bad.xlsx", book(t, tc.sheet)), nil)
			var rej *importer.RejectedError
			if !errors.As(err, &rej) || rej.File.File != "bad.xlsx#"+tc.sheet.name || rej.File.Line != tc.row || rej.File.Column != tc.col ||
				!strings.Contains(rej.File.Message, tc.says) {
				t.Fatalf("%s: %v, want bad.xlsx#%s:%d:%d saying %q", tc.name, err, tc.sheet.name, tc.row, tc.col, tc.says)
			}
		}

		// A good Fee-Earnings sheet: number cells with points, on amazon.de.
		e.importAll(t, memFile("earnings.xlsx", book(t, sheet{"Fee-Earnings", [][]any{{"Fee-Earnings reports from 10-01-2026 to 10-31-2026"}, earnHead,
			{"Bücher", "Roman", "3423000000", "Amazon.de", "shop-21", at(2026, 10, 2, 0, 0), 1234.5, 1, 0, 1234.5, "=37.039999999999999", "PHONE"}}})))
		txs, _, err := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(txs) != 1 || txs[0].Currency != "EUR" || txs[0].SaleAmount != 123450 || txs[0].Commission != 3704 {
			t.Fatalf("transactions %+v", txs)
		}
	})
}

func strconvI(n int64) string { return strconv.FormatInt(n, 10) }
