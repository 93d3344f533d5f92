package api_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/fxrate"
	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// ratesTruth is what testdata/outside/rates_truth.py, written from SPEC
// §4.2a with Python's fractions and none of this code, says the API answers.
type ratesTruth struct {
	Today             string `json:"today"`
	ReportingCurrency string `json:"reporting_currency"`
	Markets           []struct {
		Marketplace, Program, Currency string
	} `json:"markets"`
	Transactions []struct {
		Program    string            `json:"program"`
		Subtag     string            `json:"subtag"`
		Currency   string            `json:"currency"`
		SoldAt     string            `json:"sold_at"`
		SaleAmount string            `json:"sale_amount"`
		Commission string            `json:"commission"`
		Converted  *client.Converted `json:"converted"`
	} `json:"transactions"`
	RevenuesByDay []struct {
		Date        string `json:"date"`
		Currency    string `json:"currency"`
		SaleAmount  string `json:"sale_amount"`
		Commission  string `json:"commission"`
		Unconverted []struct {
			Currency   string `json:"currency"`
			SaleAmount string `json:"sale_amount"`
			Commission string `json:"commission"`
		} `json:"unconverted"`
	} `json:"revenues_by_day"`
}

// TestOutsideRates: US, UK and DE report files in one workspace reporting
// in EUR, with an ECB-format rates file; every transaction's converted
// amounts, and revenues by day with currency=reporting, equal the truth.
func TestOutsideRates(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "outside", "rates")
	raw, err := os.ReadFile(filepath.Join(dir, "rates_truth.json"))
	if err != nil {
		t.Fatalf("%v (run python3 testdata/outside/rates_truth.py)", err)
	}
	var want ratesTruth
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	today, _ := time.Parse(time.DateOnly, want.Today)
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		ws, err := s.EnsureWorkspace(ctx, "outside-rates")
		if err != nil {
			t.Fatal(err)
		}
		readKey, writeKey := apiKey(t, s, ws.ID, store.ScopeRead), apiKey(t, s, ws.ID, store.ScopeWrite)
		im := importer.New(s, nil)
		im.Now = func() time.Time { return today.Add(12 * time.Hour) }
		files, _ := filepath.Glob(filepath.Join(dir, "Fee-Earnings-*"))
		if len(files) != len(want.Markets) {
			t.Fatalf("%d report files for %d markets", len(files), len(want.Markets))
		}
		for _, m := range want.Markets {
			conn, err := s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import",
				Name: m.Program, Currency: m.Currency, Settings: map[string]string{"mode": "subtags", "marketplace": m.Marketplace}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			tld := strings.TrimPrefix(m.Program, "amazon.")
			name := map[string]string{"com": "us", "co.uk": "uk", "de": "de"}[tld]
			for _, f := range files {
				if strings.Contains(filepath.Base(f), "-rates-"+name+"-") {
					if _, err := im.Import(ctx, conn, importer.LocalFile(f), nil); err != nil {
						t.Fatalf("import %s: %v", f, err)
					}
				}
			}
		}
		rf, err := os.Open(filepath.Join(dir, "eurofxref-hist.csv"))
		if err != nil {
			t.Fatal(err)
		}
		rates, err := fxrate.Parse("eurofxref-hist.csv", rf)
		rf.Close()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportRates(ctx, rates); err != nil {
			t.Fatal(err)
		}
		var wsJSON client.Workspace
		if st := e.do("PATCH", "/v1/workspace", writeKey, `{"reporting_currency":"`+want.ReportingCurrency+`"}`, &wsJSON); st != 200 ||
			wsJSON.ReportingCurrency == nil || *wsJSON.ReportingCurrency != want.ReportingCurrency {
			t.Fatalf("PATCH /v1/workspace: %d %+v", st, wsJSON)
		}

		// Every transaction, converted on its sold date.
		got := map[string]client.Transaction{}
		cursor := ""
		for {
			var page client.Page[client.Transaction]
			if st := e.do("GET", "/v1/transactions?limit=1000&cursor="+cursor, readKey, "", &page); st != 200 {
				t.Fatalf("transactions: %d", st)
			}
			for _, x := range page.Data {
				if len(x.Customs) == 1 {
					got[x.Program+" "+x.Customs[0]] = x
				}
			}
			if page.NextCursor == nil {
				break
			}
			cursor = *page.NextCursor
		}
		if len(got) != len(want.Transactions) {
			t.Fatalf("%d transactions with a subtag, truth has %d", len(got), len(want.Transactions))
		}
		nulls := 0
		for _, w := range want.Transactions {
			x, ok := got[w.Program+" "+w.Subtag]
			if !ok {
				t.Fatalf("no transaction %s %s", w.Program, w.Subtag)
			}
			if x.Currency != w.Currency || x.SaleAmount != w.SaleAmount || x.Commission != w.Commission || x.SoldAt.Format(time.DateOnly) != w.SoldAt {
				t.Fatalf("%s %s: %s %s %s sold %s; truth %s %s %s sold %s", w.Program, w.Subtag, x.Currency, x.SaleAmount, x.Commission,
					x.SoldAt.Format(time.DateOnly), w.Currency, w.SaleAmount, w.Commission, w.SoldAt)
			}
			switch {
			case w.Converted == nil:
				nulls++
				if x.Converted != nil || x.ConvertedReason == "" {
					t.Errorf("%s %s sold %s: converted %+v (%q); truth null with a reason", w.Program, w.Subtag, w.SoldAt, x.Converted, x.ConvertedReason)
				}
			case x.Converted == nil || *x.Converted != *w.Converted:
				t.Errorf("%s %s %s %s sold %s: converted %+v (%s); truth %+v", w.Program, w.Subtag, w.SaleAmount, w.Currency, w.SoldAt,
					x.Converted, x.ConvertedReason, *w.Converted)
			}
		}
		if nulls == 0 || nulls == len(want.Transactions) {
			t.Fatalf("%d of %d transactions without a rate: the truth should have some of each", nulls, len(want.Transactions))
		}

		// Revenues by day in the reporting currency.
		var rev client.Page[client.Revenue]
		if st := e.do("GET", "/v1/revenues?group_by=day&currency=reporting", readKey, "", &rev); st != 200 {
			t.Fatalf("revenues: %d", st)
		}
		if len(rev.Data) != len(want.RevenuesByDay) {
			t.Fatalf("%d revenue days, truth has %d", len(rev.Data), len(want.RevenuesByDay))
		}
		for i, w := range want.RevenuesByDay {
			r := rev.Data[i]
			if r.Date == nil || *r.Date != w.Date || r.Currency != w.Currency || r.SaleAmount != w.SaleAmount || r.Commission != w.Commission ||
				len(r.Unconverted) != len(w.Unconverted) {
				t.Fatalf("revenues of %s: %+v; truth %+v", w.Date, r, w)
			}
			for j, u := range w.Unconverted {
				g := r.Unconverted[j]
				if g.Currency != u.Currency || g.SaleAmount != u.SaleAmount || g.Commission != u.Commission || g.Reason == "" {
					t.Fatalf("unconverted of %s: %+v; truth %+v", w.Date, g, u)
				}
			}
		}
	})
}

func apiKey(t *testing.T, s *store.Store, wsID, scope string) string {
	t.Helper()
	plain, prefix, hash, err := secret.NewAPIKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAPIKey(ctx, wsID, "key-"+scope, scope, prefix, hash); err != nil {
		t.Fatal(err)
	}
	return plain
}
