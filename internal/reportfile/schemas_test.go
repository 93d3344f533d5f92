package reportfile_test

import (
	. "github.com/affsync/affsync/internal/reportfile"
	"strings"
	"testing"
	"time"
)

// TestKindsBySniffedHeader: person-written files are told from reports by
// their header alone, and reports keep being reports.
func TestKindsBySniffedHeader(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		kind       Kind
		columns    string
	}{
		{"payments.csv", "Payment ID,Paid On,Month,Currency,Amount,Method\nP,2026-12-28,2026-10,USD,1.00,Check\n", KindPayments,
			"payment_id paid_on month currency amount method"},
		{"x.csv", "reference;payment date;from;to;amount(€)\nP;28.12.2026;01.10.2026;31.10.2026;1,00\n", KindPayments,
			"payment_id paid_on period_start period_end amount"},
		{"deals.csv", "marketplace,title,coupon code,valid until\namazon.de,Sale,X,2026-10-31\n", KindDeals, "program title code ends"},
		{"sales.csv", "id,clicked,sold,revenue,price,status,currency,custom_1,custom_2\n1,,2026-10-01,1.00,,pending,USD,,\n", KindCustom,
			"id clicked sold revenue price status currency custom_1 custom_2"},
		{"Fee-Earnings.csv", "Category,Name,ASIN,Seller,Tracking ID,Date Shipped,Price($),Items Shipped,Returns,Revenue($),Ad Fees($),Device Type Group\n", KindReport, ""},
		{"Fee-Bounty.csv", "Name,Date,Tracking ID,Ad Fees($)\n", KindReport, ""},
	} {
		err := Open(tc.name, strings.NewReader(tc.body), amazon, Limits{}, func(tb *Table) error {
			if tb.Kind != tc.kind {
				t.Errorf("%s: kind %q, want %q", tc.name, tb.Kind, tc.kind)
			}
			if tc.kind == KindReport && tb.Report == "" {
				t.Errorf("%s: a report lost its type", tc.name)
			}
			if tc.kind != KindReport && (tb.Report != "" || strings.Join(tb.Columns, " ") != tc.columns) {
				t.Errorf("%s: report %q, columns %v, want %s", tc.name, tb.Report, tb.Columns, tc.columns)
			}
			if tc.name == "x.csv" && tb.CurrencyHint != "EUR" {
				t.Errorf("%s: currency hint %q", tc.name, tb.CurrencyHint)
			}
			return nil
		})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestParseTimeAndMonth(t *testing.T) {
	for _, tc := range []struct {
		v        string
		dayFirst bool
		want     string // RFC 3339, or "" for an error
	}{
		{"2026-10-02", false, "2026-10-02T00:00:00Z"},
		{"2026-10-02T15:04:05+02:00", false, "2026-10-02T13:04:05Z"},
		{"2026-10-02 15:04", false, "2026-10-02T15:04:00Z"},
		{"10/02/2026", false, "2026-10-02T00:00:00Z"},
		{"10/02/2026", true, "2026-02-10T00:00:00Z"},
		{"13/10/2026", false, ""},
		{"02.10.2026 08:30", false, "2026-10-02T08:30:00Z"},
		{"Oct 2, 2026", false, "2026-10-02T00:00:00Z"},
		{"yesterday", false, ""},
	} {
		got, err := ParseTime(tc.v, tc.dayFirst)
		if s := got.Format(time.RFC3339); (err != nil) != (tc.want == "") || (err == nil && s != tc.want) {
			t.Errorf("ParseTime(%q, %v) = %s, %v; want %q", tc.v, tc.dayFirst, s, err, tc.want)
		}
	}
	for v, want := range map[string]string{"2026-10": "2026-10-01", "10/2026": "2026-10-01", "October 2026": "2026-10-01",
		"2026-10-17": "2026-10-01", "Oct": ""} {
		got, err := ParseMonth(v, false)
		if (err != nil) != (want == "") || (err == nil && got.Format("2006-01-02") != want) {
			t.Errorf("ParseMonth(%q) = %v, %v; want %q", v, got, err, want)
		}
	}
}
