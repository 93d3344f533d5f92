// Package reportfiletest builds report files for tests of the packages
// that read them (reportfile, and the networks' normalisers).
package reportfiletest

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// CentralWorkbook is an Associates Central XLSX download: Fee-Earnings with
// a title row, a date cell stored as a serial number and a Total row, and
// Fee-DailyTrends. With notes it also has a sheet that is no report.
func CentralWorkbook(t testing.TB, notes bool) []byte {
	t.Helper()
	wb := excelize.NewFile()
	wb.SetSheetName("Sheet1", "Fee-Earnings")
	rows := [][]any{
		{"Fee-Earnings reports from 10-01-2026 to 10-31-2026"},
		{"Category", "Name", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price($)", "Items Shipped", "Returns", "Revenue($)", "Ad Fees($)", "Device Type Group", "Sub Tag"},
		{"Electronics", "Cable", "B0C1234567", "Amazon.com", "shop-20", "2026-10-02", 29.99, 2, 0, 59.98, 2.40, "DESKTOP", "x1"},
		{"Books", "Novel", "0060527307", "Amazon.com", "shop-20", 46298.0, 7.99, 1, 0, 7.99, 0.60, "TABLET", ""},
		{"Total", "", "", "", "", "", "", 3, 0, 67.97, 3.00, "", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := wb.SetSheetRow("Fee-Earnings", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	wb.NewSheet("Fee-DailyTrends")
	wb.SetSheetRow("Fee-DailyTrends", "A1", &[]any{"Fee-DailyTrends reports from 10-01-2026 to 10-31-2026"})
	wb.SetSheetRow("Fee-DailyTrends", "A2", &[]any{"Date", "Clicks", "Items Ordered (Amazon)", "Items Ordered (3rd Party)", "Total Items Ordered", "Conversion"})
	wb.SetSheetRow("Fee-DailyTrends", "A3", &[]any{"2026-10-02", 10, 1, 0, 1, "10%"})
	if notes {
		wb.NewSheet("Notes")
		wb.SetSheetRow("Notes", "A1", &[]any{"not a report"})
	}
	var b bytes.Buffer
	if err := wb.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
