package importer_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// fixture is a file of testdata, under another name when given.
func fixture(t *testing.T, name string, as ...string) importer.File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if len(as) > 0 {
		name = as[0]
	}
	return memFile(name, data)
}

// paidDays are two months of shipments: September and October.
func paidDays() []importer.File {
	return append(days(), earningsFile("2026-09-28", line("2026-09-28", "B9", "u9", 1, "29.99", "1.20")))
}

func paymentsFile(body string) importer.File {
	return memFile("payments.csv", []byte("payment_id,paid_on,month,currency,amount,method\n"+body))
}

// paidState lists, per transaction customs, paid and the payment's reference.
func (e env) paidState(t *testing.T) map[string]string {
	t.Helper()
	txs, _, err := e.s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	refs := e.paymentRefs(t)
	out := map[string]string{}
	for _, x := range txs {
		key := strings.Join(x.Customs, ",") + " " + x.SoldAt.Format("2006-01-02")
		if x.Paid {
			out[key] = "paid by " + refs[x.PaymentID]
		} else if x.PaymentID != "" {
			t.Fatalf("%s: unpaid with payment %s", x.ID, x.PaymentID)
		} else {
			out[key] = "unpaid"
		}
	}
	return out
}

func (e env) paymentRefs(t *testing.T) map[string]string {
	t.Helper()
	pays, _, err := e.s.Payments(ctx, e.ws.ID, store.PaymentFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]string{}
	for _, p := range pays {
		refs[p.ID] = p.Reference
	}
	return refs
}

func TestPaymentsBeforeOrAfterReportsSameStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		pay := func() importer.File { return fixture(t, "payments.csv") }
		after := newEnv(t, s, "reports-first")
		after.importAll(t, paidDays()...)
		sum := after.importAll(t, pay())
		// October's five shipped transactions (u1, u2, u3 and the two rows of
		// B3, returned ones too: a payment is not undone by a later return)
		// get paid; September's u9 does not.
		if sum.Payments != (importer.RecordCounts{Created: 1}) || sum.Transactions.Updated != 5 || sum.Transactions.Created != 0 {
			t.Fatalf("payments after reports: %+v", sum)
		}
		before := newEnv(t, s, "payments-first")
		before.importAll(t, pay())
		before.importAll(t, paidDays()...)

		want := after.paidState(t)
		if got := before.paidState(t); !equalMaps(got, want) {
			t.Fatalf("order changed the paid flags:\npayments first %v\nreports first  %v", got, want)
		}
		if want["u9 2026-09-28"] != "unpaid" || want["u1 2026-10-01"] != "paid by P-2026-10" || want[" 2026-10-01"] != "paid by P-2026-10" {
			t.Fatalf("paid flags: %v", want)
		}
		if after.dumpPaid(t) != before.dumpPaid(t) {
			t.Fatalf("order changed the store:\n%s\n---\n%s", after.dumpPaid(t), before.dumpPaid(t))
		}

		// The flag was set through the history, citing the change.
		x := after.transactionOf(t, "u1")
		hist, err := s.TransactionHistory(ctx, after.ws.ID, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := hist[len(hist)-1]
		if last.Reason != "paid" || len(last.Changes) != 2 || last.Changes[0].Field != "paid" || last.Changes[0].To != "true" {
			t.Fatalf("history of %s: %+v", x.ID, hist)
		}
	})
}

func TestPaymentsReimportAndCorrection(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "acme")
		e.importAll(t, paidDays()...)
		e.importAll(t, paymentsFile("P-1,2026-12-28,2026-10,USD,100.00,Direct deposit\n"))
		before := e.dumpPaid(t)

		same := e.importAll(t, paymentsFile("P-1,2026-12-28,2026-10,USD,100.00,Direct deposit\n"))
		if same.FilesSkipped != 1 || same.Files != 0 {
			t.Fatalf("the same file again: %+v", same)
		}
		renamed := e.importAll(t, memFile("copy.csv", []byte("payment_id,paid_on,month,currency,amount,method\nP-1,2026-12-28,2026-10,USD,100.00,Direct deposit\n")))
		if renamed.Payments != (importer.RecordCounts{Unchanged: 1}) || renamed.Transactions != (importer.Counts{}) || e.dumpPaid(t) != before {
			t.Fatalf("the same rows again: %+v", renamed)
		}

		// A corrected period moves the flag: October unpaid, September paid.
		fixed := e.importAll(t, memFile("fixed.csv", []byte("payment_id,paid_on,period_start,period_end,currency,amount\nP-1,2026-12-28,2026-09-01,2026-09-30,USD,100.00\n")))
		if fixed.Payments != (importer.RecordCounts{Updated: 1}) || fixed.Transactions.Updated != 6 {
			t.Fatalf("corrected period: %+v", fixed)
		}
		st := e.paidState(t)
		if st["u9 2026-09-28"] != "paid by P-1" || st["u1 2026-10-01"] != "unpaid" {
			t.Fatalf("after the correction: %v", st)
		}
	})
}

