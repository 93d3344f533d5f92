package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

var ctx = context.Background()

func testBox(t testing.TB) *secret.Box {
	t.Helper()
	box, err := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return box
}

// fixture is a workspace with one connection.
type fixture struct {
	ws   store.Workspace
	conn store.Connection
}

func newFixture(t testing.TB, s *store.Store, name string) fixture {
	t.Helper()
	ws, err := s.EnsureWorkspace(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := s.CreateConnection(ctx, testBox(t), store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "creators-subtags",
		Name: name + " amazon", Currency: "USD", Settings: map[string]string{"store_id": "store-20"}}, map[string]string{"secret": "s3cr3t"})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{ws, conn}
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// makeTx builds a subtag transaction with one item.
func makeTx(conn store.Connection, n int) model.Transaction {
	direct := n%2 == 0
	return model.Transaction{
		ConnectionID: conn.ID, Network: "amazon", SourceKey: fmt.Sprintf("s:sub-%06d", n), Program: "amazon.com", Channel: "store-20",
		Customs: []string{fmt.Sprintf("sub-%06d", n)}, Status: model.StatusPending, NetworkStatus: "shipped", Currency: "USD",
		SaleAmount: 2999, Commission: 120, Quantity: 1, SoldAt: day("2026-10-02").Add(time.Duration(n%30) * 24 * time.Hour),
		Items: []model.Item{{SKU: "B0C1234567", Name: "Cable", Category: "Electronics", Seller: "Amazon.com", Price: 2999, Quantity: 1,
			SaleAmount: 2999, Commission: 120, Rate: 400, Device: "DESKTOP", LinkType: "Text", Direct: &direct}},
	}
}

func batchOf(conn store.Connection, from, n int) []store.TxWrite {
	out := make([]store.TxWrite, n)
	for i := range n {
		out[i] = store.TxWrite{Tx: makeTx(conn, from+i), Group: fmt.Sprintf("s:sub-%06d", from+i), Reason: "shipped", Source: "test.tsv:1"}
	}
	return out
}

func TestTransactionRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		want := makeTx(f.conn, 1)
		ref := "order-1"
		clicked := day("2026-10-01").Add(3 * time.Hour)
		want.OrderRef, want.ClickedAt, want.Customs = &ref, &clicked, []string{"k3J9x", "user-42"}
		want.Items = append(want.Items, model.Item{SKU: "B0000000002", Name: "Ünïcode – name", Price: 1, Quantity: 3, Returned: 1})
		st, err := s.UpsertTransactions(ctx, f.ws.ID, []store.TxWrite{{Tx: want}})
		if err != nil {
			t.Fatal(err)
		}
		if st.Created != 1 {
			t.Fatalf("stats = %+v", st)
		}
		got, err := s.Transaction(ctx, f.ws.ID, model.TransactionID(f.conn.ID, want.SourceKey))
		if err != nil {
			t.Fatal(err)
		}
		if ch := model.TransactionChanges(want, got); ch != nil {
			t.Fatalf("round trip changed fields: %+v", ch)
		}
		if got.WorkspaceID != f.ws.ID || got.CreatedAt.IsZero() || got.UpdatedAt.IsZero() {
			t.Fatalf("bookkeeping not set: %+v", got)
		}
		for _, custom := range want.Customs {
			list, _, err := s.Transactions(ctx, f.ws.ID, store.TransactionFilter{Custom: custom})
			if err != nil || len(list) != 1 || list[0].ID != got.ID {
				t.Fatalf("filter custom %q: %v %v", custom, list, err)
			}
		}
	})
}

