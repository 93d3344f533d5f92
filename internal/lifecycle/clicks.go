package lifecycle

import (
	"cmp"
	"slices"

	"github.com/affsync/affsync/internal/model"
)

// clickKey is the grouping of a clicks row.
type clickKey struct {
	connection               string
	day                      int64 // Unix seconds of the date
	channel, program, custom string
}

// Clicks computes daily clicks by connection, date, channel (tracking ID),
// program and custom (subtag). The Tracking report is the source; the clicks
// some Orders files carry (Direct Clicks, XML Clicks) count only for a
// connection, day, channel and program that has no Tracking fact at all, so a
// day is never counted from both. Tracking rows with zero clicks still make
// a row (the day is known to be empty); Orders rows only when they have
// clicks. Sorted by connection, date, channel, program, custom.
func Clicks(facts []model.Fact) []model.Click {
	type dayChannel struct {
		connection       string
		day              int64
		channel, program string
	}
	tracked := map[dayChannel]bool{}
	for _, f := range facts {
		if f.Report == model.ReportTracking {
			tracked[dayChannel{f.ConnectionID, dayOf(f.Day).Unix(), f.TrackingID, f.Program}] = true
		}
	}
	rows := map[clickKey]*model.Click{}
	for _, f := range facts {
		day := dayOf(f.Day)
		fromOrders := f.Report == model.ReportOrders && f.Clicks != 0 &&
			!tracked[dayChannel{f.ConnectionID, day.Unix(), f.TrackingID, f.Program}]
		if f.Report != model.ReportTracking && !fromOrders {
			continue
		}
		k := clickKey{f.ConnectionID, day.Unix(), f.TrackingID, f.Program, f.Subtag}
		c, ok := rows[k]
		if !ok {
			c = &model.Click{ConnectionID: f.ConnectionID, Date: day, Channel: f.TrackingID, Program: f.Program, Custom: f.Subtag}
			rows[k] = c
		}
		c.Clicks += f.Clicks
	}
	out := make([]model.Click, 0, len(rows))
	for _, c := range rows {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b model.Click) int {
		return cmp.Or(cmp.Compare(a.ConnectionID, b.ConnectionID), a.Date.Compare(b.Date), cmp.Compare(a.Channel, b.Channel),
			cmp.Compare(a.Program, b.Program), cmp.Compare(a.Custom, b.Custom))
	})
	return out
}
