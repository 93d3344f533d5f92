package money

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseMinor(t *testing.T) {
	tests := []struct {
		in   string
		exp  int
		hint DecimalHint
		want int64
		err  error
	}{
		// The forms reports use.
		{"1,234.56", 2, HintNone, 123456, nil},
		{"1.234,56", 2, HintNone, 123456, nil},
		{"-0,60", 2, HintNone, -60, nil},
		{"0,00", 2, HintNone, 0, nil},
		{"0.60", 2, HintNone, 60, nil},
		{"12,34", 2, HintNone, 1234, nil},
		{"$12.34", 2, HintNone, 1234, nil},
		{"12,34 €", 2, HintNone, 1234, nil},
		{"12,34\u00a0€", 2, HintNone, 1234, nil},
		{"£1,000", 2, HintDot, 100000, nil},
		{"¥1,234", 0, HintDot, 1234, nil},
		{"￥1,234", 0, HintDot, 1234, nil},
		{"Rs. 1,234.50", 2, HintNone, 123450, nil},
		{"₹1,23,456.00", 2, HintNone, 12345600, nil},
		{"R$ 1.234,56", 2, HintNone, 123456, nil},
		{"USD 12.34", 2, HintNone, 1234, nil},
		{"12.34 USD", 2, HintNone, 1234, nil},
		{"12,50 kr", 2, HintNone, 1250, nil},
		{"€ -3,50", 2, HintNone, -350, nil},
		{"-$1.00", 2, HintNone, -100, nil},
		{"$-1.00", 2, HintNone, -100, nil},
		{"\u22121.00", 2, HintNone, -100, nil},
		{"(1.00)", 2, HintNone, -100, nil},
		{" (1.00) ", 2, HintNone, -100, nil},
		{"($1.00)", 2, HintNone, -100, nil},
		{"(1,00 €)", 2, HintNone, -100, nil},
		{"+1.5", 2, HintNone, 150, nil},
		{"1 234,56", 2, HintNone, 123456, nil},
		{"1\u00a0234,56", 2, HintNone, 123456, nil},
		{"1\u202f234,56", 2, HintNone, 123456, nil},
		{"1'234.56", 2, HintNone, 123456, nil},
		{"1\u2019234.56", 2, HintNone, 123456, nil},
		{"1 234 567", 2, HintNone, 123456700, nil},
		{"1,23,456.00", 2, HintNone, 12345600, nil},
		{"12,34,56,789", 0, HintNone, 123456789, nil},
		{"1,234,567", 2, HintNone, 123456700, nil},
		{"1.234.567,89", 2, HintNone, 123456789, nil},
		{"  7.99  ", 2, HintNone, 799, nil},
		{"\t7.99\n", 2, HintNone, 799, nil},
		{"1234", 0, HintNone, 1234, nil},
		{"12", 2, HintNone, 1200, nil},
		{".5", 2, HintNone, 50, nil},
		{"5.", 2, HintNone, 500, nil},
		{"007.50", 2, HintNone, 750, nil},
		{"-0.00", 2, HintNone, 0, nil},
		{"1234.5678", 4, HintNone, 12345678, nil},

		// One separator before exactly three digits: the hint decides.
		{"1,234", 2, HintNone, 0, ErrAmbiguous},
		{"1.234", 2, HintNone, 0, ErrAmbiguous},
		{"£1,000", 2, HintNone, 0, ErrAmbiguous},
		{"-123.456", 2, HintNone, 0, ErrAmbiguous},
		{"1,234", 2, HintDot, 123400, nil},
		{"1.234", 2, HintComma, 123400, nil},
		{"1.234", 3, HintDot, 1234, nil},
		{"1,234", 3, HintComma, 1234, nil},
		{"1.234", 2, HintDot, 0, ErrPrecision},
		{"1,234", 2, HintComma, 0, ErrPrecision},
		// ... unless the digits before cannot be a first group.
		{"0,600", 2, HintNone, 60, nil},
		{"1234,567", 3, HintNone, 1234567, nil},
		{"1 234,567", 3, HintNone, 1234567, nil},
		{",500", 2, HintNone, 50, nil},
		// A repeated separator groups, whatever the hint.
		{"1.234.567", 2, HintDot, 123456700, nil},

		// Precision.
		{"7.990", 2, HintDot, 799, nil},
		{"7.99000", 2, HintNone, 799, nil},
		{"7.991", 2, HintDot, 0, ErrPrecision},
		{"7.5", 0, HintNone, 0, ErrPrecision},
		{"7.0", 0, HintNone, 7, nil},
		{"1,23", 0, HintDot, 0, ErrPrecision},

		// Range.
		{"92233720368547758.07", 2, HintNone, math.MaxInt64, nil},
		{"92233720368547758.08", 2, HintNone, 0, ErrOverflow},
		{"-92233720368547758.08", 2, HintNone, math.MinInt64, nil},
		{"-92233720368547758.09", 2, HintNone, 0, ErrOverflow},
		{"99999999999999999999", 0, HintNone, 0, ErrOverflow},
		{"1", 18, HintNone, 1_000_000_000_000_000_000, nil},
		{"10", 18, HintNone, 0, ErrOverflow},

		// Not amounts.
		{"", 2, HintNone, 0, ErrSyntax},
		{"   ", 2, HintNone, 0, ErrSyntax},
		{"abc", 2, HintNone, 0, ErrSyntax},
		{"$", 2, HintNone, 0, ErrSyntax},
		{"-", 2, HintNone, 0, ErrSyntax},
		{".", 2, HintNone, 0, ErrSyntax},
		{",.", 2, HintNone, 0, ErrSyntax},
		{"1a2", 2, HintNone, 0, ErrSyntax},
		{"1e5", 2, HintNone, 0, ErrSyntax},
		{"1-2", 2, HintNone, 0, ErrSyntax},
		{"12.34-", 2, HintNone, 0, ErrSyntax},
		{"12 € 5", 2, HintNone, 0, ErrSyntax},
		{"7.51%", 2, HintNone, 0, ErrSyntax},
		{"1,2,3", 2, HintNone, 0, ErrSyntax},
		{"12,34.56,7", 2, HintNone, 0, ErrSyntax},
		{"1.2.3,4", 2, HintNone, 0, ErrSyntax},
		{"1,234,56", 2, HintNone, 0, ErrSyntax},
		{"1234,567.00", 2, HintNone, 0, ErrSyntax},
		{"123,45,678", 2, HintNone, 0, ErrSyntax},
		{"1,,234", 2, HintNone, 0, ErrSyntax},
		{"1 234.567,8", 2, HintNone, 0, ErrSyntax},
		{"1 23", 2, HintNone, 0, ErrSyntax},
		{"1.5.", 2, HintNone, 0, ErrSyntax},
		{"--1", 2, HintNone, 0, ErrSyntax},
		{"+-1", 2, HintNone, 0, ErrSyntax},
		{"-(1.00)", 2, HintNone, 0, ErrSyntax},
		{"((1.00))", 2, HintNone, 0, ErrSyntax},
		{"(1.00", 2, HintNone, 0, ErrSyntax},
		{"1.00)", 2, HintNone, 0, ErrSyntax},
		{"1#2", 2, HintNone, 0, ErrSyntax},
		{"١٢٣", 2, HintNone, 0, ErrSyntax},
	}
	for _, tc := range tests {
		got, err := ParseMinor(tc.in, tc.exp, tc.hint)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("ParseMinor(%q, %d, %d) = %d, %v; want error %v", tc.in, tc.exp, tc.hint, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseMinor(%q, %d, %d) = %d, %v; want %d", tc.in, tc.exp, tc.hint, got, err, tc.want)
		}
	}
}

