package lifecycle

import (
	"strconv"

	"github.com/affsync/affsync/internal/model"
)

// Group kinds: the prefix of a group key, and of its transactions' source keys.
const (
	groupSubtag = "s:"
	groupRow    = "r:"
	groupBounty = "b:"
	groupOrder  = "o:"
)

const sep = "\x1f"

// GroupKey says which projection group a fact belongs to. All facts that can
// affect one another's transactions share a group, so a group can be
// projected from its own facts alone:
//   - subtags mode, Earnings with a subtag: "s:"+subtag (one click, one transaction);
//   - subtags mode, Earnings without a subtag: "r:"+tracking ID, ASIN, seller,
//     unit price (a return reverses an earlier row with the same four);
//   - orders mode, Orders and Earnings: "o:"+tracking ID, subtag, ASIN (an
//     order is matched by earnings of the same three);
//   - Bounty, either mode: "b:"+tracking ID, name, |amount| (a negative
//     bounty declines its positive twin);
//   - Tracking, and Orders in subtags mode: "" (no transaction).
//
// Parts are joined with the unit separator 0x1F, which report values do not carry.
func GroupKey(f model.Fact, mode Mode) string {
	switch f.Report {
	case model.ReportBounty:
		return groupBounty + f.TrackingID + sep + f.Name + sep + strconv.FormatInt(abs(f.Commission), 10)
	case model.ReportEarnings:
		if mode == ModeOrders {
			return orderGroup(f)
		}
		if f.Subtag != "" {
			return groupSubtag + f.Subtag
		}
		return groupRow + f.TrackingID + sep + f.ASIN + sep + f.Seller + sep + strconv.FormatInt(f.Price, 10)
	case model.ReportOrders:
		if mode == ModeOrders {
			return orderGroup(f)
		}
	}
	return ""
}

func orderGroup(f model.Fact) string {
	return groupOrder + f.TrackingID + sep + f.Subtag + sep + f.ASIN
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
