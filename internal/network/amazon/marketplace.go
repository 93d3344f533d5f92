// Package amazon turns Amazon Associates report rows into facts, and (in
// its subpackages) talks to Amazon and simulates it.
package amazon

import (
	"strings"

	"github.com/affsync/affsync/internal/money"
)

// Marketplace is an Amazon store: its program name, currency and how its
// reports write numbers and dates.
type Marketplace struct {
	Host     string // "www.amazon.de"
	Program  string // "amazon.de"
	Currency string
	Decimal  money.DecimalHint
	DayFirst bool // dates like 02/10/2026 are day first
}

var marketplaces = []Marketplace{
	{"www.amazon.com", "amazon.com", "USD", money.HintDot, false},
	{"www.amazon.ca", "amazon.ca", "CAD", money.HintDot, false},
	{"www.amazon.com.mx", "amazon.com.mx", "MXN", money.HintDot, true},
	{"www.amazon.com.br", "amazon.com.br", "BRL", money.HintComma, true},
	{"www.amazon.co.uk", "amazon.co.uk", "GBP", money.HintDot, true},
	// Ireland (2025): English-language reports written as the UK's (day-first
	// dates, decimal point), amounts in euros.
	{"www.amazon.ie", "amazon.ie", "EUR", money.HintDot, true},
	{"www.amazon.de", "amazon.de", "EUR", money.HintComma, true},
	{"www.amazon.fr", "amazon.fr", "EUR", money.HintComma, true},
	{"www.amazon.it", "amazon.it", "EUR", money.HintComma, true},
	{"www.amazon.es", "amazon.es", "EUR", money.HintComma, true},
	{"www.amazon.nl", "amazon.nl", "EUR", money.HintComma, true},
	{"www.amazon.com.be", "amazon.com.be", "EUR", money.HintComma, true},
	{"www.amazon.se", "amazon.se", "SEK", money.HintComma, true},
	{"www.amazon.pl", "amazon.pl", "PLN", money.HintComma, true},
	{"www.amazon.com.tr", "amazon.com.tr", "TRY", money.HintComma, true},
	{"www.amazon.ae", "amazon.ae", "AED", money.HintDot, true},
	{"www.amazon.sa", "amazon.sa", "SAR", money.HintDot, true},
	{"www.amazon.sg", "amazon.sg", "SGD", money.HintDot, true},
	{"www.amazon.eg", "amazon.eg", "EGP", money.HintDot, true},
	{"www.amazon.co.jp", "amazon.co.jp", "JPY", money.HintDot, false},
	{"www.amazon.in", "amazon.in", "INR", money.HintDot, true},
	{"www.amazon.com.au", "amazon.com.au", "AUD", money.HintDot, true},
}

// LookupMarketplace finds a marketplace by host ("www.amazon.de", "amazon.de").
func LookupMarketplace(host string) (Marketplace, bool) {
	h := strings.ToLower(strings.TrimSpace(host))
	h = strings.TrimPrefix(strings.TrimPrefix(h, "https://"), "http://")
	h = strings.TrimSuffix(h, "/")
	if !strings.HasPrefix(h, "www.") {
		h = "www." + h
	}
	for _, m := range marketplaces {
		if m.Host == h {
			return m, true
		}
	}
	return Marketplace{}, false
}