// Every error names the input, so a bad row can be found in its file.
func TestParseMinorErrorsQuoteInput(t *testing.T) {
	for _, in := range []string{"", "1,234", "7.991", "1a2", "99999999999999999999.00", "1,2,3"} {
		_, err := ParseMinor(in, 2, HintNone)
		if err == nil {
			t.Fatalf("ParseMinor(%q) accepted", in)
		}
		if quoted := `"` + in + `"`; !strings.Contains(err.Error(), quoted) {
			t.Errorf("ParseMinor(%q) error %q does not quote the input", in, err)
		}
	}
}

func TestParseMinorBadExponent(t *testing.T) {
	for _, exp := range []int{-1, 19} {
		if _, err := ParseMinor("1", exp, HintNone); err == nil {
			t.Errorf("ParseMinor with exponent %d accepted", exp)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in, currency string
		hint         DecimalHint
		want         Amount
		err          error
	}{
		{"12,34", "eur", HintComma, Amount{1234, "EUR"}, nil},
		{"¥1,234", "JPY", HintDot, Amount{1234, "JPY"}, nil},
		{"1.5", "JPY", HintDot, Amount{}, ErrPrecision},
		{"1,000.500", "KWD", HintNone, Amount{1000500, "KWD"}, nil},
		{"1.00", "XXX", HintNone, Amount{}, ErrSyntax},
		{"", "USD", HintNone, Amount{}, ErrSyntax},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in, tc.currency, tc.hint)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("Parse(%q, %q) = %v, %v; want error %v", tc.in, tc.currency, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q, %q) = %+v, %v; want %+v", tc.in, tc.currency, got, err, tc.want)
		}
	}
}
