package money

import "testing"

func TestLookupCurrency(t *testing.T) {
	tests := []struct {
		code string
		want Currency
		ok   bool
	}{
		{"USD", Currency{"USD", 2}, true},
		{"usd", Currency{"USD", 2}, true},
		{" Eur ", Currency{"EUR", 2}, true},
		{"GBP", Currency{"GBP", 2}, true},
		{"CAD", Currency{"CAD", 2}, true},
		{"JPY", Currency{"JPY", 0}, true},
		{"jpy", Currency{"JPY", 0}, true},
		{"KRW", Currency{"KRW", 0}, true},
		{"INR", Currency{"INR", 2}, true},
		{"AUD", Currency{"AUD", 2}, true},
		{"MXN", Currency{"MXN", 2}, true},
		{"BRL", Currency{"BRL", 2}, true},
		{"SEK", Currency{"SEK", 2}, true},
		{"PLN", Currency{"PLN", 2}, true},
		{"TRY", Currency{"TRY", 2}, true},
		{"AED", Currency{"AED", 2}, true},
		{"SAR", Currency{"SAR", 2}, true},
		{"SGD", Currency{"SGD", 2}, true},
		{"EGP", Currency{"EGP", 2}, true},
		{"CHF", Currency{"CHF", 2}, true},
		{"CNY", Currency{"CNY", 2}, true},
		{"NZD", Currency{"NZD", 2}, true},
		{"ZAR", Currency{"ZAR", 2}, true},
		{"KWD", Currency{"KWD", 3}, true},
		{"XXX", Currency{}, false},
		{"", Currency{}, false},
		{"US", Currency{}, false},
	}
	for _, tc := range tests {
		got, ok := LookupCurrency(tc.code)
		if got != tc.want || ok != tc.ok {
			t.Errorf("LookupCurrency(%q) = %+v, %v; want %+v, %v", tc.code, got, ok, tc.want, tc.ok)
		}
	}
}
