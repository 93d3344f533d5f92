package store

import (
	"context"
	"io/fs"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/affsync/affsync/internal/model"
)

// TestUpgradeTo00005 takes a filled store back to schema version 4, migrates
// it up to 6 and on to the latest, and reads back what it held: 00005
// rebuilds transaction_items and transaction_customs (SQLite), which must
// carry every row, and 00007 folds the items into their transactions. The
// store is filled at the latest version (today's code writes today's
// columns) and taken down through the migrations' Down steps, which carry
// rows too.
func TestUpgradeTo00005(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "old.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sub, err := fs.Sub(migrations, "migrations/sqlite")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.write, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	ws, err := s.EnsureWorkspace(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := s.CreateConnection(ctx, nil, Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: "a",
		Currency: "USD"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	sold := time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC)
	var batch []TxWrite
	for _, sub := range []string{"s1", "s2"} {
		batch = append(batch, TxWrite{Group: "s:" + sub, Source: "f.tsv:2", Tx: model.Transaction{ConnectionID: conn.ID, Network: "amazon",
			SourceKey: "s:" + sub, Program: "amazon.com", Channel: "bench-20", Customs: []string{sub, "app-" + sub},
			Status: model.StatusPending, NetworkStatus: "shipped", Currency: "USD", SaleAmount: 2598, Commission: 104, Quantity: 2,
			SoldAt: sold, Items: []model.Item{
				{SKU: "B01", Name: "one", Category: "Electronics", Seller: "Amazon.com", Price: 799, Quantity: 1, SaleAmount: 799,
					Commission: 32, Rate: 400, Direct: &yes},
				{SKU: "B02", Name: "two", Price: 1799, Quantity: 1, SaleAmount: 1799, Commission: 72, Rate: 400},
			}}})
	}
	if _, err := s.UpsertTransactions(ctx, ws.ID, batch); err != nil {
		t.Fatal(err)
	}
	before := map[string]model.Transaction{}
	for _, w := range batch {
		x, err := s.Transaction(ctx, ws.ID, w.Tx.ID)
		if err != nil {
			t.Fatal(err)
		}
		before[x.ID] = x
	}
	if _, err := p.DownTo(ctx, 4); err != nil {
		t.Fatalf("migrate down to 4: %v", err)
	}
	var rowid int
	if err := s.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('transaction_items', 'transaction_customs')
		AND sql NOT LIKE '%WITHOUT ROWID%'`).Scan(&rowid); err != nil || rowid != 2 {
		t.Fatalf("rowid tables at version 4 = %d, %v; want 2", rowid, err)
	}
	if _, err := p.UpTo(ctx, 6); err != nil {
		t.Fatalf("migrate up to 6: %v", err)
	}
	var clustered int
	if err := s.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('transaction_items', 'transaction_customs')
		AND sql LIKE '%WITHOUT ROWID%'`).Scan(&clustered); err != nil || clustered != 2 {
		t.Fatalf("clustered tables = %d, %v; want 2", clustered, err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate to latest: %v", err)
	}
	for id, want := range before {
		got, err := s.Transaction(ctx, ws.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after the upgrade\n got %+v\nwant %+v", got, want)
		}
	}
	for _, custom := range []string{"s2", "app-s2"} {
		list, _, err := s.Transactions(ctx, ws.ID, TransactionFilter{Custom: custom})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != batch[1].Tx.ID {
			t.Fatalf("custom %s lists %d transactions after the upgrade", custom, len(list))
		}
	}
	// The store keeps working on the new tables: an update replaces items and customs.
	w := batch[0]
	w.Tx.Customs = []string{"s1"}
	w.Tx.Items = w.Tx.Items[:1]
	w.Tx.Quantity, w.Tx.SaleAmount, w.Tx.Commission = 1, 799, 32
	if st, err := s.UpsertTransactions(ctx, ws.ID, []TxWrite{w}); err != nil || st.Updated != 1 {
		t.Fatalf("update after upgrade: %+v, %v", st, err)
	}
	if list, _, err := s.Transactions(ctx, ws.ID, TransactionFilter{Custom: "app-s1"}); err != nil || len(list) != 0 {
		t.Fatalf("custom app-s1 still lists %d, %v", len(list), err)
	}
	got, err := s.Transaction(ctx, ws.ID, w.Tx.ID)
	if err != nil || len(got.Items) != 1 {
		t.Fatalf("items after update: %+v, %v", got.Items, err)
	}
}
