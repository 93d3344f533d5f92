package importer_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// dailyRevenue is a row of testdata/outside/daily/<flavour>.json: what testdata/outside/gen.py says a
// subtag's revenues come to on a day.
type dailyRevenue struct {
	Date          string `json:"date"`
	Custom        string `json:"custom"`
	SaleAmount    int64  `json:"sale_amount"`
	Commission    int64  `json:"commission"`
	ItemsShipped  int64  `json:"items_shipped"`
	ItemsReturned int64  `json:"items_returned"`
	Transactions  int64  `json:"transactions"`
}

// TestOutsideDailyRevenues imports the outside files and reconciles the
// revenues production computes (the store's SQL projection, read through
// the paged aggregate) with the generator's daily truth, per day and
// subtag: sale amount, commission, items shipped and returned, and
// transactions opened (a day of returns only opens none).
func TestOutsideDailyRevenues(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "outside", "daily", "*.json"))
	if err != nil || len(paths) < 4 {
		t.Fatalf("outside daily truth: %v %v (run python3 testdata/outside/gen.py)", paths, err)
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		for _, dailyPath := range paths {
			flavour := strings.TrimSuffix(filepath.Base(dailyPath), ".json")
			dir := filepath.Join(filepath.Dir(filepath.Dir(dailyPath)), flavour)
			t.Run(flavour, func(t *testing.T) {
				var daily struct {
					Today       string         `json:"today"`
					Marketplace string         `json:"marketplace"`
					Currency    string         `json:"currency"`
					Revenues    []dailyRevenue `json:"revenues"`
				}
				raw, err := os.ReadFile(dailyPath)
				if err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(raw, &daily); err != nil {
					t.Fatalf("%s: %v", dailyPath, err)
				}
				tr := daily
				today, _ := time.Parse("2006-01-02", tr.Today)
				e := newEnv(t, s, flavour)
				conn := e.conn
				conn.Settings = map[string]string{"mode": "subtags", "marketplace": tr.Marketplace}
				e.im.Now = func() time.Time { return today.Add(12 * time.Hour) }
				files, _ := filepath.Glob(filepath.Join(dir, "*"))
				sort.Strings(files)
				for _, f := range files {
					if filepath.Ext(f) == ".json" { // truth.json, connection.json
						continue
					}
					if _, err := e.im.Import(ctx, conn, importer.LocalFile(f), nil); err != nil {
						t.Fatalf("import %s: %v", f, err)
					}
				}
				got := map[[2]string]dailyRevenue{}
				f := store.AggregateFilter{GroupBy: []string{"day", "custom"}, ConnectionID: conn.ID, Limit: 200}
				for {
					rows, next, err := s.Revenues(ctx, e.ws.ID, f)
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range rows {
						if r.Currency != tr.Currency || r.Kind != "cps" {
							t.Fatalf("row %+v: want %s cps", r, tr.Currency)
						}
						d := r.Date.Format("2006-01-02")
						got[[2]string{d, r.Custom}] = dailyRevenue{Date: d, Custom: r.Custom, SaleAmount: r.SaleAmount, Commission: r.Commission,
							ItemsShipped: r.ItemsShipped, ItemsReturned: r.ItemsReturned, Transactions: r.Transactions}
					}
					if next == "" {
						break
					}
					f.Cursor = next
				}
				if len(got) != len(daily.Revenues) {
					t.Errorf("%d day × subtag rows, truth has %d", len(got), len(daily.Revenues))
				}
				for _, w := range daily.Revenues {
					if g := got[[2]string{w.Date, w.Custom}]; g != w {
						t.Errorf("%s %s: got %+v, truth %+v", w.Date, w.Custom, g, w)
					}
				}
			})
		}
	})
}
