package importer_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// newCustomEnv is a workspace with a connection of the custom network.
func newCustomEnv(t testing.TB, s *store.Store, name string) env {
	t.Helper()
	e := newEnv(t, s, name)
	conn, err := s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: e.ws.ID, Network: "custom", Connector: "import", Name: "Other network",
		Currency: "USD"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.conn = conn
	return e
}

func (e env) byOrderRef(t *testing.T) map[string]model.Transaction {
	t.Helper()
	txs, _, err := e.s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]model.Transaction{}
	for _, x := range txs {
		key := x.SourceKey
		if x.OrderRef != nil {
			key = *x.OrderRef
		}
		out[key] = x
	}
	return out
}

func TestCustomImport(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newCustomEnv(t, s, "acme")
		sum := e.importAll(t, fixture(t, "custom.csv"))
		if sum.Transactions != (importer.Counts{Created: 5}) || sum.Rows != 5 {
			t.Fatalf("first import: %+v", sum)
		}
		got := e.byOrderRef(t)
		a1, a2, a3 := got["A-1"], got["A-2"], got["A-3"]
		if a1.Network != "custom" || a1.Program != "Other network" || a1.Status != model.StatusPending || a1.Commission != 240 ||
			a1.SaleAmount != 5998 || a1.Currency != "USD" || strings.Join(a1.Customs, ",") != "user-1,campaign-a" ||
			a1.ClickedAt == nil || a1.ClickedAt.Format("15:04") != "09:15" || a1.SoldAt.Format("2006-01-02T15:04") != "2026-10-01T10:00" {
			t.Fatalf("A-1 = %+v", a1)
		}
		if a2.Status != model.StatusConfirmed || a2.Currency != "EUR" || a2.Commission != 120 || a2.ClickedAt != nil ||
			strings.Join(a2.Customs, ",") != "user-2" {
			t.Fatalf("A-2 = %+v", a2)
		}
		// Slashed dates are month first unless the connection says day_first.
		if a3.Status != model.StatusDeclined || a3.SoldAt.Format("2006-01-02 15:04") != "2026-10-03 09:30" || len(a3.Customs) != 0 {
			t.Fatalf("A-3 = %+v", a3)
		}
		if len(got) != 5 {
			t.Fatalf("two equal rows without id are two transactions: %d", len(got))
		}
		before := e.dump(t)

		again := e.importAll(t, fixture(t, "custom.csv"))
		if again.FilesSkipped != 1 || again.Transactions != (importer.Counts{}) {
			t.Fatalf("the same file again: %+v", again)
		}
		renamed := e.importAll(t, fixture(t, "custom.csv", "custom-copy.csv"))
		if renamed.Transactions != (importer.Counts{Unchanged: 5}) || e.dump(t) != before {
			t.Fatalf("the same rows again: %+v", renamed)
		}

		changed := e.importAll(t, memFile("later.csv", []byte("id,sold,revenue,price,status,currency,custom_1,custom_2,clicked\n"+
			"A-1,2026-10-01T10:00:00Z,2.40,59.98,confirmed,USD,user-1,campaign-a,2026-10-01T09:15:00Z\n")))
		if changed.Transactions != (importer.Counts{Updated: 1}) {
			t.Fatalf("a changed status: %+v", changed)
		}
		hist, err := s.TransactionHistory(ctx, e.ws.ID, a1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 1 || hist[0].Reason != "confirmed" || hist[0].Source != "later.csv:2" || hist[0].Changes[0].Field != "status" ||
			hist[0].Changes[0].From != "pending" || hist[0].Changes[0].To != "confirmed" {
			t.Fatalf("history of A-1: %+v", hist)
		}
		if x := e.byOrderRef(t)["A-1"]; x.ID != a1.ID || x.Status != model.StatusConfirmed {
			t.Fatalf("A-1 after the change: %+v", x)
		}
	})
}

func TestCustomImportRejectsBadRows(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newCustomEnv(t, s, "acme")
		const head = "id,sold,revenue,status,currency\n"
		for _, tc := range []struct {
			name      string
			body      string
			line, col int
			says      string
		}{
			{"bad status", head + "A,2026-10-01,1.00,pending\nB,2026-10-01,1.00,paid-out\n", 3, 4, "want pending, confirmed or declined"},
			{"no sold", head + "A,,1.00,pending\n", 2, 2, "required"},
			{"bad date", head + "A,32/10/2026,1.00,pending\n", 2, 2, "32/10/2026"},
			{"bad revenue", head + "A,2026-10-01,1.0.0,pending\n", 2, 3, "1.0.0"},
			{"too precise", head + "A,2026-10-01,1.005,pending\n", 2, 3, "decimals"},
			{"bad currency", head + "A,2026-10-01,1.00,pending,XYZ\n", 2, 5, "ISO 4217"},
			{"id twice", head + "A,2026-10-01,1.00,pending\nA,2026-10-02,1.00,pending\n", 3, 1, "line 2"},
			{"no revenue column", "id,sold,price\nA,2026-10-01,1.00\n", 1, 1, "revenue"},
			{"an Amazon report", earningsHeader + "Electronics\tCable\tB1\tAmazon.com\tshop-20\tOctober 1, 2026\t29.99\t4.00\t1\t29.99\t1.20\tu1\n", 1, 1, "custom connection"},
		} {
			f := memFile("bad.csv", []byte(tc.body))
			sum, err := e.im.Import(ctx, e.conn, f, nil)
			var rej *importer.RejectedError
			if !errors.As(err, &rej) {
				t.Fatalf("%s: not rejected: %v", tc.name, err)
			}
			fe := sum.Errors[0]
			if fe.File != "bad.csv" || fe.Line != tc.line || fe.Column != tc.col || !strings.Contains(fe.Message, tc.says) {
				t.Fatalf("%s: %+v, want line %d column %d saying %q", tc.name, fe, tc.line, tc.col, tc.says)
			}
		}
		if got := e.byOrderRef(t); len(got) != 0 {
			t.Fatalf("rejected files stored %d transactions", len(got))
		}

		// And a custom file is refused by an Amazon connection.
		amazon := newEnv(t, s, "amazon")
		_, err := amazon.im.Import(ctx, amazon.conn, fixture(t, "custom.csv"), nil)
		var rej *importer.RejectedError
		if !errors.As(err, &rej) || !strings.Contains(rej.File.Message, "custom network") {
			t.Fatalf("custom file into an Amazon connection: %v", err)
		}
	})
}

func TestCustomPaidBySoldMonth(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		pay := func() importer.File { return paymentsFile("C-1,2026-11-15,2026-10,USD,3.40,Wire\n") }
		after := newCustomEnv(t, s, "rows-first")
		after.importAll(t, fixture(t, "custom.csv"))
		sum := after.importAll(t, pay())
		if sum.Transactions.Updated != 5 {
			t.Fatalf("payment after rows: %+v", sum)
		}
		before := newCustomEnv(t, s, "payment-first")
		before.importAll(t, pay())
		before.importAll(t, fixture(t, "custom.csv"))
		if a, b := after.paidState(t), before.paidState(t); !equalMaps(a, b) || a["user-1,campaign-a 2026-10-01"] != "paid by C-1" {
			t.Fatalf("paid flags differ by order:\n%v\n%v", a, b)
		}
		// The daily pass leaves a custom network's transactions alone.
		counts, err := after.im.Recheck(ctx, after.conn)
		if err != nil || counts != (importer.Counts{}) || len(after.byOrderRef(t)) != 5 {
			t.Fatalf("recheck: %+v %v", counts, err)
		}
	})
}
