package custom

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/reportfile"
)

// readRows reads a transactions CSV through Rows, as the importer does.
func readRows(t *testing.T, body string, rules network.Rules) ([]model.Transaction, error) {
	t.Helper()
	var out []model.Transaction
	err := reportfile.Open("sales.csv", strings.NewReader(body), files, reportfile.Limits{}, func(tb *reportfile.Table) error {
		if tb.Kind != reportfile.KindCustom {
			t.Fatalf("kind %q, want custom", tb.Kind)
		}
		rows := NewRows("c1", Name, rules)
		for {
			row, err := tb.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			x, err := rows.Transaction(tb, row)
			if err != nil {
				return err
			}
			out = append(out, x)
		}
	})
	return out, err
}

// TestRows: the rows of SPEC §4.4 as transactions, with the connection's
// defaults, equal rows without id kept apart, and bad values located.
func TestRows(t *testing.T) {
	rules := network.Rules{Transactions: true, Files: files, Currency: "EUR", Program: "shop.de", DayFirst: true, Decimal: money.HintComma}
	got, err := readRows(t, "id,sold,revenue,price,status,custom_1\n"+
		"A,02/10/2026,\"1,50\",\"10,00\",Confirmed,u1\n"+
		",02/10/2026,\"0,10\",,,\n"+
		",02/10/2026,\"0,10\",,,\n", rules)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d transactions, want 3", len(got))
	}
	a := got[0]
	if a.SourceKey != "id:A" || *a.OrderRef != "A" || a.Commission != 150 || a.SaleAmount != 1000 || a.Currency != "EUR" ||
		a.Program != "shop.de" || a.Status != model.StatusConfirmed || a.NetworkStatus != "confirmed" ||
		a.SoldAt.Format("2006-01-02") != "2026-10-02" || strings.Join(a.Customs, ",") != "u1" || a.ID != model.TransactionID("c1", "id:A") {
		t.Errorf("row with id: %+v", a)
	}
	if got[1].SourceKey == got[2].SourceKey || !strings.HasSuffix(got[1].SourceKey, "#1") || !strings.HasSuffix(got[2].SourceKey, "#2") ||
		got[1].Status != model.StatusPending {
		t.Errorf("equal rows without id: %q %q (%s)", got[1].SourceKey, got[2].SourceKey, got[1].Status)
	}

	for _, tc := range []struct{ body, want string }{
		{"id,sold,revenue,status\nA,02/10/2026,1,paid-out\n", "sales.csv:2:4: status \"paid-out\": want pending, confirmed or declined"},
		{"id,sold,revenue\nA,,1\n", "sales.csv:2:2: sold is required"},
		{"id,sold,revenue,quantity\nA,02/10/2026,1,1.5\n", "sales.csv:2:4: quantity \"1.5\" is not a whole number"},
	} {
		_, err := readRows(t, tc.body, rules)
		var fe *reportfile.Error
		if !errors.As(err, &fe) || err.Error() != tc.want {
			t.Errorf("%q: %v, want %s", tc.body, err, tc.want)
		}
	}
}

func TestReason(t *testing.T) {
	old := model.Transaction{Status: model.StatusPending, Commission: 100}
	for _, tc := range []struct {
		new  model.Transaction
		want string
	}{
		{model.Transaction{Status: model.StatusConfirmed, Commission: 100}, "confirmed"},
		{model.Transaction{Status: model.StatusPending, Commission: 90}, "amount changed"},
		{model.Transaction{Status: model.StatusPending, Commission: 100, Paid: true}, "paid"},
		{model.Transaction{Status: model.StatusPending, Commission: 100, Channel: "x"}, "updated"},
	} {
		if got := Reason(old, tc.new); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.new, got, tc.want)
		}
	}
}
