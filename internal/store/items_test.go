package store_test

import (
	"reflect"
	"testing"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// itemCases are baskets whose text, amounts and flags the items column must
// carry exactly: quotes, backslashes, control characters, non-ASCII, an
// amount past float64's exact integers, every state of direct.
func itemCases() [][]model.Item {
	yes, no := true, false
	return [][]model.Item{
		nil,
		{{SKU: "B01", Name: "one", Category: "Electronics", Seller: "Amazon.com", Price: 799, Quantity: 1, SaleAmount: 799, Commission: 32,
			Rate: 400, Device: "DESKTOP", LinkType: "text", Direct: &yes}},
		{{SKU: "B02", Name: `say "hi" \ back`, Category: "Bücher", Seller: "tab\there\nline", Price: -1799, Quantity: -1, Returned: 1,
			SaleAmount: -1799, Commission: -72, Rate: 400, Direct: &no},
			{SKU: "B03", Name: "日本語 \u2028", Price: 9007199254740993, Quantity: 2, SaleAmount: 9007199254740993}},
	}
}

// TestItemsColumnRoundTrip stores baskets and reads them back through every
// read path: one transaction, a page of the list, and the import's own read
// of stored rows (an unchanged upsert must find nothing changed).
func TestItemsColumnRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "items")
		batch := itemsBatch(f)
		if st, err := s.UpsertTransactions(ctx, f.ws.ID, batch); err != nil || st.Created != len(batch) {
			t.Fatalf("store: %+v, %v", st, err)
		}
		checkItems(t, s, f, batch)
		if st, err := s.UpsertTransactions(ctx, f.ws.ID, itemsBatch(f)); err != nil || st.Unchanged != len(batch) {
			t.Fatalf("the same batch again: %+v, %v; want all unchanged", st, err)
		}
		// An update that changes only the items rewrites them.
		w := itemsBatch(f)[2]
		w.Tx.Items = w.Tx.Items[1:]
		if st, err := s.UpsertTransactions(ctx, f.ws.ID, []store.TxWrite{w}); err != nil || st.Updated != 1 {
			t.Fatalf("update: %+v, %v", st, err)
		}
		batch[2] = w
		checkItems(t, s, f, batch)
	})
}

// TestMigration00007InlinesItems takes a filled store down to version 6
// (items back in their own table, one row each) and up again: every basket
// reads back as it was stored.
func TestMigration00007InlinesItems(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "items-upgrade")
		batch := itemsBatch(f)
		if _, err := s.UpsertTransactions(ctx, f.ws.ID, batch); err != nil {
			t.Fatal(err)
		}
		if err := s.MigrateToForTest(ctx, 6); err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, w := range batch {
			want += len(w.Tx.Items)
		}
		if got, err := s.CountForTest(ctx, "transaction_items"); err != nil || got != want {
			t.Fatalf("at 00006: %d item rows (%v), want %d", got, err, want)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		checkItems(t, s, f, batch)
	})
}

func itemsBatch(f fixture) []store.TxWrite {
	var batch []store.TxWrite
	for i, items := range itemCases() {
		x := makeTx(f.conn, 900+i)
		x.Items = items
		batch = append(batch, store.TxWrite{Tx: x, Group: x.SourceKey, Source: "items.tsv:2"})
	}
	return batch
}

func checkItems(t *testing.T, s *store.Store, f fixture, batch []store.TxWrite) {
	t.Helper()
	list, _, err := s.Transactions(ctx, f.ws.ID, store.TransactionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string][]model.Item{}
	for _, x := range list {
		listed[x.ID] = x.Items
	}
	for _, w := range batch {
		id := model.TransactionID(f.conn.ID, w.Tx.SourceKey)
		got, err := s.Transaction(ctx, f.ws.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		want := w.Tx.Items
		if !reflect.DeepEqual(got.Items, want) {
			t.Errorf("%s: items\n got %+v\nwant %+v", w.Tx.SourceKey, got.Items, want)
		}
		if !reflect.DeepEqual(listed[id], want) {
			t.Errorf("%s: listed items\n got %+v\nwant %+v", w.Tx.SourceKey, listed[id], want)
		}
	}
}