func TestUpsertIsIdempotentAndHistoryOnlyOnChange(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		batch := batchOf(f.conn, 0, 50)
		if st, err := s.UpsertTransactions(ctx, f.ws.ID, batch); err != nil || st.Created != 50 {
			t.Fatalf("first upsert: %+v %v", st, err)
		}
		st, err := s.UpsertTransactions(ctx, f.ws.ID, batchOf(f.conn, 0, 50))
		if err != nil || st.Created != 0 || st.Updated != 0 || st.Unchanged != 50 {
			t.Fatalf("same batch again: %+v %v", st, err)
		}
		id := model.TransactionID(f.conn.ID, batch[7].Tx.SourceKey)
		if h, _ := s.TransactionHistory(ctx, f.ws.ID, id); len(h) != 0 {
			t.Fatalf("history without a change: %+v", h)
		}
		// A return: quantity, amounts and status change.
		changed := batchOf(f.conn, 7, 1)
		x := &changed[0].Tx
		x.Status, x.StatusReason, x.NetworkStatus, x.Quantity, x.SaleAmount, x.Commission = model.StatusDeclined, "returned", "returned", 0, 0, 0
		x.Items[0].Quantity, x.Items[0].Returned, x.Items[0].SaleAmount, x.Items[0].Commission = 0, 1, 0, 0
		changed[0].Reason, changed[0].Source = "returned", "earnings-20261010.tsv:12"
		before, _ := s.Transaction(ctx, f.ws.ID, id)
		st, err = s.UpsertTransactions(ctx, f.ws.ID, changed)
		if err != nil || st.Updated != 1 {
			t.Fatalf("change: %+v %v", st, err)
		}
		h, err := s.TransactionHistory(ctx, f.ws.ID, id)
		if err != nil || len(h) != 1 {
			t.Fatalf("history = %+v, %v", h, err)
		}
		fields := map[string]model.Change{}
		for _, c := range h[0].Changes {
			fields[c.Field] = c
		}
		if fields["status"] != (model.Change{Field: "status", From: "pending", To: "declined"}) ||
			fields["commission"] != (model.Change{Field: "commission", From: "1.20", To: "0.00"}) || fields["items"].Field == "" {
			t.Fatalf("history changes = %+v", h[0].Changes)
		}
		if h[0].Reason != "returned" || h[0].Source != "earnings-20261010.tsv:12" {
			t.Fatalf("history reason/source = %q %q", h[0].Reason, h[0].Source)
		}
		after, _ := s.Transaction(ctx, f.ws.ID, id)
		if !after.CreatedAt.Equal(before.CreatedAt) || !after.UpdatedAt.After(before.UpdatedAt) || after.Items[0].Returned != 1 {
			t.Fatalf("after change: %+v", after)
		}
		// Applying the change again writes nothing.
		if st, _ := s.UpsertTransactions(ctx, f.ws.ID, changed); st.Unchanged != 1 {
			t.Fatalf("change again: %+v", st)
		}
		if h, _ := s.TransactionHistory(ctx, f.ws.ID, id); len(h) != 1 {
			t.Fatalf("history grew on a no-op: %d", len(h))
		}
	})
}

// A stored transaction changed twice in one batch: two history entries,
// and the customs index as the last change left it (the batch's customs
// rows and history are written once the batch is done).
func TestUpsertSameTransactionTwiceInABatch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "twice")
		if _, err := s.UpsertTransactions(ctx, f.ws.ID, batchOf(f.conn, 0, 1)); err != nil {
			t.Fatal(err)
		}
		first, second := batchOf(f.conn, 0, 1)[0], batchOf(f.conn, 0, 1)[0]
		first.Tx.Commission, first.Tx.Customs = 150, []string{"sub-000000", "app-1"}
		second.Tx.Commission, second.Tx.Customs = 170, []string{"sub-000000", "app-2"}
		st, err := s.UpsertTransactions(ctx, f.ws.ID, []store.TxWrite{first, second})
		if err != nil || st.Updated != 2 {
			t.Fatalf("two changes in one batch: %+v %v", st, err)
		}
		id := model.TransactionID(f.conn.ID, first.Tx.SourceKey)
		if h, err := s.TransactionHistory(ctx, f.ws.ID, id); err != nil || len(h) != 2 {
			t.Fatalf("history: %+v %v", h, err)
		}
		for custom, want := range map[string]int{"app-1": 0, "app-2": 1, "sub-000000": 1} {
			list, _, err := s.Transactions(ctx, f.ws.ID, store.TransactionFilter{Custom: custom})
			if err != nil || len(list) != want {
				t.Errorf("?custom=%s: %d transactions, want %d (%v)", custom, len(list), want, err)
			}
			if want == 1 && list[0].Commission != 170 {
				t.Errorf("?custom=%s: commission %d, want the last change's 170", custom, list[0].Commission)
			}
		}
	})
}

