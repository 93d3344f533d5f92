package importer_test

import (
	"testing"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// TestBountyReissuedWithAnotherAmount: a bounty's row key leaves out its
// amount (SPEC §3.4), its projection group does not (a reversal declines
// the bounty of the same amount). So a re-issued report that corrects a
// bounty's amount makes the same transaction id out of another group, one
// the group read of the re-issue does not hold: the upsert must still find
// the stored row by its id and update it (with history), not insert it
// again, which the id's key refuses, failing the import.
func TestBountyReissuedWithAnotherAmount(t *testing.T) {
	bounty := func(amount string) importer.File {
		return memFile("Fee-Bounty.csv", []byte("Fee-Bounty reports from 10-01-2026 to 10-31-2026\n"+
			"Name,Date Shipped,Tracking Id,Quantity,Ad Fees($),Sub Tag\n"+
			"Prime,2026-10-02,shop-20,1,"+amount+",u1\n"+
			"Audible,2026-10-03,shop-20,1,5.00,\n"))
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "acme")
		first := e.importAll(t, bounty("3.00"))
		if first.Transactions.Created != 2 {
			t.Fatalf("first import: %+v", first.Transactions)
		}
		before, _, err := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Custom: "u1"})
		if err != nil || len(before) != 1 || before[0].Commission != 300 {
			t.Fatalf("the Prime bounty as first imported: %+v, %v", before, err)
		}
		again := e.importAll(t, bounty("4.50"))
		if want := (importer.Counts{Updated: 1, Unchanged: 1}); again.Transactions != want {
			t.Fatalf("re-issue: %+v, want %+v", again.Transactions, want)
		}
		after, _, err := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Custom: "u1"})
		if err != nil || len(after) != 1 {
			t.Fatalf("the Prime bounty after the re-issue: %+v, %v", after, err)
		}
		x := after[0]
		if x.ID != before[0].ID || x.Commission != 450 || x.Status != model.StatusPending || !x.CreatedAt.Equal(before[0].CreatedAt) {
			t.Fatalf("the Prime bounty after the re-issue: %+v, want %s with commission 450, created %s", x, before[0].ID, before[0].CreatedAt)
		}
		h, err := s.TransactionHistory(ctx, e.ws.ID, x.ID)
		if err != nil || len(h) != 1 {
			t.Fatalf("history: %+v, %v", h, err)
		}
		if n, err := s.CountTransactions(ctx, e.ws.ID); err != nil || n != 2 {
			t.Fatalf("%d transactions (%v), want 2", n, err)
		}
	})
}
