package importer_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

var ctx = context.Background()

// memFile is an in-memory report file.
func memFile(name string, data []byte) importer.File {
	return importer.File{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

const earningsHeader = "Product Line\tItem\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tReferral Fee Rate\tQuantity\tRevenue\tEarnings\tSub Tag\n"

// earningsFile is a DataFeed subtags earnings file of one day.
func earningsFile(day string, lines ...string) importer.File {
	d, _ := time.Parse("2006-01-02", day)
	body := "Earnings report\n" + earningsHeader
	for _, l := range lines {
		body += l + "\n"
	}
	return memFile(fmt.Sprintf("shop-20-earnings-report-subtags-%s.tsv.gz", d.Format("20060102")), gz(body))
}

func line(day, asin, subtag string, qty int, revenue, fees string) string {
	d, _ := time.Parse("2006-01-02", day)
	return fmt.Sprintf("Electronics\tCable %s\t%s\tAmazon.com\tshop-20\t%s\t29.99\t4.00\t%d\t%s\t%s\t%s", asin, asin, d.Format("January 2, 2006"), qty, revenue, fees, subtag)
}

type env struct {
	s    *store.Store
	ws   store.Workspace
	conn store.Connection
	im   *importer.Importer
}

func newEnv(t testing.TB, s *store.Store, name string) env {
	t.Helper()
	ws, err := s.EnsureWorkspace(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: name,
		Settings: map[string]string{"mode": "subtags", "marketplace": "www.amazon.com"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	im := importer.New(s, nil)
	im.Now = func() time.Time { return time.Date(2026, 10, 20, 12, 0, 0, 0, time.UTC) }
	return env{s, ws, conn, im}
}

func (e env) importAll(t *testing.T, files ...importer.File) importer.Summary {
	t.Helper()
	var total importer.Summary
	for _, f := range files {
		sum, err := e.im.Import(ctx, e.conn, f, nil)
		if err != nil {
			t.Fatalf("import %s: %v", f.Name, err)
		}
		total.Add(sum)
	}
	return total
}

// dump is the store's visible state of a connection, without bookkeeping times.
func (e env) dump(t *testing.T) string {
	t.Helper()
	txs, _, err := e.s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, x := range txs {
		// Ids derive from the connection, which differs between workspaces.
		x.ID, x.CreatedAt, x.UpdatedAt, x.WorkspaceID, x.ConnectionID = "", time.Time{}, time.Time{}, "", ""
		b, _ := json.Marshal(x)
		lines = append(lines, string(b))
	}
	sort.Strings(lines)
	revs, _, err := e.s.Revenues(ctx, e.ws.ID, store.AggregateFilter{GroupBy: []string{"day", "channel", "custom"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range revs {
		b, _ := json.Marshal(r)
		lines = append(lines, "revenue "+string(b))
	}
	return strings.Join(lines, "\n")
}

func days() []importer.File {
	return []importer.File{
		earningsFile("2026-10-01", line("2026-10-01", "B1", "u1", 2, "59.98", "2.40"), line("2026-10-01", "B2", "u2", 1, "29.99", "1.20"),
			line("2026-10-01", "B3", "", 1, "29.99", "1.20"), line("2026-10-01", "B3", "", 1, "29.99", "1.20")),
		earningsFile("2026-10-02", line("2026-10-02", "B1", "u1", -1, "-29.99", "-1.20"), line("2026-10-02", "B4", "u3", 1, "29.99", "1.20")),
		earningsFile("2026-10-03", line("2026-10-03", "B2", "u2", -1, "-29.99", "-1.20"), line("2026-10-03", "B3", "", -1, "-29.99", "-1.20")),
		earningsFile("2026-10-04"),
	}
}

func TestImportTwiceChangesNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "acme")
		first := e.importAll(t, days()...)
		if first.Transactions.Created != 5 || first.Files != 4 || first.Rows != 8 {
			t.Fatalf("first import: %+v", first)
		}
		before := e.dump(t)
		again := e.importAll(t, days()...)
		if again.Files != 0 || again.FilesSkipped != 4 || again.Transactions != (importer.Counts{}) {
			t.Fatalf("second import: %+v", again)
		}
		if e.dump(t) != before {
			t.Fatal("the second import changed the store")
		}
		list, _, _ := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Custom: "u1"})
		if len(list) != 1 || list[0].Quantity != 1 || list[0].Commission != 120 || list[0].SaleAmount != 2999 || list[0].NetworkStatus != "returned" {
			t.Fatalf("u1 after a partial return: %+v", list)
		}
		list, _, _ = s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Custom: "u2"})
		if len(list) != 1 || list[0].Status != model.StatusDeclined || list[0].Commission != 0 {
			t.Fatalf("u2 after a full return: %+v", list)
		}
		h, _ := s.TransactionHistory(ctx, e.ws.ID, list[0].ID)
		if len(h) != 1 || h[0].Reason != "returned" || !strings.Contains(h[0].Source, "20261003") {
			t.Fatalf("u2 history: %+v", h)
		}
	})
}

func TestAnyOrderSameStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ref := newEnv(t, s, "ref")
		ref.importAll(t, days()...)
		want := ref.dump(t)
		r := rand.New(rand.NewPCG(7, 7))
		for i := range 4 {
			files := days()
			r.Shuffle(len(files), func(a, b int) { files[a], files[b] = files[b], files[a] })
			e := newEnv(t, s, fmt.Sprintf("perm%d", i))
			e.importAll(t, files...)
			if got := e.dump(t); got != want {
				t.Fatalf("order %v gives another store:\n%s\nwant\n%s", names(files), got, want)
			}
		}
	})
}

func names(fs []importer.File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

func TestReissuedFileAppliesItsDifference(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "acme")
		e.importAll(t, days()...)
		// The same day again, re-issued: u3's line gone, a new subtag u9.
		reissued := earningsFile("2026-10-02", line("2026-10-02", "B1", "u1", -1, "-29.99", "-1.20"), line("2026-10-02", "B5", "u9", 1, "10.00", "0.40"))
		sum := e.importAll(t, reissued)
		if sum.Files != 1 || sum.Transactions.Created != 1 || sum.Transactions.Deleted != 1 || sum.Transactions.Unchanged != 1 {
			t.Fatalf("re-issued import: %+v", sum)
		}
		if list, _, _ := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Custom: "u3"}); len(list) != 0 {
			t.Fatalf("u3 is still there after the re-issued report dropped its row: %+v", list)
		}
		revs, _, _ := s.Revenues(ctx, e.ws.ID, store.AggregateFilter{})
		// Day 1: 149.95; day 2 re-issued: −29.99 + 10.00; day 3: −59.98. Total 69.98: the old day-2 rows no longer count.
		if len(revs) != 1 || revs[0].SaleAmount != 6998 {
			t.Fatalf("revenues after the re-issue: %+v", revs)
		}
	})
}

func TestRejectedFileLeavesStoreAsItWas(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "acme")
		e.importAll(t, days()[0])
		before := e.dump(t)
		bad := earningsFile("2026-10-05", line("2026-10-05", "B1", "x1", 1, "29.99", "1.20"), line("2026-10-05", "B1", "x2", 1, "29.99", "one dollar"))
		sum, err := e.im.Import(ctx, e.conn, bad, nil)
		var rej *importer.RejectedError
		if !errors.As(err, &rej) || len(sum.Errors) != 1 {
			t.Fatalf("bad file: %+v %v", sum, err)
		}
		fe := sum.Errors[0]
		if fe.File != bad.Name || fe.Line != 4 || fe.Column != 11 || !strings.Contains(fe.Message, "one dollar") {
			t.Fatalf("error location: %+v", fe)
		}
		if e.dump(t) != before {
			t.Fatal("a rejected file changed the store")
		}
		files, _ := s.ImportedFiles(ctx, e.ws.ID, e.conn.ID, 10)
		if len(files) != 2 || files[0].Outcome != store.FileRejected || !strings.Contains(files[0].Error, "one dollar") {
			t.Fatalf("files: %+v", files)
		}
	})
}

func TestOverlappingDownloadsCountOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "acme")
		e.importAll(t, days()[:2]...)
		// A monthly Associates Central download covering the same days (and more) replaces them.
		monthly := memFile("Fee-Earnings.csv", []byte("Fee-Earnings reports from 10-01-2026 to 10-31-2026\n"+
			"Category,Name,ASIN,Seller,Tracking ID,Date Shipped,Price($),Items Shipped,Returns,Revenue($),Ad Fees($),Device Type Group,Sub Tag\n"+
			"Electronics,Cable B1,B1,Amazon.com,shop-20,2026-10-01,29.99,2,1,29.99,1.20,DESKTOP,u1\n"+
			"Electronics,Cable B7,B7,Amazon.com,shop-20,2026-10-15,29.99,1,0,29.99,1.20,DESKTOP,u7\n"))
		e.importAll(t, monthly)
		revs, _, _ := s.Revenues(ctx, e.ws.ID, store.AggregateFilter{})
		if len(revs) != 1 || revs[0].SaleAmount != 5998 || revs[0].Commission != 240 {
			t.Fatalf("revenues counted twice: %+v", revs)
		}
		if list, _, _ := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Custom: "u2"}); len(list) != 0 {
			t.Fatalf("u2, only in the replaced daily file, still counts: %+v", list)
		}
		if list, _, _ := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Custom: "u7"}); len(list) != 1 || list[0].Commission != 120 {
			t.Fatalf("u7 of the monthly file: %+v", list)
		}
	})
}

// TestRecheckConfirmsWithoutNewFiles: the daily pass confirms a sale once its
// return window has passed, with no new file, and writes why.
func TestRecheckConfirmsWithoutNewFiles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "acme")
		e.importAll(t, days()...)
		if c, err := e.im.Recheck(ctx, e.conn); err != nil || c.Updated != 0 {
			t.Fatalf("recheck on the same day: %+v %v", c, err)
		}
		e.im.Now = func() time.Time { return time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC) } // 31 days after day 2
		c, err := e.im.Recheck(ctx, e.conn)
		if err != nil || c.Updated != 3 {
			t.Fatalf("recheck a month later: %+v %v", c, err)
		}
		list, _, _ := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Custom: "u3"})
		if len(list) != 1 || list[0].Status != model.StatusConfirmed {
			t.Fatalf("u3 after the window: %+v", list)
		}
		h, _ := s.TransactionHistory(ctx, e.ws.ID, list[0].ID)
		if len(h) != 1 || h[0].Reason != "return window passed" {
			t.Fatalf("history: %+v", h)
		}
		if c, _ := e.im.Recheck(ctx, e.conn); c.Updated != 0 {
			t.Fatalf("a second pass changed %d", c.Updated)
		}
	})
}

// TestEstimateFromCentralFiles: Associates Central files have no rate
// column; an order not shipped yet is estimated at the rate its category's
// shipments earned (fees ÷ revenue).
func TestEstimateFromCentralFiles(t *testing.T) {
	earnings := memFile("Fee-Earnings.csv", []byte("Fee-Earnings reports from 10-01-2026 to 10-31-2026\n"+
		"Category,Name,ASIN,Seller,Tracking ID,Date Shipped,Price($),Items Shipped,Returns,Revenue($),Ad Fees($)\n"+
		"Electronics,Cable,B1,Amazon.com,shop-20,2026-10-02,29.99,2,0,59.98,2.40\n"))
	orders := memFile("Fee-Orders.csv", []byte("Fee-Orders reports from 10-01-2026 to 10-31-2026\n"+
		"Category,Name,ASIN,Date,Qty,Price($),Link Type,Tag\n"+
		"Electronics,Lamp,B9,2026-10-15,1,10.00,Text,shop-20\n"))
	// Either order of arrival: an order that came first is estimated again
	// once its category's rate is known.
	for name, files := range map[string][]importer.File{"earnings first": {earnings, orders}, "orders first": {orders, earnings}} {
		t.Run(name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, s *store.Store) {
				e := newEnv(t, s, "acme")
				conn, err := s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: e.ws.ID, Network: "amazon", Connector: "import", Name: "orders",
					Settings: map[string]string{"mode": "orders", "marketplace": "www.amazon.com"}}, nil)
				if err != nil {
					t.Fatal(err)
				}
				e.conn = conn
				e.importAll(t, files...)
				list, _, _ := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{ConnectionID: conn.ID, Status: model.StatusPending, Limit: 10})
				var order *model.Transaction
				for i := range list {
					if list[i].NetworkStatus == "ordered" {
						order = &list[i]
					}
				}
				if order == nil || !order.CommissionEstimated || order.Commission != 40 || order.SaleAmount != 1000 {
					t.Fatalf("estimated order: %+v", order)
				}
			})
		})
	}
}