func TestWorkspaceIsolation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a, b := newFixture(t, s, "a"), newFixture(t, s, "b")
		if _, err := s.UpsertTransactions(ctx, a.ws.ID, batchOf(a.conn, 0, 3)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertTransactions(ctx, b.ws.ID, batchOf(b.conn, 0, 2)); err != nil {
			t.Fatal(err)
		}
		aID := model.TransactionID(a.conn.ID, "s:sub-000000")
		if _, err := s.Transaction(ctx, b.ws.ID, aID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("b reads a's transaction: %v", err)
		}
		if _, err := s.TransactionHistory(ctx, b.ws.ID, aID); err != nil {
			t.Fatal(err)
		}
		listA, _, _ := s.Transactions(ctx, a.ws.ID, store.TransactionFilter{})
		listB, _, _ := s.Transactions(ctx, b.ws.ID, store.TransactionFilter{})
		if len(listA) != 3 || len(listB) != 2 {
			t.Fatalf("lists: a=%d b=%d", len(listA), len(listB))
		}
		if list, _, _ := s.Transactions(ctx, b.ws.ID, store.TransactionFilter{Custom: "sub-000002"}); len(list) != 0 {
			t.Fatalf("b finds a's custom: %v", list)
		}
		if _, err := s.Connection(ctx, b.ws.ID, a.conn.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("b reads a's connection: %v", err)
		}
		if _, err := s.ConnectionSecrets(ctx, testBox(t), b.ws.ID, a.conn.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("b reads a's secrets: %v", err)
		}
		if err := s.SetConnectionStatus(ctx, b.ws.ID, a.conn.ID, store.ConnDisabled, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("b changes a's connection: %v", err)
		}
		// Writing a's transaction through b's workspace creates nothing in a and fails
		// (the id is taken), never overwriting a's row.
		if _, err := s.UpsertTransactions(ctx, b.ws.ID, batchOf(a.conn, 0, 1)); err == nil {
			t.Fatal("b overwrote a's transaction")
		}
		got, err := s.Transaction(ctx, a.ws.ID, aID)
		if err != nil || got.WorkspaceID != a.ws.ID {
			t.Fatalf("a's transaction after b's attempt: %+v %v", got, err)
		}
		for _, ws := range []fixture{a, b} {
			conns, _ := s.Connections(ctx, ws.ws.ID)
			if len(conns) != 1 || conns[0].ID != ws.conn.ID {
				t.Fatalf("connections of %s: %+v", ws.ws.Name, conns)
			}
		}
	})
}

