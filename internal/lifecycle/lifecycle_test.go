package lifecycle

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
)

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// earn is an Earnings row: quantity, revenue and ad fees in cents.
func earn(day, subtag, asin string, qty, revenue, fees int64) model.Fact {
	return model.Fact{Report: model.ReportEarnings, Day: d(day), TrackingID: "shop-20", Subtag: subtag, ASIN: asin, Seller: "Amazon.com",
		Price: 2999, Quantity: qty, Revenue: revenue, Commission: fees, Rate: 400, Category: "Electronics", Program: "amazon.com", Currency: "USD",
		File: "earnings.tsv", Key: fmt.Sprintf("e|%s|%s|%s|%d|%d", day, subtag, asin, qty, fees)}
}

func bounty(day, name string, fees int64) model.Fact {
	return model.Fact{Report: model.ReportBounty, Day: d(day), TrackingID: "shop-20", Name: name, Quantity: 1, Commission: fees,
		Program: "amazon.com", Currency: "USD", File: "bounty.tsv", Key: fmt.Sprintf("b|%s|%s|%d", day, name, fees)}
}

func order(day, subtag, asin string, qty int64) model.Fact {
	return model.Fact{Report: model.ReportOrders, Day: d(day), TrackingID: "shop-20", Subtag: subtag, ASIN: asin, Price: 2999, Quantity: qty,
		Revenue: 2999 * qty, Category: "Electronics", Program: "amazon.com", Currency: "USD", File: "orders.tsv",
		Key: fmt.Sprintf("o|%s|%s|%s|%d", day, subtag, asin, qty)}
}

var subtags = Settings{ConnectionID: "conn_1", Network: "amazon", Mode: ModeSubtags}
var ordersMode = Settings{ConnectionID: "conn_1", Network: "amazon", Mode: ModeOrders}

// want is the part of a transaction a case checks.
type want struct {
	status     model.Status
	network    string
	reason     string
	qty        int64
	sale, comm int64
	customs    []string
	soldAt     string
	estimated  bool
}

func summary(x model.Transaction) want {
	return want{x.Status, x.NetworkStatus, x.StatusReason, x.Quantity, x.SaleAmount, x.Commission, x.Customs, x.SoldAt.Format("2006-01-02"), x.CommissionEstimated}
}

