package lifecycle

import (
	"testing"

	"github.com/affsync/affsync/internal/model"
)

var (
	subtagsMode = Settings{WorkspaceID: "ws_1", ConnectionID: "conn_1", Network: "amazon", Mode: ModeSubtags}
	ordersMode  = Settings{WorkspaceID: "ws_1", ConnectionID: "conn_1", Network: "amazon", Mode: ModeOrders}
	electronics = CategoryRates{"Electronics": 400}
)

var yes, no = true, false

func returned(n int64) func(*model.Fact) { return func(f *model.Fact) { f.Returns = n } }

// TestProject checks every rule of SPEC §3.3–3.5 on small cases: the brief
// line of each transaction (in SourceKey order) by hand, the whole
// projection (items, sources, ids) against testdata/project/<case>.json.
func TestProject(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     Settings
		today string
		facts []model.Fact
		want  []string
	}{
		{"shipped within the return window", subtagsMode, "2026-10-20",
			rows(with(earn("2026-10-02", "k3J9x", "B1", 2, 5998, 240), func(f *model.Fact) { f.Direct = &yes })),
			[]string{"pending shipped q=2 sale=5998 comm=240 sold=2026-10-02 checked=- customs=[k3J9x] items=1"}},
		{"return window day 29 is pending", subtagsMode, "2026-10-31",
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120)),
			[]string{"pending shipped q=1 sale=2999 comm=120 sold=2026-10-02 checked=- customs=[k] items=1"}},
		{"return window day 30 is confirmed", subtagsMode, "2026-11-01",
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120)),
			[]string{"confirmed shipped (return window passed) q=1 sale=2999 comm=120 sold=2026-10-02 checked=2026-11-01 customs=[k] items=1"}},
		{"partial return", subtagsMode, "2026-10-20",
			rows(earn("2026-10-02", "k", "B1", 2, 5998, 240), earn("2026-10-09", "k", "B1", -1, -2999, -120)),
			[]string{"pending returned q=1 sale=2999 comm=120 sold=2026-10-02 checked=- customs=[k] items=1"}},
		{"partial return as a Returns count", subtagsMode, "2026-10-20",
			rows(earn("2026-10-02", "k", "B1", 2, 5998, 240), with(earn("2026-10-09", "k", "B1", -1, -2999, -120), returned(1))),
			[]string{"pending returned q=1 sale=2999 comm=120 sold=2026-10-02 checked=- customs=[k] items=1"}},
		{"full return declines with exact net amounts", subtagsMode, "2026-10-20",
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-09", "k", "B1", -1, -2999, -119)),
			[]string{"declined returned (returned) q=0 sale=0 comm=1 sold=2026-10-02 checked=2026-10-09 customs=[k] items=1"}},
		{"shipped and returned on one row", subtagsMode, "2026-10-20",
			rows(with(earn("2026-10-02", "k", "B1", 0, 0, 0), returned(1))),
			[]string{"declined returned (returned) q=0 sale=0 comm=0 sold=2026-10-02 checked=2026-10-02 customs=[k] items=1"}},
		{"refund lowers only the amounts", subtagsMode, "2026-10-20",
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-09", "k", "B1", 0, -1000, -40)),
			[]string{"pending refunded q=1 sale=1999 comm=80 sold=2026-10-02 checked=- customs=[k] items=1"}},
		{"return after confirmation declines", subtagsMode, "2026-12-20",
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-12-10", "k", "B1", -1, -2999, -120)),
			[]string{"declined returned (returned) q=0 sale=0 comm=0 sold=2026-10-02 checked=2026-12-10 customs=[k] items=1"}},
		{"the window runs from the last shipment with something left", subtagsMode, "2026-11-01",
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-10", "k", "B2", 1, 1000, 40),
				earn("2026-10-12", "k", "B2", -1, -1000, -40)),
			[]string{"confirmed returned (return window passed) q=1 sale=2999 comm=120 sold=2026-10-02 checked=2026-11-01 customs=[k] items=2"}},
		{"a product shipped twice, returned once, counts from its later shipment", subtagsMode, "2026-11-08",
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-10", "k", "B1", 1, 2999, 120),
				earn("2026-10-12", "k", "B1", -1, -2999, -120)),
			[]string{"pending returned q=1 sale=2999 comm=120 sold=2026-10-02 checked=- customs=[k] items=2"}},
		{"and is confirmed 30 days after it", subtagsMode, "2026-11-09",
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-10", "k", "B1", 1, 2999, 120),
				earn("2026-10-12", "k", "B1", -1, -2999, -120)),
			[]string{"confirmed returned (return window passed) q=1 sale=2999 comm=120 sold=2026-10-02 checked=2026-11-09 customs=[k] items=2"}},
		{"a later shipment restarts the window", subtagsMode, "2026-11-01",
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-10", "k", "B2", 1, 1000, 40)),
			[]string{"pending shipped q=2 sale=3999 comm=160 sold=2026-10-02 checked=- customs=[k] items=2"}},
		{"identical rows stay two items", subtagsMode, "2026-10-03",
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120), again(earn("2026-10-02", "k", "B1", 1, 2999, 120))),
			[]string{"pending shipped q=2 sale=5998 comm=240 sold=2026-10-02 checked=- customs=[k] items=2"}},
		{"subtags compare exactly", subtagsMode, "2026-10-03",
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-02", "K", "B1", 1, 2999, 120)),
			[]string{"pending shipped q=1 sale=2999 comm=120 sold=2026-10-02 checked=- customs=[K] items=1",
				"pending shipped q=1 sale=2999 comm=120 sold=2026-10-02 checked=- customs=[k] items=1"}},
		{"bounty pending then confirmed", subtagsMode, "2026-11-01",
			rows(bounty("2026-10-02", "Prime", 300), with(bounty("2026-10-20", "Audible", 500), func(f *model.Fact) { f.Subtag = "k" })),
			[]string{"confirmed bounty (return window passed) q=1 sale=0 comm=300 sold=2026-10-02 checked=2026-11-01 customs=[] items=0",
				"pending bounty q=1 sale=0 comm=500 sold=2026-10-20 checked=- customs=[k] items=0"}},
		{"negative bounty declines the latest earlier twin", subtagsMode, "2026-10-20",
			rows(bounty("2026-10-02", "Prime", 300), bounty("2026-10-04", "Prime", 300), bounty("2026-10-05", "Prime", -300),
				bounty("2026-10-05", "Prime", -500)),
			[]string{"pending bounty q=1 sale=0 comm=300 sold=2026-10-02 checked=- customs=[] items=0",
				"declined bounty (bounty reversed) q=1 sale=0 comm=0 sold=2026-10-04 checked=2026-10-05 customs=[] items=0",
				"declined bounty (bounty reversed) q=1 sale=0 comm=-500 sold=2026-10-05 checked=2026-10-05 customs=[] items=0"}},
		{"negative bounty with negative quantity nets it", ordersMode, "2026-10-20",
			rows(bounty("2026-10-02", "Prime", 300), with(bounty("2026-10-05", "Prime", -300), func(f *model.Fact) { f.Quantity = -1 })),
			[]string{"declined bounty (bounty reversed) q=0 sale=0 comm=0 sold=2026-10-02 checked=2026-10-05 customs=[] items=0"}},
		{"negative bounty alone stands declined", subtagsMode, "2026-10-20",
			rows(with(bounty("2026-10-05", "Prime", -300), func(f *model.Fact) { f.Quantity = -1 })),
			[]string{"declined bounty (bounty reversed) q=-1 sale=0 comm=-300 sold=2026-10-05 checked=2026-10-05 customs=[] items=0"}},
		{"rows without subtag: a return reverses the latest earlier row", subtagsMode, "2026-10-20",
			rows(earn("2026-10-01", "", "B1", 1, 2999, 120), earn("2026-10-03", "", "B1", 1, 2999, 121),
				earn("2026-10-08", "", "B1", -1, -2999, -121), earn("2026-10-09", "", "B2", -1, -2999, -120)),
			[]string{"pending shipped q=1 sale=2999 comm=120 sold=2026-10-01 checked=- customs=[] items=1",
				"declined returned (returned) q=0 sale=0 comm=0 sold=2026-10-03 checked=2026-10-08 customs=[] items=1",
				"declined returned (returned) q=-1 sale=-2999 comm=-120 sold=2026-10-09 checked=2026-10-09 customs=[] items=1"}},
		{"rows without subtag: a return finds a row of its own day", subtagsMode, "2026-10-20",
			rows(earn("2026-10-08", "", "B1", -1, -2999, -120), earn("2026-10-08", "", "B1", 1, 2999, 120)),
			[]string{"declined returned (returned) q=0 sale=0 comm=0 sold=2026-10-08 checked=2026-10-08 customs=[] items=1"}},
		{"order pending on day 90 with estimated commission", ordersMode, "2026-12-31",
			rows(with(order("2026-10-02", "k", "B1", 2), func(f *model.Fact) { f.Direct = &no })),
			[]string{"pending ordered q=2 sale=5998 comm=240 estimated sold=2026-10-02 checked=- customs=[k] items=1"}},
		{"order never shipped is declined on day 91", ordersMode, "2027-01-01",
			rows(order("2026-10-02", "", "B1", 1)),
			[]string{"declined ordered (not shipped) q=1 sale=2999 comm=120 estimated sold=2026-10-02 checked=2027-01-01 customs=[] items=1"}},
		{"order of an unknown category estimates nothing", ordersMode, "2026-10-05",
			rows(with(order("2026-10-02", "k", "B1", 1), func(f *model.Fact) { f.Category = "Books" }), order("2026-10-02", "k", "B1", 0)),
			[]string{"pending ordered q=1 sale=2999 comm=0 sold=2026-10-02 checked=- customs=[k] items=1"}},
		{"order matched by later earnings", ordersMode, "2026-10-10",
			rows(order("2026-10-02", "k", "B1", 1), earn("2026-10-04", "k", "B1", 1, 2999, 150)),
			[]string{"pending shipped q=1 sale=2999 comm=150 sold=2026-10-02 checked=- customs=[k] items=1"}},
		{"orders pair with earnings first in first out", ordersMode, "2026-10-20",
			rows(order("2026-10-01", "k", "B1", 1), order("2026-10-03", "k", "B1", 1), earn("2026-10-05", "k", "B1", 1, 2999, 150),
				earn("2026-10-06", "k", "B1", 1, 2999, 151), earn("2026-10-08", "k", "B1", -1, -2999, -151)),
			[]string{"pending shipped q=1 sale=2999 comm=150 sold=2026-10-01 checked=- customs=[k] items=1",
				"declined returned (returned) q=0 sale=0 comm=0 sold=2026-10-03 checked=2026-10-08 customs=[k] items=1"}},
		{"earnings outside the ship window stand alone", ordersMode, "2026-09-05",
			rows(order("2026-06-01", "k", "B1", 1), earn("2026-05-30", "k", "B1", 1, 2999, 120), earn("2026-09-01", "k", "B1", 1, 2999, 150)),
			[]string{"declined ordered (not shipped) q=1 sale=2999 comm=120 estimated sold=2026-06-01 checked=2026-08-31 customs=[k] items=1",
				"confirmed shipped (return window passed) q=1 sale=2999 comm=120 sold=2026-05-30 checked=2026-06-29 customs=[k] items=1",
				"pending shipped q=1 sale=2999 comm=150 sold=2026-09-01 checked=- customs=[k] items=1"}},
		{"earnings without an order stand alone", ordersMode, "2026-10-10",
			rows(earn("2026-10-04", "k", "B1", 1, 2999, 150)),
			[]string{"pending shipped q=1 sale=2999 comm=150 sold=2026-10-04 checked=- customs=[k] items=1"}},
		{"another currency is another transaction", subtagsMode, "2026-10-10",
			rows(earn("2026-10-02", "k", "B1", 1, 2999, 120),
				with(earn("2026-10-03", "k", "B1", 1, 1999, 80), func(f *model.Fact) { f.Program, f.Currency = "amazon.co.uk", "GBP" })),
			[]string{"pending shipped q=1 sale=2999 comm=120 sold=2026-10-02 checked=- customs=[k] items=1",
				"pending shipped q=1 sale=1999 comm=80 sold=2026-10-03 checked=- customs=[k] items=1"}},
		{"tracking facts and subtags-mode orders make nothing", subtagsMode, "2026-10-10",
			rows(tracking("2026-10-02", "shop-20", 12), order("2026-10-02", "k", "B1", 1)),
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Project(tc.facts, tc.s, day(tc.today), electronics)
			var lines []string
			for _, p := range got {
				lines = append(lines, brief(p.Tx))
			}
			if len(lines) != len(tc.want) {
				t.Fatalf("got %d transactions, want %d:\n%q", len(lines), len(tc.want), lines)
			}
			for i := range lines {
				if lines[i] != tc.want[i] {
					t.Errorf("transaction %d (%s):\n got %s\nwant %s", i, got[i].Tx.SourceKey, lines[i], tc.want[i])
				}
			}
			golden(t, "project/"+fileName(tc.name), got)
		})
	}
}