func TestFiltersAndPagination(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		if _, err := s.UpsertTransactions(ctx, f.ws.ID, batchOf(f.conn, 0, 95)); err != nil {
			t.Fatal(err)
		}
		var seen []string
		cursor := ""
		for {
			page, next, err := s.Transactions(ctx, f.ws.ID, store.TransactionFilter{Limit: 10, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range page {
				seen = append(seen, x.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(seen) != 95 || len(uniq(seen)) != 95 {
			t.Fatalf("paged %d rows (%d unique), want 95", len(seen), len(uniq(seen)))
		}
		since, until := day("2026-10-05"), day("2026-10-07")
		list, _, err := s.Transactions(ctx, f.ws.ID, store.TransactionFilter{Since: &since, Until: &until, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			if x.SoldAt.Before(since) || !x.SoldAt.Before(until) {
				t.Fatalf("sold_at %v outside [%v, %v)", x.SoldAt, since, until)
			}
		}
		if len(list) != 2*4 { // days 3 and 4 of a 30-day cycle over 95 rows: n%30 in {3,4} → 4 each
			t.Fatalf("date filter: %d rows", len(list))
		}
		for _, tc := range []struct {
			f    store.TransactionFilter
			want int
		}{
			{store.TransactionFilter{Status: model.StatusPending}, 95},
			{store.TransactionFilter{Status: model.StatusDeclined}, 0},
			{store.TransactionFilter{Channel: "store-20"}, 95},
			{store.TransactionFilter{Channel: "store-21"}, 0},
			{store.TransactionFilter{Program: "amazon.com"}, 95},
			{store.TransactionFilter{ConnectionID: f.conn.ID}, 95},
			{store.TransactionFilter{ConnectionID: "conn_other"}, 0},
			{store.TransactionFilter{Custom: "sub-000042"}, 1},
		} {
			tc.f.Limit = 1000
			list, _, err := s.Transactions(ctx, f.ws.ID, tc.f)
			if err != nil || len(list) != tc.want {
				t.Errorf("filter %+v: %d rows, %v; want %d", tc.f, len(list), err, tc.want)
			}
		}
		if _, _, err := s.Transactions(ctx, f.ws.ID, store.TransactionFilter{Cursor: "garbage!"}); !errors.Is(err, store.ErrBadCursor) {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}

// TestPaginationUnderConcurrentWrites pages through transactions while
// another writer inserts new ones and changes old ones: every row that was
// there before the first page is seen exactly once, and no row twice.
func TestPaginationUnderConcurrentWrites(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		if _, err := s.UpsertTransactions(ctx, f.ws.ID, batchOf(f.conn, 0, 300)); err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		var writeErr error
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				add := batchOf(f.conn, 1000+i*5, 5)
				upd := batchOf(f.conn, (i*7)%300, 1)
				upd[0].Tx.Commission += int64(i + 1)
				if _, err := s.UpsertTransactions(ctx, f.ws.ID, append(add, upd...)); err != nil {
					writeErr = err
					return
				}
			}
		}()
		seen := map[string]int{}
		cursor := ""
		for {
			page, next, err := s.Transactions(ctx, f.ws.ID, store.TransactionFilter{Limit: 7, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range page {
				seen[x.ID]++
			}
			if next == "" {
				break
			}
			cursor = next
			time.Sleep(time.Millisecond) // let the writer in between pages
		}
		close(stop)
		wg.Wait()
		if writeErr != nil {
			t.Fatal(writeErr)
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("%s seen %d times", id, n)
			}
		}
		for i := range 300 {
			if seen[model.TransactionID(f.conn.ID, fmt.Sprintf("s:sub-%06d", i))] != 1 {
				t.Fatalf("row %d skipped", i)
			}
		}
	})
}

// TestConcurrentWriters runs writers in parallel, through one store and
// through a second store on the same database (another process): none of
// them sees "database is locked".
func TestConcurrentWriters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		stores := []*store.Store{s}
		if s.Dialect() == store.SQLite {
			other := storetest.Open(t, "sqlite:"+s.Path())
			stores = append(stores, other)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st := stores[w%len(stores)]
				for round := range 5 {
					if _, err := st.UpsertTransactions(ctx, f.ws.ID, batchOf(f.conn, w*1000+round*20, 20)); err != nil {
						errs <- err
						return
					}
					if err := st.SetProgramStatus(ctx, f.ws.ID, f.conn.ID, "amazon.com", fmt.Sprintf("s%d", round%2), ""); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("concurrent write failed: %v", err)
		}
		list, _, err := s.Transactions(ctx, f.ws.ID, store.TransactionFilter{Limit: 1000})
		if err != nil || len(list) != 8*5*20 {
			t.Fatalf("rows after concurrent writes: %d, %v", len(list), err)
		}
	})
}

func uniq(xs []string) []string {
	c := slices.Clone(xs)
	slices.Sort(c)
	return slices.Compact(c)
}

// TestSQLitePathWithURICharacters: a store's file is the path given, even
// with characters a file: URI reads as its own ("#" its fragment, "?" its
// query, "%" an escape): cut there, it would open another file.
func TestSQLitePathWithURICharacters(t *testing.T) {
	for _, name := range []string{"a#01", "a?b=1", "a%23b", "plain"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "affsync.db")
			s := storetest.Open(t, "sqlite:"+path)
			if _, err := s.EnsureWorkspace(ctx, "uri"); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("no store at %s: %v", path, err)
			}
			entries, err := os.ReadDir(filepath.Dir(dir))
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Fatalf("files beside the store's folder: %q", names)
			}
		})
	}
}
