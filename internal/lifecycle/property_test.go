package lifecycle

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// randomFacts makes a random connection's worth of facts: a few subtags,
// ASINs, days and amounts, with shipments, returns, refunds, orders,
// bounties and their reversals, so that every rule meets every other.
func randomFacts(r *rand.Rand) []model.Fact {
	subtags := []string{"", "a", "b", "c"}
	asins := []string{"B1", "B2"}
	start := day("2026-09-01")
	var fs []model.Fact
	n := 5 + r.IntN(25)
	for i := range n {
		d := start.AddDate(0, 0, r.IntN(60)).Format("2006-01-02")
		subtag, asin := subtags[r.IntN(len(subtags))], asins[r.IntN(len(asins))]
		var f model.Fact
		switch r.IntN(6) {
		case 0, 1:
			q := 1 + r.Int64N(3)
			f = earn(d, subtag, asin, q, 2999*q, 120*q)
		case 2:
			q := 1 + r.Int64N(2)
			f = earn(d, subtag, asin, -q, -2999*q, -120*q)
			if r.IntN(2) == 0 {
				f.Returns = q
			}
		case 3:
			f = earn(d, subtag, asin, 0, -1000, -40) // refund
		case 4:
			f = order(d, subtag, asin, r.Int64N(3))
		case 5:
			fees := []int64{300, -300, 500}[r.IntN(3)]
			f = bounty(d, []string{"Prime", "Audible"}[r.IntN(2)], fees)
		}
		f.Key = fmt.Sprintf("%s#%d", f.Key, i) // unique, and fixed to the fact whatever its position
		f.Line = i + 3
		fs = append(fs, f)
	}
	return fs
}

// TestProjectIsOrderIndependent projects random fact sets in many random
// permutations (files arriving in any order): the projection never changes.
func TestProjectIsOrderIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 10))
	today := day("2026-11-15")
	for set := range 300 {
		facts := randomFacts(r)
		for _, s := range []Settings{subtagsMode, ordersMode} {
			want := Project(facts, s, today, electronics)
			for range 20 {
				shuffled := append([]model.Fact(nil), facts...)
				r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				if got := Project(shuffled, s, today, electronics); !reflect.DeepEqual(got, want) {
					t.Fatalf("set %d, %s mode: a permutation changed the projection\nfacts: %+v", set, s.Mode, facts)
				}
			}
		}
	}
}

// TestProjectInvariants checks on random fact sets what must always hold:
// no money is lost or invented, items add up to their transaction, ids are
// unique and derived from the source key, statuses are valid.
func TestProjectInvariants(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for set := range 300 {
		facts := randomFacts(r)
		var factFees int64
		for _, f := range facts {
			if f.Report == model.ReportEarnings || f.Report == model.ReportBounty {
				factFees += f.Commission
			}
		}
		for _, s := range []Settings{subtagsMode, ordersMode} {
			today := day("2026-09-01").AddDate(0, 0, r.IntN(200))
			got := Project(facts, s, today, electronics)
			var txFees int64
			ids := map[string]bool{}
			for _, p := range got {
				x := p.Tx
				if ids[x.ID] || x.ID != model.TransactionID(s.ConnectionID, x.SourceKey) {
					t.Fatalf("set %d: id %s repeated or not derived from %q", set, x.ID, x.SourceKey)
				}
				ids[x.ID] = true
				if !x.Status.Valid() || x.Status == model.StatusDeclined && x.StatusReason == "" {
					t.Fatalf("set %d: status %q reason %q", set, x.Status, x.StatusReason)
				}
				if !x.CommissionEstimated {
					txFees += x.Commission
				}
				if x.NetworkStatus == "bounty" {
					if len(x.Items) != 0 || x.SaleAmount != 0 {
						t.Fatalf("set %d: bounty with items or sale: %+v", set, x)
					}
					continue
				}
				var q, sale, fees int64
				for _, it := range x.Items {
					q, sale, fees = q+it.Quantity, sale+it.SaleAmount, fees+it.Commission
				}
				if q != x.Quantity || sale != x.SaleAmount || fees != x.Commission {
					t.Fatalf("set %d: items (%d, %d, %d) do not add up to %s", set, q, sale, fees, brief(x))
				}
				if (x.Quantity <= 0) != (x.Status == model.StatusDeclined) && x.NetworkStatus != "ordered" {
					t.Fatalf("set %d: quantity and status disagree: %s", set, brief(x))
				}
			}
			if txFees != factFees {
				t.Fatalf("set %d, %s mode: transactions hold %d of fees, facts %d", set, s.Mode, txFees, factFees)
			}
		}
	}
}

