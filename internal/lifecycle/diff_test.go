package lifecycle

import (
	"reflect"
	"testing"

	"github.com/affsync/affsync/internal/model"
)

func TestDiff(t *testing.T) {
	project := func(today string, s Settings, fs ...model.Fact) model.Transaction {
		t.Helper()
		ps := Project(rows(fs...), s, day(today), electronics)
		if len(ps) != 1 {
			t.Fatalf("%d transactions", len(ps))
		}
		return ps[0].Tx
	}
	sale := earn("2026-10-02", "k", "B1", 2, 5998, 240)
	shippedTx := project("2026-10-03", subtagsMode, sale)
	paid := shippedTx
	paid.Paid, paid.PaymentID = true, "pay_1"
	declined := shippedTx
	declined.Status = model.StatusDeclined
	renamed := shippedTx
	renamed.Customs = []string{"k", "user-7"}
	for _, tc := range []struct {
		name     string
		old, new model.Transaction
		reason   string
		fields   []string
	}{
		{"no change", shippedTx, project("2026-10-03", subtagsMode, sale), "", nil},
		{"order matched by earnings", project("2026-10-03", ordersMode, order("2026-10-01", "k", "B1", 2)),
			project("2026-10-03", ordersMode, order("2026-10-01", "k", "B1", 2), earn("2026-10-02", "k", "B1", 2, 5998, 300)),
			"matched earnings", []string{"network_status", "commission", "commission_estimated", "items"}},
		{"return window passed", shippedTx, project("2026-11-01", subtagsMode, sale), "return window passed",
			[]string{"status", "status_reason", "checked_at"}},
		{"fully returned", shippedTx, project("2026-10-10", subtagsMode, sale, earn("2026-10-09", "k", "B1", -2, -5998, -240)), "returned",
			[]string{"status", "network_status", "status_reason", "sale_amount", "commission", "quantity", "checked_at", "items"}},
		{"not shipped", project("2026-10-03", ordersMode, order("2026-10-01", "k", "B1", 2)),
			project("2027-01-01", ordersMode, order("2026-10-01", "k", "B1", 2)), "not shipped",
			[]string{"status", "status_reason", "checked_at"}},
		{"refunded", shippedTx, project("2026-10-10", subtagsMode, sale, earn("2026-10-09", "k", "B1", 0, -1000, -40)), "refunded",
			[]string{"network_status", "sale_amount", "commission", "items"}},
		{"second refund", project("2026-10-10", subtagsMode, sale, earn("2026-10-09", "k", "B1", 0, -1000, -40)),
			project("2026-10-10", subtagsMode, sale, earn("2026-10-09", "k", "B1", 0, -1000, -40), earn("2026-10-10", "k", "B1", 0, -500, -20)),
			"amount changed", []string{"sale_amount", "commission", "items"}},
		{"another shipment", shippedTx, project("2026-10-05", subtagsMode, sale, earn("2026-10-04", "k", "B2", 1, 1000, 40)), "shipped",
			[]string{"sale_amount", "commission", "quantity", "items"}},
		{"fewer items after a re-issued report", project("2026-10-05", subtagsMode, sale, earn("2026-10-04", "k", "B2", 1, 1000, 40)),
			shippedTx, "returned", []string{"sale_amount", "commission", "quantity", "items"}},
		{"declined without a reason", shippedTx, declined, "declined", []string{"status"}},
		{"paid", shippedTx, paid, "paid", []string{"paid", "payment_id"}},
		{"customs", shippedTx, renamed, "updated", []string{"customs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			changes, reason := Diff(tc.old, tc.new)
			var fields []string
			for _, c := range changes {
				if c.From == c.To {
					t.Errorf("change of %s from %q to itself", c.Field, c.From)
				}
				fields = append(fields, c.Field)
			}
			if reason != tc.reason || !reflect.DeepEqual(fields, tc.fields) {
				t.Fatalf("got %q %q, want %q %q", reason, fields, tc.reason, tc.fields)
			}
		})
	}
}

// TestDiffFormatsAmounts: amounts in changes are decimals of the currency.
func TestDiffFormatsAmounts(t *testing.T) {
	old := Project(rows(earn("2026-10-02", "k", "B1", 2, 5998, 240)), subtagsMode, day("2026-10-03"), nil)[0].Tx
	new := Project(rows(earn("2026-10-02", "k", "B1", 2, 5998, 240), earn("2026-10-03", "k", "B1", -1, -2999, -120)),
		subtagsMode, day("2026-10-03"), nil)[0].Tx
	changes, _ := Diff(old, new)
	want := model.Change{Field: "sale_amount", From: "59.98", To: "29.99"}
	for _, c := range changes {
		if c.Field == want.Field && c != want {
			t.Fatalf("got %+v, want %+v", c, want)
		}
		if c.Field == want.Field {
			return
		}
	}
	t.Fatalf("no sale_amount change in %+v", changes)
}
