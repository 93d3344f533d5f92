package importer_test

import (
	"encoding/json"
	"errors"
	"github.com/affsync/affsync/internal/connect"
	"github.com/affsync/affsync/internal/network/amazon"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// truth is what testdata/outside/gen.py, written from FORMATS.md without
// this code, says each subtag must come to.
type truth struct {
	Today        string `json:"today"`
	Marketplace  string `json:"marketplace"`
	Currency     string `json:"currency"`
	Transactions []struct {
		Subtag     string `json:"subtag"`
		Quantity   int64  `json:"quantity"`
		SaleAmount int64  `json:"sale_amount"`
		Commission int64  `json:"commission"`
		Status     string `json:"status"`
		SoldAt     string `json:"sold_at"`
	} `json:"transactions"`
}

// TestOutsideCheck imports files of every flavour generated independently of
// affsync and reconciles every subtag to the cent: commission, sale amount,
// quantity and status.
func TestOutsideCheck(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "outside", "*", "truth.json"))
	if err != nil || len(dirs) < 4 {
		t.Fatalf("outside fixtures: %v %v (run python3 testdata/outside/gen.py)", dirs, err)
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		for _, truthPath := range dirs {
			dir := filepath.Dir(truthPath)
			t.Run(filepath.Base(dir), func(t *testing.T) {
				var want truth
				raw, err := os.ReadFile(truthPath)
				if err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(raw, &want); err != nil {
					t.Fatal(err)
				}
				today, _ := time.Parse("2006-01-02", want.Today)
				e := newEnv(t, s, filepath.Base(dir))
				conn := e.conn
				conn.Settings = map[string]string{"mode": "subtags", "marketplace": want.Marketplace}
				if c, ok := outsideConnection(t, s, e.ws.ID, dir); ok {
					conn = c
				}
				e.im.Now = func() time.Time { return today.Add(12 * time.Hour) }
				files, _ := filepath.Glob(filepath.Join(dir, "*"))
				sort.Strings(files)
				for _, f := range files {
					if filepath.Base(f) == "truth.json" || filepath.Base(f) == "connection.json" {
						continue
					}
					if _, err := e.im.Import(ctx, conn, importer.LocalFile(f), nil); err != nil {
						t.Fatalf("import %s: %v", f, err)
					}
				}
				got, _, err := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Limit: 1000})
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want.Transactions) {
					t.Fatalf("%d transactions, truth has %d", len(got), len(want.Transactions))
				}
				bySubtag := map[string]int{}
				for i, x := range got {
					if len(x.Customs) != 1 || x.Currency != want.Currency {
						t.Fatalf("transaction %s: customs %v currency %s", x.ID, x.Customs, x.Currency)
					}
					bySubtag[x.Customs[0]] = i
				}
				for _, w := range want.Transactions {
					i, ok := bySubtag[w.Subtag]
					if !ok {
						t.Fatalf("subtag %s missing", w.Subtag)
					}
					x := got[i]
					if x.Quantity != w.Quantity || x.SaleAmount != w.SaleAmount || x.Commission != w.Commission || string(x.Status) != w.Status ||
						x.SoldAt.Format("2006-01-02") != w.SoldAt {
						t.Errorf("subtag %s: qty %d sale %d commission %d %s sold %s; truth %+v", w.Subtag, x.Quantity, x.SaleAmount,
							x.Commission, x.Status, x.SoldAt.Format("2006-01-02"), w)
					}
				}
			})
		}
	})
}

// outsideConnection makes the connection a flavour's connection.json
// describes (the flags given to 'affsync connection add amazon'), the way
// the CLI, the API and the dashboard make it; ok is false without one.
func outsideConnection(t *testing.T, s *store.Store, workspaceID, dir string) (store.Connection, bool) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "connection.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return store.Connection{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	var flags struct{ Currency, Marketplace string }
	if err := json.Unmarshal(raw, &flags); err != nil {
		t.Fatal(err)
	}
	c, err := connect.Create(ctx, s, nil, workspaceID, amazon.Network{}, &amazon.Account{Connector: "import", Mode: "subtags", StoreID: filepath.Base(dir),
		Currency: flags.Currency, Marketplace: flags.Marketplace}, connect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c, true
}
