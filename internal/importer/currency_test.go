package importer_test

import (
	"errors"
	"github.com/affsync/affsync/internal/connect"
	"github.com/affsync/affsync/internal/network/amazon"
	"path/filepath"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// TestConnectionCurrency: a connection made as the CLI, the API and the
// dashboard make it (connect.Create), with only --currency, takes its
// transactions in that currency and reads files in the forms of the
// currency's marketplace (SPEC §3.5); a file stating another currency is
// rejected at its header and leaves the store as it was.
func TestConnectionCurrency(t *testing.T) {
	dir := filepath.Join("testdata", "currency")
	type tx struct {
		custom, currency, program, sold string
		sale, commission                int64
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		for _, tc := range []struct {
			name, currency, marketplace, file string
			want                              []tx
		}{
			// UK files carry no currency suffix and write dates day first.
			{"GBP alone", "GBP", "", "Fee-Earnings-uk.tsv", []tx{
				{"uk-1", "GBP", "amazon.co.uk", "2026-10-02", 1598, 72}, {"uk-2", "GBP", "amazon.co.uk", "2026-10-13", 123450, 3704}}},
			{"GBP and its marketplace", "GBP", "www.amazon.co.uk", "Fee-Earnings-uk.tsv", []tx{
				{"uk-1", "GBP", "amazon.co.uk", "2026-10-02", 1598, 72}, {"uk-2", "GBP", "amazon.co.uk", "2026-10-13", 123450, 3704}}},
			// The DataFeed XML of amazon.de writes decimal commas.
			{"EUR alone", "EUR", "", "shop-21-earnings-report-20261002.xml", []tx{{"de-1", "EUR", "amazon.de", "2026-10-02", 2468, 123}}},
			{"pounds into GBP", "GBP", "", "Fee-Earnings-pounds.tsv", []tx{{"uk-1", "GBP", "amazon.co.uk", "2026-10-02", 799, 36}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := newEnv(t, s, tc.name)
				conn, err := connect.Create(ctx, s, nil, e.ws.ID, amazon.Network{}, &amazon.Account{Connector: "import", Mode: "subtags", StoreID: "s-21",
					Currency: tc.currency, Marketplace: tc.marketplace}, connect.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if conn.Currency != tc.currency {
					t.Fatalf("connection currency %q", conn.Currency)
				}
				if _, err := e.im.Import(ctx, conn, importer.LocalFile(filepath.Join(dir, tc.file)), nil); err != nil {
					t.Fatal(err)
				}
				got, _, err := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{ConnectionID: conn.ID, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(tc.want) {
					t.Fatalf("%d transactions, want %d", len(got), len(tc.want))
				}
				byCustom := map[string]tx{}
				for _, x := range got {
					byCustom[strings.Join(x.Customs, ",")] = tx{strings.Join(x.Customs, ","), x.Currency, x.Program, x.SoldAt.Format("2006-01-02"), x.SaleAmount, x.Commission}
				}
				for _, w := range tc.want {
					if byCustom[w.custom] != w {
						t.Errorf("%+v, want %+v", byCustom[w.custom], w)
					}
				}
			})
		}
		t.Run("pounds into EUR", func(t *testing.T) {
			e := newEnv(t, s, "pounds into EUR")
			conn, err := connect.Create(ctx, s, nil, e.ws.ID, amazon.Network{}, &amazon.Account{Connector: "import", Mode: "subtags", StoreID: "s-21", Currency: "EUR"}, connect.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.im.Import(ctx, conn, importer.LocalFile(filepath.Join(dir, "shop-21-earnings-report-20261002.xml")), nil); err != nil {
				t.Fatal(err)
			}
			before := e.dump(t)
			f := importer.LocalFile(filepath.Join(dir, "Fee-Earnings-pounds.tsv"))
			sum, err := e.im.Import(ctx, conn, f, nil)
			var rej *importer.RejectedError
			if !errors.As(err, &rej) || len(sum.Errors) != 1 {
				t.Fatalf("%+v %v", sum, err)
			}
			fe := sum.Errors[0]
			if fe.Line != 2 || fe.Column != 7 || !strings.Contains(fe.Message, "amounts are in GBP, but this connection's transactions are in EUR") ||
				!strings.Contains(fe.Message, "--currency GBP") {
				t.Fatalf("error: %+v", fe)
			}
			if e.dump(t) != before {
				t.Fatal("the rejected file changed the store")
			}
		})
		// Stored before contradictions were refused: GBP on the default
		// marketplace. Its currency was the explicit choice.
		t.Run("stored GBP on the default marketplace", func(t *testing.T) {
			e := newEnv(t, s, "stored GBP")
			conn, err := s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: e.ws.ID, Network: "amazon", Connector: "import", Name: "old",
				Currency: "GBP", Settings: map[string]string{"mode": "subtags", "marketplace": "www.amazon.com", "store_id": "s-21"}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.im.Import(ctx, conn, importer.LocalFile(filepath.Join(dir, "Fee-Earnings-uk.tsv")), nil); err != nil {
				t.Fatal(err)
			}
			got, _, err := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{ConnectionID: conn.ID, Limit: 100})
			if err != nil || len(got) != 2 {
				t.Fatalf("%v %v", got, err)
			}
			for _, x := range got {
				if x.Currency != "GBP" || x.Program != "amazon.co.uk" {
					t.Errorf("%v: %s %s", x.Customs, x.Currency, x.Program)
				}
			}
		})
	})
}
