package money

import (
	"math"
	"testing"
)

func TestFormatMinor(t *testing.T) {
	tests := []struct {
		minor int64
		exp   int
		want  string
	}{
		{1234, 2, "12.34"},
		{-60, 2, "-0.60"},
		{0, 2, "0.00"},
		{5, 2, "0.05"},
		{-5, 2, "-0.05"},
		{100, 2, "1.00"},
		{1234, 0, "1234"},
		{-1234, 0, "-1234"},
		{-1, 3, "-0.001"},
		{math.MinInt64, 2, "-92233720368547758.08"},
		{math.MaxInt64, 2, "92233720368547758.07"},
		{math.MaxInt64, 18, "9.223372036854775807"},
	}
	for _, tc := range tests {
		if got := FormatMinor(tc.minor, tc.exp); got != tc.want {
			t.Errorf("FormatMinor(%d, %d) = %q, want %q", tc.minor, tc.exp, got, tc.want)
		}
	}
}

// FormatMinor → ParseMinor(…, HintDot) is exact over the whole int64 range,
// including the edges and numbers whose text looks grouped ("1.234").
func TestFormatParseRoundTrip(t *testing.T) {
	values := []int64{0, 1, -1, 9, 10, 99, 100, 1234, -1234, 123456, 1000000, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1}
	for v := int64(1); v > 0 && v < math.MaxInt64/7; v = v*7 + 3 {
		values = append(values, v, -v)
	}
	for exp := 0; exp <= maxExponent; exp++ {
		for _, v := range values {
			s := FormatMinor(v, exp)
			back, err := ParseMinor(s, exp, HintDot)
			if err != nil || back != v {
				t.Errorf("exponent %d: %d → %q → %d, %v", exp, v, s, back, err)
			}
		}
	}
}

func TestAmountString(t *testing.T) {
	tests := []struct {
		a    Amount
		want string
	}{
		{Amount{1234, "USD"}, "12.34 USD"},
		{Amount{-60, "EUR"}, "-0.60 EUR"},
		{Amount{1234, "JPY"}, "1234 JPY"},
		{Amount{1234, "KWD"}, "1.234 KWD"},
		{Amount{1234, "ZZZ"}, "12.34 ZZZ"},
	}
	for _, tc := range tests {
		if got := tc.a.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.a, got, tc.want)
		}
	}
}

func TestFormatIn(t *testing.T) {
	for _, tc := range []struct {
		minor    int64
		currency string
		want     string
	}{{1234, "USD", "12.34"}, {1234, "JPY", "1234"}, {-60, "eur", "-0.60"}, {5, "KWD", "0.005"}, {1234, "XYZ", "12.34"}} {
		if got := FormatIn(tc.minor, tc.currency); got != tc.want {
			t.Errorf("FormatIn(%d, %s) = %q, want %q", tc.minor, tc.currency, got, tc.want)
		}
	}
}
