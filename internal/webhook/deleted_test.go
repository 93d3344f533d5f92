package webhook_test

import (
	"testing"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
	"github.com/affsync/affsync/internal/wire"
)

// A re-issued day that drops a subtag removes its transaction: the import
// queues one transaction.deleted event with its last stored state and
// deleted_at, and nothing for the transactions that stay.
func TestRemovalQueuesDeletedEvent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		tn := newTenant(t, s, "acme")
		hook := tn.hook(t, newBox(t), "https://hooks.example.com/a", "whsec-1", wire.EventTransactionDeleted)
		name := "shop-20-earnings-report-subtags-20261001.tsv"
		tn.importFile(t, file(name, []byte(day1)))
		if got := tn.deliveries(t, hook.ID); len(got) != 0 {
			t.Fatalf("%d deliveries before any removal", len(got))
		}
		reissued := file(name, []byte(earnings(line("2026-10-01", "B1", "u1", 2, "59.98", "2.40"), line("2026-10-01", "B2", "u2", 1, "29.99", "1.20"))))
		reissued.MD5 = "reissued"
		if sum := tn.importFile(t, reissued); sum.Transactions.Deleted != 1 {
			t.Fatalf("summary: %+v, want one removal", sum.Transactions)
		}
		got := tn.deliveries(t, hook.ID)
		if len(got) != 1 {
			t.Fatalf("%d deliveries, want one transaction.deleted", len(got))
		}
		ev := event(t, got[0])
		x := ev.Data.Transaction
		if ev.Type != wire.EventTransactionDeleted || !x.Deleted || x.DeletedAt == nil || x.DeletedAt.IsZero() ||
			len(x.Customs) != 1 || x.Customs[0] != "u3" || x.Commission != "1.20" || len(x.Items) != 1 || x.Items[0].SKU != "B3" {
			t.Fatalf("event: %+v", ev)
		}
	})
}
