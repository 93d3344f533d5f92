package reportfile

import (
	"strings"
	"unicode"
)

// aliases maps normalised header names (lower case, letters and digits only,
// a trailing "(…)" removed) of every flavour in FORMATS.md to one canonical
// name: DataFeed TSV (§2), Associates Central CSV/TSV/XLSX (§3) and the XML
// attributes. An empty canonical name is a column accepted and ignored.
//
// Choices per report type, where names mean different things:
//   - tracking_id: "Tracking ID", "Tag" (Central orders, XML), "Tracking Id"
//     (bounty); "Associate ID" only where no tracking ID column exists
//     (DataFeed tracking), see parseHeader.
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

// currencySuffixes are header suffixes like "Price($)" and the currency they
// name. "$" says USD here; the normaliser accepts it on any dollar market.
var currencySuffixes = map[string]string{
	"$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
	"¥": "JPY", "￥": "JPY", "jpy": "JPY", "rs.": "INR", "rs": "INR", "₹": "INR", "inr": "INR",
	"c$": "CAD", "cdn$": "CAD", "a$": "AUD", "r$": "BRL", "mx$": "MXN", "kr": "SEK", "zł": "PLN",
}

// normaliseHeader splits "Price($)" into the key "price" and the suffix "$".
func normaliseHeader(h string) (key, suffix string) {
	h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	if i := strings.LastIndexByte(h, '('); i > 0 && strings.HasSuffix(h, ")") {
		suffix = strings.ToLower(strings.TrimSpace(h[i+1 : len(h)-1]))
		h = h[:i]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String(), suffix
}

// header maps a header row to canonical columns. known counts the columns
// recognised, which tells a header from a title or data line.
type header struct {
	index        map[string]int // canonical name → 0-based field index
	raw          []string       // the file's own header names
	columns      []string
	currencyHint string
	hintColumn   int // 1-based
	known        int
	dates        []string // canonical columns holding dates
	numbers      []string // canonical columns holding amounts, counts or rates
}

func parseHeader(fields []string) *header {
	h := parseHeaderWith(fields, aliases)
	// Associate ID is the tracking ID where no Tracking ID column exists
	// (DataFeed tracking reports); beside one it is only the account.
	if i, ok := h.index["associate_id"]; ok {
		if _, has := h.index["tracking_id"]; !has {
			h.index["tracking_id"] = i
			h.columns = append(h.columns, "tracking_id")
		}
	}
	return h
}

// parseHeaderWith maps a header row by one alias table.
func parseHeaderWith(fields []string, aliases map[string]string) *header {
	h := &header{index: map[string]int{}, raw: make([]string, len(fields))}
	for i, f := range fields {
		h.raw[i] = strings.TrimSpace(strings.TrimPrefix(f, "\ufeff"))
		key, suffix := normaliseHeader(f)
		canon, ok := aliases[key]
		if !ok || canon == "" {
			continue
		}
		if c := currencySuffixes[suffix]; c != "" && h.currencyHint == "" {
			h.currencyHint, h.hintColumn = c, i+1
		}
		if _, dup := h.index[canon]; dup {
			continue // the first of two columns with one meaning wins
		}
		h.index[canon] = i
		h.columns = append(h.columns, canon)
		h.known++
	}
	return h
}

func (h *header) has(cols ...string) bool {
	for _, c := range cols {
		if _, ok := h.index[c]; !ok {
			return false
		}
	}
	return true
}

// indexes are the 0-based fields of those of cols the header has.
func (h *header) indexes(cols []string) []int {
	var out []int
	for _, c := range cols {
		if i, ok := h.index[c]; ok {
			out = append(out, i)
		}
	}
	return out
}

// row makes a Row of fields under this header.
func (h *header) row(line int, fields []string) Row {
	return Row{Line: line, fields: fields, h: h}
}
