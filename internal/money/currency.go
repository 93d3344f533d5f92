// Package money holds exact amounts: int64 minor units of an ISO 4217
// currency, never floating point, and the parsing of amounts as reports
// write them in every locale.
package money

import "strings"

// Currency is an ISO 4217 currency with its exponent (minor-unit digits).
type Currency struct {
	Code     string
	Exponent int
}

// currencies lists the ISO 4217 currencies affsync knows: every Amazon
// marketplace's and the common others.
var currencies = map[string]int{
	"USD": 2, "GBP": 2, "EUR": 2, "CAD": 2, "JPY": 0, "INR": 2, "AUD": 2, "MXN": 2, "BRL": 2, "SEK": 2, "PLN": 2,
	"TRY": 2, "AED": 2, "SAR": 2, "SGD": 2, "EGP": 2, "CHF": 2, "CNY": 2, "NZD": 2, "ZAR": 2, "KRW": 0, "DKK": 2,
	"NOK": 2, "CZK": 2, "HUF": 2, "HKD": 2, "ILS": 2, "THB": 2, "MYR": 2, "IDR": 2, "PHP": 2, "CLP": 0, "COP": 2,
	"ARS": 2, "VND": 0, "ISK": 0, "KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "TND": 3, "RON": 2, "BGN": 2, "TWD": 2,
}

// LookupCurrency finds a currency by its code, in any letter case.
func LookupCurrency(code string) (Currency, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	exp, ok := currencies[code]
	if !ok {
		return Currency{}, false
	}
	return Currency{Code: code, Exponent: exp}, true
}
