package ingest

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

// titleRange matches "Fee-Orders reports from 12-01-2020 to 12-31-2020".
var titleRange = regexp.MustCompile(`(?i)from\s+(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4})\s+to\s+(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4})`)

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

// titleCoverage reads the date range of a title line. Dates are MM-DD-YYYY
// (the US download) unless only DD-MM-YYYY makes sense, or ISO.
func titleCoverage(title string) (time.Time, time.Time, bool) {
	m := titleRange.FindStringSubmatch(title)
	if m == nil {
		return time.Time{}, time.Time{}, false
	}
	for _, layouts := range [][]string{{"01-02-2006", "01/02/2006", "01.02.2006"}, {"02-01-2006", "02/01/2006", "02.01.2006"}, {"2006-01-02", "2006/01/02"}} {
		from, ok1 := parseAny(m[1], layouts)
		to, ok2 := parseAny(m[2], layouts)
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

// looksLikeTitle tells a title line from a header or data line.
func looksLikeTitle(fields []string) bool {
	if len(fields) == 1 {
		return true
	}
	joined := strings.ToLower(strings.Join(fields, " "))
	return strings.Contains(joined, "reports from") || strings.HasPrefix(joined, "fee-")
}
