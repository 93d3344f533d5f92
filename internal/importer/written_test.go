package importer_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store"
)

// TestWrittenFiles imports the files people write by hand (custom network
// CSV, payments, deals), good and bad, into a real SQLite store, as both a
// custom and an Amazon connection: a rejected file names a line and column
// and leaves the store as it was; an accepted one imported again changes
// nothing. (The bytes these readers see are fuzzed in internal/reportfile;
// coverage-guided fuzzing through the store itself stalls: every execution
// runs the instrumented SQLite.)
func TestWrittenFiles(t *testing.T) {
	f := &corpus{T: t}
	for _, name := range []string{"custom.csv", "payments.csv", "payments-bad.csv", "deals.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("id,sold,revenue\n1,2026-10-01,1.00\n1,2026-10-01,2.00\n"))
	f.Add([]byte("payment_id,paid_on,month,currency,amount\nP,2026-12-28,2026-13,USD,1\n"))
	// A century of months once made a query too deep for SQLite.
	f.Add([]byte("payment_id,paid_on,period_start,period_end,currency,amount\nP,2026-12-28,1995-01-01,2100-12-31,USD,1\n"))

	for _, bad := range []string{
		"id,sold,revenue\n1,2026-10-01,lots\n",
		"id,sold,revenue,status\n1,2026-10-01,1.00,maybe\n",
		"payment_id,paid_on,period_start,period_end,currency,amount\nP,2026-12-28,2026-10-31,2026-10-01,USD,1\n",
		"id,marketplace,title,starts,ends\nD,www.amazon.com,t,2026-10-31,2026-10-01\n",
		"\xff\xfe\x00junk",
	} {
		f.Add([]byte(bad))
	}
	dir := t.TempDir()
	s, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "fuzz.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ws, err := s.EnsureWorkspace(ctx, "fuzz")
	if err != nil {
		t.Fatal(err)
	}
	var conns []store.Connection
	for _, c := range []store.Connection{
		{WorkspaceID: ws.ID, Network: "custom", Connector: "import", Name: "Other network", Currency: "USD"},
		{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: "amazon", Settings: map[string]string{"mode": "subtags"}},
	} {
		conn, err := s.CreateConnection(ctx, nil, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
	}
	im := importer.New(s, nil)
	e := env{s: s, ws: ws}
	n, rejections, accepted := 0, 0, 0
	defer func() {
		if rejections < 5 || accepted < 4 {
			t.Errorf("%d rejected and %d accepted: the inputs no longer try both ways", rejections, accepted)
		}
	}()
	for _, data := range f.inputs {
		for _, conn := range conns {
			n++
			e.conn = conn
			before := e.dump(t) + counts(t, s, ws.ID)
			file := memFile(fmt.Sprintf("fuzz-%d.csv", n), data)
			sum, err := im.Import(ctx, conn, file, nil)
			var rejected *importer.RejectedError
			switch {
			case errors.As(err, &rejected):
				rejections++
				if len(sum.Errors) != 1 || sum.Errors[0].Line < 1 || sum.Errors[0].Column < 0 || sum.Errors[0].Message == "" {
					t.Fatalf("rejected without a place: %+v", sum.Errors)
				}
				if after := e.dump(t) + counts(t, s, ws.ID); after != before {
					t.Fatalf("a rejected file changed the store:\n%s\n---\n%s", before, after)
				}
			case err != nil:
				t.Fatalf("not a rejection but %v", err)
			default:
				accepted++
				after := e.dump(t) + counts(t, s, ws.ID)
				again, err := im.Import(ctx, conn, memFile(fmt.Sprintf("fuzz-%d-again.csv", n), data), nil)
				if err != nil || again.Transactions.Created+again.Transactions.Updated+again.Transactions.Deleted != 0 {
					t.Fatalf("the same rows again: %+v %v", again.Transactions, err)
				}
				if e.dump(t)+counts(t, s, ws.ID) != after {
					t.Fatal("the same rows again changed the store")
				}
			}
		}
	}
}

// corpus collects the inputs of TestWrittenFiles.
type corpus struct {
	*testing.T
	inputs [][]byte
}

func (c *corpus) Add(b []byte) { c.inputs = append(c.inputs, b) }

// counts is the number of payments and deals of a workspace.
func counts(t *testing.T, s *store.Store, workspaceID string) string {
	t.Helper()
	p, _, err := s.Payments(ctx, workspaceID, store.PaymentFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := s.Deals(ctx, workspaceID, store.DealFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("\npayments %d deals %d", len(p), len(d))
}
