package reportfile

import (
	"regexp"
	"strings"
	"time"
)

// titleDate is a date as titles write it: numeric (12-01-2020, 2020-12-01,
// 01.12.2020, 12/01/2020) or in words (October 11, 2026; Oct. 11 2026;
// 11 October 2026).
const titleDate = `(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\.?\s+[a-z]{3,9}\.?,?\s+\d{4})`

// titleRange matches "Fee-Orders reports from 12-01-2020 to 12-31-2020" and
// "Earnings Report (Sub Tags) for store-20 from October 11, 2026 to October
// 11, 2026"; titleDay a single day, "Earnings report for shop-20 on 2026-10-02".
var (
	titleRange = regexp.MustCompile(`(?i)\bfrom\s+` + titleDate + `\s+(?:to|until|through|-|–)\s+` + titleDate)
	titleDay   = regexp.MustCompile(`(?i)\b(?:on|for)\s+` + titleDate)
)

// titleCoverage reads the days a title line covers: a range "from … to …",
// or one day "on …" / "for …". Numeric dates are MM-DD-YYYY (the US
// download) unless only DD-MM-YYYY makes sense, or ISO; dates in words are
// read in English.
func titleCoverage(title string) (time.Time, time.Time, bool) {
	for _, m := range titleRange.FindAllStringSubmatch(title, -1) {
		if from, to, ok := titleDates(m[1], m[2]); ok {
			return from, to, true
		}
	}
	for _, m := range titleDay.FindAllStringSubmatch(title, -1) {
		if d, _, ok := titleDates(m[1], m[1]); ok {
			return d, d, true
		}
	}
	return time.Time{}, time.Time{}, false
}

// titleDates reads two dates of one title in one style, the second not
// before the first.
func titleDates(a, b string) (time.Time, time.Time, bool) {
	a, b = strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " ")
	words := []string{"January 2, 2006", "January 2 2006", "Jan 2, 2006", "Jan 2 2006", "Jan. 2, 2006", "Jan. 2 2006",
		"2 January 2006", "2 January, 2006", "2 Jan 2006", "2. January 2006", "2 Jan. 2006"}
	for _, layouts := range [][]string{{"01-02-2006", "01/02/2006", "01.02.2006", "1-2-2006", "1/2/2006"}, {"02-01-2006", "02/01/2006", "02.01.2006", "2-1-2006", "2/1/2006", "2.1.2006"},
		{"2006-01-02", "2006/01/02", "2006-1-2", "2006.01.02"}, words} {
		from, ok1 := parseAny(a, layouts)
		to, ok2 := parseAny(b, layouts)
		if ok1 && ok2 && !to.Before(from) {
			return from, to, true
		}
	}
	return time.Time{}, time.Time{}, false
}

func parseAny(s string, layouts []string) (time.Time, bool) {
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// looksLikeTitle tells a title line from a header or data line where no
// header was found: one field, or a line that names a report type or the
// days it covers.
func looksLikeTitle(text string, fields []string, reports Reports) bool {
	if len(fields) == 1 {
		return true
	}
	if raw, _ := reports.FromTitle(text); raw != "" {
		return true
	}
	_, _, dated := titleCoverage(text)
	return dated
}