func TestBadPaymentsFileLeavesStoreAsItWas(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "acme")
		e.importAll(t, paidDays()...)
		before := e.dumpPaid(t)
		for _, tc := range []struct {
			name       string
			file       importer.File
			line, col  int
			msgContain string
		}{
			{"bad amount", fixture(t, "payments-bad.csv"), 3, 6, "12.3.4"},
			{"period backwards", memFile("p.csv", []byte("payment_id,paid_on,period_start,period_end,amount\nP,2026-12-01,2026-10-31,2026-10-01,1.00\n")), 2, 4, "before"},
			{"no period column", memFile("p.csv", []byte("payment_id,paid_on,amount\nP,2026-12-01,1.00\n")), 1, 1, "month or period_start"},
			{"bad date", memFile("p.csv", []byte("payment_id,paid_on,month,amount\nP,yesterday,2026-10,1.00\n")), 2, 2, "yesterday"},
			{"bad month", memFile("p.csv", []byte("payment_id,paid_on,month,amount\nP,2026-12-01,Oct,1.00\n")), 2, 3, "month"},
			{"twice", memFile("p.csv", []byte("payment_id,paid_on,month,amount\nP,2026-12-01,2026-10,1.00\nP,2026-12-02,2026-10,2.00\n")), 3, 1, "line 2"},
			{"missing amount", memFile("p.csv", []byte("payment_id,paid_on,month,amount\nP,2026-12-01,2026-10,\n")), 2, 4, "required"},
		} {
			sum, err := e.im.Import(ctx, e.conn, tc.file, nil)
			var rej *importer.RejectedError
			if !errors.As(err, &rej) {
				t.Fatalf("%s: not rejected: %v", tc.name, err)
			}
			fe := sum.Errors[0]
			if fe.Line != tc.line || fe.Column != tc.col || !strings.Contains(fe.Message, tc.msgContain) || fe.File != tc.file.Name {
				t.Fatalf("%s: error %+v, want %s line %d column %d saying %q", tc.name, fe, tc.file.Name, tc.line, tc.col, tc.msgContain)
			}
		}
		if pays, _, _ := s.Payments(ctx, e.ws.ID, store.PaymentFilter{}); len(pays) != 0 || e.dumpPaid(t) != before {
			t.Fatalf("a rejected file changed the store: %+v", pays)
		}
	})
}

func TestDealsImport(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "acme")
		sum := e.importAll(t, fixture(t, "deals.csv"))
		if sum.Deals != (importer.RecordCounts{Created: 2}) || sum.Rows != 2 {
			t.Fatalf("deals: %+v", sum)
		}
		again := e.importAll(t, fixture(t, "deals.csv", "deals-copy.csv"))
		if again.Deals != (importer.RecordCounts{Unchanged: 2}) {
			t.Fatalf("deals again: %+v", again)
		}
		moved := e.importAll(t, memFile("d.csv", []byte("id,program,title,code,ends\nD-1,amazon.com,10% off cables,CABLE10,2026-11-30\n")))
		if moved.Deals != (importer.RecordCounts{Updated: 1}) {
			t.Fatalf("deal moved: %+v", moved)
		}
		deals, _, err := s.Deals(ctx, e.ws.ID, store.DealFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(deals) != 2 || deals[0].Reference != "D-1" || deals[0].EndsOn.Format("2006-01-02") != "2026-11-30" || deals[0].StartsOn != nil ||
			deals[0].Program != "amazon.com" || deals[1].Title != "Prime Day" || deals[1].Program != "amazon.com" || deals[1].Source != "deals.csv:3" {
			t.Fatalf("deals = %+v", deals)
		}
		_, err = e.im.Import(ctx, e.conn, memFile("bad.csv", []byte("title,url\nX,ftp://example.com\n")), nil)
		var rej *importer.RejectedError
		if !errors.As(err, &rej) || rej.File.Line != 2 || rej.File.Column != 2 {
			t.Fatalf("bad URL: %v", err)
		}
	})
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// dumpPaid is dump with payment ids (which derive from the connection)
// replaced by their references.
func (e env) dumpPaid(t *testing.T) string {
	t.Helper()
	out := e.dump(t)
	for id, ref := range e.paymentRefs(t) {
		out = strings.ReplaceAll(out, id, "payment:"+ref)
	}
	return out
}

func (e env) transactionOf(t *testing.T, custom string) model.Transaction {
	t.Helper()
	txs, _, err := e.s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Custom: custom})
	if err != nil || len(txs) != 1 {
		t.Fatalf("transactions of %s: %v %v", custom, txs, err)
	}
	return txs[0]
}
