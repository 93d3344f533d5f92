package reportfile

import (
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// dataFeedName matches "<tag>-<type>-report[-subtags]-YYYYMMDD.<ext>".
var dataFeedName = regexp.MustCompile(`^(.+?)-([a-z][a-z0-9-]*?)-report(-subtags)?-(\d{8})(\.|$)`)

// feeName matches Associates Central names: "Fee-Earnings", "Fee-DailyTrends".
var feeName = regexp.MustCompile(`(?i)fee-([a-z]+)`)

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

// titleWords match a report type named in words ("Earnings Report", "Orders
// report") and a title that says its rows carry subtags ("(Sub Tags)").
var (
	titleWords   = regexp.MustCompile(`(?i)\b(earnings|orders|tracking|bounty|bounties)\s+reports?\b`)
	titleSubtags = regexp.MustCompile(`(?i)\bsub[\s_-]?tags?\b`)
)

// nameInfo is what a file's name says.
type nameInfo struct {
	rawType string
	subtags bool
	day     time.Time
}

func infoFromName(name string) nameInfo {
	base := path.Base(strings.ReplaceAll(name, "#", "/"))
	if m := dataFeedName.FindStringSubmatch(strings.ToLower(base)); m != nil {
		info := nameInfo{rawType: m[2], subtags: m[3] != ""}
		if d, err := time.Parse("20060102", m[4]); err == nil {
			info.day = d
		}
		return info
	}
	if m := feeName.FindStringSubmatch(name); m != nil {
		return nameInfo{rawType: "Fee-" + m[1]}
	}
	return nameInfo{}
}

// reportOf maps a raw type ("earnings", "Fee-Earnings") to a report type.
func reportOf(raw string) model.ReportType {
	switch strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(raw, "Fee-"), "fee-")) {
	case "earnings":
		return model.ReportEarnings
	case "orders":
		return model.ReportOrders
	case "tracking":
		return model.ReportTracking
	case "bounty", "bounties":
		return model.ReportBounty
	}
	return ""
}

// reportOfHeader guesses a report type from the columns alone.
func reportOfHeader(h *header) (model.ReportType, string) {
	switch {
	case h.has("asin", "commission"):
		return model.ReportEarnings, "earnings"
	case h.has("asin", "quantity") || h.has("asin", "indirect"):
		return model.ReportOrders, "orders"
	case h.has("clicks", "tracking_id") && !h.has("asin"):
		return model.ReportTracking, "tracking"
	case h.has("name", "commission") && !h.has("asin") && !h.has("clicks"):
		return model.ReportBounty, "bounty"
	case h.has("link_type", "clicks"):
		return "", "Fee-LinkType"
	case h.has("date", "clicks"):
		return "", "Fee-DailyTrends"
	}
	return "", ""
}

// titleType is the report type a title line names: a file name inside it
// ("Fee-Orders reports from …") or words ("Earnings Report (Sub Tags) …");
// subtags tells that it says its rows carry subtags.
func titleType(title string) (raw string, subtags bool) {
	if info := infoFromName(title); info.rawType != "" {
		return info.rawType, info.subtags || titleSubtags.MatchString(title)
	}
	if m := titleWords.FindStringSubmatch(title); m != nil {
		raw = strings.ToLower(m[1])
		if raw == "bounties" {
			raw = "bounty"
		}
		return raw, titleSubtags.MatchString(title)
	}
	return "", false
}

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
func looksLikeTitle(text string, fields []string) bool {
	if len(fields) == 1 {
		return true
	}
	if raw, _ := titleType(text); raw != "" {
		return true
	}
	_, _, dated := titleCoverage(text)
	return dated
}
