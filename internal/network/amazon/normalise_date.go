package amazon

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/reportfile"
)

// day reads the row's calendar date: a date column in the marketplace's
// forms, else epoch seconds (XML EDate), else the file's single day.
func (n *normaliser) day(row reportfile.Row) (time.Time, error) {
	if v, c, ok := row.Get("date"); ok && v != "" {
		d, known := n.dates[v]
		if !known {
			var err error
			if d, err = parseDate(v, n.opt.Marketplace.DayFirst); err != nil {
				if e, _, ok := row.Get("epoch"); ok && e != "" {
					return n.epochDay(row) // XML: EDate says the same day in a form without words
				}
				return d, n.bad(row, c, "date", v, err)
			}
			if len(n.dates) >= maxDateMemo {
				clear(n.dates)
			}
			n.dates[v] = d
		}
		return n.inRange(row, c, v, d)
	}
	if v, _, ok := row.Get("epoch"); ok && v != "" {
		return n.epochDay(row)
	}
	if d := n.t.Coverage[0]; !d.IsZero() && n.t.Coverage[1].Equal(d) {
		return d, nil
	}
	return time.Time{}, &reportfile.Error{File: n.t.Name, Line: row.Line, Msg: "the row has no date, and the file gives no single day"}
}

// epochDay reads XML's EDate, epoch seconds, as a UTC day.
func (n *normaliser) epochDay(row reportfile.Row) (time.Time, error) {
	v, c, _ := row.Get("epoch")
	s, err := strconv.ParseInt(v, 10, 64)
	if err != nil || s < 0 || s > 1<<40 {
		return time.Time{}, n.bad(row, c, "epoch", v, errors.New("not epoch seconds"))
	}
	return n.inRange(row, c, v, midnight(time.Unix(s, 0).UTC()))
}

// maxDateMemo bounds the dates remembered per table: a report repeats a few
// dates on many rows, and trying layouts is the dearest part of a row.
const maxDateMemo = 1024

func (n *normaliser) inRange(row reportfile.Row, col int, v string, d time.Time) (time.Time, error) {
	if d.Year() < 1995 || d.After(n.latest) {
		return d, &reportfile.Error{File: n.t.Name, Line: row.Line, Column: col, Msg: fmt.Sprintf("%s %q is out of range (1995 to %s)",
			row.Header("date"), v, n.latest.Format("2006-01-02"))}
	}
	return d, nil
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Date forms of FORMATS.md. Slashed and dashed numeric dates are read day
// first or month first as the marketplace writes them; dotted ones are day
// first everywhere.
var (
	isoLayouts   = []string{"2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05", "2006/01/02", "2006/1/2"}
	wordLayouts  = []string{"January 2, 2006", "Jan 2, 2006", "2 January 2006", "2 Jan 2006", "Jan. 2, 2006"}
	monthFirst   = []string{"1/2/2006", "1-2-2006"}
	dayFirst     = []string{"2/1/2006", "2-1-2006"}
	dottedLayout = "2.1.2006"
)

// parseDate reads a report date as 00:00 UTC of that day.
func parseDate(v string, dayFirstMarket bool) (time.Time, error) {
	v = strings.Join(strings.Fields(v), " ")
	layouts := append(append([]string{}, isoLayouts...), wordLayouts...)
	if dayFirstMarket {
		layouts = append(layouts, dayFirst...)
	} else {
		layouts = append(layouts, monthFirst...)
	}
	layouts = append(layouts, dottedLayout)
	for _, l := range layouts {
		if t, err := time.Parse(l, v); err == nil {
			return midnight(t), nil
		}
	}
	return time.Time{}, errors.New("not a date this marketplace writes")
}
