package reportfile

import (
	"strings"
	"unicode"
)

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

// parseHeader maps a header row by a network's report columns, a column
// standing in for one the header lacks.
func parseHeader(fields []string, reports Reports) *header {
	h := parseHeaderWith(fields, reports.Aliases())
	for col, standIn := range reports.StandIns() {
		if i, ok := h.index[standIn]; ok {
			if _, has := h.index[col]; !has {
				h.index[col] = i
				h.columns = append(h.columns, col)
			}
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