// TestRevenueRuleBountiesAndReturns: the revenues production projects
// (store.ProjectRevenues) on a bounty, its reversal, a subtag's shipment
// and its return days later. A reversal and a return each count on their
// own day, negative, as returned items that open no transaction; a bounty
// with the purchase's subtag is a transaction of its own.
func TestRevenueRuleBountiesAndReturns(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "acme")
		e.importAll(t, memFile("Fee-Bounty.csv", []byte("Fee-Bounty reports from 10-01-2026 to 10-31-2026\n"+
			"Name,Date Shipped,Tracking Id,Quantity,Ad Fees($),Sub Tag\n"+
			"Prime,2026-10-02,shop-20,1,3.00,u1\n"+
			"Audible,2026-10-02,shop-20,1,5.00,\n"+
			"Prime,2026-10-05,shop-20,1,-3.00,u1\n")),
			earningsFile("2026-10-02", line("2026-10-02", "B1", "u1", 2, "59.98", "2.40")),
			earningsFile("2026-10-05", line("2026-10-05", "B1", "u1", -1, "-29.99", "-1.20")))
		revs, _, err := s.Revenues(ctx, e.ws.ID, store.AggregateFilter{GroupBy: []string{"day", "custom"}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range revs {
			got = append(got, fmt.Sprintf("%s %q sale=%d comm=%d shipped=%d returned=%d tx=%d", r.Date.Format("2006-01-02"), r.Custom,
				r.SaleAmount, r.Commission, r.ItemsShipped, r.ItemsReturned, r.Transactions))
		}
		want := []string{
			`2026-10-02 "" sale=0 comm=500 shipped=1 returned=0 tx=1`,
			`2026-10-02 "u1" sale=5998 comm=540 shipped=3 returned=0 tx=2`, // the purchase and the Prime bounty
			`2026-10-05 "u1" sale=-2999 comm=-420 shipped=0 returned=2 tx=0`,
		}
		if !slices.Equal(got, want) {
			t.Fatalf("revenues\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// TestImportStreamHashesWhileSpooling: an upload's MD5 is computed while it
// is spooled, and is the one a file read from disk gets: the same bytes
// uploaded after a local import are already imported; other bytes are not.
func TestImportStreamHashesWhileSpooling(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "acme")
		f := days()[0]
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), f.Name)
		if err := os.WriteFile(path, body, 0o600); err != nil {
			t.Fatal(err)
		}
		first := e.importAll(t, importer.LocalFile(path))
		if first.Files != 1 || first.Transactions.Created != 4 {
			t.Fatalf("local import: %+v", first)
		}
		again, err := e.im.ImportStream(ctx, e.conn, f.Name, bytes.NewReader(body))
		if err != nil || again.FilesSkipped != 1 || again.Files != 0 {
			t.Fatalf("the same bytes uploaded: %+v, %v", again, err)
		}
		other := days()[1]
		r, err = other.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		up, err := e.im.ImportStream(ctx, e.conn, other.Name, r)
		if err != nil || up.Files != 1 || up.Rows != 2 {
			t.Fatalf("another file uploaded: %+v, %v", up, err)
		}
		files, err := s.ImportedFiles(ctx, e.ws.ID, e.conn.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		content := mustRead(t, other)
		found := false
		for _, fi := range files {
			if fi.Filename == other.Name {
				found = true
				if fi.MD5 != fmt.Sprintf("%x", md5.Sum(content)) || fi.Size != int64(len(content)) {
					t.Fatalf("uploaded file recorded as %+v", fi)
				}
			}
		}
		if !found {
			t.Fatalf("uploaded file not recorded: %+v", files)
		}
	})
}