// TestIDsAreStable re-imports the same rows from another file, on another
// day: ids and source keys stay, only the cited source moves.
func TestIDsAreStable(t *testing.T) {
	facts := rows(earn("2026-10-02", "k", "B1", 1, 2999, 120), earn("2026-10-02", "", "B1", 1, 2999, 120),
		order("2026-10-02", "k", "B2", 1), bounty("2026-10-02", "Prime", 300))
	reissued := make([]model.Fact, len(facts))
	for i, f := range facts {
		f.File, f.Line, f.FileID = "reissued.tsv", 100+i, 42
		reissued[i] = f
	}
	for _, s := range []Settings{subtagsMode, ordersMode} {
		a := Project(facts, s, day("2026-10-03"), nil)
		b := Project(reissued, s, day("2026-11-20"), nil)
		if len(a) != len(b) || len(a) == 0 {
			t.Fatalf("%s: %d and %d transactions", s.Mode, len(a), len(b))
		}
		for i := range a {
			if a[i].Tx.ID != b[i].Tx.ID || a[i].Tx.SourceKey != b[i].Tx.SourceKey || a[i].Source == b[i].Source {
				t.Errorf("%s: %s/%s became %s/%s", s.Mode, a[i].Tx.SourceKey, a[i].Source, b[i].Tx.SourceKey, b[i].Source)
			}
		}
	}
}

// TestProjectUsesTheDateOfToday: the time of day and zone of "today" do not matter.
func TestProjectUsesTheDateOfToday(t *testing.T) {
	facts := rows(earn("2026-10-02", "k", "B1", 1, 2999, 120))
	early := Project(facts, subtagsMode, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), nil)
	late := Project(facts, subtagsMode, time.Date(2026, 11, 1, 23, 59, 0, 0, time.UTC), nil)
	zoned := Project(facts, subtagsMode, time.Date(2026, 11, 1, 20, 0, 0, 0, time.FixedZone("EST", -5*3600)), nil) // 01:00 UTC on the 2nd
	if early[0].Tx.Status != model.StatusConfirmed || !reflect.DeepEqual(early, late) {
		t.Fatalf("early %s, late %s", brief(early[0].Tx), brief(late[0].Tx))
	}
	if zoned[0].Tx.Status != model.StatusConfirmed {
		t.Fatalf("zoned %s", brief(zoned[0].Tx))
	}
}

func TestGroupKey(t *testing.T) {
	e := earn("2026-10-01", "k", "B1", 1, 2999, 120)
	plain := earn("2026-10-01", "", "B1", 1, 2999, 120)
	o := order("2026-10-01", "k", "B1", 1)
	for _, tc := range []struct {
		name string
		f    model.Fact
		mode Mode
		want string
	}{
		{"earnings with subtag, subtags mode", e, ModeSubtags, "s:k"},
		{"earnings without subtag, subtags mode", plain, ModeSubtags, "r:shop-20\x1fB1\x1fAmazon.com\x1f2999"},
		{"a return shares its sale's group", earn("2026-10-09", "", "B1", -1, -2999, -120), ModeSubtags, "r:shop-20\x1fB1\x1fAmazon.com\x1f2999"},
		{"earnings, orders mode", e, ModeOrders, "o:shop-20\x1fk\x1fB1"},
		{"orders, orders mode", o, ModeOrders, "o:shop-20\x1fk\x1fB1"},
		{"orders, subtags mode", o, ModeSubtags, ""},
		{"bounty", bounty("2026-10-01", "Prime", 300), ModeSubtags, "b:shop-20\x1fPrime\x1f300"},
		{"negative bounty shares its twin's group", bounty("2026-10-09", "Prime", -300), ModeOrders, "b:shop-20\x1fPrime\x1f300"},
		{"tracking", tracking("2026-10-01", "shop-20", 5), ModeOrders, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := GroupKey(tc.f, tc.mode); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