func TestProject(t *testing.T) {
	rates := CategoryRates{"Electronics": 400}
	for _, tc := range []struct {
		name  string
		s     Settings
		today string
		facts []model.Fact
		want  []want
	}{
		{"shipped, within the return window", subtags, "2026-10-20",
			[]model.Fact{earn("2026-10-02", "k3J9x", "B1", 2, 5998, 240)},
			[]want{{model.StatusPending, "shipped", "", 2, 5998, 240, []string{"k3J9x"}, "2026-10-02", false}}},
		{"window boundary: day 29 pending", subtags, "2026-10-31",
			[]model.Fact{earn("2026-10-02", "k", "B1", 1, 2999, 120)},
			[]want{{model.StatusPending, "shipped", "", 1, 2999, 120, []string{"k"}, "2026-10-02", false}}},
		{"window boundary: day 30 confirmed", subtags, "2026-11-01",
			[]model.Fact{earn("2026-10-02", "k", "B1", 1, 2999, 120)},
			[]want{{model.StatusConfirmed, "shipped", "return window passed", 1, 2999, 120, []string{"k"}, "2026-10-02", false}}},
		{"two ASINs of one subtag are one transaction", subtags, "2026-10-05",
			[]model.Fact{earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-03", "k", "B2", 1, 1000, 50)},
			[]want{{model.StatusPending, "shipped", "", 2, 3999, 170, []string{"k"}, "2026-10-02", false}}},
		{"partial return", subtags, "2026-10-20",
			[]model.Fact{earn("2026-10-02", "k", "B1", 2, 5998, 240), earn("2026-10-09", "k", "B1", -1, -2999, -120)},
			[]want{{model.StatusPending, "returned", "", 1, 2999, 120, []string{"k"}, "2026-10-02", false}}},
		{"full return declines, amounts exact net", subtags, "2026-10-20",
			[]model.Fact{earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-09", "k", "B1", -1, -2999, -120)},
			[]want{{model.StatusDeclined, "returned", "returned", 0, 0, 0, []string{"k"}, "2026-10-02", false}}},
		{"return after confirmation declines", subtags, "2026-12-20",
			[]model.Fact{earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-12-10", "k", "B1", -1, -2999, -120)},
			[]want{{model.StatusDeclined, "returned", "returned", 0, 0, 0, []string{"k"}, "2026-10-02", false}}},
		{"refund lowers amounts only", subtags, "2026-10-20",
			[]model.Fact{earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-09", "k", "B1", 0, -1000, -40)},
			[]want{{model.StatusPending, "refunded", "", 1, 1999, 80, []string{"k"}, "2026-10-02", false}}},
		{"bounty pending then confirmed", subtags, "2026-11-02",
			[]model.Fact{bounty("2026-10-02", "Prime", 300), bounty("2026-10-20", "Audible", 500)},
			[]want{{model.StatusConfirmed, "bounty", "return window passed", 1, 0, 300, []string{}, "2026-10-02", false},
				{model.StatusPending, "bounty", "", 1, 0, 500, []string{}, "2026-10-20", false}}},
		{"negative bounty declines its twin", subtags, "2026-10-20",
			[]model.Fact{bounty("2026-10-02", "Prime", 300), bounty("2026-10-05", "Prime", -300)},
			[]want{{model.StatusDeclined, "bounty", "bounty reversed", 1, 0, 0, []string{}, "2026-10-02", false}}},
		{"negative bounty alone stands declined", subtags, "2026-10-20",
			[]model.Fact{bounty("2026-10-05", "Prime", -300)},
			[]want{{model.StatusDeclined, "bounty", "bounty reversed", 1, 0, -300, []string{}, "2026-10-05", false}}},
		{"rows without subtag: a return reverses the latest earlier row", subtags, "2026-10-20",
			[]model.Fact{earn("2026-10-01", "", "B1", 1, 2999, 120), earn("2026-10-03", "", "B1", 1, 2999, 121), earn("2026-10-08", "", "B1", -1, -2999, -121)},
			[]want{{model.StatusPending, "shipped", "", 1, 2999, 120, []string{}, "2026-10-01", false},
				{model.StatusDeclined, "returned", "returned", 0, 0, 0, []string{}, "2026-10-03", false}}},
		{"order never shipped is declined after 90 days", ordersMode, "2027-01-15",
			[]model.Fact{order("2026-10-02", "", "B1", 1)},
			[]want{{model.StatusDeclined, "ordered", "not shipped", 1, 2999, 120, []string{}, "2026-10-02", true}}},
		{"order pending with estimated commission", ordersMode, "2026-10-05",
			[]model.Fact{order("2026-10-02", "k", "B1", 2)},
			[]want{{model.StatusPending, "ordered", "", 2, 5998, 240, []string{"k"}, "2026-10-02", true}}},
		{"order matched by later earnings", ordersMode, "2026-10-10",
			[]model.Fact{order("2026-10-02", "k", "B1", 1), earn("2026-10-04", "k", "B1", 1, 2999, 150)},
			[]want{{model.StatusPending, "shipped", "", 1, 2999, 150, []string{"k"}, "2026-10-02", false}}},
		{"earnings without an order stand alone", ordersMode, "2026-10-10",
			[]model.Fact{earn("2026-10-04", "k", "B1", 1, 2999, 150)},
			[]want{{model.StatusPending, "shipped", "", 1, 2999, 150, []string{"k"}, "2026-10-04", false}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Project(tc.facts, tc.s, d(tc.today), rates)
			if len(got) != len(tc.want) {
				t.Fatalf("%d transactions, want %d: %+v", len(got), len(tc.want), got)
			}
			// Compare as sets: the output is sorted by id, not by meaning.
			for _, w := range tc.want {
				found := false
				for _, p := range got {
					if reflect.DeepEqual(summary(p.Tx), w) {
						found = true
					}
				}
				if !found {
					var all []want
					for _, p := range got {
						all = append(all, summary(p.Tx))
					}
					t.Fatalf("missing %+v in %+v", w, all)
				}
			}
		})
	}
}

func TestIdenticalRowsStayTwoItemsWorth(t *testing.T) {
	a := earn("2026-10-02", "k", "B1", 1, 2999, 120)
	b := a
	a.Key, b.Key = a.Key+"#1", a.Key+"#2"
	got := Project([]model.Fact{a, b}, subtags, d("2026-10-03"), nil)
	if len(got) != 1 || got[0].Tx.Quantity != 2 || got[0].Tx.Commission != 240 || got[0].Tx.Items[0].Quantity != 2 {
		t.Fatalf("two identical rows: %+v", got)
	}
}

// TestOrderIndependence projects random permutations of a mixed set of
// facts: the result never changes.
func TestOrderIndependence(t *testing.T) {
	facts := []model.Fact{
		earn("2026-10-02", "a", "B1", 2, 5998, 240), earn("2026-10-09", "a", "B1", -1, -2999, -120), earn("2026-10-03", "a", "B2", 1, 1000, 40),
		earn("2026-10-01", "", "B1", 1, 2999, 120), earn("2026-10-03", "", "B1", 1, 2999, 121), earn("2026-10-08", "", "B1", -1, -2999, -121),
		bounty("2026-10-02", "Prime", 300), bounty("2026-10-04", "Prime", 300), bounty("2026-10-05", "Prime", -300),
		order("2026-10-01", "a", "B1", 1), order("2026-10-02", "a", "B1", 1), earn("2026-10-04", "b", "B9", 1, 500, 20),
	}
	for _, s := range []Settings{subtags, ordersMode} {
		want := Project(facts, s, d("2026-10-20"), CategoryRates{"Electronics": 400})
		r := rand.New(rand.NewPCG(1, 2))
		for range 200 {
			shuffled := append([]model.Fact(nil), facts...)
			r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			if got := Project(shuffled, s, d("2026-10-20"), CategoryRates{"Electronics": 400}); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: order changed the projection", s.Mode)
			}
		}
	}
}

func TestIDsAreStable(t *testing.T) {
	f := earn("2026-10-02", "k", "B1", 1, 2999, 120)
	a := Project([]model.Fact{f}, subtags, d("2026-10-03"), nil)
	f.File, f.Line = "reissued.tsv", 99
	b := Project([]model.Fact{f}, subtags, d("2026-11-03"), nil)
	if a[0].Tx.ID != b[0].Tx.ID || a[0].Tx.ID != model.TransactionID("conn_1", "s:k") {
		t.Fatalf("ids %s %s", a[0].Tx.ID, b[0].Tx.ID)
	}
}

func TestDiff(t *testing.T) {
	x := Project([]model.Fact{earn("2026-10-02", "k", "B1", 1, 2999, 120)}, subtags, d("2026-10-03"), nil)[0].Tx
	if ch, reason := Diff(x, x); ch != nil || reason != "" {
		t.Fatalf("no change: %v %q", ch, reason)
	}
	later := Project([]model.Fact{earn("2026-10-02", "k", "B1", 1, 2999, 120)}, subtags, d("2026-11-03"), nil)[0].Tx
	if ch, reason := Diff(x, later); len(ch) == 0 || reason != "return window passed" {
		t.Fatalf("confirmation: %v %q", ch, reason)
	}
	returned := Project([]model.Fact{earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-05", "k", "B1", -1, -2999, -120)}, subtags, d("2026-10-06"), nil)[0].Tx
	if _, reason := Diff(x, returned); reason != "returned" {
		t.Fatalf("return reason %q", reason)
	}
}

func TestGroupKey(t *testing.T) {
	tr := model.Fact{Report: model.ReportTracking}
	if GroupKey(tr, ModeSubtags) != "" || GroupKey(order("2026-10-01", "k", "B1", 1), ModeSubtags) != "" {
		t.Fatal("tracking and subtags-mode orders make no transactions")
	}
	if GroupKey(earn("2026-10-01", "k", "B1", 1, 1, 1), ModeOrders) != GroupKey(order("2026-10-01", "k", "B1", 1), ModeOrders) {
		t.Fatal("orders and their earnings share a group")
	}
	if GroupKey(bounty("2026-10-01", "Prime", 300), ModeSubtags) != GroupKey(bounty("2026-10-09", "Prime", -300), ModeSubtags) {
		t.Fatal("a negative bounty shares its twin's group")
	}
}
