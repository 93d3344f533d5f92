// Package lifecycle holds the status rules of SPEC §3.3 and §3.5 as pure
// functions: facts (report rows) in, transactions out, as of a day. The
// result depends only on the facts as a set, the settings and today, never
// on the order in which files arrived.
package lifecycle

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// Mode is how a connection makes transactions of Amazon's reports.
type Mode string

const (
	ModeOrders  Mode = "orders"  // an Orders row is a transaction, matched by later Earnings
	ModeSubtags Mode = "subtags" // each subtag (one click) is a transaction of its Earnings rows
)

// Settings are a connection's rules.
type Settings struct {
	WorkspaceID, ConnectionID, Network string
	Mode                               Mode
	ReturnWindowDays                   int // default 30
	ShipWindowDays                     int // default 90: orders not shipped by then are declined
}

func (s Settings) returnWindow() int { return cmp.Or(s.ReturnWindowDays, 30) }
func (s Settings) shipWindow() int   { return cmp.Or(s.ShipWindowDays, 90) }

// CategoryRates holds, per product category, the commission rate (hundredths
// of a percent) Amazon paid in this connection's Earnings: the basis of the
// estimated commission of orders not shipped yet.
type CategoryRates map[string]int64

// Projected is one transaction computed from facts.
type Projected struct {
	Group  string
	Tx     model.Transaction
	Source string // the fact that last shaped it: "file:line"
}

const sep = "\x1f"

// GroupKey says which projection group a fact belongs to. All facts that
// can affect one another's transactions share a group, so a group can be
// projected from its own facts alone:
//   - subtags mode, Earnings with a subtag: "s:"+subtag (one click, one transaction);
//   - Earnings without a subtag: "r:"+tracking ID, ASIN, seller, unit price
//     (a return reverses an earlier row with the same four);
//   - orders mode, Orders and Earnings: "o:"+tracking ID, subtag, ASIN;
//   - Bounty: "b:"+tracking ID, name, amount (a negative bounty declines its twin);
//   - Tracking, and Orders in subtags mode: "" (no transaction).
func GroupKey(f model.Fact, mode Mode) string {
	switch f.Report {
	case model.ReportBounty:
		return "b:" + f.TrackingID + sep + f.Name + sep + strconv.FormatInt(abs(f.Commission), 10)
	case model.ReportEarnings:
		if mode == ModeOrders {
			return "o:" + f.TrackingID + sep + f.Subtag + sep + f.ASIN
		}
		if f.Subtag != "" {
			return "s:" + f.Subtag
		}
		return "r:" + f.TrackingID + sep + f.ASIN + sep + f.Seller + sep + strconv.FormatInt(f.Price, 10)
	case model.ReportOrders:
		if mode == ModeOrders {
			return "o:" + f.TrackingID + sep + f.Subtag + sep + f.ASIN
		}
	}
	return ""
}

// Project computes the transactions of the given facts (all facts of whole
// groups) as of today. The result is sorted by transaction id.
func Project(facts []model.Fact, s Settings, today time.Time, rates CategoryRates) []Projected {
	groups := map[string][]model.Fact{}
	for _, f := range facts {
		if g := GroupKey(f, s.Mode); g != "" {
			groups[g] = append(groups[g], f)
		}
	}
	today = dayOf(today)
	var out []Projected
	for g, fs := range groups {
		slices.SortFunc(fs, byDayKey)
		var txs []Projected
		switch g[0] {
		case 's':
			txs = []Projected{shipment(s, today, "s:"+fs[0].Subtag, fs)}
		case 'r':
			txs = rows(s, today, fs)
		case 'b':
			txs = bounties(s, today, fs)
		case 'o':
			txs = orders(s, today, fs, rates)
		}
		for i := range txs {
			txs[i].Group = g
			txs[i].Tx.ID = model.TransactionID(s.ConnectionID, txs[i].Tx.SourceKey)
			out = append(out, txs[i])
		}
	}
	slices.SortFunc(out, func(a, b Projected) int { return cmp.Compare(a.Tx.ID, b.Tx.ID) })
	return out
}

func byDayKey(a, b model.Fact) int {
	if c := a.Day.Compare(b.Day); c != 0 {
		return c
	}
	return cmp.Compare(a.Key, b.Key)
}

func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func source(f model.Fact) string { return f.File + ":" + strconv.Itoa(f.Line) }

// base starts a transaction from its first fact.
func base(s Settings, key string, f model.Fact) model.Transaction {
	x := model.Transaction{WorkspaceID: s.WorkspaceID, ConnectionID: s.ConnectionID, Network: s.Network, SourceKey: key,
		Program: f.Program, Channel: f.TrackingID, Currency: f.Currency, Customs: []string{}, SoldAt: f.Day}
	if f.Subtag != "" {
		x.Customs = []string{f.Subtag}
	}
	return x
}

func ptr(t time.Time) *time.Time { return &t }
