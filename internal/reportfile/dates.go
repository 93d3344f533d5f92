package reportfile

import (
	"errors"
	"strings"
	"time"
)

// Date and time forms of person-written files (payments, deals, custom
// transactions). Slashed and dashed numeric dates are month first unless
// dayFirst; dotted ones are day first everywhere; ISO is always read.
var (
	isoForms = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04",
		"2006-01-02 15:04:05Z07:00", "2006-01-02", "2006/01/02 15:04:05", "2006/01/02", "2006/1/2"}
	wordForms   = []string{"January 2, 2006", "Jan 2, 2006", "Jan. 2, 2006", "2 January 2006", "2 Jan 2006"}
	monthFirst  = []string{"1/2/2006 15:04:05", "1/2/2006 15:04", "1/2/2006", "1-2-2006"}
	dayFirst    = []string{"2/1/2006 15:04:05", "2/1/2006 15:04", "2/1/2006", "2-1-2006"}
	dottedForms = []string{"2.1.2006 15:04:05", "2.1.2006 15:04", "2.1.2006"}
)

// ErrNotATime is a value in none of the forms ParseTime reads.
var ErrNotATime = errors.New("not a date or time in a known form (write 2026-10-02 or 2026-10-02T15:04:05Z)")

// ParseTime reads a date or a date and time as a UTC instant: a date alone
// is 00:00:00 UTC of that day, a time without an offset is UTC.
func ParseTime(v string, dayFirstDates bool) (time.Time, error) {
	v = strings.Join(strings.Fields(v), " ")
	forms := append(append([]string{}, isoForms...), wordForms...)
	if dayFirstDates {
		forms = append(forms, dayFirst...)
	} else {
		forms = append(forms, monthFirst...)
	}
	forms = append(forms, dottedForms...)
	for _, f := range forms {
		if t, err := time.Parse(f, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, ErrNotATime
}

// ParseMonth reads a calendar month: "2026-10", "2026/10", "10/2026",
// "October 2026", "Oct 2026", or any date of it. It returns its first day.
func ParseMonth(v string, dayFirstDates bool) (time.Time, error) {
	v = strings.Join(strings.Fields(v), " ")
	for _, f := range []string{"2006-01", "2006/01", "2006-1", "01/2006", "1/2006", "01.2006", "January 2006", "Jan 2006", "Jan. 2006"} {
		if t, err := time.Parse(f, v); err == nil {
			return t, nil
		}
	}
	t, err := ParseTime(v, dayFirstDates)
	if err != nil {
		return time.Time{}, errors.New("not a month in a known form (write 2026-10)")
	}
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC), nil
}
