package reportfile

import (
	"strings"
	"testing"
)

// TestWithoutReports: a network without report files (nil, or NoReports)
// reads person-written files as a network with reports does, and refuses
// another network's report at its first line, with the network's hint.
func TestWithoutReports(t *testing.T) {
	for _, tc := range []struct {
		name    string
		reports Reports
		body    string
		kind    Kind
		err     string
	}{
		{"payments.csv", nil, "Payment ID,Paid On,Currency,Amount\nP,2026-12-28,USD,1.00\n", KindPayments, ""},
		{"deals.csv", NoReports{}, "title,code\nSale,X\n", KindDeals, ""},
		{"sales.csv", NoReports{Hint: "h"}, "id,sold,revenue\n1,2026-10-01,1.00\n", KindCustom, ""},
		{"report.csv", nil, "Category,Name,ASIN,Date Shipped,Ad Fees($)\nBooks,B,B1,2026-10-01,1.00\n", "",
			"report.csv:1:1: wrong columns: no report header found in the first 10 lines (expected the header of a payments, deals or transactions file)"},
		{"shop-20-earnings-report-20261002.tsv", NoReports{Hint: "a custom connection imports …"}, "Category\tASIN\tEarnings\nBooks\tB1\t1.00\n", "",
			"shop-20-earnings-report-20261002.tsv:1:1: wrong columns: no report header found in the first 10 lines (a custom connection imports …)"},
	} {
		var kinds []Kind
		err := Open(tc.name, strings.NewReader(tc.body), tc.reports, Limits{}, func(tb *Table) error {
			kinds = append(kinds, tb.Kind)
			if tb.Report != "" || tb.RawType != string(tb.Kind) {
				t.Errorf("%s: report %q, raw type %q without a network's reports", tc.name, tb.Report, tb.RawType)
			}
			return nil
		})
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s: err %v, want %s", tc.name, err, tc.err)
			}
		case err != nil || len(kinds) != 1 || kinds[0] != tc.kind:
			t.Errorf("%s: kinds %v, err %v; want %s", tc.name, kinds, err, tc.kind)
		}
	}
}
