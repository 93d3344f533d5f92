package amazon

import (
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/money"
)

// TestConnectionMarketplace: an explicit currency is what the transactions
// are in, a marketplace implies its currency only when none is given, and a
// marketplace contradicting the currency is refused (SPEC §3.5).
func TestConnectionMarketplace(t *testing.T) {
	for _, tc := range []struct {
		host, currency       string
		wantHost, wantCur    string
		dayFirst, commaPoint bool
		err                  string
	}{
		{"", "", "www.amazon.com", "USD", false, false, ""},
		{"", "GBP", "www.amazon.co.uk", "GBP", true, false, ""},
		{"", " gbp ", "www.amazon.co.uk", "GBP", true, false, ""},
		{"", "EUR", "www.amazon.de", "EUR", true, true, ""},
		{"", "JPY", "www.amazon.co.jp", "JPY", false, false, ""},
		{"", "USD", "www.amazon.com", "USD", false, false, ""},
		{"www.amazon.fr", "", "www.amazon.fr", "EUR", true, true, ""},
		{"amazon.ie", "EUR", "www.amazon.ie", "EUR", true, false, ""},
		{"www.amazon.co.uk", "GBP", "www.amazon.co.uk", "GBP", true, false, ""},
		{"www.amazon.com", "GBP", "", "", false, false,
			"marketplace www.amazon.com sells in USD, not in the currency given, GBP: give currency USD, or give the marketplace that sells in GBP (www.amazon.co.uk) or leave it out"},
		{"www.amazon.de", "USD", "", "", false, false, "marketplace www.amazon.de sells in EUR, not in the currency given, USD"},
		{"", "CHF", "", "", false, false, "no Amazon marketplace sells in CHF"},
		{"", "XYZ", "", "", false, false, `currency "XYZ" is not an ISO 4217 code`},
		{"www.amazon.example", "", "", "", false, false, `marketplace "www.amazon.example" is not an Amazon marketplace`},
	} {
		m, err := ConnectionMarketplace(tc.host, tc.currency)
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("%q %q: %v, want an error %q…", tc.host, tc.currency, err, tc.err)
			}
			continue
		}
		if err != nil || m.Host != tc.wantHost || m.Currency != tc.wantCur || m.DayFirst != tc.dayFirst || (m.Decimal == money.HintComma) != tc.commaPoint {
			t.Errorf("%q %q: %+v %v; want %s %s day first %v comma %v", tc.host, tc.currency, m, err, tc.wantHost, tc.wantCur, tc.dayFirst, tc.commaPoint)
		}
	}
}

// TestStoredMarketplace: a connection stored before contradictions were
// refused keeps its explicit currency, read in its home marketplace's forms.
func TestStoredMarketplace(t *testing.T) {
	for _, tc := range []struct{ host, currency, wantHost, wantCur string }{
		{"", "", "www.amazon.com", "USD"},
		{"www.amazon.de", "", "www.amazon.de", "EUR"},
		{"www.amazon.de", "EUR", "www.amazon.de", "EUR"},
		{"www.amazon.com", "GBP", "www.amazon.co.uk", "GBP"},
		{"www.amazon.com", "EUR", "www.amazon.de", "EUR"},
		{"www.amazon.com", "CHF", "www.amazon.com", "CHF"},
	} {
		m, err := StoredMarketplace(tc.host, tc.currency)
		if err != nil || m.Host != tc.wantHost || m.Currency != tc.wantCur {
			t.Errorf("%q %q: %+v %v; want %s %s", tc.host, tc.currency, m, err, tc.wantHost, tc.wantCur)
		}
	}
	if _, err := StoredMarketplace("www.amazon.example", ""); err == nil {
		t.Error("an unknown marketplace is no error")
	}
}
