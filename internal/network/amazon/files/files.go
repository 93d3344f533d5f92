// Package files is what Amazon's report files look like, for
// internal/reportfile to read them: the column aliases of every flavour in
// FORMATS.md, and how a file's name, title or columns say which report it
// is. It implements reportfile.Reports without importing it, so that the
// reader's own tests can read Amazon's files through it.
package files

import (
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// Reports is Amazon's reportfile.Reports.
type Reports struct{}

// aliases maps normalised header names (lower case, letters and digits only,
// a trailing "(…)" removed) of every flavour in FORMATS.md to one canonical
// name: DataFeed TSV (§2), Associates Central CSV/TSV/XLSX (§3) and the XML
// attributes. An empty canonical name is a column accepted and ignored.
//
// Choices per report type, where names mean different things:
//   - tracking_id: "Tracking ID", "Tag" (Central orders, XML), "Tracking Id"
//     (bounty); "Associate ID" only where no tracking ID column exists
//     (DataFeed tracking), see StandIns.
//   - date: "Date Shipped" (earnings, bounty), "Date Ordered" (orders),
//     "Date" (Central orders, XML, DailyTrends); XML "EDate" is "epoch".
//   - quantity: "Quantity" (DataFeed earnings, signed; bounty), "Qty" (Central
//     orders, XML), "Total Ordered Quantity" (DataFeed orders). Earnings from
//     Central carry "Items Shipped" and "Returns" instead; the normaliser
//     nets them (items_shipped − returns).
//   - revenue: "Revenue", "Shipped Revenue" (DataFeed tracking);
//     "Ordered Revenue" is kept apart as ordered_revenue.
//   - commission: "Earnings" (DataFeed, XML), "Ad Fees" (Central),
//     "Shipped Earnings" (DataFeed tracking). "Referral Fees" (DataFeed
//     tracking) is kept apart as referral_fees.
//   - direct: "Direct Sale", "Direct" (Y/N); indirect: "Indirect Sales",
//     "Orders through product links" (DI/NDI).
//   - clicks: "Clicks"; direct_clicks: "Direct Clicks" (DataFeed orders).
var aliases = map[string]string{
	"category": "category", "productline": "category", "productgroup": "category",
	"name": "name", "item": "name", "title": "name", "productname": "name", "bountyname": "name", "itemname": "name",
	"asin": "asin", "isbn": "asin",
	"seller":     "seller",
	"trackingid": "tracking_id", "tag": "tracking_id",
	"associateid": "associate_id",
	"date":        "date", "dateshipped": "date", "dateordered": "date", "shipdate": "date", "orderdate": "date",
	"edate":           "epoch",
	"price":           "price",
	"referralfeerate": "rate", "rate": "rate", "commissionrate": "rate",
	"quantity": "quantity", "qty": "quantity", "totalorderedquantity": "quantity",
	"itemsshipped": "items_shipped",
	"itemsordered": "items_ordered", "totalitemsordered": "items_ordered",
	"returns": "returns", "itemsreturned": "returns",
	"revenue": "revenue", "shippedrevenue": "revenue",
	"orderedrevenue": "ordered_revenue",
	"earnings":       "commission", "adfees": "commission", "shippedearnings": "commission",
	"referralfees":    "referral_fees",
	"subtag":          "subtag",
	"devicetypegroup": "device", "device": "device",
	"linktype":   "link_type",
	"directsale": "direct", "direct": "direct",
	"indirectsales": "indirect", "ordersthroughproductlinks": "indirect",
	"clicks": "clicks", "directclicks": "direct_clicks",
	"conversion": "conversion", "directconversionpercentage": "conversion",
	"directorderedquantity": "direct_quantity", "indirectorderedquantity": "indirect_quantity",
	"dqty": "direct_quantity", "nqty": "indirect_quantity",
	"rownumber": "", "rowsinfile": "", // listed by two public schemas; carry nothing
}

// Aliases are the header names of every flavour of Amazon's reports.
func (Reports) Aliases() map[string]string { return aliases }

// StandIns: Associate ID is the tracking ID where no Tracking ID column
// exists (DataFeed tracking reports); beside one it is only the account.
func (Reports) StandIns() map[string]string { return map[string]string{"tracking_id": "associate_id"} }

// Dates are the report columns holding dates.
func (Reports) Dates() []string { return []string{"date"} }

// numbers are the report columns holding amounts, counts or rates.
var numbers = []string{"price", "rate", "quantity", "items_shipped", "items_ordered", "returns", "revenue", "ordered_revenue",
	"commission", "referral_fees", "clicks", "direct_clicks", "direct_quantity", "indirect_quantity"}

// Numbers are the report columns holding amounts, counts or rates.
func (Reports) Numbers() []string { return numbers }

// Expect names columns of Amazon's downloads, for a file without a header.
func (Reports) Expect() string { return "expected columns like ASIN, Date Shipped, Ad Fees" }

// Sheet tells an Associates Central report sheet ("Fee-Earnings"): row 1
// the title, row 2 the header.
func (Reports) Sheet(name string) bool { return strings.HasPrefix(strings.ToLower(name), "fee-") }

// dataFeedName matches "<tag>-<type>-report[-subtags]-YYYYMMDD.<ext>".
var dataFeedName = regexp.MustCompile(`^(.+?)-([a-z][a-z0-9-]*?)-report(-subtags)?-(\d{8})(\.|$)`)

// feeName matches Associates Central names: "Fee-Earnings", "Fee-DailyTrends".
var feeName = regexp.MustCompile(`(?i)fee-([a-z]+)`)

// FromName reads a DataFeed name ("shop-20-earnings-report-subtags-20261002.tsv")
// or an Associates Central one ("Fee-Earnings"); a "#" (an XLSX sheet) is
// read as a path separator.
func (Reports) FromName(name string) (raw string, subtags bool, day time.Time) {
	base := path.Base(strings.ReplaceAll(name, "#", "/"))
	if m := dataFeedName.FindStringSubmatch(strings.ToLower(base)); m != nil {
		if d, err := time.Parse("20060102", m[4]); err == nil {
			day = d
		}
		return m[2], m[3] != "", day
	}
	if m := feeName.FindStringSubmatch(name); m != nil {
		return "Fee-" + m[1], false, time.Time{}
	}
	return "", false, time.Time{}
}

// titleWords match a report type named in words ("Earnings Report", "Orders
// report") and a title that says its rows carry subtags ("(Sub Tags)").
var (
	titleWords   = regexp.MustCompile(`(?i)\b(earnings|orders|tracking|bounty|bounties)\s+reports?\b`)
	titleSubtags = regexp.MustCompile(`(?i)\bsub[\s_-]?tags?\b`)
)

// FromTitle is the report type a title line names: a file name inside it
// ("Fee-Orders reports from …") or words ("Earnings Report (Sub Tags) …").
func (r Reports) FromTitle(title string) (raw string, subtags bool) {
	if raw, subtags, _ := r.FromName(title); raw != "" {
		return raw, subtags || titleSubtags.MatchString(title)
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

// Type maps a raw type ("earnings", "Fee-Earnings") to a report type.
func (Reports) Type(raw string) model.ReportType {
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

// ofColumns guesses a report type from the columns alone.
func ofColumns(has func(cols ...string) bool) (model.ReportType, string) {
	switch {
	case has("asin", "commission"):
		return model.ReportEarnings, "earnings"
	case has("asin", "quantity") || has("asin", "indirect"):
		return model.ReportOrders, "orders"
	case has("clicks", "tracking_id") && !has("asin"):
		return model.ReportTracking, "tracking"
	case has("name", "commission") && !has("asin") && !has("clicks"):
		return model.ReportBounty, "bounty"
	case has("link_type", "clicks"):
		return "", "Fee-LinkType"
	case has("date", "clicks"):
		return "", "Fee-DailyTrends"
	}
	return "", ""
}

// Classify: a subtag column says the rows carry subtags; a table whose name
// and title named no type is typed by its columns; and a tracking table
// without a date column over more than one day (the Associates Central
// summary per tracking ID) has no daily figures: it is listed, not
// imported, so it never stands in for the daily reports.
func (Reports) Classify(report model.ReportType, raw string, subtags, oneDay bool, has func(cols ...string) bool) (model.ReportType, string, bool) {
	if has("subtag") {
		subtags = true
	}
	if report == "" {
		rt, r := ofColumns(has)
		report = rt
		if raw == "" {
			raw = r
		}
	}
	if report == model.ReportTracking && !has("date") && !has("epoch") && !oneDay {
		report = ""
		if raw == "" || raw == "tracking" {
			raw = "tracking-summary"
		}
	}
	return report, raw, subtags
}
