// Package amazon is the Amazon Associates network (internal/network): its
// connectors, account and typed settings (network.go), its marketplaces,
// and its report rows turned into facts (normalise*.go); its subpackages
// talk to Amazon (transport) and simulate it (sim).
package amazon

import (
	"fmt"
	"slices"
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

// DefaultMarketplace is the marketplace of a connection that names neither
// a marketplace nor a currency.
const DefaultMarketplace = "www.amazon.com"

// euroHome is the marketplace that --currency EUR alone stands for: the
// largest of the euro stores, whose reports (decimal comma, day first) are
// written as the other continental ones are.
const euroHome = "www.amazon.de"

// HomeMarketplace is the marketplace that sells in a currency: the only one,
// or for the euro, which seven share, amazon.de.
func HomeMarketplace(currency string) (Marketplace, bool) {
	if currency == "EUR" {
		return LookupMarketplace(euroHome)
	}
	for _, m := range marketplaces {
		if m.Currency == currency {
			return m, true
		}
	}
	return Marketplace{}, false
}

// ConnectionMarketplace decides the marketplace of a new connection from
// what a person gave (SPEC §3.5): an explicit currency is what the
// transactions are in, a marketplace implies its currency only when none is
// given, and a marketplace that sells in another currency than the given
// one is refused. With only a currency, the marketplace is the currency's
// home, so the reports' number and date forms follow it (GBP reads UK
// files: day-first dates). The error is a sentence for the person.
func ConnectionMarketplace(host, currency string) (Marketplace, error) {
	host, currency = strings.TrimSpace(host), strings.ToUpper(strings.TrimSpace(currency))
	if currency != "" {
		if _, ok := money.LookupCurrency(currency); !ok {
			return Marketplace{}, fmt.Errorf("currency %q is not an ISO 4217 code", currency)
		}
	}
	switch {
	case host == "" && currency == "":
		host = DefaultMarketplace
	case host == "":
		m, ok := HomeMarketplace(currency)
		if !ok {
			return Marketplace{}, fmt.Errorf("no Amazon marketplace sells in %s; Amazon reports are in the marketplace's currency (%s)", currency, currencyList())
		}
		return m, nil
	}
	m, ok := LookupMarketplace(host)
	if !ok {
		return Marketplace{}, fmt.Errorf("marketplace %q is not an Amazon marketplace affsync knows (e.g. www.amazon.com, www.amazon.co.uk, www.amazon.de)", host)
	}
	if currency != "" && currency != m.Currency {
		fix := "leave the marketplace out"
		if home, ok := HomeMarketplace(currency); ok {
			fix = fmt.Sprintf("give the marketplace that sells in %s (%s) or leave it out", currency, home.Host)
		}
		return Marketplace{}, fmt.Errorf("marketplace %s sells in %s, not in the currency given, %s: give currency %s, or %s",
			m.Host, m.Currency, currency, m.Currency, fix)
	}
	return m, nil
}

// StoredMarketplace is the marketplace a stored connection's files are read
// in: its settings' marketplace, in the connection's currency. A connection
// stored before ConnectionMarketplace refused contradictions may hold a
// currency its (then default) marketplace does not sell in: its currency
// was the explicit choice, so it wins and its home marketplace's forms
// apply.
func StoredMarketplace(host, currency string) (Marketplace, error) {
	if host == "" {
		host = DefaultMarketplace
	}
	m, ok := LookupMarketplace(host)
	if !ok {
		return Marketplace{}, fmt.Errorf("unknown marketplace %q", host)
	}
	if currency == "" || currency == m.Currency {
		return m, nil
	}
	if home, ok := HomeMarketplace(currency); ok {
		return home, nil
	}
	m.Currency = currency
	return m, nil
}

// currencyList names the currencies of the marketplaces, for messages.
func currencyList() string {
	var out []string
	for _, m := range marketplaces {
		if !slices.Contains(out, m.Currency) {
			out = append(out, m.Currency)
		}
	}
	return strings.Join(out, ", ")
}