func mustRead(t *testing.T, f importer.File) []byte {
	t.Helper()
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLateBadRowRejectsWholeFile: a bad row after several batches of facts
// have gone from the reader to the writer still rejects the whole file, at
// its line, and leaves the store as it was.
func TestLateBadRowRejectsWholeFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "acme")
		e.importAll(t, days()[0])
		before := e.dump(t)
		path := filepath.Join(t.TempDir(), "bench-20-earnings-report-subtags-20261031.tsv")
		const good = 7000 // three and a half batches
		writeEarnings(t, path, good)
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(f, "Electronics\tItem\tB0X\tAmazon.com\tbench-20\tOctober 5, 2026\t29.99\t4.00\t1\t29.99\tone dollar\tsx\n")
		f.Close()
		sum, err := e.im.Import(ctx, e.conn, importer.LocalFile(path), nil)
		var rej *importer.RejectedError
		if !errors.As(err, &rej) || len(sum.Errors) != 1 || sum.Rows != 0 || sum.Transactions != (importer.Counts{}) {
			t.Fatalf("bad file: %+v %v", sum, err)
		}
		if fe := sum.Errors[0]; fe.Line != good+3 || fe.Column != 11 || !strings.Contains(fe.Message, "one dollar") {
			t.Fatalf("error location: %+v", fe)
		}
		if e.dump(t) != before {
			t.Fatal("a rejected file changed the store")
		}
	})
}

// TestReissuedSumsEqualAFreshImport checks the revenues that re-issues leave
// (only the sums that changed are written, store.projectSums) against a
// store that imported only the files that count in the end, each on days
// that held no sums yet.
func TestReissuedSumsEqualAFreshImport(t *testing.T) {
	d := days()
	day2 := earningsFile("2026-10-02", line("2026-10-02", "B1", "u1", -1, "-29.99", "-1.20"), line("2026-10-02", "B5", "u9", 2, "20.00", "0.80"),
		line("2026-10-02", "B4", "u3", 1, "29.99", "1.20"))
	day5 := earningsFile("2026-10-05", line("2026-10-05", "B6", "u5", 3, "89.97", "3.60"))
	twoDays := earningsFile("2026-10-05", line("2026-10-05", "B6", "u5", 1, "29.99", "1.20"), line("2026-10-06", "B7", "u6", 1, "29.99", "1.20"),
		line("2026-10-05", "B3", "", 1, "29.99", "1.20"))
	cases := []struct {
		name         string
		files, fresh []importer.File
	}{
		{"a day re-issued twice", append(slices.Clone(d),
			// u3 dropped and u9 new, then u3 back and u9 changed.
			earningsFile("2026-10-02", line("2026-10-02", "B1", "u1", -1, "-29.99", "-1.20"), line("2026-10-02", "B5", "u9", 1, "10.00", "0.40")),
			day2),
			[]importer.File{d[0], day2, d[2], d[3]}},
		// The two-day file ends later, so it counts for both days (SPEC §3.5).
		{"a day taken over by a longer file", []importer.File{day5, twoDays}, []importer.File{twoDays}},
		{"a day emptied", []importer.File{d[1], earningsFile("2026-10-02", line("2026-10-02", "B4", "u3", 0, "0.00", "0.00"))},
			[]importer.File{earningsFile("2026-10-02", line("2026-10-02", "B4", "u3", 0, "0.00", "0.00"))}},
	}
	revenues := func(dump string) string {
		var out []string
		for _, l := range strings.Split(dump, "\n") {
			if strings.HasPrefix(l, "revenue ") {
				out = append(out, l)
			}
		}
		return strings.Join(out, "\n")
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		for i, c := range cases {
			reissued, fresh := newEnv(t, s, fmt.Sprintf("reissued%d", i)), newEnv(t, s, fmt.Sprintf("fresh%d", i))
			reissued.importAll(t, c.files...)
			fresh.importAll(t, c.fresh...)
			got, want := revenues(reissued.dump(t)), revenues(fresh.dump(t))
			if got != want {
				t.Errorf("%s: revenues after the re-issues\n%s\nwant, as imported fresh,\n%s", c.name, got, want)
			}
			if want == "" {
				t.Errorf("%s: no revenues to compare", c.name)
			}
		}
	})
}
